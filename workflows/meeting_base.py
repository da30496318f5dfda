"""What the board's and the ALV's workflows share (a base class of MeetingSteps and AlvSteps).

The run loop executes whichever scheduled step is due and otherwise sleeps until the next moment or
until an update changes the state; a step whose activity finally fails is tried again later instead of
failing the workflow. The updates that mean the same in both (submit_agenda, decide) live here, so the
link pages and the inbox work on either workflow unchanged.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.meeting_activities import MeetingActivities
    from models.meeting_activity_messages import MeetingInfo, StatusChange, StoreAgenda, VersionStored
    from models.meeting_messages import SignoffDecision, SignoffDecisionResult, SubmitAgenda, SubmitAgendaResult
    from models.meeting_state import SignoffRound
    from workflows import meeting_checks as checks
    from workflows.activity_calls import ActivityCalls
    from workflows.signoff import file_decision, record_decision

STEP_RETRY_DELAY = timedelta(minutes=10)


class ScheduledMeeting(ActivityCalls):
    s: Any  # MeetingState or AlvState: the fields used here are the same
    info: MeetingInfo | None
    _lock: asyncio.Lock
    _retry_at: datetime | None
    _wake: bool
    LOG_NAME = "meeting"

    # --- what each workflow defines ------------------------------------------------------------

    def _due_step(self, now: datetime) -> str | None:
        raise NotImplementedError

    def _next_moment(self, now: datetime) -> tuple[datetime, str] | None:
        raise NotImplementedError

    def _continued_input(self) -> Any:
        """The input of the next run when the history grows long (continue-as-new with the state)."""
        raise NotImplementedError

    def _round(self, purpose: str) -> SignoffRound:
        raise NotImplementedError

    # --- the run loop --------------------------------------------------------------------------

    def _start_runtime(self) -> None:
        self._lock = asyncio.Lock()
        self._retry_at = None
        self._wake = False

    async def _run_until_done(self) -> None:
        while not (self.s.cancelled or self.s.closed):
            now = workflow.now()
            step = self._due_step(now) if not self._retry_pending(now) else None
            if step:
                await self._run_step(step)
                continue
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._continued_input())
            await self._sleep_until_next(now)
        await workflow.wait_condition(workflow.all_handlers_finished)

    def _retry_pending(self, now: datetime) -> bool:
        return self._retry_at is not None and now < self._retry_at

    async def _sleep_until_next(self, now: datetime) -> None:
        upcoming = self._next_moment(now)
        moments = [m for m in (upcoming[0] if upcoming else None, self._retry_at) if m and m > now]
        self._wake = False
        try:
            await workflow.wait_condition(lambda: self._wake, timeout=(min(moments) - now) if moments else None)
        except asyncio.TimeoutError:
            pass

    async def _run_step(self, step: str) -> None:
        async with self._lock:  # never interleave with a reschedule or cancellation in progress
            if self.s.cancelled:
                return
            try:
                await getattr(self, f"_step_{step}")()
                self._retry_at = None
            except ActivityError as err:
                workflow.logger.warning("%s %s: step %s failed, retrying later: %s", self.LOG_NAME, self._mid, step, err)
                self._retry_at = workflow.now() + STEP_RETRY_DELAY

    def _changed(self) -> None:
        self._wake = True

    async def _store_draft(self, fn: Callable[[Any, Any], Awaitable[VersionStored]], arg: Any,
                           version_field: str) -> SubmitAgendaResult:
        """Store a new version of a draft (agenda, minutes, decision list) and raise the state's version of it."""
        stored = await self._db(fn, arg)
        setattr(self.s, version_field, max(getattr(self.s, version_field), stored.version))
        self._changed()
        return SubmitAgendaResult(version=stored.version)

    def _require_cancellable(self) -> None:
        checks.require_ready(self.info, self.s)
        checks.require_before_start(self.s, workflow.now())

    def _info(self) -> MeetingInfo:
        assert self.info is not None  # loaded by the run before any step; validators require it
        return self.info

    # --- steps shared by both workflows --------------------------------------------------------

    async def _step_file_decision(self) -> None:
        await file_decision(self._send, self._mid, self.s.pending_decisions)

    async def _step_held(self) -> None:
        await self._db(MeetingActivities.set_meeting_status, StatusChange(self._mid, "held"))
        self.s.held = True

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
