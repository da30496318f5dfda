"""What the newsletter commands share: Dutch failures instead of tracebacks, the association, a policy."""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, NoReturn

import typer
from rich.console import Console
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from models.newsletter_messages import NewsletterPolicy
from raadsbode.associations import AssociationError, get_association_by_slug
from raadsbode.cli_association import open_sessions
from raadsbode.db import session_scope
from raadsbode.newsletter_content import ContentError
from raadsbode.settings import get_settings
from raadsbode.temporal_client import connect

RATE = typer.Option(0.0, "--rate", min=0, help="Messages per second for the relay (0: no limit).")
LATE_AFTER = typer.Option(48.0, "--late-after", min=0, help="Hours after the slot after which an approval waits for an explicit go.")
CONNECTIONS = typer.Option(4, "--connections", min=1, max=50, help="SMTP connections per batch.")
PARALLEL = typer.Option(2, "--parallel", min=1, max=16, help="Batches sent at the same time.")
EDITORS = typer.Option([], "--editor", "-e", help="Editor's address for the proof and report (repeatable; default: the association's mailbox).")


def fail(message: str, code: int = 1) -> NoReturn:
    Console(stderr=True).print(f"[red]{message}[/red]")
    raise typer.Exit(code)


def run(coro: Coroutine[Any, Any, Any], what: str = "") -> Any:
    """Run a command's async part; what a person can fix comes back as one Dutch sentence."""
    try:
        return asyncio.run(coro)
    except WorkflowUpdateFailedError as err:
        fail(str(getattr(err.cause, "message", err.cause)))
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            fail(f"{what or 'Dit'} bestaat niet (nog niet gestart, of verlopen).")
        fail(f"Temporal gaf een fout: {err.message}")
    except (ContentError, AssociationError, ValueError) as err:
        fail(str(err))
    except (ConnectionError, OSError, RuntimeError) as err:
        fail(f"Temporal is niet bereikbaar op {get_settings().temporal_address}: {err}")


async def client() -> Client:
    return await connect(get_settings())


def association(slug: str) -> tuple[int, str]:
    """(id, slug) of the association, or a Dutch message listing the known ones."""
    try:
        with session_scope(open_sessions()) as session:
            found = get_association_by_slug(session, slug)
            return found.id, found.slug
    except AssociationError as err:
        fail(str(err), 2)


def policy(rate: float, late_after_hours: float, connections: int, parallel: int) -> NewsletterPolicy:
    return NewsletterPolicy(rate_per_second=rate, late_after=late_after_hours * 3600, connections=connections,
                            parallel_batches=parallel)
