"""iCalendar (RFC 5545) / iTIP (RFC 5546) objects for meeting invitations. STUB: owned by the mail helper."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
    """One VCALENDAR for one recipient, CRLF line endings. To be implemented."""
    raise NotImplementedError
