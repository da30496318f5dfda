"""`raadsbode newsletter ...`: the monthly newsletter from the command line.

schedule create|show|pause|resume|delete, start, post add, feed import, pause|resume|cancel|go, progress.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, time, UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from models.messages.newsletter import Ack
from raadsbode.services.newsletter import control
from raadsbode.cli.common import client, fail, open_sessions, run
from raadsbode.cli.newsletter_common import CONNECTIONS, EDITORS, LATE_AFTER, PARALLEL, RATE, association, policy
from raadsbode.cli.newsletter_progress import follow, summary_table
from raadsbode.cli.newsletter_schedule import schedule_app
from raadsbode.db import session_scope
from raadsbode.services.newsletter.feed_reader import MAX_FEED_BYTES, FeedError, TOO_BIG, fetch_feed, read_feed
from raadsbode.services.newsletter.issues import workflow_id
from raadsbode.domain.newsletter_period import ContentError, check_period
from raadsbode.services.newsletter.content import add_post, import_feed
from raadsbode.settings import get_settings

newsletter_app = typer.Typer(help="The monthly newsletter: schedule, content, sending.", no_args_is_help=True)
post_app = typer.Typer(help="Blog posts for the next issue.", no_args_is_help=True)
feed_app = typer.Typer(help="Blog posts from the association's RSS/Atom feed.", no_args_is_help=True)
newsletter_app.add_typer(schedule_app, name="schedule")
newsletter_app.add_typer(post_app, name="post")
newsletter_app.add_typer(feed_app, name="feed")
SLUG = typer.Argument(..., help="Slug of the association, e.g. vng-flevoland.")
PERIOD = typer.Argument(..., help="The issue's month: yyyy-mm.")


def _issue(slug: str, period: str) -> str:
    try:
        check_period(period)
    except ContentError as err:
        fail(str(err))
    return f"De nieuwsbrief {workflow_id(slug, period)}"


@newsletter_app.command("start")
def start(slug: str = SLUG, period: str = PERIOD, editors: list[str] = EDITORS,
          intro: str = typer.Option("", help="The editor's introduction."), rate: float = RATE,
          late_after: float = LATE_AFTER, connections: int = CONNECTIONS, parallel: int = PARALLEL) -> None:
    """Start an issue now (outside the schedule): it is composed and a proof goes to the editor(s)."""
    _issue(slug, period)
    association_id, slug = association(slug)

    async def go() -> str:
        handle = await control.start_issue(await client(), get_settings().temporal_task_queue, association_id, slug,
                                           period, editors, intro, policy(rate, late_after, connections, parallel))
        return handle.id
    Console().print(f"Nieuwsbrief {run(go())} gestart; de proef gaat naar {', '.join(editors) or 'de mailbox van de vereniging'}.")


@post_app.command("add")
def post_add(slug: str = SLUG, title: str = typer.Option(..., help="Title of the post."),
             summary: str = typer.Option("", help="A few paragraphs of plain text."),
             url: str = typer.Option("", help="Link to the full post (https://...)."),
             date: str = typer.Option("", help="Publication date yyyy-mm-dd (default: now).")) -> None:
    """Add (or update) a blog post; the next composed issue includes it."""
    association_id, _ = association(slug)
    try:
        published = _date(date)
        with session_scope(open_sessions()) as session:
            post = add_post(session, association_id, title, summary, url, published, "cli")
            post_id = post.id
    except ContentError as err:
        fail(str(err))
    Console().print(f"Blogbericht {post_id} opgeslagen: {' '.join(title.split())}")


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ContentError(f"Ongeldige datum '{value}': gebruik jjjj-mm-dd, bijv. 2026-11-03.") from None
    return datetime.combine(day, time(12), ZoneInfo("Europe/Amsterdam")).astimezone(UTC)


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(TOO_BIG)
    return data


@feed_app.command("import")
def feed_import(slug: str = SLUG, source: str = typer.Argument(..., help="Feed URL (https://...) or a saved feed file.")) -> None:
    """Import the posts of an RSS/Atom feed; posts already known are updated, not doubled."""
    association_id, _ = association(slug)
    path = Path(source)
    if not path.is_file() and not source.startswith(("https://", "http://")):
        fail(f"'{source}' is geen bestand en geen http(s)-adres.")
    try:
        # The operator names the file or URL; its content is then only ever data (raadsbode.services.newsletter.feed_reader).
        data = fetch_feed(source) if not path.is_file() else _read_capped(path)
        posts = asyncio.run(read_feed(data))
        with session_scope(open_sessions()) as session:
            count = import_feed(session, association_id, posts)
    except (FeedError, ContentError) as err:
        fail(str(err))
    Console().print(f"{count} bericht(en) uit de feed verwerkt.")


def _command(slug: str, period: str, what: str) -> None:
    what_issue = _issue(slug, period)

    async def go() -> Ack:
        return await control.command(await client(), slug, period, what, by="cli")
    ack: Ack = run(go(), what_issue)
    if not ack.ok:
        fail(ack.message)
    Console().print(ack.message)


@newsletter_app.command("pause")
def pause(slug: str = SLUG, period: str = PERIOD) -> None:
    """Pause a running send (the messages in flight finish first)."""
    _command(slug, period, "pause")


@newsletter_app.command("resume")
def resume(slug: str = SLUG, period: str = PERIOD) -> None:
    """Resume a paused send where it stopped; nobody gets the issue twice."""
    _command(slug, period, "resume")


@newsletter_app.command("cancel")
def cancel(slug: str = SLUG, period: str = PERIOD) -> None:
    """Cancel the issue (before or during the send); the editor gets a report of what went out."""
    _command(slug, period, "cancel")


@newsletter_app.command("go")
def go_(slug: str = SLUG, period: str = PERIOD) -> None:
    """The explicit go for an issue approved too long after its slot."""
    _command(slug, period, "start_now")


@newsletter_app.command("progress")
def progress(slug: str = SLUG, period: str = PERIOD,
             once: bool = typer.Option(False, "--once", help="Print the current state and stop."),
             interval: float = typer.Option(1.0, min=0.2, help="Seconds between updates.")) -> None:
    """Follow a send with a progress bar (sent, failed, suppressed, remaining, rate, ETA) until it ends."""
    what_issue, console = _issue(slug, period), Console()

    async def go():
        temporal = await client()
        if once:
            return await control.progress(temporal, slug, period)
        return await follow(temporal, slug, period, console, interval)
    console.print(summary_table(slug, period, run(go(), what_issue)))
