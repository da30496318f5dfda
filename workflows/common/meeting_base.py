"""What the board's and the ALV's workflows share (a base class of MeetingSteps and AlvSteps).

Both run on the step loop (workflows/common/step_loop.py). The updates that mean the same in both
(submit_agenda, decide, reschedule) live here, so the link pages, the workspace and the inbox work on either
workflow unchanged.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.meeting.activities import MeetingActivities
    from models.messages.meeting_activity import (RescheduleOutcome, RescheduleRequest, SignoffRequest, StoreAgenda,
                                                  VersionStored)
    from models.messages.meeting_info import MeetingInfo
    from models.messages.meeting import (ChangeResult, Reschedule, SignoffDecision, SignoffDecisionResult, SubmitAgenda,
                                         SubmitAgendaResult)
    from models.messages.meeting_state import CHAIR_SLOT, SECRETARY_SLOT, NoticeKind, PendingNotice, SignoffRound
    from workflows.meeting import checks
    from workflows.common.signoff import file_decision, record_decision
    from workflows.common.step_loop import NOTICE_STEP_PATCH, StepLoop


# A cancellation or a new version of a draft revokes links: a decision answered just before (still in its quiet
# period) is filed first, or its claim would find its link revoked (no audit event, no confirmation).
if TYPE_CHECKING:  # the states are only named here: each workflow's sandbox loads its own
    from models.messages.alv import AlvState
    from models.messages.meeting_state import MeetingState

A = TypeVar("A")  # an activity's input

FILE_BEFORE_CANCEL_PATCH = "file-decisions-before-cancel"
FILE_BEFORE_NEW_VERSION_PATCH = "file-decisions-before-new-version"


class ScheduledMeeting(StepLoop):
    s: MeetingState | AlvState  # the fields used here are the same
    info: MeetingInfo | None

    def _round(self, purpose: str) -> SignoffRound:
        raise NotImplementedError

    async def _store_draft(self, fn: Callable[[Any, A], VersionStored], arg: A,
                           version_field: str) -> SubmitAgendaResult:
        """Store a new version of a draft (agenda, minutes, decision list) and raise the state's version of it.
        It revokes the old version's links: decisions still in their quiet period are filed first, under the
        lock the steps run under."""
        if self._unfiled() and workflow.patched(FILE_BEFORE_NEW_VERSION_PATCH):
            async with self._lock:
                await self._file_pending()
                return await self._store_version(fn, arg, version_field)
        return await self._store_version(fn, arg, version_field)

    async def _store_version(self, fn: Callable[[Any, A], VersionStored], arg: A,
                             version_field: str) -> SubmitAgendaResult:
        stored = await self._db(fn, arg)
        setattr(self.s, version_field, max(getattr(self.s, version_field), stored.version))
        self._changed()
        return SubmitAgendaResult(version=stored.version)

    def _moved(self, out: RescheduleOutcome) -> None:
        """The new SEQUENCE in the state; steps due relative to the start are due again."""
        raise NotImplementedError

    @workflow.update
    async def reschedule(self, inp: Reschedule) -> ChangeResult:
        async with self._lock:
            if self.s.cancelled:
                return ChangeResult(False, f"Deze {self.NOUN} is geannuleerd.")
            out = await self._db(MeetingActivities.reschedule_meeting, RescheduleRequest(self._mid, inp))
            if not out.accepted:
                return ChangeResult(False, out.message)
            self.s.starts_at_iso, self.s.ends_at_iso = out.starts_at_iso, out.ends_at_iso
            self._moved(out)
            if workflow.patched(NOTICE_STEP_PATCH):  # the run loop's notice step tells them (step_loop.py)
                self._record_notice(PendingNotice(NoticeKind.MOVE, out.ical_sequence, inp.reason))
            else:
                await self._send_move(out.ical_sequence, inp.reason)
            self._changed()
            return ChangeResult(True, out.message)

    @reschedule.validator
    def _validate_reschedule(self, inp: Reschedule) -> None:
        checks.require_ready(self.info, self.s)
        checks.check_reschedule(self.s, workflow.now(), inp)

    def _check_cancel(self) -> None:
        checks.require_ready(self.info, self.s)
        checks.require_before_start(self.s, workflow.now())

    def _info(self) -> MeetingInfo:
        assert self.info is not None  # loaded by the run before any step; validators require it
        return self.info

    # --- sign-off rounds -------------------------------------------------------------------------

    def _person(self, slot: str) -> int | None:
        return self._info().chair_id if slot == CHAIR_SLOT else self._info().secretary_id

    def _officer_slots(self) -> list[str]:
        """Chair and secretary, as far as the meeting has them."""
        return [slot for slot in (CHAIR_SLOT, SECRETARY_SLOT) if self._person(slot)]

    def _unsigned(self, r: SignoffRound) -> list[int]:
        people = [self._person(slot) for slot in r.slots if slot not in r.signed_by]
        if r.deputy_invited and CHAIR_SLOT not in r.signed_by:
            people.append(self._info().deputy_id)
        return [p for p in people if p]

    async def _open_round(self, purpose: str, version: int, slots: list[str]) -> SignoffRound:
        """A new round for this version: the sign-off requests go out to whoever holds the slots."""
        r = SignoffRound(purpose, version, workflow.now().isoformat(), slots)
        people = [self._person(slot) for slot in slots]
        await self._send(MeetingActivities.send_signoff_requests,
                         SignoffRequest(self._mid, purpose, version, [p for p in people if p]))
        return r

    async def _remind(self, r: SignoffRound) -> None:
        await self._send(MeetingActivities.send_signoff_requests,
                         SignoffRequest(self._mid, r.purpose, r.version, self._unsigned(r), reminder=True))
        r.reminder_sent = True

    # --- filing decisions (workflows/common/signoff.py; the step `held` is the step loop's) ----------------

    def _finished(self) -> bool:
        return (self.s.cancelled or self.s.closed) and not self._unfiled()

    def _unfiled(self) -> bool:
        """A decision answered in its quiet period is still filed when the meeting ends, or before its link is
        revoked (one from before the quiet period never waited, so its workflow ends as it did then)."""
        return any(d.recorded_at_iso for d in self.s.pending_decisions)

    async def _step_file_decision(self) -> None:
        if self.s.pending_decisions:  # an update may have filed them while this step waited for the lock
            await file_decision(self._send, self._mid, self.s.pending_decisions)

    async def _file_pending(self) -> None:
        while self.s.pending_decisions:
            await file_decision(self._send, self._mid, self.s.pending_decisions)

    async def _before_cancel(self) -> None:  # the cancel update: workflows/common/step_loop.py
        if self._unfiled() and workflow.patched(FILE_BEFORE_CANCEL_PATCH):
            await self._file_pending()

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
