"""The board meeting workflow (id meeting-<id>). STUB: owned by the meeting helper."""
from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.meeting_messages import MeetingInput, MeetingResult


@workflow.defn
class MeetingWorkflow:
    @workflow.run
    async def run(self, inp: MeetingInput) -> MeetingResult:
        return MeetingResult(meeting_id=inp.meeting_id, final_phase="stub")
