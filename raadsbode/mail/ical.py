"""iCalendar (RFC 5545) / iTIP (RFC 5546) objects for meeting invitations.

One VCALENDAR per recipient: that recipient is the only ATTENDEE, so a calendar client
never shows (or mails) the other invitees, and each person's reply concerns only them.
All text goes through the icalendar library so escaping and folding are never ours.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, UTC
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

from raadsbode.mail.compose import checked_address

PRODID = "-//Raadsbode//Raadsbode 0.1//NL"
METHODS = ("REQUEST", "CANCEL", "PUBLISH")
AMSTERDAM = "Europe/Amsterdam"


@dataclass
class CalendarEvent:
    uid: str
    sequence: int
    summary: str
    description: str
    location: str
    starts_at: datetime  # timezone-aware
    ends_at: datetime
    organizer_email: str
    organizer_name: str
    attendee_email: str
    attendee_name: str
    url: str = ""
    method: str = "REQUEST"  # REQUEST / CANCEL / PUBLISH
    tzid: str = "Europe/Amsterdam"


def build_calendar(event: CalendarEvent) -> bytes:
    """One VCALENDAR for one recipient, CRLF line endings."""
    _check(event)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", event.method)
    cal.add_component(timezone_component(event.tzid, event.starts_at, event.ends_at))
    cal.add_component(_event_component(event))
    return cal.to_ical()


def _check(event: CalendarEvent) -> None:
    if event.method not in METHODS:
        raise ValueError(f"unknown iTIP method {event.method!r}; expected one of {METHODS}")
    if event.starts_at.tzinfo is None or event.ends_at.tzinfo is None:
        raise ValueError("starts_at and ends_at must be timezone-aware")
    if event.ends_at <= event.starts_at:
        raise ValueError("ends_at must be after starts_at")
    if not event.uid or event.sequence < 0:
        raise ValueError("a calendar event needs a UID and a non-negative SEQUENCE")


def _event_component(event: CalendarEvent) -> Event:
    zone = ZoneInfo(event.tzid)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    # DTSTAMP: when this iTIP message was made; clients use it to order replies.
    vevent.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.summary)
    vevent.add("location", event.location)
    vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", "CANCELLED" if event.method == "CANCEL" else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    # The address exactly as the From header carries it (IDN domain as punycode): clients compare the two.
    vevent.add("organizer", _address(checked_address(event.organizer_email, "organizer_email"), event.organizer_name))
    vevent.add("attendee", _attendee(event))
    return vevent


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address


def _attendee(event: CalendarEvent) -> vCalAddress:
    attendee = _address(event.attendee_email, event.attendee_name)
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    # Only a REQUEST asks for an answer; a cancellation or a published event does not.
    attendee.params["RSVP"] = "TRUE" if event.method == "REQUEST" else "FALSE"
    return attendee


def timezone_component(tzid: str, starts_at: datetime, ends_at: datetime) -> Timezone:
    """The VTIMEZONE for tzid. Amsterdam gets the compact two-rule form (what Outlook and Google
    emit and expect); other zones fall back to the library's transitions for the event's years."""
    if tzid == AMSTERDAM:
        return amsterdam_timezone()
    first = date(starts_at.year, 1, 1)
    last = date(ends_at.year + 1, 1, 1)
    return Timezone.from_tzid(tzid, first_date=first, last_date=last)


def amsterdam_timezone() -> Timezone:
    """Europe/Amsterdam since 1996: CET in winter, CEST from the last Sunday of March 02:00
    to the last Sunday of October 03:00."""
    vtimezone = Timezone()
    vtimezone.add("tzid", AMSTERDAM)
    vtimezone.add_component(_rule(TimezoneStandard, datetime(1970, 10, 25, 3), 10, (2, 1), "CET"))
    vtimezone.add_component(_rule(TimezoneDaylight, datetime(1970, 3, 29, 2), 3, (1, 2), "CEST"))
    return vtimezone


def _rule(kind: type, dtstart: datetime, month: int, offsets: tuple[int, int], name: str):
    rule = kind()
    rule.add("dtstart", dtstart)
    rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
    rule.add("tzoffsetfrom", timedelta(hours=offsets[0]))
    rule.add("tzoffsetto", timedelta(hours=offsets[1]))
    rule.add("tzname", name)
    return rule
