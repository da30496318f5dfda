"""The ledger over real SMTP (aiosmtpd sink), a real database (SQLite and PostgreSQL) and, for the
retry rules, the real send_email activity on the Temporal dev server."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from raadsbode.mail.ical import CalendarEvent, build_calendar
from raadsbode.mail.mailer import Mailer, TemporarySendError
from models.tables.ledger import SendStatus
from raadsbode.dev.sink import SinkHandler
from tests.support.env import free_port
from tests.support.mail import ledger_row, make_out, run_send_workflow


async def test_same_send_twice_gives_one_smtp_data(settings, session_factory_, sink):
    mailer = Mailer(settings, session_factory_)
    out = make_out()
    first = await mailer.deliver(out)
    second = await mailer.deliver(out)
    assert (first.status, first.already_sent, first.smtp_code) == ("sent", False, 250)
    assert (second.status, second.already_sent) == ("sent", True)
    assert sink.data_commands == 1
    row = ledger_row(session_factory_, out.business_key)
    assert row.status == SendStatus.sent and row.sent_at is not None and row.attempts == 1
    assert row.smtp_code == 250 and row.smtp_reply
    received = sink.to(out.recipient_email)
    assert len(received) == 1 and received[0]["Message-ID"] == first.message_id == row.message_id


async def test_message_id_is_deterministic_per_business_key(settings, session_factory_, sink):
    mailer = Mailer(settings, session_factory_)
    out = make_out()
    assert mailer.prepare(out).message_id == mailer.prepare(make_out(**{**out.__dict__})).message_id
    assert mailer.prepare(out).message_id != mailer.prepare(make_out()).message_id
    assert mailer.prepare(out).message_id.endswith("@vng-flevoland.test>")


async def test_550_is_recorded_and_not_retried(temporal_env, settings, session_factory_, sink):
    out = make_out()
    sink.rcpt_replies[out.recipient_email] = ["550 5.1.1 Onbekende ontvanger"]
    result = await run_send_workflow(temporal_env, settings, session_factory_, out)
    assert (result.status, result.smtp_code) == ("failed_permanent", 550)
    assert "Onbekende ontvanger" in result.smtp_reply
    row = ledger_row(session_factory_, out.business_key)
    assert row.status == SendStatus.failed_permanent and row.attempts == 1 and row.smtp_code == 550
    # A later call for the same key returns the recorded failure and talks no SMTP.
    sink.rcpt_replies[out.recipient_email] = ["250 OK"]
    again = await Mailer(settings, session_factory_).deliver(out)
    assert (again.status, again.smtp_code) == ("failed_permanent", 550)
    assert sink.data_commands == 0 and ledger_row(session_factory_, out.business_key).attempts == 1


async def test_451_then_250_is_retried_by_the_activity_and_sent_once(temporal_env, settings, session_factory_, sink):
    out = make_out()
    # With an invitation: the calendar bytes must survive Temporal's payload conversion.
    starts = datetime(2027, 1, 14, 14, tzinfo=ZoneInfo("Europe/Amsterdam"))
    out.calendar = build_calendar(CalendarEvent(
        uid=f"{out.subject_ref}@raadsbode.test", sequence=0, summary="DB-vergadering", description="Agenda",
        location="Dronten", starts_at=starts, ends_at=starts + timedelta(hours=2), organizer_email=out.from_email,
        organizer_name="VNG Flevoland", attendee_email=out.recipient_email, attendee_name=out.recipient_name))
    out.calendar_method = "REQUEST"
    sink.rcpt_replies[out.recipient_email] = ["451 4.7.1 Probeer het later", "250 OK"]
    result = await run_send_workflow(temporal_env, settings, session_factory_, out)
    assert (result.status, result.already_sent) == ("sent", False)
    assert sink.data_commands == 1 and len(sink.to(out.recipient_email)) == 1
    calendar_part = sink.to(out.recipient_email)[0].get_payload()[-1]
    assert calendar_part.get_payload(decode=True) == out.calendar
    row = ledger_row(session_factory_, out.business_key)
    assert row.status == SendStatus.sent and row.attempts == 2 and row.sent_at is not None


async def test_4xx_is_recorded_as_temporary_and_raises(settings, session_factory_, sink):
    out = make_out()
    sink.rcpt_replies[out.recipient_email] = ["452 4.2.2 Mailbox vol"]
    with pytest.raises(TemporarySendError):
        await Mailer(settings, session_factory_).deliver(out)
    row = ledger_row(session_factory_, out.business_key)
    assert row.status == SendStatus.failed_temporary and row.attempts == 1 and row.smtp_code == 452
    assert sink.data_commands == 0


async def test_connection_error_is_temporary(settings, session_factory_, sink):
    unreachable = settings.model_copy(update={"smtp_port": free_port()})
    out = make_out()
    with pytest.raises(TemporarySendError):
        await Mailer(unreachable, session_factory_).deliver(out)
    row = ledger_row(session_factory_, out.business_key)
    assert row.status == SendStatus.failed_temporary and row.attempts == 1 and row.sent_at is None
    # The relay is back: the retry sends, once.
    result = await Mailer(settings, session_factory_).deliver(out)
    assert result.status == "sent" and sink.data_commands == 1
    assert ledger_row(session_factory_, out.business_key).attempts == 2


async def test_deliver_many_keeps_order_and_sends_each_key_once(settings, session_factory_, sink):
    outs = [make_out() for _ in range(12)]
    sink.rcpt_replies[outs[3].recipient_email] = ["550 5.1.1 Onbekend"]
    sink.rcpt_replies[outs[5].recipient_email] = ["451 4.7.1 Later"]
    batch = outs + [outs[0]]  # a duplicate key in the batch
    results = await Mailer(settings, session_factory_).deliver_many(batch, connections=3)
    assert [r.business_key for r in results] == [o.business_key for o in batch]
    statuses = [r.status for r in results]
    assert statuses[3] == "failed_permanent" and statuses[5] == "failed_temporary"
    assert statuses.count("sent") == 11
    assert sink.data_commands == 10
    again = await Mailer(settings, session_factory_).deliver_many(outs, connections=2)
    assert all(r.already_sent for i, r in enumerate(again) if i not in (3, 5))
    assert sink.data_commands == 10


class DroppingSink(SinkHandler):
    """Closes the connection at RCPT of the given recipients, once each: a relay that falls over."""

    def __init__(self, drop: set[str]) -> None:
        super().__init__()
        self.drop = drop
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.drop:
            self.drop.discard(address.lower())
            server.transport.close()
            return "421 4.3.2 Verbinding verbroken"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


async def test_deliver_many_reconnects_after_a_broken_connection(settings, session_factory_):
    outs = [make_out() for _ in range(5)]
    handler = DroppingSink({outs[1].recipient_email, outs[3].recipient_email})
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    try:
        relay = settings.model_copy(update={"smtp_port": port})
        results = await Mailer(relay, session_factory_).deliver_many(outs, connections=1)
    finally:
        controller.stop()
    assert [r.status for r in results] == ["sent"] * 5
    assert handler.data_commands == 5 and handler.connections == 3
