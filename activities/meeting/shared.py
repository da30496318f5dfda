"""What the meeting activities (board, ALV, network) share: a database transaction in which a missing
row is a permanent error, the key that makes a storing activity's retry find its earlier attempt, and
delivery through the ledger that tells temporary from permanent failures."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from raadsbode.mail.mailer import Mailer
from activities.meeting.store import NotFound
from activities.meeting.relay_alert import alert_relay_refused
from models.tables.ledger import SendStatus
from models.messages.meeting_activity import SendSummary
from models.messages.mail import OutboundEmail
from raadsbode.db import SessionFactory, session_scope

T = TypeVar("T")


def attempt_key() -> str:
    """Names the running activity the same on every retry (workflow, run, activity id): the source of the
    audit event a storing activity writes, so its retry finds what an earlier attempt committed."""
    if not activity.in_activity():
        return ""
    info = activity.info()
    return f"workflow {info.workflow_id} run {info.workflow_run_id} activity {info.activity_id}"


def in_transaction(sessions: SessionFactory, fn: Callable[..., T], *args: object,
                   missing: tuple[type[Exception], ...] = (NotFound,)) -> T:
    """fn(session, *args) in one transaction. A missing row won't appear by retrying: non-retryable."""
    try:
        with session_scope(sessions) as session:
            return fn(session, *args)
    except missing as exc:
        raise ApplicationError(str(exc), type="NotFound", non_retryable=True) from exc


async def deliver_all(mailer: Mailer, what: str, outs: list[OutboundEmail]) -> SendSummary:
    """Send through the ledger. A temporary failure fails the activity, so its retry sends the rest (the
    ledger skips what went out); a permanent refusal is logged and reported, not retried."""
    results = await mailer.deliver_many(outs) if outs else []
    refused = next((r for r in results if r.relay_refused and r.message_id), None)  # the one tried, not the rest
    if refused is not None:  # our relay or our message, not the recipients: retried, and someone is told
        await alert_relay_refused(mailer, outs, refused.smtp_reply)
        raise ApplicationError(f"relay refused {what}: {refused.smtp_reply}", type="RelayRefused")
    temporary = [r.business_key for r in results if r.status == SendStatus.failed_temporary.value]
    if temporary:
        raise ApplicationError(f"{len(temporary)} of {len(outs)} emails failed temporarily", type="TemporarySendError")
    failed = [r.business_key.rpartition("|")[2] for r in results if r.status == SendStatus.failed_permanent.value]
    if failed:
        activity.logger.warning("%s: permanently refused for %s", what, ", ".join(failed))
    return SendSummary(sent=len(results) - len(failed), failed=failed)
