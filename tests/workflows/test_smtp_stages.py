"""SMTP refusals are judged by the stage that gave them (raadsbode/mail/smtp_refusal.py), on every send path:
the single Mailer.deliver (and its Temporal activity), the pooled deliver_many and the newsletter's
BatchSender. A real aiosmtpd relay answers by stage; the ledger is a real database.

Only a 5xx at RCPT TO is about the recipient. A 5xx at MAIL FROM (530 authentication required, 550
sender rejected) or at DATA (552 too large, 554 content refused) is our relay's or our message's
problem: no row becomes failed_permanent, no reader is suppressed, the send is retried or stopped."""
from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    import pytest
    from aiosmtpd.controller import Controller
    from sqlmodel import select
    from temporalio.client import WorkflowFailureError
    from temporalio.exceptions import ApplicationError
    from temporalio.worker import Worker

    from raadsbode.mail.mailer import Mailer, RelayRefusedError, TemporarySendError
    from activities.meeting.shared import deliver_all
    from activities.newsletter.ledger import NewsletterLedger
    from activities.newsletter.mime import IssueTemplate
    from activities.newsletter.pacing import Watermark
    from activities.newsletter.send import BatchSender
    from models.tables.ledger import AuditEvent, OutboundMessage, SendStatus
    from models.messages.meeting_activity import SendSummary
    from models.messages.mail import OutboundEmail
    from models.tables.newsletter import Subscriber, Suppression
    from models.messages.newsletter import BatchResult
    from raadsbode.db import session_scope
    from raadsbode.dev.sink import SinkHandler
    from tests.support.env import free_port
    from tests.support.newsletter import make_tenant
    from tests.support.mail import ledger_row, make_out, run_send_workflow


class StagedRelay(SinkHandler):
    """Answers MAIL FROM and DATA from per-stage reply lists (consumed one per command, the last one
    sticks; None accepts), RCPT TO per recipient as the ordinary sink does."""

    def __init__(self) -> None:
        super().__init__()
        self.mail_replies: list[str | None] = [None]
        self.data_replies: list[str | None] = [None]
        self.mail_commands = 0

    @staticmethod
    def _next(replies: list[str | None]) -> str | None:
        return replies.pop(0) if len(replies) > 1 else replies[0]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mail_commands += 1
        reply = self._next(self.mail_replies)
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self._next(self.data_replies)
        return reply or await super().handle_DATA(server, session, envelope)


@pytest.fixture
def relay(settings):
    """(handler, settings pointing at it)."""
    handler, port = StagedRelay(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    try:
        yield handler, settings.model_copy(update={"smtp_port": port})
    finally:
        controller.stop()


RELAY_REFUSALS = [  # (stage, reply)
    ("mail", "530 5.7.0 Authentication required"),
    ("mail", "550 5.7.1 Afzender niet toegestaan"),
    ("data", "552 5.3.4 Bericht te groot"),
    ("data", "554 5.7.1 Inhoud geweigerd"),
]
IDS = ["MAIL-530", "MAIL-550", "DATA-552", "DATA-554"]


def refuse(handler: StagedRelay, stage: str, reply: str) -> None:
    setattr(handler, f"{stage}_replies", [reply])


def statuses(sessions, outs: list[OutboundEmail]) -> dict[str, SendStatus | None]:
    rows = {o.recipient_email: ledger_row(sessions, o.business_key) for o in outs}
    return {email: row.status if row else None for email, row in rows.items()}


# --- Mailer.deliver -----------------------------------------------------------------------------

@pytest.mark.parametrize(("stage", "reply"), RELAY_REFUSALS, ids=IDS)
async def test_single_send_refused_by_the_relay_is_temporary_not_the_recipients(session_factory_, relay, stage, reply):
    handler, relay_settings = relay
    refuse(handler, stage, reply)
    out = make_out()
    with pytest.raises(RelayRefusedError) as raised:
        await Mailer(relay_settings, session_factory_).deliver(out)
    assert isinstance(raised.value, TemporarySendError)  # every caller that retries a 4xx retries this
    assert raised.value.refusal.stage.value == ("MAIL FROM" if stage == "mail" else "DATA")
    row = ledger_row(session_factory_, out.business_key)
    assert row.status == SendStatus.failed_temporary and row.smtp_code == int(reply[:3])
    assert row.smtp_reply.startswith("MAIL FROM: " if stage == "mail" else "DATA: ")
    # The relay is put right: the same message goes out, once.
    refuse(handler, stage, None)
    result = await Mailer(relay_settings, session_factory_).deliver(out)
    assert result.status == "sent" and handler.data_commands == 1 and len(handler.to(out.recipient_email)) == 1


async def test_single_send_550_at_rcpt_is_the_recipients(session_factory_, relay):
    handler, relay_settings = relay
    out = make_out()
    handler.rcpt_replies[out.recipient_email] = ["550 5.1.1 Onbekende ontvanger"]
    result = await Mailer(relay_settings, session_factory_).deliver(out)
    assert (result.status, result.smtp_code) == ("failed_permanent", 550)
    assert ledger_row(session_factory_, out.business_key).status == SendStatus.failed_permanent


async def test_the_activity_retries_a_refused_mail_from_and_sends_once(temporal_env, session_factory_, relay):
    """Through the real send_email activity on the dev server: a 530 at MAIL FROM is retried (it used
    to come back failed_permanent at once, and the mail was never sent)."""
    handler, relay_settings = relay
    handler.mail_replies = ["530 5.7.0 Authentication required", None]
    out = make_out()
    result = await run_send_workflow(temporal_env, relay_settings, session_factory_, out)
    assert (result.status, result.already_sent) == ("sent", False)
    assert handler.data_commands == 1 and handler.mail_commands == 2
    row = ledger_row(session_factory_, out.business_key)
    assert row.status == SendStatus.sent and row.attempts == 2


# --- deliver_many (the pool every meeting mail goes through) -----------------------------------

@pytest.mark.parametrize(("stage", "reply"), RELAY_REFUSALS, ids=IDS)
async def test_pool_stops_at_a_relay_refusal_and_fails_no_recipient(session_factory_, relay, stage, reply):
    handler, relay_settings = relay
    refuse(handler, stage, reply)
    outs = [make_out() for _ in range(6)]
    results = await Mailer(relay_settings, session_factory_).deliver_many(outs, connections=2)
    assert [r.status for r in results] == ["failed_temporary"] * 6
    assert handler.data_commands == 0 and handler.mail_commands <= 2  # one refusal per connection, then stop
    assert SendStatus.failed_permanent not in statuses(session_factory_, outs).values()
    # The meeting activities' rule: a temporary failure fails the activity so that Temporal retries it.
    with pytest.raises(ApplicationError) as raised:
        await deliver_all(Mailer(relay_settings, session_factory_), "test", outs)
    assert not raised.value.non_retryable


async def test_pool_550_at_rcpt_fails_that_recipient_and_sends_the_others(session_factory_, relay):
    handler, relay_settings = relay
    outs = [make_out() for _ in range(6)]
    handler.rcpt_replies[outs[2].recipient_email] = ["550 5.1.1 Onbekende ontvanger"]
    results = await Mailer(relay_settings, session_factory_).deliver_many(outs, connections=2)
    assert [r.status for r in results] == ["sent", "sent", "failed_permanent", "sent", "sent", "sent"]
    assert handler.data_commands == 5
    assert statuses(session_factory_, outs)[outs[2].recipient_email] == SendStatus.failed_permanent


# --- the newsletter's BatchSender ----------------------------------------------------------------

async def _newsletter_batch(sessions, relay_settings, n: int) -> tuple[int, OutboundEmail, BatchResult, list[str]]:
    association_id, _, emails = make_tenant(sessions, n)
    with session_scope(sessions) as s:
        entries = [(i, sub.id, sub.email, sub.name) for i, sub in enumerate(
            s.exec(select(Subscriber).where(Subscriber.association_id == association_id).order_by(Subscriber.id)))]
    out = OutboundEmail(kind="newsletter", subject_ref=f"newsletter-{uuid.uuid4().hex[:8]}", version=1,
                        recipient_email="", recipient_name="", subject="Nieuwsbrief", html="<p>Beste x</p>",
                        text="Beste x\n", association_id=association_id, from_email="info@vng-flevoland.test")
    sender = BatchSender(Mailer(relay_settings, sessions), NewsletterLedger(sessions, association_id),
                         IssueTemplate(out, relay_settings), out, lambda sub_id: f"https://raadsbode.test/u/{sub_id}",
                         Watermark(0, n), 0)
    result = await sender.send(BatchResult(0, n), entries, connections=2, retry_window=0, retry_delay=0)
    return association_id, out, result, emails


def _newsletter_rows(sessions, association_id: int, out: OutboundEmail) -> tuple[dict[str, SendStatus], list]:
    with session_scope(sessions) as s:
        rows = s.exec(select(OutboundMessage).where(OutboundMessage.subject_ref == out.subject_ref)).all()
        suppressed = s.exec(select(Suppression).where(Suppression.association_id == association_id)).all()
        return {r.recipient: SendStatus(r.status) for r in rows}, [(x.email, x.reason) for x in suppressed]


@pytest.mark.parametrize(("stage", "reply"), RELAY_REFUSALS, ids=IDS)
async def test_newsletter_batch_stops_at_a_relay_refusal_and_suppresses_nobody(session_factory_, relay, stage, reply):
    handler, relay_settings = relay
    refuse(handler, stage, reply)
    association_id, out, result, _emails = await _newsletter_batch(session_factory_, relay_settings, 8)
    assert result.stopped and result.relay_refusal.startswith("MAIL FROM: " if stage == "mail" else "DATA: ")
    assert reply[:3] in result.relay_refusal
    assert (result.sent, result.failed_permanent, result.failed_temporary) == (0, 0, 0)
    rows, suppressed = _newsletter_rows(session_factory_, association_id, out)
    assert suppressed == []
    assert SendStatus.failed_permanent not in rows.values()
    assert SendStatus.failed_temporary in rows.values()  # the refused ones are sent again on resume
    assert handler.data_commands == 0 and handler.mail_commands <= 2


async def test_newsletter_550_at_rcpt_bounces_that_reader_and_sends_the_others(session_factory_, relay):
    handler, relay_settings = relay
    bouncing = "lezer00003@"  # the fourth reader of the tenant made below (its domain is not known yet)

    original = handler.handle_RCPT

    async def rcpt(server, session, envelope, address, rcpt_options):
        if address.startswith(bouncing):
            return "550 5.1.1 Mailbox does not exist"
        return await original(server, session, envelope, address, rcpt_options)

    handler.handle_RCPT = rcpt
    association_id, out, result, emails = await _newsletter_batch(session_factory_, relay_settings, 8)
    assert not result.stopped and result.relay_refusal == ""
    assert (result.sent, result.failed_permanent) == (7, 1)
    rows, suppressed = _newsletter_rows(session_factory_, association_id, out)
    assert rows[emails[3]] == SendStatus.failed_permanent
    assert suppressed == [(emails[3], "bounce")]
    assert handler.data_commands == 7


# --- the newsletter workflow: a relay refusal pauses the send and alerts the editors -------------

class BulkRefusingRelay(StagedRelay):
    """Refuses DATA of bulk mail (the issue carries List-Id) while refusing is on: a content filter on
    the relay. The proof and the alert, which carry no List-Id, pass."""

    refusing = True

    async def handle_DATA(self, server, session, envelope):
        if self.refusing and b"\r\nList-Id:" in bytes(envelope.original_content or envelope.content):
            return "554 5.7.1 Bericht geweigerd door inhoudsfilter"
        return await SinkHandler.handle_DATA(self, server, session, envelope)


async def test_newsletter_pauses_itself_and_alerts_the_editors_when_the_relay_refuses_the_issue(
        temporal_env, settings, session_factory_):
    import dataclasses

    from models.messages.newsletter import Decision
    from raadsbode.services.newsletter import issues
    from raadsbode.services.newsletter import control
    from tests.support.histories import RECORD, record
    from tests.support.newsletter import FAST, wait_for_mail, wait_for_state
    from worker import build_worker
    from workflows.newsletter.workflow import NewsletterWorkflow

    handler, port = BulkRefusingRelay(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    relay_settings = settings.model_copy(update={"smtp_port": port})
    association_id, slug, emails = make_tenant(session_factory_, 150)
    editor = f"redactie-{uuid.uuid4().hex[:6]}@vng-flevoland.test"
    policy = dataclasses.replace(FAST, temp_retry_window=0)
    try:
        async with build_worker(temporal_env.client, relay_settings):
            handle = await control.start_issue(temporal_env.client, relay_settings.temporal_task_queue, association_id,
                                               slug, "2027-01", [editor], policy=policy)
            proof = await wait_for_state(handle, {"proof"})
            await handle.execute_update(NewsletterWorkflow.decide, Decision("approve", version=proof.version))
            paused = await wait_for_state(handle, {"paused"}, timeout=60)  # generous: the machine is shared
            assert paused.relay_refusal.startswith("DATA: 554") and paused.failed == 0
            alert = (await wait_for_mail(handler, editor, count=2, timeout=30))[-1]  # after the proof
            assert alert["Subject"].startswith("Verzending gepauzeerd")
            body = alert.get_body(("plain",)).get_content()
            assert "DATA: 554" in body and "niemand is afgemeld" in body
            issue_ref = OutboundEmail(kind="newsletter", subject_ref=issues.subject_ref(slug, "2027-01"), version=0,
                                      recipient_email="", recipient_name="", subject="", html="", text="")
            rows, suppressed = _newsletter_rows(session_factory_, association_id, issue_ref)
            assert SendStatus.failed_temporary in rows.values()  # the refused copy, sent again on resume
            assert suppressed == [] and SendStatus.failed_permanent not in rows.values()
            with session_scope(session_factory_) as s:
                events = s.exec(select(AuditEvent).where(AuditEvent.association_id == association_id,
                                                         AuditEvent.action == "newsletter-relay-refused")).all()
                assert len(events) == 1 and "554" in events[0].detail_json
            # The relay's filter is put right; a person resumes the send: everyone gets it once.
            handler.refusing = False
            assert (await control.command(temporal_env.client, slug, "2027-01", "resume")).ok
            result = await asyncio.wait_for(handle.result(), 60)
            if RECORD:
                record(await handle.fetch_history(), "newsletter_relay_refusal")
    finally:
        controller.stop()
    received = Counter(r.lower() for m in handler.messages for r in m.rcpt_tos)
    assert all(received[e] == 1 for e in emails), [e for e in emails if received[e] != 1][:5]
    assert (result.final_state, result.sent, result.failed, result.suppressed) == ("sent", 150, 0, 0)


# --- meeting mail (meeting_io.deliver_all): retried, and the secretariat is told -----------------

@dataclass
class Batch:
    outs: list[OutboundEmail]


class BatchActivities:
    def __init__(self, relay_settings, sessions) -> None:
        self.mailer = Mailer(relay_settings, sessions)

    @activity.defn
    async def deliver_batch(self, batch: Batch) -> SendSummary:
        return await deliver_all(self.mailer, "test", batch.outs)


@workflow.defn(sandboxed=True)
class DeliverBatchWorkflow:
    """What the meeting workflows do with a send activity, with test-sized backoff and four attempts."""

    @workflow.run
    async def run(self, batch: Batch) -> SendSummary:
        return await workflow.execute_activity_method(
            BatchActivities.deliver_batch, batch, start_to_close_timeout=timedelta(seconds=20),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100), maximum_attempts=4))


class InvitationRefusingRelay(StagedRelay):
    """Refuses DATA of the invitations (a content filter); the alert to the secretariat passes."""

    async def handle_DATA(self, server, session, envelope):
        if b"\r\nSubject: Uitnodiging" in bytes(envelope.original_content or envelope.content):
            return "554 5.7.1 Inhoud geweigerd"
        return await SinkHandler.handle_DATA(self, server, session, envelope)


async def test_meeting_mail_refused_by_the_relay_is_retried_and_alerts_the_secretariat_once(
        temporal_env, settings, session_factory_):
    handler, port = InvitationRefusingRelay(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    relay_settings = settings.model_copy(update={"smtp_port": port})
    ref = f"meeting-{uuid.uuid4().hex[:8]}"
    outs = [make_out(subject_ref=ref) for _ in range(4)]
    client = temporal_env.client
    try:
        async with Worker(client, task_queue=relay_settings.temporal_task_queue, workflows=[DeliverBatchWorkflow],
                          activities=[BatchActivities(relay_settings, session_factory_).deliver_batch]):
            with pytest.raises(WorkflowFailureError) as failed:
                await client.execute_workflow(DeliverBatchWorkflow.run, Batch(outs), id=f"batch-{uuid.uuid4().hex}",
                                              task_queue=relay_settings.temporal_task_queue,
                                              execution_timeout=timedelta(seconds=60))
    finally:
        controller.stop()
    cause = failed.value.cause.cause  # WorkflowFailure <- ActivityError <- ApplicationError
    assert isinstance(cause, ApplicationError) and cause.type == "RelayRefused" and not cause.non_retryable
    assert SendStatus.failed_permanent not in statuses(session_factory_, outs).values()
    alerts = handler.to("info@vng-flevoland.test")
    assert len(alerts) == 1  # from the third attempt on, once a day per subject (the ledger's key)
    body = alerts[0].get_body(("plain",)).get_content()
    assert "DATA: 554" in body and "Uitnodiging vergadering" in body and "4 ontvangers" in body
    assert [r for m in handler.messages for r in m.rcpt_tos] == ["info@vng-flevoland.test"]  # no invitation went out
    with session_scope(session_factory_) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "mail-relay-refused",
                                                 AuditEvent.subject_ref == ref)).all()
    assert len(events) == 1 and "554" in events[0].detail_json
