"""`raadsbode network start|status`: network meetings (announcement, open registration with a capacity
and a waiting list, reminder; no sign-off)."""
from __future__ import annotations

import functools

import typer
from rich.console import Console
from rich.table import Table

from raadsbode.domain.phases import NETWORK_PHASE_LABELS
from models.messages.network import NetworkStatusView
from models.messages.meeting import StatusQuery
from raadsbode.cli import meeting_input as parse
from raadsbode.cli.alv_common import create_from_options, local_time
from raadsbode.cli.common import TITLE_MAX, client, fail, header_text, run
from raadsbode.services.meeting.actions import MeetingError
from raadsbode.services.network import create_network_meeting, network_handle, start_network_workflow
from raadsbode.settings import get_settings
from workflows.network.workflow import NetworkMeetingWorkflow

network_app = typer.Typer(help="Network meetings (netwerkbijeenkomsten): open registration with a waiting list.",
                          no_args_is_help=True)


@network_app.command("start", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def start(
    ctx: typer.Context,
    association: str = typer.Option(..., "--association", "-a", help="Slug of the association."),
    title: str = typer.Option(..., callback=header_text("De titel", TITLE_MAX), help="Title, e.g. \"Netwerkbijeenkomst griffiers\"."),
    start_at: str = typer.Option(..., "--date", help="Start, Europe/Amsterdam wall clock: \"2027-03-18 15:00\"."),
    end_at: str = typer.Option(None, "--end", help="End: \"17:00\" or a full date and time (default: 2 hours)."),
    capacity: int = typer.Option(None, min=1, help="Places; later registrations go on the waiting list."),
    venue: str = typer.Option(None, callback=header_text("De locatie"), help="Venue name."),
    description: str = typer.Option("", help="What it is about (in the announcement and on the public page)."),
) -> None:
    """Create a network meeting and start its workflow. Durations may follow, e.g. --announce-before 4w."""
    try:
        policy = parse.policy_options(ctx.args)
    except MeetingError as err:
        fail(str(err))
    create = functools.partial(create_network_meeting, title=title, capacity=capacity, description=description,
                               policy=policy)
    created = create_from_options(association, start_at, end_at, venue, create)
    settings = get_settings()

    async def go() -> str:
        return await start_network_workflow(await client(), settings, created.meeting_id, created.association_slug)
    workflow_id = run(go())
    Console().print(f"Netwerkbijeenkomst {created.meeting_id} gestart (workflow {workflow_id}); aanmelden: "
                    f"{settings.public_base_url}/openbaar/{created.association_slug}/netwerk/{created.meeting_id}")


@network_app.command("status")
def status(meeting_id: int) -> None:
    """Phase, places, registered and waiting."""
    async def go() -> NetworkStatusView:
        return await network_handle(await client(), meeting_id).query(NetworkMeetingWorkflow.status, StatusQuery())
    view: NetworkStatusView = run(go(), f"De workflow van bijeenkomst {meeting_id}")
    table = Table("", "", title=f"Netwerkbijeenkomst {meeting_id}", show_header=False)
    table.add_row("Fase", NETWORK_PHASE_LABELS.get(view.phase, view.phase))
    table.add_row("Plaatsen", str(view.capacity) if view.capacity else "onbeperkt")
    table.add_row("Aangemeld", str(view.registered))
    table.add_row("Wachtlijst", str(view.waiting))
    if view.next_deadline_iso:
        table.add_row("Volgende stap", local_time(view.next_deadline_iso))
    Console().print(table)
