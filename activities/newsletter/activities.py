"""Newsletter activities: compose, proof and report mails, freeze the recipients, send a batch."""
from __future__ import annotations

import asyncio
import logging

from temporalio import activity
from temporalio.exceptions import ApplicationError

from raadsbode.mail.compose import HeaderInjectionError
from activities.deps import Deps
from raadsbode.mail.mailer import Mailer
from activities.meeting.shared import attempt_key, deliver_all
from activities.newsletter.ledger import NewsletterLedger
from activities.newsletter.mail import editor_mails, issue_email, relay_alert_mails, report_mails
from activities.newsletter.mime import IssueTemplate
from activities.newsletter.pacing import Watermark
from activities.newsletter.send import BatchSender
from models.messages.mail import OutboundEmail
from models.tables.newsletter import IssueStatus, NewsletterIssue
from models.messages.newsletter import (
    Ack, BatchInput, BatchResult, ComposeRequest, ComposeResult, FreezeResult, IssueRef, IssueStatusChange,
    ProofRequest, ProofResult, RelayAlert, ReportRequest,
)
from raadsbode.services.newsletter import issues
from raadsbode.db import session_scope
from raadsbode.domain.unsubscribe_keys import unsubscribe_key

log = logging.getLogger(__name__)
HEARTBEAT_EVERY = 1.0


class NewsletterActivities:
    ACTIVITY_NAMES: tuple[str, ...] = (
        "compose_issue", "send_proof", "set_issue_status", "freeze_recipients", "send_batch", "send_report",
        "send_relay_alert",
    )

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.mailer = Mailer(deps.settings, deps.sessions)

    @activity.defn
    def compose_issue(self, req: ComposeRequest) -> ComposeResult:
        with session_scope(self.deps.sessions) as session:
            return issues.compose(session, self.deps.renderer, req)

    @activity.defn
    async def send_proof(self, req: ProofRequest) -> ProofResult:
        """The proof, as readers will see it, with the editor's approve / request-changes link."""
        outs = await asyncio.to_thread(editor_mails, self.deps, req)
        return await self._deliver_all(outs)

    @activity.defn
    async def send_report(self, req: ReportRequest) -> ProofResult:
        outs = await asyncio.to_thread(report_mails, self.deps, req)
        return await self._deliver_all(outs)

    @activity.defn
    async def send_relay_alert(self, alert: RelayAlert) -> ProofResult:
        """The relay refused the issue (MAIL FROM or DATA): on the audit trail first, whatever the relay
        does with the alert itself (a relay refusing our sender refuses this mail too)."""
        await asyncio.to_thread(self._record_relay_refusal, alert)
        outs = await asyncio.to_thread(relay_alert_mails, self.deps, alert)
        return await self._deliver_all(outs)

    def _record_relay_refusal(self, alert: RelayAlert) -> None:
        with session_scope(self.deps.sessions) as session:
            issues.record_relay_refusal(session, alert.issue_id, alert.refusal, f"{attempt_key()} refusal {alert.number}")

    async def _deliver_all(self, outs: list[OutboundEmail]) -> ProofResult:
        """The meeting mails' rule: a temporary failure retries the activity (the ledger skips what went
        out), a refused or unusable editor address is logged and the other editors still get theirs."""
        summary = await deliver_all(self.mailer, "newsletter", outs)
        return ProofResult([e for e in (o.recipient_email.strip().lower() for o in outs) if e not in summary.failed])

    @activity.defn
    def set_issue_status(self, change: IssueStatusChange) -> Ack:
        with session_scope(self.deps.sessions) as session:
            issues.set_status(session, change.issue_id, IssueStatus(change.status), change.approved_by, change.comment)
        return Ack(True)

    @activity.defn
    def freeze_recipients(self, ref: IssueRef) -> FreezeResult:
        with session_scope(self.deps.sessions) as session:
            return FreezeResult(issues.freeze_recipients(session, ref.issue_id))

    @activity.defn
    async def send_batch(self, inp: BatchInput) -> BatchResult:
        """Positions [start, end) of the frozen list. A retry skips what the heartbeat says is final
        (the ledger decides the rest); a cancel (pause, cancel) stops after the messages in flight."""
        issue = await asyncio.to_thread(self._issue, inp.issue_id)
        ledger = NewsletterLedger(self.deps.sessions, issue.association_id)
        details = activity.info().heartbeat_details
        resume_at = max(inp.start, int(details[0])) if details else inp.start
        entries = await asyncio.to_thread(ledger.recipients, inp.issue_id, inp.start, inp.end)
        out = issue_email(self.deps, issue)
        try:
            template = IssueTemplate(out, self.deps.settings)
        except HeaderInjectionError as exc:  # the issue itself is unsendable: no retry can change that
            await asyncio.to_thread(self.mailer.ledger.audit_refusal, out, f"refused: {exc}")
            raise ApplicationError(str(exc), type="HeaderInjection", non_retryable=True) from exc
        sender = BatchSender(self.mailer, ledger, template, out,
                             self._unsubscribe_url, Watermark(resume_at, inp.end), inp.rate_per_second)
        tally = await asyncio.to_thread(ledger.tally_below, out, entries, resume_at)
        result = BatchResult(inp.start, inp.end, already_sent=tally["sent"],
                             failed_permanent=tally["failed_permanent"], suppressed=tally["suppressed"])
        work = asyncio.ensure_future(sender.send(result, [e for e in entries if e[0] >= resume_at],
                                                 inp.connections, inp.temp_retry_window, inp.temp_retry_delay))
        return await _run_with_heartbeats(work, sender)

    def _issue(self, issue_id: int) -> NewsletterIssue:
        with session_scope(self.deps.sessions) as session:
            issue = session.get(NewsletterIssue, issue_id)
            if issue is None:
                raise ApplicationError(f"issue {issue_id} not found", non_retryable=True)
            return issue

    def _unsubscribe_url(self, subscriber_id: int) -> str:
        key = unsubscribe_key(self.deps.settings.secret_key, subscriber_id)
        return f"{self.deps.settings.public_base_url}/nieuwsbrief/afmelden/{key}"


async def _run_with_heartbeats(work: asyncio.Future, sender: BatchSender) -> BatchResult:
    """Heartbeat the watermark every second; on cancel let the connections finish their message."""
    try:
        while True:
            done, _ = await asyncio.wait({work}, timeout=HEARTBEAT_EVERY)
            activity.heartbeat(sender.watermark.value)
            if done:
                return work.result()
    except asyncio.CancelledError:
        sender.stop.set()
        result = await asyncio.shield(work)
        activity.heartbeat(sender.watermark.value)
        log.info("batch %s-%s stopped at %s", result.start, result.end, sender.watermark.value)
        return result
