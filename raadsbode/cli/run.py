"""`raadsbode dev|worker|web|migrate`: the embedded dev stack and the production processes."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.console import Console

from raadsbode.settings import Settings
from raadsbode.start_guard import UnsafeStart, refuse_unsafe_start

if TYPE_CHECKING:  # the dev stack is imported only by the command that runs it
    from raadsbode.dev.stack import DevStackInfo

console = Console(soft_wrap=True, highlight=False)


def load_settings() -> Settings:
    """Settings from the environment (and .env); a readable message instead of a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            console.print(f"[red]Configuration error[/red] ({where}): {error['msg']}")
        raise typer.Exit(2) from None


def load_serving_settings(process: str) -> Settings:
    """Settings of a long-running production process (web, worker), refused when unsafe (start_guard)."""
    settings = load_settings()
    try:
        refuse_unsafe_start(settings, process)
    except UnsafeStart as exc:
        console.print(f"[red]Configuration error[/red]: {exc}")
        raise typer.Exit(2) from None
    return settings


def print_banner(info: DevStackInfo) -> None:
    console.print("\n[bold green]Raadsbode dev stack is running[/bold green] (Ctrl-C stops it)")
    rows = [
        ("Web app", info.web_url),
        ("Werkruimte", f"{info.web_url}/werkruimte  (demo: sign in as t.dekker@vngflevoland.example; the link is in the Outbox)"),
        ("Outbox", info.outbox_url), ("Temporal UI", info.temporal_ui_url),
        ("Temporal", info.temporal_address), ("Maildir", str(info.maildir)), ("Database", info.database_url),
    ]
    for label, value in rows:
        console.print(f"  {label:<12} {value}")
    console.print()


def dev(
    web_port: int | None = typer.Option(None, help="Web app port (env RAADSBODE_WEB_PORT, default 8000)."),
    temporal_port: int | None = typer.Option(None, help="Temporal gRPC port (env RAADSBODE_TEMPORAL_PORT, default 7233)."),
    temporal_ui_port: int | None = typer.Option(None, help="Temporal UI port (env RAADSBODE_TEMPORAL_UI_PORT, default 8233)."),
    sink_port: int | None = typer.Option(None, help="SMTP sink port (env RAADSBODE_SINK_PORT, default 8025)."),
    var_dir: Path | None = typer.Option(None, help="Where state is kept (env RAADSBODE_VAR_DIR, default ./var)."),
    demo: bool | None = typer.Option(None, "--demo/--no-demo", help="Load demo data on first start (env RAADSBODE_LOAD_DEMO, default yes)."),
) -> None:
    """Run the embedded stack in the foreground: Temporal, database, SMTP sink, worker and web app."""
    from raadsbode.dev.stack import DevStackError, dev_settings, run_dev_stack

    settings = dev_settings(load_settings(), web_port=web_port, temporal_port=temporal_port,
                            temporal_ui_port=temporal_ui_port, sink_port=sink_port, var_dir=var_dir)
    load_demo = settings.load_demo if demo is None else demo
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection at INFO
    console.print(f"Starting the Raadsbode dev stack (state in {settings.var_dir}) ...")
    try:
        asyncio.run(run_dev_stack(settings, load_demo, print_banner))
    except DevStackError as exc:
        console.print(f"[red]Dev stack failed:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print("Dev stack stopped.")


def worker() -> None:
    """Run a worker: polls the task queue and runs workflows and activities (production process)."""
    asyncio.run(_run_worker_until_signal(load_serving_settings("raadsbode worker")))


async def _run_worker_until_signal(settings: Settings) -> None:
    """SIGTERM (docker stop) and Ctrl-C shut the worker down cleanly instead of killing it mid-task."""
    from raadsbode.services.inbox import ensure_inbox_running
    from raadsbode.signals import stop_on_signals
    from raadsbode.temporal_client import connect
    from worker import build_worker

    stop = asyncio.Event()
    with stop_on_signals(stop):
        client = await connect(settings)
        the_worker = build_worker(client, settings)
        await ensure_inbox_running(client, settings)
        logging.getLogger(__name__).info("worker polling task queue %s on %s", settings.temporal_task_queue, settings.temporal_address)
        running = asyncio.create_task(the_worker.run())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not running.done():
            await the_worker.shutdown()
        await running
    console.print("Worker stopped.")


def web(
    host: str | None = typer.Option(None, help="Interface to bind (env RAADSBODE_WEB_HOST)."),
    port: int | None = typer.Option(None, help="Port (env RAADSBODE_WEB_PORT)."),
    workers: int | None = typer.Option(None, min=1, max=32,
                                       help="Web processes on this port (env RAADSBODE_WEB_WORKERS; default one per core, at most 4)."),
    access_log: bool | None = typer.Option(None, "--access-log/--no-access-log",
                                           help="Log every request (env RAADSBODE_WEB_ACCESS_LOG; default on)."),
) -> None:
    """Run the web app (link pages, forms) with uvicorn (production process)."""
    import uvicorn

    from raadsbode.log_masking import logging_config

    settings = load_serving_settings("raadsbode web")
    # Links in emails use RAADSBODE_PUBLIC_BASE_URL; the proxy's X-Forwarded-For gives the client IP that the
    # public forms' limits count, believed only from RAADSBODE_FORWARDED_ALLOW_IPS. Several workers need an
    # import string: each process builds its own app from the same environment.
    uvicorn.run("web.app:create_app", factory=True, workers=workers or settings.web_processes,
                host=host or settings.web_host, port=port or settings.web_port, proxy_headers=True,
                forwarded_allow_ips=settings.forwarded_allow_ips,
                log_level="info", access_log=settings.web_access_log if access_log is None else access_log,
                log_config=logging_config(logging.getLogger().level))  # the token mask, in every worker process


def migrate() -> None:
    """Bring the database schema to the newest revision."""
    from raadsbode.db import migrate as run_migrations

    settings = load_settings()
    run_migrations(settings.database_url)
    console.print("Database is at the newest revision.")


def register_run_commands(app: typer.Typer) -> None:
    app.command()(dev)
    app.command()(worker)
    app.command()(web)
    app.command()(migrate)
