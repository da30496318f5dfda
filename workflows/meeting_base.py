"""What the board's and the ALV's workflows share (a base class of MeetingSteps and AlvSteps).

Both run on the step loop (workflows/step_loop.py). The updates that mean the same in both
(submit_agenda, decide) live here, so the link pages and the inbox work on either workflow unchanged.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.meeting_activities import MeetingActivities
    from models.meeting_activity_messages import MeetingInfo, StoreAgenda, VersionStored
    from models.meeting_messages import SignoffDecision, SignoffDecisionResult, SubmitAgenda, SubmitAgendaResult
    from models.meeting_state import SignoffRound
    from workflows import meeting_checks as checks
    from workflows.signoff import file_decision, record_decision
    from workflows.step_loop import StepLoop


class ScheduledMeeting(StepLoop):
    s: Any  # MeetingState or AlvState: the fields used here are the same
    info: MeetingInfo | None

    def _round(self, purpose: str) -> SignoffRound:
        raise NotImplementedError

    async def _store_draft(self, fn: Callable[[Any, Any], Awaitable[VersionStored]], arg: Any,
                           version_field: str) -> SubmitAgendaResult:
        """Store a new version of a draft (agenda, minutes, decision list) and raise the state's version of it."""
        stored = await self._db(fn, arg)
        setattr(self.s, version_field, max(getattr(self.s, version_field), stored.version))
        self._changed()
        return SubmitAgendaResult(version=stored.version)

    def _check_cancel(self) -> None:
        checks.require_ready(self.info, self.s)
        checks.require_before_start(self.s, workflow.now())

    def _info(self) -> MeetingInfo:
        assert self.info is not None  # loaded by the run before any step; validators require it
        return self.info

    # --- a step shared by both workflows (`held` is the step loop's) ---------------------------

    async def _step_file_decision(self) -> None:
        await file_decision(self._send, self._mid, self.s.pending_decisions)

    # --- updates shared by both workflows ------------------------------------------------------

    @workflow.update
    async def submit_agenda(self, inp: SubmitAgenda) -> SubmitAgendaResult:
        return await self._store_draft(MeetingActivities.store_agenda, StoreAgenda(self._mid, inp), "agenda_version")

    @submit_agenda.validator
    def _validate_agenda(self, inp: SubmitAgenda) -> None:
        checks.check_agenda(checks.require_ready(self.info, self.s), self.s, workflow.now(), inp)

    @workflow.update
    async def decide(self, d: SignoffDecision) -> SignoffDecisionResult:
        result = record_decision(self._info(), self._round(d.purpose), self.s.pending_decisions, d)
        self._changed()  # the run loop files it: token, audit event, emails
        return result

    @decide.validator
    def _validate_decide(self, d: SignoffDecision) -> None:
        info = checks.require_ready(self.info, self.s)
        checks.check_decision(info, self.s, workflow.now(), d, self._round(d.purpose))
