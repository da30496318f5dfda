"""`raadsbode newsletter schedule create|show|pause|resume|delete SLUG`: the monthly Temporal Schedule."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from temporalio.client import ScheduleDescription

from raadsbode.services.newsletter import control
from raadsbode.cli.common import client, fail, run
from raadsbode.cli.newsletter_common import CONNECTIONS, EDITORS, LATE_AFTER, PARALLEL, RATE, association, policy
from raadsbode.cli.schedule_table import schedule_table
from raadsbode.settings import get_settings

schedule_app = typer.Typer(help="The monthly schedule that starts each issue.", no_args_is_help=True)
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
WEEKDAY_NL = {"ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag", "vr": "vrijdag",
              "za": "zaterdag", "zo": "zondag"}


def _what(slug: str) -> str:
    return f"Het nieuwsbriefschema van {slug}"


@schedule_app.command("create")
def create(
    slug: str = typer.Argument(..., help="Slug of the association."),
    weekday: str = typer.Option("di", help="ma, di, wo, do, vr, za or zo."),
    week: int = typer.Option(1, min=1, max=4, help="The n-th such weekday of the month (1-4)."),
    at: str = typer.Option("10:00", "--time", help="Wall-clock time, e.g. 10:00."),
    timezone: str = typer.Option("Europe/Amsterdam", help="Time zone of --time."),
    editors: list[str] = EDITORS, rate: float = RATE, late_after: float = LATE_AFTER,
    connections: int = CONNECTIONS, parallel: int = PARALLEL,
) -> None:
    """Create the monthly schedule (or change it), e.g. the first Tuesday at 10:00 Europe/Amsterdam."""
    match = TIME.match(at.strip()) or fail(f"Ongeldige tijd '{at}': gebruik uu:mm, bijv. 10:00.")
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError):
        fail(f"Onbekende tijdzone '{timezone}'.")
    slot = control.MonthlySlot(weekday.strip().lower(), week, int(match.group(1)), int(match.group(2)), timezone, editors)
    association_id, slug = association(slug)

    async def go() -> str:
        return await control.upsert_schedule(await client(), get_settings().temporal_task_queue, association_id, slug,
                                             slot, policy(rate, late_after, connections, parallel))
    schedule_id = run(go())
    Console().print(f"Schema {schedule_id} staat klaar: {_slot_text(slot)}.")


def _slot_text(slot: control.MonthlySlot) -> str:
    day = WEEKDAY_NL.get(slot.weekday, slot.weekday)
    return f"elke maand de {['eerste', 'tweede', 'derde', 'vierde'][slot.week - 1]} {day} om {slot.hour:02d}:{slot.minute:02d} ({slot.timezone})"


@schedule_app.command("show")
def show(slug: str = typer.Argument(..., help="Slug of the association.")) -> None:
    """When the next issues start, whether the schedule is paused, and the recent runs."""
    async def go() -> ScheduleDescription:
        return await (await client()).get_schedule_handle(control.schedule_id(slug)).describe()
    desc: ScheduleDescription = run(go(), _what(slug))
    tz = ZoneInfo(desc.schedule.spec.time_zone_name or "Europe/Amsterdam")
    Console().print(schedule_table(f"Nieuwsbriefschema {slug}", desc, tz))


@schedule_app.command("pause")
def pause(slug: str = typer.Argument(...), note: str = typer.Option("gepauzeerd via de CLI", help="Why (shown by 'show').")) -> None:
    """Start no new issues until resumed (a running issue is not affected)."""
    async def go() -> None:
        await (await client()).get_schedule_handle(control.schedule_id(slug)).pause(note=note)
    run(go(), _what(slug))
    Console().print(f"Schema van {slug} gepauzeerd.")


@schedule_app.command("resume")
def resume(slug: str = typer.Argument(...)) -> None:
    """Start issues again from the next slot (slots during the pause are skipped)."""
    async def go() -> None:
        await (await client()).get_schedule_handle(control.schedule_id(slug)).unpause(note="hervat via de CLI")
    run(go(), _what(slug))
    Console().print(f"Schema van {slug} hervat.")


@schedule_app.command("delete")
def delete(slug: str = typer.Argument(...)) -> None:
    """Remove the schedule (issues already started go on)."""
    async def go() -> None:
        await (await client()).get_schedule_handle(control.schedule_id(slug)).delete()
    run(go(), _what(slug))
    Console().print(f"Schema van {slug} verwijderd.")
