"""A sign-off decision inside the `decide` update, shared by the board and the ALV workflows.

The update answers as soon as the decision is durable: a local activity claims the single-use token
and writes the audit event in one transaction, and the workflow's state records the signature (both in
the same workflow task, so in history before the person sees "Dank u"). The emails the decision
triggers are queued in the state and sent by the run loop afterwards, through the ledger.

Why a local activity and not the web handler: if the worker dies mid-claim, the workflow task is
retried and the claim repeats idempotently (the same token with the same decision is "ours"); if the
web process dies after the update, nothing is missing. Why not a normal activity: that costs two more
round trips through the server per approval (schedule, start, complete) while the person waits.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.meeting_activities import MeetingActivities
    from models.meeting_activity_messages import DecisionMailRequest, DecisionRecord, MeetingInfo
    from models.meeting_messages import SignoffDecision, SignoffDecisionResult
    from models.meeting_state import DecisionMail, SignoffRound
    from workflows import meeting_checks as checks

# Short: a person waits on the page. A claim that cannot be made in this time fails the update; the page
# then asks to try again, and the token is still unused (or already ours, which a retry recognises).
CLAIM_TIMEOUT = timedelta(seconds=5)
CLAIM_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=2),
                          maximum_attempts=4)


async def record_decision(meeting_id: int, info: MeetingInfo, round_of: Callable[[str], SignoffRound],
                          outbox: list[DecisionMail], d: SignoffDecision) -> SignoffDecisionResult:
    """Claim the token, then record the signature (or the request for changes) and queue the emails."""
    r = round_of(d.purpose)
    slot = checks.slot_for(info, r, d.person_id) or ""
    result = await workflow.execute_local_activity_method(
        MeetingActivities.claim_decision, DecisionRecord(meeting_id, d, slot),
        start_to_close_timeout=CLAIM_TIMEOUT, retry_policy=CLAIM_RETRY)
    if not result.accepted:
        return result
    outbox.append(DecisionMail(d.person_id, d.purpose, d.version, d.decision, slot, d.comment))
    # Another decision for the same slot may have landed while the claim ran (chair and deputy at once).
    if r is round_of(d.purpose) and slot not in r.signed_by:
        if d.decision == "approve":
            r.signed_by[slot] = d.person_id
            r.completed_at_iso = workflow.now().isoformat() if r.complete else ""
        else:
            r.changes_requested = True
    return result


async def send_decision_mail(send: Callable[[Any, Any], Awaitable[Any]], meeting_id: int,
                             outbox: list[DecisionMail]) -> None:
    """The run loop's step: send the oldest queued decision's emails (the ledger skips what already went).

    `send` is the workflow's activity call with the send timeout and retries. A temporary failure propagates (the step is retried later); a permanent one (the person or meeting
    is gone) drops the email, so one undeliverable confirmation never holds up the meeting."""
    mail = outbox[0]
    try:
        await send(MeetingActivities.send_decision_mail, DecisionMailRequest(meeting_id, mail))
    except ActivityError as err:
        if not (isinstance(err.cause, ApplicationError) and err.cause.non_retryable):
            raise
        workflow.logger.warning("meeting %s: decision email dropped: %s", meeting_id, err.cause)
    outbox.remove(mail)
