"""The run loop of the meeting workflows (board, ALV, network meeting): a base class.

The loop executes whichever scheduled step is due and otherwise sleeps until the next moment or until
an update changes the state (`_changed`). A step whose activity finally fails (its retries spent) is
tried again later instead of failing the workflow; a long history continues as new with the state.
The `cancel` update is here too: each workflow says when it may be cancelled and whom it tells.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.meeting_activities import MeetingActivities
    from models.meeting_activity_messages import CancelRequest, StatusChange
    from models.meeting_messages import CancelMeeting, ChangeResult
    from workflows.activity_calls import ActivityCalls

STEP_RETRY_DELAY = timedelta(minutes=10)


class StepLoop(ActivityCalls):
    s: Any  # the workflow's state: plain data with at least `cancelled` and `held`
    _lock: asyncio.Lock
    _retry_at: datetime | None
    _wake: bool
    LOG_NAME = "meeting"
    NOUN = "vergadering"  # in the cancel update's answers

    # --- what each workflow defines ------------------------------------------------------------

    def _due_step(self, now: datetime) -> str | None:
        raise NotImplementedError

    def _next_moment(self, now: datetime) -> tuple[datetime, str] | None:
        raise NotImplementedError

    def _continued_input(self) -> Any:
        """The input of the next run when the history grows long (continue-as-new with the state)."""
        raise NotImplementedError

    def _finished(self) -> bool:
        raise NotImplementedError

    async def _before_cancel(self) -> None:
        """Under the cancel update's lock, before the cancellation revokes every link of the meeting."""

    def _check_cancel(self) -> None:
        """The cancel update's validator: a Dutch ValueError refuses it before it reaches the history."""
        raise NotImplementedError

    async def _send_cancellation(self, sequence: int, reason: str) -> int:
        """Tell whoever was invited (iCalendar CANCEL with the new SEQUENCE); how many were told."""
        raise NotImplementedError

    # --- the loop ------------------------------------------------------------------------------

    def _start_runtime(self) -> None:
        self._lock = asyncio.Lock()
        self._retry_at = None
        self._wake = False

    async def _run_until_done(self) -> None:
        while not self._finished():
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
            if self.s.cancelled and step != "file_decision":
                return
            try:
                await getattr(self, f"_step_{step}")()
                self._retry_at = None
            except ActivityError as err:
                workflow.logger.warning("%s %s: step %s failed, retrying later: %s", self.LOG_NAME, self._mid, step, err)
                self._retry_at = workflow.now() + STEP_RETRY_DELAY

    def _changed(self) -> None:
        self._wake = True

    # --- a step every meeting has --------------------------------------------------------------

    async def _step_held(self) -> None:
        await self._db(MeetingActivities.set_meeting_status, StatusChange(self._mid, "held"))
        self.s.held = True

    # --- cancellation, the same in every meeting -------------------------------------------------

    @workflow.update
    async def cancel(self, inp: CancelMeeting) -> ChangeResult:
        async with self._lock:  # never while a step is sending
            if self.s.cancelled:
                return ChangeResult(False, f"Deze {self.NOUN} was al geannuleerd.")
            await self._before_cancel()
            out = await self._db(MeetingActivities.cancel_meeting, CancelRequest(self._mid, inp))
            self.s.cancelled = True
            sent = await self._send_cancellation(out.ical_sequence, inp.reason)
            self._changed()
            return ChangeResult(True, f"De {self.NOUN} is geannuleerd; {sent} genodigden kregen een annulering.")

    @cancel.validator
    def _validate_cancel(self, inp: CancelMeeting) -> None:
        self._check_cancel()
