"""The committed history of a full meeting must replay on today's workflow code.

A change to MeetingWorkflow that would break meetings already running (non-determinism) fails here.
Regenerate the file (RAADSBODE_RECORD_HISTORY=1 pytest tests/test_meeting_flow.py) only for a
deliberate change before any release.
"""
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.meeting import MeetingWorkflow

HISTORY = Path(__file__).parent / "histories" / "meeting_full_flow.json"


async def test_full_flow_history_replays():
    history = WorkflowHistory.from_json("meeting-full-flow", HISTORY.read_text())
    result = await Replayer(workflows=[MeetingWorkflow]).replay_workflow(history)
    assert result.replay_failure is None
