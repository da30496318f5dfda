"""A sign-off decision, shared by the board and the ALV workflows.

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
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.meeting.activities import MeetingActivities
    from models.messages.meeting_activity import DecisionRecord
    from models.messages.meeting_info import MeetingInfo
    from models.messages.meeting import SignoffDecision, SignoffDecisionResult, signoff_thanks
    from models.messages.meeting_state import PendingDecision, SignoffRound
    from workflows.meeting import checks

FILING_QUIET_PATCH = "decision-filing-quiet-period"


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
