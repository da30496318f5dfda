"""What the commands share: the database, the Temporal client, and Dutch failures instead of tracebacks."""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, NoReturn

import typer
from rich.console import Console
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from raadsbode.associations import AssociationError
from raadsbode.db import SessionFactory, make_engine, schema_is_current, session_factory
from raadsbode.meetings import MeetingError
from raadsbode.settings import get_settings
from raadsbode.temporal_client import connect


def console() -> Console:
    # Made per call so the terminal width (COLUMNS) is read when the command runs.
    return Console()


def fail(message: str, code: int = 1) -> NoReturn:
    Console(stderr=True).print(f"[red]{message}[/red]")
    raise typer.Exit(code)


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
