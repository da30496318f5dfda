"""A send of a few hundred to the SMTP sink, through the real worker and Temporal dev server."""
from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlmodel import select

from raadsbode.mail.mailer import Mailer
from activities.newsletter.ledger import NewsletterLedger
from activities.newsletter.mime import IssueTemplate
from activities.newsletter.pacing import Watermark
from activities.newsletter.send import BatchSender
from models.tables.ledger import OutboundMessage, SendStatus
from models.messages.mail import OutboundEmail
from models.tables.newsletter import Subscriber, SubscriberStatus, Suppression
from models.messages.newsletter import BatchResult, Decision
from raadsbode.services.newsletter import control
from raadsbode.db import session_scope
from raadsbode.dev.sink import SinkHandler
from raadsbode.services.newsletter.subscribers import suppress
from tests.support.env import free_port
from tests.support.newsletter import FAST, make_tenant, wait_for_mail, wait_for_state
from worker import build_worker
from workflows.newsletter.workflow import NewsletterWorkflow


def _received(sink) -> Counter:
    return Counter(r.lower() for m in sink.messages for r in m.rcpt_tos)


async def test_send_reaches_each_confirmed_subscriber_once(temporal_env, settings, session_factory_, sink):
    association_id, slug, emails = make_tenant(session_factory_, 300)
    unsubscribed, suppressed, bouncing, forged = emails[5], emails[17], emails[150], emails[201]
    with session_scope(session_factory_) as s:
        sub = s.exec(select(Subscriber).where(Subscriber.email == unsubscribed)).one()
        sub.status = SubscriberStatus.unsubscribed
        # A name from the public form that would forge a header once decoded: refused, the rest goes on.
        s.exec(select(Subscriber).where(Subscriber.email == forged)).one().name = "=?utf-8?q?x=0D=0ABcc:_y@evil.test?="
        suppress(s, association_id, suppressed, "manual")
    sink.rcpt_replies[bouncing] = ["550 5.1.1 Mailbox does not exist"]
    editor = f"redactie-{uuid.uuid4().hex[:6]}@vng-flevoland.test"
    async with build_worker(temporal_env.client, settings):
        handle = await control.start_issue(temporal_env.client, settings.temporal_task_queue, association_id, slug,
                                           "2026-11", [editor], intro="Welkom bij de nieuwsbrief.", policy=FAST)
        proof = await wait_for_state(handle, {"proof"})
        [proof_mail] = await wait_for_mail(sink, editor)
        assert "/nieuwsbrief/redactie/" in proof_mail.get_body(("plain",)).get_content()
        proof_html = proof_mail.get_body(("html",)).get_content()  # the banner inside the body, not before <!DOCTYPE>
        assert proof_html.startswith("<!DOCTYPE html>") and proof_html.index("<body") < proof_html.index("Proef (versie")
        ack = await handle.execute_update(NewsletterWorkflow.decide, Decision("approve", "test", version=proof.version))
        assert ack.ok, ack.message
        result = await asyncio.wait_for(handle.result(), 60)
    received = _received(sink)
    readers = [e for e in emails if e not in (unsubscribed, suppressed, bouncing, forged)]
    assert all(received[e] == 1 for e in readers), [e for e in readers if received[e] != 1][:5]
    assert received[unsubscribed] == received[suppressed] == received[bouncing] == received[forged] == 0
    assert (result.final_state, result.sent, result.failed, result.suppressed) == ("sent", 296, 2, 1)  # the unsubscribed one is not even frozen in
    with session_scope(session_factory_) as s:  # the 550 suppressed the address for the next issue
        assert s.exec(select(Suppression).where(Suppression.association_id == association_id,
                                                Suppression.email == bouncing)).one().reason == "bounce"
    copy = next(m.parsed() for m in sink.messages if readers[0] in m.rcpt_tos)
    assert copy["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/nieuwsbrief/afmelden/" in copy["List-Unsubscribe"] and "mailto:" in copy["List-Unsubscribe"]
    assert "Beste Lezer" in copy.get_body(("plain",)).get_content()
    assert len(sink.to(editor)) == 2  # the proof and the report


def wrong_password(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False)  # 535 5.7.8 Authentication credentials invalid


class SenderRefusingRelay(SinkHandler):
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        return "550 Afzender niet toegestaan"


@pytest.mark.parametrize(("relay_kind", "outcome"), [
    ("wrong-password", (0, 0, 3, {SendStatus.failed_temporary})),
    ("sender-refused", (0, 0, 0, {SendStatus.failed_temporary, SendStatus.pending})),
])
async def test_a_relay_refusing_us_suppresses_no_reader(settings, session_factory_, relay_kind, outcome):
    """A wrong relay password (535 at AUTH) is temporary; a refused MAIL FROM stops the batch with the
    rows still to send (tests/workflows/test_smtp_stages.py has every stage). Neither concerns the readers'
    addresses: nobody is suppressed (both used to count as a 5xx bounce of each reader, suppressing the
    whole list for good)."""
    association_id, _, emails = make_tenant(session_factory_, 3)
    with session_scope(session_factory_) as s:
        entries = [(i, sub.id, sub.email, sub.name) for i, sub in enumerate(
            s.exec(select(Subscriber).where(Subscriber.association_id == association_id).order_by(Subscriber.id)))]
    out = OutboundEmail(kind="newsletter", subject_ref=f"newsletter-{uuid.uuid4().hex[:8]}", version=1,
                        recipient_email="", recipient_name="", subject="Nieuwsbrief", html="<p>Beste x</p>",
                        text="Beste x\n", association_id=association_id, from_email="info@vng-flevoland.test")
    port = free_port()
    if relay_kind == "wrong-password":
        controller = Controller(SinkHandler(), hostname="127.0.0.1", port=port, authenticator=wrong_password,
                                auth_require_tls=False)
        login = {"smtp_user": "raadsbode", "smtp_password": "fout"}
    else:
        controller, login = Controller(SenderRefusingRelay(), hostname="127.0.0.1", port=port), {}
    controller.start()
    try:
        relay = settings.model_copy(update={"smtp_port": port, **login})
        sender = BatchSender(Mailer(relay, session_factory_), NewsletterLedger(session_factory_, association_id),
                             IssueTemplate(out, relay), out, lambda sub_id: f"https://raadsbode.test/u/{sub_id}",
                             Watermark(0, 3), 0)
        result = await sender.send(BatchResult(0, 3), entries, connections=1, retry_window=0, retry_delay=0)
    finally:
        controller.stop()
    assert (result.sent, result.failed_permanent, result.failed_temporary) == outcome[:3]
    with session_scope(session_factory_) as s:
        assert not s.exec(select(Suppression).where(Suppression.association_id == association_id)).all()
        rows = s.exec(select(OutboundMessage).where(OutboundMessage.subject_ref == out.subject_ref)).all()
    assert sorted(r.recipient for r in rows) == sorted(emails)
    assert {r.status for r in rows} == outcome[3]
