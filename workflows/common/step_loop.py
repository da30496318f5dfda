"""The run loop of the meeting workflows (board, ALV, network meeting): a base class.

The loop executes whichever scheduled step is due and otherwise sleeps until the next moment or until
an update changes the state (`_changed`). A step whose activity finally fails (its retries spent) is
tried again later instead of failing the workflow; a long history continues as new with the state.
The `cancel` update is here too: each workflow says when it may be cancelled and whom it tells. The update
records the cancellation and answers; its mails are the loop's `notice` step (so is a move's), retried like
every other step until they are sent, and the workflow does not end before.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.meeting.activities import MeetingActivities
    from models.messages.meeting_activity import CancelRequest, StatusChange
    from models.messages.meeting import CancelMeeting, ChangeResult
    from models.messages.meeting_state import NoticeKind, PendingNotice
    from workflows.common.activity_calls import ActivityCalls

if TYPE_CHECKING:  # the states are only named here: each workflow's sandbox loads its own
    from models.messages.alv import AlvState
    from models.messages.meeting_state import MeetingState
    from models.messages.network import NetworkState

STEP_RETRY_DELAY = timedelta(minutes=10)
# The board's rsvp and the ALV's register update wake the loop for continue-as-new (StepLoop._wake_for_new_run).
REGISTRATION_WAKE_PATCH = "registrations-wake-for-continue-as-new"
# Before it, the cancel and reschedule updates sent their mails themselves with the activity's bounded retry:
# a relay down for longer failed the update after the change was stored, and the notices were never sent.
NOTICE_STEP_PATCH = "notices-as-steps"


class StepLoop(ActivityCalls):
    s: MeetingState | AlvState | NetworkState
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

    async def _send_move(self, sequence: int, reason: str) -> None:
        """Tell whoever has the meeting in their calendar that it moved (same UID, the new SEQUENCE)."""
        raise NotImplementedError

    # --- the loop ------------------------------------------------------------------------------

    def _start_runtime(self) -> None:
        self._lock = asyncio.Lock()
        self._retry_at = None
        self._wake = False

    async def _run_until_done(self) -> None:
        while not self._finished() or self.s.notice:
            now = workflow.now()
            step = self._next_step(now)
            if step:
                await self._run_step(step)
                continue
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._continued_input())
            await self._sleep_until_next(now)
        await workflow.wait_condition(workflow.all_handlers_finished)

    def _next_step(self, now: datetime) -> str | None:
        if self._retry_pending(now):
            return None
        # A recorded move or cancellation is announced before anything else the new state makes due.
        return "notice" if self.s.notice else self._due_step(now)

    def _retry_pending(self, now: datetime) -> bool:
        return self._retry_at is not None and now < self._retry_at

    async def _sleep_until_next(self, now: datetime) -> None:
        upcoming = self._next_moment(now)
        moments = [m for m in (upcoming[0] if upcoming else None, self._retry_at) if m and m > now]
        self._wake = False
        try:
            await workflow.wait_condition(lambda: self._wake, timeout=(min(moments) - now) if moments else None)
        except TimeoutError:
            pass

    async def _run_step(self, step: str) -> None:
        async with self._lock:  # never interleave with a reschedule or cancellation in progress
            if self.s.cancelled and step not in ("file_decision", "notice"):
                return
            try:
                await getattr(self, f"_step_{step}")()
                self._retry_at = None
            except ActivityError as err:
                workflow.logger.warning("%s %s: step %s failed, retrying later: %s", self.LOG_NAME, self._mid, step, err)
                self._retry_at = workflow.now() + STEP_RETRY_DELAY

    def _changed(self) -> None:
        self._wake = True

    def _wake_for_new_run(self, patch: str) -> None:
        """For an update that does not otherwise wake the loop (a registration): a run takes at most 2,000
        updates, so a flood of them would grow one history until its budget was spent and the chair's sign-off
        was refused. Once the server suggests it, the loop wakes and continues as new (with the state).
        `patch`: workflows that saw the suggestion before this wake-up did not continue there, and must replay."""
        if workflow.info().is_continue_as_new_suggested() and workflow.patched(patch):
            self._changed()

    # --- a step every meeting has --------------------------------------------------------------

    async def _step_held(self) -> None:
        await self._db(MeetingActivities.set_meeting_status, StatusChange(self._mid, "held"))
        self.s.held = True

    async def _step_notice(self) -> None:
        notice = cast(PendingNotice, self.s.notice)  # the step is due only while a notice is pending
        if notice.kind == NoticeKind.CANCEL:
            sent = await self._send_cancellation(notice.sequence, notice.reason)
            workflow.logger.info("%s %s: cancellation sent to %s", self.LOG_NAME, self._mid, sent)
        else:
            await self._send_move(notice.sequence, notice.reason)
        self.s.notice = None

    def _record_notice(self, notice: PendingNotice) -> None:
        """For the run loop to send; it replaces a move not yet announced (the newest state is what counts)."""
        self.s.notice = notice
        self._changed()

    # --- cancellation, the same in every meeting -------------------------------------------------

    @workflow.update
    async def cancel(self, inp: CancelMeeting) -> ChangeResult:
        async with self._lock:  # never while a step is sending
            if self.s.cancelled:
                return ChangeResult(False, f"Deze {self.NOUN} was al geannuleerd.")
            await self._before_cancel()
            out = await self._db(MeetingActivities.cancel_meeting, CancelRequest(self._mid, inp))
            self.s.cancelled = True
            if workflow.patched(NOTICE_STEP_PATCH):
                self._record_notice(PendingNotice(NoticeKind.CANCEL, out.ical_sequence, inp.reason))
                return ChangeResult(True, f"De {self.NOUN} is geannuleerd; de genodigden krijgen een annulering.")
            sent = await self._send_cancellation(out.ical_sequence, inp.reason)
            self._changed()
            return ChangeResult(True, f"De {self.NOUN} is geannuleerd; {sent} genodigden kregen een annulering.")

    @cancel.validator
    def _validate_cancel(self, inp: CancelMeeting) -> None:
        self._check_cancel()
