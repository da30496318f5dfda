"""`raadsbode cycle alv create|show|pause|unpause|delete|trigger|plan --association SLUG`: the yearly ALV
cycle (a Temporal Schedule per association) and its year planning."""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from temporalio.client import ScheduleDescription, ScheduleHandle

from raadsbode.services.alv import cycle
from raadsbode.cli import meeting_input as parse
from raadsbode.services.alv.planning import add_planning_entry, planned_alvs
from raadsbode.store.associations import AssociationError, get_association_by_slug
from raadsbode.cli.common import TITLE_MAX, client, fail, header_text, open_sessions, run
from raadsbode.cli.schedule_table import schedule_table
from raadsbode.db import session_scope
from raadsbode.services.meeting.actions import MeetingError
from raadsbode.settings import get_settings

cycle_app = typer.Typer(help="Recurring meeting cycles (Temporal Schedules).", no_args_is_help=True)
alv_cycle_app = typer.Typer(help="The yearly ALV cycle: spring and autumn, each firing creates the next ALV.",
                            no_args_is_help=True)
cycle_app.add_typer(alv_cycle_app, name="alv")
ASSOCIATION = typer.Option(..., "--association", "-a", help="Slug of the association, e.g. vng-flevoland.")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _association(slug: str) -> tuple[int, str, str]:
    """(id, slug, time zone) of the association, or a Dutch failure."""
    try:
        with session_scope(open_sessions()) as session:
            found = get_association_by_slug(session, slug)
            return found.id, found.slug, found.timezone or get_settings().timezone
    except AssociationError as err:
        fail(str(err))


def _what(slug: str) -> str:
    return f"Het ALV-schema van {slug}"


@alv_cycle_app.command("create", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def create(
    ctx: typer.Context, association: str = ASSOCIATION,
    spring_month: int = typer.Option(3, help="Month of the spring firing (the spring ALV is in June by default)."),
    autumn_month: int = typer.Option(9, help="Month of the autumn firing (the autumn ALV is in November by default)."),
    day: int = typer.Option(1, help="Day of the month of each firing."),
    at: str = typer.Option("09:00", "--time", help="Wall-clock time of each firing."),
    batch_size: int = typer.Option(100, min=1, max=500, help="Recipients per send activity."),
) -> None:
    """Create (or change) the schedule. ALV durations may follow, e.g. --convocation-before 5w."""
    match = TIME.match(at.strip()) or fail(f"Ongeldige tijd '{at}': gebruik uu:mm, bijv. 09:00.")
    association_id, slug, tz = _association(association)
    slots = cycle.CycleSlots(spring_month, autumn_month, day, int(match.group(1)), int(match.group(2)), tz)
    try:
        policy = parse.policy_options(ctx.args)
    except MeetingError as err:
        fail(str(err))

    async def go() -> str:
        return await cycle.upsert_cycle_schedule(await client(), get_settings().temporal_task_queue, association_id,
                                                 slug, slots, policy, batch_size)
    schedule_id = run(go())
    seasons = f"{cycle.slot_text(spring_month, slots)} en {cycle.slot_text(autumn_month, slots)}"
    Console().print(f"ALV-schema {schedule_id} staat klaar: elk jaar op {seasons} ({tz}).")


@alv_cycle_app.command("show")
def show(association: str = ASSOCIATION) -> None:
    """When the next firings are, whether it is paused, recent firings and the planned ALV dates."""
    association_id, slug, tz = _association(association)

    async def go() -> ScheduleDescription:
        return await cycle.cycle_handle(await client(), slug).describe()
    desc: ScheduleDescription = run(go(), _what(slug))
    table = schedule_table(f"ALV-schema {slug}", desc, ZoneInfo(tz), upcoming=2)
    with session_scope(open_sessions()) as session:
        for entry in planned_alvs(session, association_id):
            made = f" (vergadering {entry.meeting_id})" if entry.meeting_id else ""
            table.add_row("Gepland", entry.starts_at.astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M") + made)
    Console().print(table)


@alv_cycle_app.command("pause")
def pause(association: str = ASSOCIATION, note: str = typer.Option("gepauzeerd via de CLI", help="Why.")) -> None:
    """Create no new ALVs until unpaused (ALVs already started go on)."""
    _on_schedule(association, lambda schedule: schedule.pause(note=note), "gepauzeerd")


@alv_cycle_app.command("unpause")
def unpause(association: str = ASSOCIATION) -> None:
    """Fire again from the next slot (slots during the pause are not caught up)."""
    _on_schedule(association, lambda schedule: schedule.unpause(note="hervat via de CLI"), "hervat")


@alv_cycle_app.command("delete")
def delete(association: str = ASSOCIATION) -> None:
    """Remove the schedule (ALVs already started go on)."""
    _on_schedule(association, lambda schedule: schedule.delete(), "verwijderd")


def _on_schedule(association: str, act: Callable[[ScheduleHandle], Awaitable[None]], done: str) -> None:
    _, slug, _ = _association(association)

    async def go() -> None:
        await act(cycle.cycle_handle(await client(), slug))
    run(go(), _what(slug))
    Console().print(f"ALV-schema van {slug} {done}.")


@alv_cycle_app.command("trigger")
def trigger(association: str = ASSOCIATION) -> None:
    """Fire now: create the next ALV (if it does not exist yet) and start its workflow."""
    _, slug, _ = _association(association)
    run(_trigger(slug), _what(slug))
    Console().print(f"ALV-schema van {slug} nu uitgevoerd; de volgende ALV wordt aangemaakt als die nog niet bestaat.")


async def _trigger(slug: str) -> None:
    await cycle.trigger_cycle(await client(), slug)


@alv_cycle_app.command("plan")
def plan(
    association: str = ASSOCIATION,
    start_at: str = typer.Option(..., "--date", help="Start, Europe/Amsterdam wall clock: \"2026-06-11 19:30\"."),
    end_at: str = typer.Option(None, "--end", help="End: \"21:30\" or a full date and time (default: 2 hours)."),
    venue: str = typer.Option(None, callback=header_text("De locatie"),
                              help="Venue name (default: the association's first venue)."),
    title: str = typer.Option("", callback=header_text("De titel", TITLE_MAX), help="Title (default: Algemene Ledenvergadering)."),
) -> None:
    """Put an ALV date in the year planning; the next firing of the cycle takes the earliest date ahead."""
    try:
        with session_scope(open_sessions()) as session:
            found = get_association_by_slug(session, association)
            tz = found.timezone or get_settings().timezone
            starts = parse.parse_local(start_at, tz)
            entry = add_planning_entry(session, found.id, starts, parse.end_time(starts, end_at, tz),
                                       parse.find_venue(session, found.id, venue), title)
            when = entry.starts_at.astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M")
    except (MeetingError, AssociationError) as err:
        fail(str(err))
    Console().print(f"ALV van {when} staat in de jaarplanning van {association}.")
