"""What the ALV commands (cycle, alv, network) share: the database, the Temporal client, Dutch failures."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from models.meetings import Meeting
from models.types import utcnow
from raadsbode import cli_meeting_input as parse
from raadsbode.associations import AssociationError, get_association_by_slug
from raadsbode.db import SessionFactory, make_engine, migrate, session_factory, session_scope
from raadsbode.meetings import MeetingError
from raadsbode.settings import get_settings
from raadsbode.temporal_client import connect


def sessions() -> SessionFactory:
    url = get_settings().database_url
    migrate(url)
    return session_factory(make_engine(url))


async def client() -> Client:
    return await connect(get_settings())


def fail(message: str) -> NoReturn:
    Console(stderr=True).print(f"[red]{message}[/red]")
    raise typer.Exit(1)


def run(coro: Coroutine[Any, Any, Any], what: str = "Dit") -> Any:
    """Run a command's async part; Dutch messages instead of tracebacks for what a person can fix."""
    try:
        return asyncio.run(coro)
    except WorkflowUpdateFailedError as err:
        fail(str(getattr(err.cause, "message", err.cause)))
    except (MeetingError, AssociationError, ValueError) as err:
        fail(str(err))
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            fail(f"{what} bestaat niet (meer).")
        fail(f"Temporal gaf een fout: {err.message}")


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
        with session_scope(sessions()) as session:
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
