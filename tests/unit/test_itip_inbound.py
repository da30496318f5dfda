"""Inbound iTIP REPLY emails as Outlook, Gmail and Apple send them: found, parsed, and believed only
for a known UID, an invited attendee who is the sender, and a current SEQUENCE."""
from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest

from raadsbode.mail.itip import match_reply, parse_reply
from models.tables import Meeting, OutboundMessage, SendStatus
from models.tables.types import utcnow
from raadsbode.db import session_scope
from tests.support.alv import add_public_meeting, make_association
from tests.support.itip_samples import ICS, gmail_reply, outlook_reply


@pytest.fixture
def invited(session_factory_):
    a = make_association(session_factory_, contacts_per_town=2, towns=["Almere"])
    meeting_id = add_public_meeting(session_factory_, a, utcnow() + timedelta(days=20))
    guest, stranger = f"contact0@almere.{a.slug}.test", f"contact1@almere.{a.slug}.test"
    with session_scope(session_factory_) as s:
        meeting = s.get(Meeting, meeting_id)
        meeting.ical_sequence = 2
        s.add(meeting)
        s.add(OutboundMessage(business_key=f"alv-convocation|meeting-{meeting_id}|1|{guest}", association_id=a.association_id,
                              kind="alv-convocation", subject_ref=f"meeting-{meeting_id}", version=1, recipient=guest,
                              message_id="<x@test>", status=SendStatus.sent))
        uid = meeting.ical_uid
    return a, meeting_id, uid, guest, stranger


def apple_reply(uid: str, attendee: str, organizer: str) -> bytes:
    """Apple Mail: multipart/mixed with a text part and the reply as an .ics attachment only."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = attendee, organizer, "Uitnodiging geaccepteerd"
    msg.set_content("Geaccepteerd")
    ics = ICS.format(prodid="-//Apple Inc.//macOS 14.5//EN", partstat="ACCEPTED", name="C", attendee=attendee,
                     organizer=organizer, sequence=2, uid=uid, verb="Geaccepteerd")
    msg.add_attachment(ics.encode(), maintype="text", subtype="calendar", filename="iCal-20261020.ics")
    return msg.as_bytes()


def check(sessions, raw: bytes):
    reply = parse_reply(raw)
    assert reply is not None
    with sessions() as s:
        return match_reply(s, reply)


def test_outlook_gmail_and_apple_replies_are_read(session_factory_, invited):
    a, meeting_id, uid, guest, _ = invited
    accepted = check(session_factory_, outlook_reply(uid, guest, a.mailbox, "ACCEPTED", sequence=2))
    assert (accepted.outcome, accepted.meeting_id, accepted.response) == ("record", meeting_id, "attending")
    assert accepted.person_id == a.contacts["Almere"][0]
    declined = check(session_factory_, gmail_reply(uid, guest, a.mailbox, "DECLINED", sequence=3))
    assert (declined.outcome, declined.response) == ("record", "not_attending")
    assert check(session_factory_, apple_reply(uid, guest, a.mailbox)).response == "attending"


@pytest.mark.parametrize(("case", "reason"), [
    ("unknown-uid", "unknown UID elsewhere@example.org"), ("not-invited", "was not invited"),
    ("other-sender", "is not the sender"), ("old-sequence", "SEQUENCE 1 is older than 2"),
    ("tentative", "PARTSTAT TENTATIVE is not an answer"),
])
def test_doubtful_replies_are_ignored(session_factory_, invited, case, reason):
    a, _, uid, guest, stranger = invited
    raw = {
        "unknown-uid": outlook_reply("elsewhere@example.org", guest, a.mailbox, sequence=2),
        "not-invited": outlook_reply(uid, stranger, a.mailbox, sequence=2),
        "other-sender": outlook_reply(uid, guest, a.mailbox, sequence=2, sender=stranger),
        "old-sequence": outlook_reply(uid, guest, a.mailbox, sequence=1),
        "tentative": outlook_reply(uid, guest, a.mailbox, "TENTATIVE", sequence=2),
    }[case]
    match = check(session_factory_, raw)
    assert (match.outcome, match.response) == ("ignored", "") and reason in match.reason


def test_a_message_without_a_calendar_reply_is_not_one():
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@b.test", "c@d.test", "Vraag"
    msg.set_content("Hallo")
    assert parse_reply(msg.as_bytes()) is None
    ics = ICS.format(prodid="x", partstat="ACCEPTED", name="A", attendee="a@b.test", organizer="c@d.test", sequence=0,
                     uid="u", verb="x").replace("METHOD:REPLY", "METHOD:REQUEST")
    msg.add_alternative(ics.encode(), maintype="text", subtype="calendar", params={"method": "REQUEST"})
    assert parse_reply(msg.as_bytes()) is None  # an invitation forwarded to the mailbox is no answer
