"""The run loop of the meeting workflows (board, ALV, network meeting): an object each workflow holds.

The loop executes whichever scheduled step is due and otherwise sleeps until the next moment or until
an update changes the state (`changed`). A step whose activity finally fails (its retries spent) is
tried again later instead of failing the workflow; a long history continues as new with the state.
Steps are dispatched from the workflow's step table (its step enum -> a coroutine), not from method names.

The cancel and reschedule updates' work is here too, since both revolve around the loop: each records the
change and answers; its mails are the loop's `notice` step, retried like every other step until they are
sent, and the workflow does not end before. The updates themselves stay on the workflow classes (Temporal
finds handlers there); each workflow says when it may be cancelled and whom a notice tells (`Flow`).
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.meeting.activities import MeetingActivities
    from models.messages.meeting_activity import CancelRequest, RescheduleOutcome, RescheduleRequest, StatusChange
    from models.messages.meeting import CancelMeeting, ChangeResult, Reschedule
    from models.messages.meeting_state import NoticeKind, PendingNotice
    from workflows.common.activity_calls import ActivityCalls

STEP_RETRY_DELAY = timedelta(minutes=10)
# The board's rsvp and the ALV's register update wake the loop for continue-as-new (StepLoop.wake_for_new_run).
REGISTRATION_WAKE_PATCH = "registrations-wake-for-continue-as-new"
# Before it, the cancel and reschedule updates sent their mails themselves with the activity's bounded retry:
# a relay down for longer failed the update after the change was stored, and the notices were never sent.
NOTICE_STEP_PATCH = "notices-as-steps"

# The loop's own step, and the one a cancelled meeting still runs (its workflow's step enum has the same value).
NOTICE_STEP = "notice"
FILE_DECISION_STEP = "file_decision"

Step = Callable[[], Awaitable[None]]
StepTable = Mapping[str, Step]


class LoopState(Protocol):
    """What the loop reads and writes of a workflow's state (MeetingState, AlvState, NetworkState)."""

    cancelled: bool
    held: bool
    notice: PendingNotice | None


class Flow(Protocol):
    """What a workflow tells its loop: its timeline, when it is done, its next run's input, whom a notice tells."""

    def due_step(self, now: datetime) -> str | None: ...

    def next_moment(self, now: datetime) -> tuple[datetime, str] | None: ...

    def finished(self) -> bool: ...

    def continued_input(self) -> object:
        """The input of the next run when the history grows long (continue-as-new with the state)."""

    async def send_cancellation(self, sequence: int, reason: str) -> int:
        """Tell whoever was invited (iCalendar CANCEL with the new SEQUENCE); how many were told."""

    async def send_move(self, sequence: int, reason: str) -> None:
        """Tell whoever has the meeting in their calendar that it moved (same UID, the new SEQUENCE)."""


class StepLoop:
    def __init__(self, flow: Flow, state: LoopState, calls: ActivityCalls, log_name: str, noun: str) -> None:
        self.flow, self.s, self.calls = flow, state, calls
        self.log_name = log_name
        self.noun = noun  # in the cancel and reschedule updates' answers
        self.lock = asyncio.Lock()  # steps and changing updates never interleave
        self.steps: StepTable = {}
        self._retry_at: datetime | None = None
        self._wake = False

    # --- the loop ------------------------------------------------------------------------------

    async def run_until_done(self, steps: StepTable) -> None:
        self.steps = {**steps, NOTICE_STEP: self._notice}
        while not self.flow.finished() or self.s.notice:
            now = workflow.now()
            step = self._next_step(now)
            if step:
                await self._run_step(step)
                continue
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self.flow.continued_input())
            await self._sleep_until_next(now)
        await workflow.wait_condition(workflow.all_handlers_finished)

    def _next_step(self, now: datetime) -> str | None:
        if self._retry_at is not None and now < self._retry_at:
            return None
        # A recorded move or cancellation is announced before anything else the new state makes due.
        return NOTICE_STEP if self.s.notice else self.flow.due_step(now)

    async def _sleep_until_next(self, now: datetime) -> None:
        upcoming = self.flow.next_moment(now)
        moments = [m for m in (upcoming[0] if upcoming else None, self._retry_at) if m and m > now]
        self._wake = False
        try:
            await workflow.wait_condition(lambda: self._wake, timeout=(min(moments) - now) if moments else None)
        except TimeoutError:
            pass

    async def _run_step(self, step: str) -> None:
        async with self.lock:  # never interleave with a reschedule or cancellation in progress
            if self.s.cancelled and step not in (FILE_DECISION_STEP, NOTICE_STEP):
                return
            try:
                await self.steps[step]()
                self._retry_at = None
            except ActivityError as err:
                workflow.logger.warning("%s %s: step %s failed, retrying later: %s", self.log_name,
                                        self.calls.meeting_id, step, err)
                self._retry_at = workflow.now() + STEP_RETRY_DELAY

    def changed(self) -> None:
        """An update changed the state: the loop looks again at what is due."""
        self._wake = True

    def wake_for_new_run(self, patch: str) -> None:
        """For an update that does not otherwise wake the loop (a registration): a run takes at most 2,000
        updates, so a flood of them would grow one history until its budget was spent and the chair's sign-off
        was refused. Once the server suggests it, the loop wakes and continues as new (with the state).
        `patch`: workflows that saw the suggestion before this wake-up did not continue there, and must replay."""
        if workflow.info().is_continue_as_new_suggested() and workflow.patched(patch):
            self.changed()

    # --- steps every meeting has ---------------------------------------------------------------

    async def held(self) -> None:
        await self.calls.db(MeetingActivities.set_meeting_status, StatusChange(self.calls.meeting_id, "held"))
        self.s.held = True

    async def _notice(self) -> None:
        notice = self.s.notice
        assert notice is not None  # the loop runs this step only for a recorded notice
        if notice.kind == NoticeKind.CANCEL:
            sent = await self.flow.send_cancellation(notice.sequence, notice.reason)
            workflow.logger.info("%s %s: cancellation sent to %s", self.log_name, self.calls.meeting_id, sent)
        else:
            await self.flow.send_move(notice.sequence, notice.reason)
        self.s.notice = None

    def _record_notice(self, notice: PendingNotice) -> None:
        """For the loop to send; it replaces a move not yet announced (the newest state is what counts)."""
        self.s.notice = notice
        self.changed()

    # --- the cancel and reschedule updates' work -------------------------------------------------

    async def cancel(self, inp: CancelMeeting, before: Callable[[], Awaitable[None]] | None = None) -> ChangeResult:
        """`before` runs under the lock, before the cancellation revokes every link of the meeting."""
        async with self.lock:  # never while a step is sending
            if self.s.cancelled:
                return ChangeResult(False, f"Deze {self.noun} was al geannuleerd.")
            if before is not None:
                await before()
            out = await self.calls.db(MeetingActivities.cancel_meeting, CancelRequest(self.calls.meeting_id, inp))
            self.s.cancelled = True
            if workflow.patched(NOTICE_STEP_PATCH):
                self._record_notice(PendingNotice(NoticeKind.CANCEL, out.ical_sequence, inp.reason))
                return ChangeResult(True, f"De {self.noun} is geannuleerd; de genodigden krijgen een annulering.")
            sent = await self.flow.send_cancellation(out.ical_sequence, inp.reason)
            self.changed()
            return ChangeResult(True, f"De {self.noun} is geannuleerd; {sent} genodigden kregen een annulering.")

    async def reschedule(self, inp: Reschedule, moved: Callable[[RescheduleOutcome], None]) -> ChangeResult:
        """`moved` puts the new times and SEQUENCE in the state; steps due relative to the start are due again."""
        async with self.lock:
            if self.s.cancelled:
                return ChangeResult(False, f"Deze {self.noun} is geannuleerd.")
            out = await self.calls.db(MeetingActivities.reschedule_meeting,
                                      RescheduleRequest(self.calls.meeting_id, inp))
            if not out.accepted:
                return ChangeResult(False, out.message)
            moved(out)
            if workflow.patched(NOTICE_STEP_PATCH):
                self._record_notice(PendingNotice(NoticeKind.MOVE, out.ical_sequence, inp.reason))
            else:
                await self.flow.send_move(out.ical_sequence, inp.reason)
            self.changed()
            return ChangeResult(True, out.message)
