"""A calendar reply is applied only when the receiving server's Authentication-Results vouch for its sender.

From is what anyone can write: without this, a stranger who knows a member's address and a meeting's UID
(it is in every invitation the member forwards) could register or unregister them. The unit tests read
Authentication-Results as Outlook-, Gmail- and Microsoft-fronted mailboxes write them; the flow test runs the
inbox activity against a convened board meeting with replies delivered into a Maildir as a provider's
server would, and one through the dev SMTP sink.
"""
from __future__ import annotations

import mailbox
from datetime import timedelta
from pathlib import Path

import aiosmtplib
import pytest
from sqlmodel import select
from temporalio.testing import ActivityEnvironment

from activities.deps import Deps
from activities.inbox.activities import InboxActivities
from activities.inbox.sources import trusted_authserv_ids
from models.tables.alv import InboundMessage
from models.messages.inbox import InboxPoll
from models.tables.meetings import Attendance
from raadsbode.mail.auth_results import DEV_AUTHSERV_ID, check_sender, header_fields, parse_auth_results
from raadsbode.dev.sink import stamped_for_delivery
from raadsbode.services.meeting.actions import forward_rsvp
from tests.support.itip_samples import gmail_reply, outlook_reply
from tests.support.meeting import click, link_in, make_board, meeting_row, new_meeting, wait_for_mail
from tests.support.workspace import client_for
from web.app import create_app
from worker import build_worker

MX = "mx.vereniging.test"
MEMBER = "anna@almere.example"
ORGANIZER = "secretariaat@vng.example"
POLICY = {"agenda_request_before": "1h", "signoff_reminder_after": "1h", "deputy_may_sign_after": "1h",
          "convocation_before": "2h", "attendance_overview_before": "5m", "reminder_before": "2m",
          "minutes_request_after": "1h"}


def with_fields(raw: bytes, *fields: str) -> bytes:
    """The message as delivered: fields prepended above what it arrived with, the first one topmost."""
    return "".join(f"{f}\n" for f in fields).encode() + raw


def reply(*fields: str, sender: str = MEMBER) -> bytes:
    return with_fields(outlook_reply("uid@raadsbode", sender, ORGANIZER, sequence=0), *fields)


@pytest.mark.parametrize(("fields", "reason"), [
    ((), "no Authentication-Results of a trusted mail server"),
    ((f"Authentication-Results: {MX}; dkim=pass header.d=evil.example; dmarc=fail header.from=almere.example",),
     "no dkim or dmarc pass for almere.example (dkim=pass, dmarc=fail)"),
    ((f"Authentication-Results: {MX}; dmarc=pass header.from=evil.example",), "no dkim or dmarc pass"),
    (("Authentication-Results: mx.evil.example; dkim=pass header.d=almere.example",),
     "no Authentication-Results of a trusted mail server"),
    # The provider's own field says fail; the sender's forged copy below it, even adjacent, is not read.
    ((f"Authentication-Results: {MX}; dkim=fail header.d=almere.example",
      f"Authentication-Results: {MX}; dkim=pass header.d=almere.example; dmarc=pass header.from=almere.example"),
     "no dkim or dmarc pass"),
    ((f"Authentication-Results: {MX}; dkim=none", "Received: from evil.example by x.test",
      f"Authentication-Results: {MX}; dmarc=pass header.from=almere.example"), "no dkim or dmarc pass"),
    ((f"Authentication-Results: {MX}; dkim=pass header.d=example",), "no dkim or dmarc pass"),  # one label: a TLD
    ((f"Authentication-Results: {MX}; dkim=pass header.d=ralmere.example",), "no dkim or dmarc pass"),  # no dot
    ((f"Authentication-Results: {MX}; dkim=pass header.d=almere.example.evil",), "no dkim or dmarc pass"),
    ((f"Authentication-Results: =?utf-8?q?{MX}?=; dkim=pass header.d=almere.example",),
     "no Authentication-Results of a trusted mail server"),  # not decoded: no authserv-id of ours
    ((f"Authentication-Results: {MX}; dkim=pass header.d=almere.example",
      "From: Anna <anna@almere.example>"), "no single From header"),
])
def test_a_reply_without_a_trusted_aligned_pass_is_unverified(fields, reason):
    check = check_sender(reply(*fields), MEMBER, [MX])
    assert not check.verified and reason in check.reason, check.reason


@pytest.mark.parametrize("fields", [
    (f"Authentication-Results: {MX}; dkim=pass header.d=almere.example",),
    (f"Authentication-Results: {MX.upper()} 1;\n\tdkim=pass (2048-bit key; unprotected) header.d=Almere.Example\n"
     "\theader.s=selector1 header.b=AbC+/=;\n\tspf=fail smtp.mailfrom=\"a;b\"@bounce.example",),  # folded, comments
    (f"Authentication-Results: (received by) \"{MX}\"; dkim=pass header.i=@almere.example header.s=20230601",),
    (f"Authentication-Results: {MX}; dkim=pass header.d=mail.almere.example",),  # relaxed: a subdomain signs
    (f"Authentication-Results: {MX}; dkim=pass header.d=esp.example; dmarc=pass (p=REJECT) header.from=almere.example",),
    ("Authentication-Results: mx.evil.example; dkim=fail", f"Authentication-Results: {MX}; dkim=pass header.d=almere.example"),
])
def test_a_trusted_aligned_pass_verifies_the_sender(fields):
    check = check_sender(reply(*fields), MEMBER, [MX, "other.mx.test"])
    assert check.verified, check.reason


def test_a_parent_domain_signs_for_its_subdomain_and_gmail_replies_read_alike():
    sub = "piet@raad.almere.example"
    signed = reply(f"Authentication-Results: {MX}; dkim=pass header.d=almere.example", sender=sub)
    assert check_sender(signed, sub, [MX]).verified
    gmail = with_fields(gmail_reply("uid@raadsbode", MEMBER, ORGANIZER),
                        f"Authentication-Results: {MX}; dkim=pass header.i=@almere.example; dmarc=pass header.from=almere.example")
    assert check_sender(gmail, MEMBER, [MX]).verified


def test_the_parser_keeps_the_grammar():
    parsed = parse_auth_results(f" {MX} 1; (c (nested)) dkim/1 = pass (good) header . d=\"almere.example\" reason=\"ok; \\\"y\\\"\"")
    assert parsed.authserv_id == MX
    assert [(r.method, r.result, r.props) for r in parsed.results] == [
        ("dkim", "pass", {"header.d": "almere.example", "reason": 'ok; "y"'})]
    assert parse_auth_results(f"{MX}; none").results == ()
    assert parse_auth_results(f"{MX}; dkim=pass junk header.d=almere.example").results == ()  # unreadable: left out


def test_the_sink_strips_forged_copies_of_its_field_and_vouches_on_top():
    forged = reply(f"Authentication-Results: {DEV_AUTHSERV_ID}; dkim=fail",
                   f"Authentication-Results: (x)\n {DEV_AUTHSERV_ID.upper()};\n\tdkim=pass header.d=evil.example",
                   f"Authentication-Results: {MX}; dkim=pass header.d=almere.example")
    stored = stamped_for_delivery(forged)
    fields = [v.strip() for n, v in header_fields(stored) if n == "authentication-results"]
    assert fields == [f"{DEV_AUTHSERV_ID}; dkim=pass header.d=almere.example; dmarc=pass header.from=almere.example",
                      f"{MX}; dkim=pass header.d=almere.example"]
    assert stored.endswith(forged.split(b"\n\n", 1)[1])  # the body byte for byte


def test_the_sink_id_is_trusted_only_by_a_dev_inbox_on_the_maildir(settings):
    stored = stamped_for_delivery(reply())
    assert check_sender(stored, MEMBER, trusted_authserv_ids(settings)).verified
    over_imap = settings.model_copy(update={"imap_host": "imap.vereniging.test", "trusted_authserv_id": [MX]})
    production = settings.model_copy(update={"environment": "production"})
    for other in (over_imap, production):
        assert DEV_AUTHSERV_ID not in trusted_authserv_ids(other)
        assert not check_sender(stored, MEMBER, trusted_authserv_ids(other)).verified


async def convened_board(client, settings, sessions, sink, web):
    """A board meeting whose convocation (with its invitation) reached all nine invitees."""
    board = make_board(sessions)
    meeting_id = await new_meeting(client, settings, sessions, board, timedelta(hours=1), POLICY)
    request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
    assert "Versie 1" in (await click(web, link_in(request), action="submit")).text
    for signer in (board.chair, board.secretary):
        mail, = await wait_for_mail(sink, signer.email, "Agenda ter ondertekening (versie 1)")
        assert "Dank u" in (await click(web, link_in(mail), decision="approve")).text
    for person in board.invitees:
        await wait_for_mail(sink, person.email, "Uitnodiging vergadering")
    return board, meeting_id


async def read_inbox(client, settings, sessions, keys: set[str]) -> dict[str, tuple[str, str]]:
    """Run the inbox activity (as the inbox workflow does) until it has remembered `keys`: key -> (outcome, detail)."""
    activities = InboxActivities(Deps(settings=settings, sessions=sessions, renderer=None), forward_rsvp)  # type: ignore[arg-type]
    for _ in range(20):
        await ActivityEnvironment(client=client).run(activities.process_inbox, InboxPoll(batch_size=50))
        with sessions() as s:
            rows = s.exec(select(InboundMessage).where(InboundMessage.message_key.in_(keys))).all()  # type: ignore[attr-defined]
            found = {r.message_key: (r.outcome, r.detail) for r in rows}
        if len(found) == len(keys):
            return found
    raise AssertionError(f"not all read: {found}")


def message_id(raw: bytes) -> str:
    return next(v.strip() for n, v in header_fields(raw) if n == "message-id")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_only_vouched_replies_reach_the_meeting(temporal_env, settings, session_factory_, sink, tmp_path: Path):
    client, sessions = temporal_env.client, session_factory_
    async with build_worker(client, settings), client_for(create_app(settings, client)) as web:
        board, meeting_id = await convened_board(client, settings, sessions, sink, web)
        uid, mailbox_address = meeting_row(sessions, meeting_id).ical_uid, f"secretariaat@{board.slug}.example"
        domain = f"{board.slug}.example"
        m = board.members

        def answer(person, *fields: str) -> bytes:
            return with_fields(outlook_reply(uid, person.email, mailbox_address, "ACCEPTED", sequence=0), *fields)

        # The provider's server delivered these into the association's Maildir, its field on top.
        delivered = {
            m[0].id: (answer(m[0]), "unverified"),
            m[1].id: (answer(m[1], f"Authentication-Results: {MX}; dkim=pass header.d={domain}"), "recorded"),
            m[2].id: (answer(m[2], f"Authentication-Results: {MX}; dkim=pass header.d=evil.example"), "unverified"),
            m[3].id: (answer(m[3], f"Authentication-Results: mx.evil.example; dkim=pass header.d={domain}"), "unverified"),
            m[4].id: (answer(m[4], f"Authentication-Results: {MX}; dkim=fail header.d={domain}", "Received: from x by y",
                             f"Authentication-Results: {MX}; dkim=pass header.d={domain}"), "unverified"),
        }
        maildir = mailbox.Maildir(str(tmp_path / "mta"), create=True)
        for raw, _ in delivered.values():
            maildir.add(raw)
        provider = settings.model_copy(update={"inbox_maildir": tmp_path / "mta", "trusted_authserv_id": [MX]})
        read = await read_inbox(client, provider, sessions, {message_id(raw) for raw, _ in delivered.values()})
        assert {message_id(raw): outcome for raw, outcome in delivered.values()} == {k: o for k, (o, _) in read.items()}
        unverified = read[message_id(delivered[m[0].id][0])][1]
        assert unverified == "sender unverified: no Authentication-Results of a trusted mail server"

        # In dev the SMTP sink is the receiving server: a reply sent to it over SMTP is applied.
        through_sink = outlook_reply(uid, board.chair.email, mailbox_address, "DECLINED", sequence=0)
        await aiosmtplib.send(through_sink, sender=board.chair.email, recipients=[mailbox_address],
                              hostname="127.0.0.1", port=settings.smtp_port)
        dev = settings.model_copy(update={"inbox_maildir": sink.maildir})
        read = await read_inbox(client, dev, sessions, {message_id(through_sink)})
        assert read[message_id(through_sink)][0] == "recorded", read

    with sessions() as s:
        rows = s.exec(select(Attendance).where(Attendance.meeting_id == meeting_id)).all()
        answers = {a.person_id: str(a.response) for a in rows if str(a.response) != "none"}
        remembered = s.exec(select(InboundMessage).where(InboundMessage.message_key == message_id(delivered[m[2].id][0]))).one()
    assert answers == {m[1].id: "attending", board.chair.id: "not_attending"}
    assert (remembered.sender, remembered.association_id) == (m[2].email, board.association_id)
