"""What the commands share: the database, the Temporal client, and Dutch failures instead of tracebacks."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from raadsbode.store.associations import AssociationError
from raadsbode.db import SessionFactory, make_engine, schema_is_current, session_factory
from raadsbode.domain.header_text import MAX_HEADER_TEXT, header_text_problem
from raadsbode.services.meeting.actions import MeetingError
from raadsbode.settings import get_settings
from raadsbode.temporal_client import connect


def console() -> Console:
    # Made per call so the terminal width (COLUMNS) is read when the command runs.
    return Console()


USAGE_ERROR = 2  # click's code for a bad option; the header rule's refusals use it too
TITLE_MAX = 300  # a meeting's title (raadsbode/services/meeting/actions.py)
Typed = TypeVar("Typed", str, list[str], None)


def fail(message: str, code: int = 1) -> NoReturn:
    # The message may quote what was typed: '[' in a name is text, not rich markup.
    Console(stderr=True).print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(code)


def header_text(label: str, max_length: int = MAX_HEADER_TEXT) -> Callable[[Typed], Typed]:
    """An option callback for text that can reach a mail header (names, titles, addresses; one value or a
    repeated option): refused with the Dutch reason and exit code 2 before the command runs.
    The rule is raadsbode/domain/header_text.py (a meeting title may be longer: TITLE_MAX)."""
    def check(value: Typed) -> Typed:
        for text in ([value] if isinstance(value, str) else value or []):
            problem = header_text_problem(text, max_length)
            if problem:
                fail(f"{label} {problem}.", USAGE_ERROR)
        return value
    return check


def open_sessions() -> SessionFactory:
    """Sessions on the configured database. Commands do not migrate (that is `raadsbode migrate`, run by the
    deploy and by the dev stack); an out-of-date schema is refused with that advice instead of a traceback."""
    engine = make_engine(get_settings().database_url)
    if not schema_is_current(engine):
        fail("De database is niet bijgewerkt: voer eerst `raadsbode migrate` uit.")
    return session_factory(engine)


async def client() -> Client:
    settings = get_settings()
    try:
        return await connect(settings)
    except (RuntimeError, OSError) as err:  # temporalio reports a refused connection as RuntimeError
        fail(f"Temporal is niet bereikbaar op {settings.temporal_address}: {err}")


def run(coro: Coroutine[Any, Any, Any], what: str = "Dit", expected: tuple[type[Exception], ...] = ()) -> Any:
    """Run a command's async part. What a person can fix (a refused update, an unknown workflow, a MeetingError,
    AssociationError, ValueError or one of `expected`) comes back as one Dutch sentence and exit code 1."""
    try:
        return asyncio.run(coro)
    except WorkflowUpdateFailedError as err:
        fail(str(getattr(err.cause, "message", err.cause)))
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            fail(f"{what} bestaat niet (meer).")
        fail(f"Temporal gaf een fout: {err.message}")
    except (MeetingError, AssociationError, ValueError, *expected) as err:
        fail(str(err))
