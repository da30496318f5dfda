"""`raadsbode alv start|status` (an extra ALV by hand, with a reason and the shorter EXTRA_ALV policy);
register_alv_commands also mounts `raadsbode network ...` (raadsbode/cli/network.py)."""
from __future__ import annotations

import functools

import typer
from rich.console import Console
from rich.table import Table

from raadsbode.domain.phases import ALV_PHASE_LABELS
from models.messages.alv import AlvStatusView
from models.messages.meeting import StatusQuery
from raadsbode.cli import meeting_input as parse
from raadsbode.services.alv.actions import alv_handle, create_alv, start_alv_workflow
from raadsbode.cli.alv_common import create_from_options, local_time
from raadsbode.cli.common import TITLE_MAX, client, fail, header_text, run
from raadsbode.services.meeting.actions import MeetingError
from raadsbode.settings import get_settings
from workflows.alv.workflow import AlvWorkflow

alv_app = typer.Typer(help="General meetings (ALV) by hand: an extra ALV at short notice.", no_args_is_help=True)


def register_alv_commands(app: typer.Typer) -> None:
    """Mount `alv` and `network` on the root command."""
    from raadsbode.cli.network import network_app

    app.add_typer(alv_app, name="alv")
    app.add_typer(network_app, name="network")


@alv_app.command("start", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def start(
    ctx: typer.Context,
    association: str = typer.Option(..., "--association", "-a", help="Slug of the association."),
    start_at: str = typer.Option(..., "--date", help="Start, Europe/Amsterdam wall clock: \"2027-01-13 19:30\"."),
    end_at: str = typer.Option(None, "--end", help="End: \"21:30\" or a full date and time (default: 2 hours)."),
    reason: str = typer.Option("", help="Why the extra ALV is called (required for an extra ALV; shown to members)."),
    kind: str = typer.Option("extra-alv", help="extra-alv (short notice, needs --reason) or alv."),
    venue: str = typer.Option(None, callback=header_text("De locatie"), help="Venue name, e.g. \"Stadhuis Lelystad\"."),
    title: str = typer.Option("", callback=header_text("De titel", TITLE_MAX),
                              help="Title (default: \"Extra Algemene Ledenvergadering\")."),
) -> None:
    """Call an ALV by hand and start its workflow. ALV durations may follow, e.g. --convocation-before 10d."""
    try:
        policy = parse.policy_options(ctx.args)
    except MeetingError as err:
        fail(str(err))
    start_by_hand(association, start_at, end_at, reason, kind, venue, title, policy)


def start_by_hand(association: str, start_at: str, end_at: str | None, reason: str, kind: str = "extra-alv",
                  venue: str | None = None, title: str = "", policy: dict[str, str] | None = None) -> int:
    """Create the (extra) ALV and start its workflow; prints the result, exits 1 with a Dutch message on errors.
    `raadsbode meeting start --kind extra-alv` can delegate here."""
    create = functools.partial(create_alv, kind=kind, reason=reason, title=title, policy=policy or {})
    created = create_from_options(association, start_at, end_at, venue, create)

    async def go() -> str:
        return await start_alv_workflow(await client(), get_settings(), created.meeting_id, created.association_slug)
    workflow_id = run(go())
    Console().print(f"{created.title} {created.meeting_id} gestart (workflow {workflow_id}).")
    return created.meeting_id


@alv_app.command("status")
def status(meeting_id: int) -> None:
    """Phase, agenda and decision-list versions, the next step and the registrations of an ALV."""
    async def go() -> AlvStatusView:
        return await alv_handle(await client(), meeting_id).query(AlvWorkflow.status, StatusQuery())
    view: AlvStatusView = run(go(), f"De workflow van vergadering {meeting_id}")
    table = Table("", "", title=f"ALV {meeting_id}", show_header=False)
    table.add_row("Fase", ALV_PHASE_LABELS.get(view.phase, view.phase))
    table.add_row("Agendaversie", str(view.agenda_version or "nog geen"))
    table.add_row("Besluitenlijst", str(view.decisions_version or "nog geen"))
    table.add_row("Volgende stap", view.next_step)
    if view.next_deadline_iso:
        table.add_row("Wanneer", local_time(view.next_deadline_iso))
    table.add_row("Aanmeldingen", f"komt {view.rsvp.get('attending', 0)}, vertegenwoordigd {view.rsvp.get('represented', 0)}, "
                  f"komt niet {view.rsvp.get('not_attending', 0)}, geen antwoord {view.rsvp.get('none', 0)}")
    Console().print(table)
