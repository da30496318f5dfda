"""Inbound iTIP REPLY emails (RFC 6047): find the calendar reply in whatever shape a client sends it and
decide whose answer it is, for which meeting.

Outlook puts text/calendar; method=REPLY inside multipart/alternative (and often again as an attachment),
Gmail sends multipart/mixed with an inline alternative plus invite.ics, Apple Mail a .ics attachment.
A reply is only believed when its UID is one of our meetings, its ATTENDEE got that meeting's invitation,
the attendee is the sender, and its SEQUENCE is not older than the meeting's current one; and it is only
applied when the receiving server vouches for that sender (activities/inbox/activities.py, _apply).
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from icalendar import Calendar
from sqlmodel import Session, col, select

from models.tables.ledger import OutboundMessage, SendStatus
from models.tables.meetings import Meeting
from models.tables.org import Person

log = logging.getLogger(__name__)
REQUEST_KINDS = ("meeting-convocation", "meeting-update")  # a board meeting's emails that put it in a calendar
# Every email kind that put a meeting into someone's calendar with a REQUEST (board and ALV cycle).
INVITATION_KINDS = (*REQUEST_KINDS, "alv-save-the-date", "alv-convocation", "network-announcement")
PARTSTAT_RESPONSES = {"ACCEPTED": "attending", "DECLINED": "not_attending"}  # TENTATIVE: no answer yet
CALENDAR_TYPES = ("text/calendar", "application/ics")


@dataclass(frozen=True)
class ItipReply:
    message_key: str
    sender: str  # From, lower-case address
    uid: str
    sequence: int
    attendee: str  # lower-case address from ATTENDEE:mailto:...
    partstat: str


@dataclass(frozen=True)
class ReplyMatch:
    """What to do with a reply: record `response` for (meeting, person), or ignore it for `reason`."""

    outcome: str  # record / ignored
    reason: str = ""
    meeting_id: int | None = None
    association_id: int | None = None
    person_id: int | None = None
    response: str = ""


def message_key(data: bytes, msg: EmailMessage | None = None) -> str:
    msg = msg or message_from_bytes(data, policy=policy.default)
    found = str(msg.get("Message-ID", "") or "").strip()
    return found[:300] if found else "sha256:" + hashlib.sha256(data).hexdigest()


def addressed_to(msg: EmailMessage) -> set[str]:
    values = [str(v) for h in ("To", "Cc", "Delivered-To", "X-Original-To") for v in msg.get_all(h, [])]
    return {addr.strip().lower() for _, addr in getaddresses(values) if addr}


def calendar_parts(msg: EmailMessage) -> list[bytes]:
    """Every calendar in the message: inline alternatives and .ics attachments alike."""
    found = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() in CALENDAR_TYPES or filename.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if payload:
                found.append(payload)
    return found


def parse_reply(data: bytes) -> ItipReply | None:
    """The first METHOD:REPLY VEVENT in the message, or None when it holds no calendar reply."""
    msg = message_from_bytes(data, policy=policy.default)
    sender = parseaddr(str(msg.get("From", "")))[1].strip().lower()
    for raw in calendar_parts(msg):
        reply = _reply_in(raw, message_key(data, msg), sender)
        if reply is not None:
            return reply
    return None


def _reply_in(raw: bytes, key: str, sender: str) -> ItipReply | None:
    try:
        cal = Calendar.from_ical(raw)
    except ValueError:
        log.info("message %s: unreadable calendar part", key)
        return None
    if str(cal.get("METHOD", "")).strip().upper() != "REPLY":
        return None
    for event in cal.walk("VEVENT"):
        attendees = event.get("ATTENDEE")
        attendee = attendees[0] if isinstance(attendees, list) else attendees
        if attendee is None or "UID" not in event:
            continue
        address = str(attendee).strip()
        address = address[7:] if address.lower().startswith("mailto:") else address
        partstat = str(attendee.params.get("PARTSTAT", "NEEDS-ACTION")).upper()
        return ItipReply(key, sender, str(event["UID"]).strip(), int(event.get("SEQUENCE", 0)),
                         address.strip().lower(), partstat)
    return None


def match_reply(session: Session, reply: ItipReply) -> ReplyMatch:
    """Check the reply against our meetings, invitations and the sender (read-only)."""
    meeting = session.exec(select(Meeting).where(Meeting.ical_uid == reply.uid)).first()
    if meeting is None:
        return ReplyMatch("ignored", f"unknown UID {reply.uid}")
    ids = {"meeting_id": meeting.id, "association_id": meeting.association_id}
    person = session.exec(select(Person).where(Person.association_id == meeting.association_id,
                                               Person.email == reply.attendee)).first()
    if person is None or not _was_invited(session, meeting.id, reply.attendee):
        return ReplyMatch("ignored", f"{reply.attendee} was not invited", **ids)
    if reply.attendee != reply.sender:
        return ReplyMatch("ignored", f"attendee {reply.attendee} is not the sender {reply.sender}", **ids)
    if reply.sequence < meeting.ical_sequence:
        return ReplyMatch("ignored", f"SEQUENCE {reply.sequence} is older than {meeting.ical_sequence}", **ids)
    response = PARTSTAT_RESPONSES.get(reply.partstat)
    if response is None:
        return ReplyMatch("ignored", f"PARTSTAT {reply.partstat} is not an answer", person_id=person.id, **ids)
    return ReplyMatch("record", "", person_id=person.id, response=response, **ids)


def _was_invited(session: Session, meeting_id: int, email: str) -> bool:
    found = session.exec(select(OutboundMessage.id).where(
        OutboundMessage.subject_ref == f"meeting-{meeting_id}", col(OutboundMessage.kind).in_(INVITATION_KINDS),
        OutboundMessage.recipient == email, OutboundMessage.status == SendStatus.sent)).first()
    return found is not None
