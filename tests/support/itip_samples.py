"""Realistic iTIP REPLY emails as Outlook and Gmail send them (structure copied from real messages)."""
from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import formatdate

ICS = """BEGIN:VCALENDAR\r
METHOD:REPLY\r
PRODID:{prodid}\r
VERSION:2.0\r
BEGIN:VEVENT\r
ATTENDEE;PARTSTAT={partstat};CN="{name}":mailto:{attendee}\r
DTSTAMP:20261020T101500Z\r
DTSTART;TZID=Europe/Amsterdam:20261120T140000\r
ORGANIZER;CN=VNG Testland:mailto:{organizer}\r
SEQUENCE:{sequence}\r
UID:{uid}\r
SUMMARY:{verb}: Algemene Ledenvergadering\r
END:VEVENT\r
END:VCALENDAR\r
"""


def outlook_reply(uid: str, attendee: str, organizer: str, partstat: str = "ACCEPTED", sequence: int = 0,
                  sender: str | None = None) -> bytes:
    """Outlook: multipart/alternative with text, html and text/calendar; method=REPLY (UPPER-CASE mailto)."""
    ics = ICS.format(prodid="Microsoft Exchange Server 2010", partstat=partstat, name="Contact", attendee=attendee.upper(),
                     organizer=organizer, sequence=sequence, uid=uid, verb="Geaccepteerd")
    msg = _base(sender or attendee, organizer, "Geaccepteerd: Algemene Ledenvergadering")
    msg.set_content("Geaccepteerd", cte="quoted-printable")
    msg.add_alternative("<html><body>Geaccepteerd</body></html>", subtype="html")
    msg.add_alternative(ics.encode(), maintype="text", subtype="calendar", params={"method": "REPLY", "charset": "utf-8"})
    return msg.as_bytes()


def gmail_reply(uid: str, attendee: str, organizer: str, partstat: str = "DECLINED", sequence: int = 0) -> bytes:
    """Gmail: multipart/mixed: alternative (text, html, text/calendar) plus invite.ics as application/ics, base64."""
    ics = ICS.format(prodid="-//Google Inc//Google Calendar 70.9054//EN", partstat=partstat, name=attendee,
                     attendee=attendee, organizer=organizer, sequence=sequence, uid=uid, verb="Afgewezen")
    msg = _base(attendee, organizer, "Uitnodiging afgewezen: Algemene Ledenvergadering")
    msg.set_content(f"{attendee} heeft deze uitnodiging afgewezen.")
    msg.add_alternative("<p>afgewezen</p>", subtype="html")
    msg.add_alternative(ics.encode(), maintype="text", subtype="calendar", params={"method": "REPLY", "charset": "UTF-8"})
    msg.make_mixed()
    msg.add_attachment(ics.encode(), maintype="application", subtype="ics", filename="invite.ics")
    return msg.as_bytes()


def _base(sender: str, to: str, subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Contact <{sender}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate()
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example>"
    return msg
