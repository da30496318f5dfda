"""What the ALV commands (cycle, alv, network) share: the database, the Temporal client, Dutch failures."""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, NoReturn

import typer
from rich.console import Console
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from raadsbode.associations import AssociationError
from raadsbode.db import SessionFactory, make_engine, migrate, session_factory
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
