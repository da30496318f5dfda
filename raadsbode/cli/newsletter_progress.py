"""`raadsbode newsletter progress SLUG YYYY-MM`: follow a send with a progress bar from the workflow query."""
from __future__ import annotations

import asyncio
import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from rich.table import Table
from temporalio.client import Client

from models.messages.newsletter import Progress as SendProgress
from raadsbode.services.newsletter import control
from raadsbode.services.newsletter.control import FINAL_STATES, STATE_LABELS

COUNTS = ("[green]{task.fields[sent]}[/] verzonden · [red]{task.fields[failed]}[/] mislukt · "
          "{task.fields[suppressed]} onderdrukt · {task.fields[remaining]} te gaan · "
          "{task.fields[rate]:.1f}/s · nog {task.fields[eta]}")


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return "onbekend"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def fields(p: SendProgress) -> dict:
    return {"description": STATE_LABELS.get(p.state, p.state), "completed": p.sent + p.failed + p.suppressed,
            "total": p.total or None, "sent": p.sent, "failed": p.failed, "suppressed": p.suppressed,
            "remaining": p.remaining, "rate": p.rate, "eta": eta_text(p.eta_seconds)}


async def follow(client: Client, slug: str, period: str, console: Console, interval: float = 1.0,
                 timeout: float | None = None) -> SendProgress:
    """Poll the workflow until it is sent or cancelled (or `timeout` seconds passed); return the last view."""
    started, p = time.monotonic(), await control.progress(client, slug, period)
    bar = Progress(TextColumn("{task.description:<26}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   TextColumn(COUNTS), console=console, refresh_per_second=4)
    with bar:
        task: TaskID = bar.add_task(**fields(p))
        while p.state not in FINAL_STATES and (timeout is None or time.monotonic() - started < timeout):
            await asyncio.sleep(interval)
            p = await control.progress(client, slug, period)
            bar.update(task, **fields(p))
    return p


def summary_table(slug: str, period: str, p: SendProgress) -> Table:
    table = Table("", "", title=f"Nieuwsbrief {slug} {period}", show_header=False)
    rows = [("Status", STATE_LABELS.get(p.state, p.state)), ("Proefversie", str(p.version)), ("Ontvangers", str(p.total)),
            ("Verzonden", str(p.sent)), ("Mislukt", str(p.failed)), ("Onderdrukt / afgemeld", str(p.suppressed)),
            ("Te gaan", str(p.remaining)), ("Snelheid", f"{p.rate:.1f} berichten/s"), ("Nog", eta_text(p.eta_seconds))]
    if p.comment:
        rows.append(("Opmerking redactie", p.comment))
    for label, value in rows:
        table.add_row(label, value)
    return table
