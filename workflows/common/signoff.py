"""Sign-off rounds and decisions, shared by the board and the ALV workflows: `SignoffRounds`, an object each holds.

The `decide` update answers as soon as the decision is durable, and that is when the workflow task that
ran it is in the history: the validator checked the version and the signer, the handler records the
signature (or the request for changes) in the state and queues the decision; no activity runs while the
person waits. The run loop files it after a quiet period (policy `decision_filing_after`, 2 s): one
activity claims the single-use token and writes the audit event (one transaction), then sends the
confirmation or the request for changes through the ledger. Signers tend to click together, after the
same email; filing at once made every answer wait behind the bookkeeping of the clicks before it
(bench/README.md: the approve POST's p99 at 20 chairs at once went from ~420 to ~270 ms on a busy machine).

Crash windows: a worker that dies before the task completes leaves nothing (the update was not
accepted; the client retries it). Once the update is answered, the decision is in the workflow's
state and its filing retries until done; a repeated claim by the same decision counts as its own. Meanwhile
(the quiet period and a moment) the token row still looks unused: a second POST of the link goes to
the same update id (`token-<id>`) and gets the same answer, and a decision through another link of the
same signer is refused by the validator (the slot is signed). The workflow's state, not the token
row, is what makes one decision per signer; the row follows it.

Tried and measured (bench/README.md): claiming the token in a local activity inside the update, or
from the page right after the answer, each cost 100-150 ms at the median with 20 chairs at once on
SQLite (the writes queue behind the worker's email composition). The person need not wait for either.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.meeting.activities import MeetingActivities
    from models.messages.meeting_activity import DecisionRecord, SignoffRequest, VersionStored
    from models.messages.meeting_info import MeetingInfo
    from models.messages.meeting import SignoffDecision, SignoffDecisionResult, SubmitAgendaResult, signoff_thanks
    from models.messages.meeting_state import CHAIR_SLOT, SECRETARY_SLOT, PendingDecision, SignoffRound
    from workflows.common.activity_calls import ActivityCalls, DbActivity
    from workflows.common.step_loop import StepLoop
    from workflows.meeting import checks

FILING_QUIET_PATCH = "decision-filing-quiet-period"
# A cancellation or a new version of a draft revokes links: a decision answered just before (still in its quiet
# period) is filed first, or its claim would find its link revoked (no audit event, no confirmation).
FILE_BEFORE_CANCEL_PATCH = "file-decisions-before-cancel"
FILE_BEFORE_NEW_VERSION_PATCH = "file-decisions-before-new-version"


class SignoffState(Protocol):
    pending_decisions: list[PendingDecision]


class SignoffRounds:
    """Who signs, the rounds' requests and reminders, the decisions recorded and filed, and the drafts whose new
    version revokes the old one's links. `info` gives the meeting's facts as the workflow last loaded them."""

    def __init__(self, calls: ActivityCalls, loop: StepLoop, state: SignoffState,
                 info: Callable[[], MeetingInfo | None]) -> None:
        self.calls, self.loop, self.s, self._info = calls, loop, state, info

    def info(self) -> MeetingInfo:
        info = self._info()
        assert info is not None  # loaded by the run before any step; validators require it
        return info

    # --- who signs ---------------------------------------------------------------------------------

    def person(self, slot: str) -> int | None:
        return self.info().chair_id if slot == CHAIR_SLOT else self.info().secretary_id

    def officer_slots(self) -> list[str]:
        """Chair and secretary, as far as the meeting has them."""
        return [slot for slot in (CHAIR_SLOT, SECRETARY_SLOT) if self.person(slot)]

    def _unsigned(self, r: SignoffRound) -> list[int]:
        people = [self.person(slot) for slot in r.slots if slot not in r.signed_by]
        if r.deputy_invited and CHAIR_SLOT not in r.signed_by:
            people.append(self.info().deputy_id)
        return [p for p in people if p]

    # --- the rounds' requests ----------------------------------------------------------------------

    async def open(self, purpose: str, version: int, slots: list[str]) -> SignoffRound:
        """A new round for this version: the sign-off requests go out to whoever holds the slots."""
        r = SignoffRound(purpose, version, workflow.now().isoformat(), slots)
        people = [self.person(slot) for slot in slots]
        await self.calls.send(MeetingActivities.send_signoff_requests,
                              SignoffRequest(self.calls.meeting_id, purpose, version, [p for p in people if p]))
        return r

    async def remind(self, r: SignoffRound) -> None:
        await self.calls.send(MeetingActivities.send_signoff_requests,
                              SignoffRequest(self.calls.meeting_id, r.purpose, r.version, self._unsigned(r),
                                             reminder=True))
        r.reminder_sent = True

    async def invite_deputy(self, r: SignoffRound) -> None:
        deputy = self.info().deputy_id
        assert deputy is not None  # the timeline names this step only for a meeting with a deputy
        await self.calls.send(MeetingActivities.send_signoff_requests,
                              SignoffRequest(self.calls.meeting_id, r.purpose, r.version, [deputy],
                                             in_place_of_chair=True))
        r.deputy_invited = True

    # --- decisions: recorded by the update, filed by the loop ------------------------------------------

    def decide(self, r: SignoffRound, d: SignoffDecision) -> SignoffDecisionResult:
        result = record_decision(self.info(), r, self.s.pending_decisions, d)
        self.loop.changed()  # the run loop files it: token, audit event, emails
        return result

    def unfiled(self) -> bool:
        """A decision answered in its quiet period is still filed when the meeting ends, or before its link is
        revoked (one from before the quiet period never waited, so its workflow ends as it did then)."""
        return any(d.recorded_at_iso for d in self.s.pending_decisions)

    async def file_next(self) -> None:
        """The loop's `file_decision` step."""
        if self.s.pending_decisions:  # an update may have filed them while this step waited for the lock
            await file_decision(self.calls.send, self.calls.meeting_id, self.s.pending_decisions)

    async def _file_pending(self) -> None:
        while self.s.pending_decisions:
            await file_decision(self.calls.send, self.calls.meeting_id, self.s.pending_decisions)

    async def file_before_cancel(self) -> None:
        """The cancel update's `before` (StepLoop.cancel), under its lock."""
        if self.unfiled() and workflow.patched(FILE_BEFORE_CANCEL_PATCH):
            await self._file_pending()

    # --- drafts ------------------------------------------------------------------------------------

    async def store_draft(self, fn: DbActivity[VersionStored], arg: Any,
                          raise_version: Callable[[int], None]) -> SubmitAgendaResult:
        """Store a new version of a draft (agenda, minutes, decision list); `raise_version` raises the state's
        version of it. It revokes the old version's links: decisions still in their quiet period are filed
        first, under the lock the steps run under."""
        if self.unfiled() and workflow.patched(FILE_BEFORE_NEW_VERSION_PATCH):
            async with self.loop.lock:
                await self._file_pending()
                return await self._store_version(fn, arg, raise_version)
        return await self._store_version(fn, arg, raise_version)

    async def _store_version(self, fn: DbActivity[VersionStored], arg: Any,
                             raise_version: Callable[[int], None]) -> SubmitAgendaResult:
        stored = await self.calls.db(fn, arg)
        raise_version(stored.version)
        self.loop.changed()
        return SubmitAgendaResult(version=stored.version)


def record_decision(info: MeetingInfo, r: SignoffRound, pending: list[PendingDecision],
                    d: SignoffDecision) -> SignoffDecisionResult:
    """The update's whole work (after its validator): no await, so no other decision can interleave."""
    slot = checks.slot_for(info, r, d.person_id) or ""
    if d.decision == "approve":
        r.signed_by[slot] = d.person_id
        r.completed_at_iso = workflow.now().isoformat() if r.complete else ""
    else:
        r.changes_requested = True
    # Workflows from before the quiet period filed at once: their replay must schedule the same commands.
    recorded = workflow.now().isoformat() if workflow.patched(FILING_QUIET_PATCH) else ""
    pending.append(PendingDecision(d.token_id, d.person_id, d.purpose, d.version, d.decision, slot, d.comment,
                                   d.source, recorded))
    return SignoffDecisionResult(accepted=True, message=signoff_thanks(d.purpose, d.version, d.decision))


async def file_decision(send: Callable[[Any, Any], Awaitable[Any]], meeting_id: int,
                        pending: list[PendingDecision]) -> None:
    """The run loop's step for the oldest recorded decision: token, audit event, emails.

    `send` is the workflow's activity call with the send timeout and retries. A temporary failure
    propagates (the step is retried later); a permanent one (the meeting or person is gone) is logged
    and dropped, so it never holds up the meeting."""
    p = pending[0]
    decision = SignoffDecision(p.token_id, p.person_id, p.purpose, p.version, p.decision, p.comment, p.source)
    try:
        await send(MeetingActivities.record_decision, DecisionRecord(meeting_id, decision, p.slot))
    except ActivityError as err:
        if not (isinstance(err.cause, ApplicationError) and err.cause.non_retryable):
            raise
        workflow.logger.warning("meeting %s: decision of token %s not filed: %s", meeting_id, p.token_id, err.cause)
    pending.remove(p)
