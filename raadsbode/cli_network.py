"""`raadsbode network start|status`: network meetings (announcement, open registration with a capacity
and a waiting list, reminder; no sign-off)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from models.alv_messages import NetworkStatusView
from models.meeting_messages import StatusQuery
from models.types import utcnow
from raadsbode import cli_meeting_input as parse
from raadsbode.associations import AssociationError, get_association_by_slug
from raadsbode.cli_alv_common import client, fail, run, sessions
from raadsbode.db import session_scope
from raadsbode.meetings import MeetingError
from raadsbode.network import create_network_meeting, network_handle, start_network_workflow
from raadsbode.settings import get_settings
from workflows.network_meeting import NetworkMeetingWorkflow

network_app = typer.Typer(help="Network meetings (netwerkbijeenkomsten): open registration with a waiting list.",
                          no_args_is_help=True)
PHASES = {"planned": "Gepland, nog niet aangekondigd", "open": "Aangekondigd, aanmelden open", "held": "Gehouden",
          "cancelled": "Geannuleerd"}


@network_app.command("start", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def start(
    ctx: typer.Context,
    association: str = typer.Option(..., "--association", "-a", help="Slug of the association."),
    title: str = typer.Option(..., help="Title, e.g. \"Netwerkbijeenkomst griffiers\"."),
    start_at: str = typer.Option(..., "--date", help="Start, Europe/Amsterdam wall clock: \"2027-03-18 15:00\"."),
    end_at: str = typer.Option(None, "--end", help="End: \"17:00\" or a full date and time (default: 2 hours)."),
    capacity: int = typer.Option(None, min=1, help="Places; later registrations go on the waiting list."),
    venue: str = typer.Option(None, help="Venue name."),
    description: str = typer.Option("", help="What it is about (in the announcement and on the public page)."),
) -> None:
    """Create a network meeting and start its workflow. Durations may follow, e.g. --announce-before 4w."""
    settings = get_settings()
    try:
        policy = parse.policy_options(ctx.args)
        with session_scope(sessions()) as session:
            found = get_association_by_slug(session, association)
            tz = found.timezone or settings.timezone
            starts = parse.parse_local(start_at, tz)
            if starts <= utcnow():
                raise MeetingError("De begintijd ligt in het verleden.")
            meeting = create_network_meeting(session, association_id=found.id, title=title, starts_at=starts,
                                             ends_at=parse.end_time(starts, end_at, tz), capacity=capacity,
                                             venue_id=parse.find_venue(session, found.id, venue),
                                             description=description, policy=policy)
            meeting_id, slug = meeting.id, found.slug
    except (MeetingError, AssociationError) as err:
        fail(str(err))

    async def go() -> str:
        return await start_network_workflow(await client(), settings, meeting_id, slug)
    workflow_id = run(go())
    Console().print(f"Netwerkbijeenkomst {meeting_id} gestart (workflow {workflow_id}); "
                    f"aanmelden: {settings.public_base_url}/openbaar/{slug}/netwerk/{meeting_id}")


@network_app.command("status")
def status(meeting_id: int) -> None:
    """Phase, places, registered and waiting."""
    async def go() -> NetworkStatusView:
        return await network_handle(await client(), meeting_id).query(NetworkMeetingWorkflow.status, StatusQuery())
    view: NetworkStatusView = run(go(), f"De workflow van bijeenkomst {meeting_id}")
    table = Table("", "", title=f"Netwerkbijeenkomst {meeting_id}", show_header=False)
    table.add_row("Fase", PHASES.get(view.phase, view.phase))
    table.add_row("Plaatsen", str(view.capacity) if view.capacity else "onbeperkt")
    table.add_row("Aangemeld", str(view.registered))
    table.add_row("Wachtlijst", str(view.waiting))
    if view.next_deadline_iso:
        when = datetime.fromisoformat(view.next_deadline_iso).astimezone(ZoneInfo(get_settings().timezone))
        table.add_row("Volgende stap", when.strftime("%d-%m-%Y %H:%M"))
    Console().print(table)
