"""What `alv start` and `network start` share (and `meeting status` its times): a meeting made from the
command line's options, and a workflow's moment on the console."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from models.tables.meetings import Meeting
from models.tables.types import utcnow
from raadsbode.cli import meeting_input as parse
from raadsbode.store.associations import AssociationError, get_association_by_slug
from raadsbode.cli.common import fail, open_sessions
from raadsbode.db import session_scope
from raadsbode.services.meeting.actions import MeetingError
from raadsbode.settings import get_settings


@dataclass(frozen=True)
class CreatedMeeting:
    meeting_id: int
    association_slug: str
    title: str


def create_from_options(association: str, start_at: str, end_at: str | None, venue: str | None,
                        create: Callable[..., Meeting]) -> CreatedMeeting:
    """Create a meeting from the CLI's options: the association's slug, a wall-clock start in the future, an end
    (default 2 hours) and a venue by name. `create(session, association_id=, starts_at=, ends_at=, venue_id=)` adds
    the meeting (create_alv, create_network_meeting). Exits 1 with the Dutch message on what a person can fix."""
    try:
        with session_scope(open_sessions()) as session:
            found = get_association_by_slug(session, association)
            tz = found.timezone or get_settings().timezone
            starts = parse.parse_local(start_at, tz)
            if starts <= utcnow():
                raise MeetingError("De begintijd ligt in het verleden.")
            meeting = create(session, association_id=found.id, starts_at=starts, ends_at=parse.end_time(starts, end_at, tz),
                             venue_id=parse.find_venue(session, found.id, venue))
            return CreatedMeeting(meeting.id, found.slug, meeting.title)
    except (MeetingError, AssociationError) as err:
        fail(str(err))


def local_time(iso: str) -> str:
    """A workflow's ISO moment on the console: Europe/Amsterdam (the settings' zone), day first."""
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(get_settings().timezone)).strftime("%d-%m-%Y %H:%M")
