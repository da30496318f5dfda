"""The embedded dev stack: Temporal dev server, database, demo data, SMTP sink, worker and web app.

All in one process and one asyncio loop (Temporal as a child process), stopped cleanly by
SIGINT/SIGTERM; everything it keeps lives under settings.var_dir, so a restart resumes.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import uvicorn
from temporalio.client import Client

from raadsbode.dev.data import prepare_database
from raadsbode.log_masking import logging_config
from raadsbode.settings import Settings
from raadsbode.signals import stop_on_signals
from raadsbode.dev.sink import start_sink
from raadsbode.dev.temporal_server import DevStackError, TemporalDevServer

log = logging.getLogger(__name__)
T = TypeVar("T")
_DEFAULTS = {name: field.default for name, field in Settings.model_fields.items()}

__all__ = ["DevStackError", "DevStackInfo", "check_ports_free", "dev_settings", "run_dev_stack", "stack_info"]


@dataclass(frozen=True)
class DevStackInfo:
    """Where a developer looks once the stack runs (printed by the CLI)."""

    web_url: str
    outbox_url: str
    temporal_ui_url: str
    temporal_address: str
    maildir: Path
    database_url: str


def dev_settings(settings: Settings, **overrides: object) -> Settings:
    """Settings that point every part at the stack's own servers (options win over env)."""
    s = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    var_dir = s.var_dir.resolve()
    update: dict[str, object] = {
        "environment": "dev", "var_dir": var_dir,
        "temporal_address": f"127.0.0.1:{s.temporal_port}", "temporal_namespace": "default",
        "temporal_tls": False, "temporal_tls_cert": None, "temporal_tls_key": None, "temporal_api_key": None,
        "smtp_host": "127.0.0.1", "smtp_port": s.sink_port, "smtp_user": None, "smtp_password": None,
        "smtp_starttls": False,
        "imap_host": None, "inbox_maildir": None,  # inbound mail (calendar replies) from the sink's Maildir too
    }
    if s.database_url == _DEFAULTS["database_url"]:
        update["database_url"] = f"sqlite:///{var_dir / 'raadsbode.db'}"
    if s.public_base_url == _DEFAULTS["public_base_url"].rstrip("/"):
        update["public_base_url"] = _web_url(s)
    return s.model_copy(update=update)


def _web_url(settings: Settings) -> str:
    host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host
    return f"http://{host}:{settings.web_port}"


def stack_info(settings: Settings) -> DevStackInfo:
    web = _web_url(settings)
    return DevStackInfo(
        web_url=web, outbox_url=f"{web}/dev/outbox", temporal_ui_url=f"http://127.0.0.1:{settings.temporal_ui_port}",
        temporal_address=settings.temporal_address, maildir=settings.mail_dir, database_url=settings.database_url,
    )


def check_ports_free(settings: Settings) -> None:
    """Fail before starting anything, naming the busy port and how to choose another."""
    wanted = [
        (settings.temporal_port, "Temporal", "RAADSBODE_TEMPORAL_PORT or --temporal-port", "127.0.0.1"),
        (settings.temporal_ui_port, "Temporal UI", "RAADSBODE_TEMPORAL_UI_PORT or --temporal-ui-port", "127.0.0.1"),
        (settings.web_port, "web app", "RAADSBODE_WEB_PORT or --web-port", settings.web_host),
        (settings.sink_port, "SMTP sink", "RAADSBODE_SINK_PORT or --sink-port", "127.0.0.1"),
    ]
    ports = [port for port, *_ in wanted]
    if len(set(ports)) != len(ports):
        raise DevStackError(f"The dev stack needs four different ports, got {ports}.")
    for port, what, how, host in wanted:
        with socket.socket() as probe:
            # Same option the servers use, so a port in TIME_WAIT after a restart counts as free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise DevStackError(f"Port {port} ({what}) is already in use ({exc.strerror}); "
                                    f"stop the other program or choose another port with {how}.") from exc


class _Stopped(Exception):
    """A stop signal arrived while the stack was still starting."""


class _EmbeddedServer(uvicorn.Server):
    """Uvicorn without its own signal handling: the stack decides when the web app stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> T:
    task = asyncio.ensure_future(work)
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task.done():
        return task.result()
    task.cancel()
    raise _Stopped


async def run_dev_stack(settings: Settings, load_demo: bool, on_ready: Callable[[DevStackInfo], None]) -> None:
    """Run until SIGINT/SIGTERM; `settings` should come from dev_settings()."""
    check_ports_free(settings)
    stop = asyncio.Event()
    var_dir = settings.var_dir
    temporal = TemporalDevServer(var_dir / "temporal.db", settings.temporal_port, settings.temporal_ui_port, var_dir / "temporal.log")
    controller = None
    with stop_on_signals(stop):
        try:
            temporal.start()
            client, _ = await _unless_stopped(
                asyncio.gather(temporal.wait_ready(), asyncio.to_thread(prepare_database, settings, load_demo)), stop)
            settings.mail_dir.parent.mkdir(parents=True, exist_ok=True)  # Maildir makes only its own folder
            controller, _handler = start_sink("127.0.0.1", settings.sink_port, settings.mail_dir)
            watcher = asyncio.create_task(_stop_when_exited(temporal, stop))
            await _serve(client, settings, stop, on_ready)
            watcher.cancel()
            temporal.raise_if_exited()
        except _Stopped:
            log.info("stopped while starting")
        finally:
            if controller is not None:
                controller.stop()
            await asyncio.to_thread(temporal.stop)


async def _stop_when_exited(temporal: TemporalDevServer, stop: asyncio.Event) -> None:
    """If the Temporal server dies, stop the rest too (and report it) rather than retry forever."""
    while temporal.process is not None and temporal.process.poll() is None:
        await asyncio.sleep(0.5)
    log.error("the Temporal dev server exited unexpectedly; stopping the stack")
    stop.set()


async def _serve(client: Client, settings: Settings, stop: asyncio.Event, on_ready: Callable[[DevStackInfo], None]) -> None:
    from web.app import create_app
    from raadsbode.services.inbox import ensure_inbox_running
    from worker import build_worker

    worker = build_worker(client, settings)
    config = uvicorn.Config(create_app(settings, client), host=settings.web_host, port=settings.web_port,
                            log_level="warning", timeout_graceful_shutdown=3,
                            log_config=logging_config(logging.getLogger().level))
    server = _EmbeddedServer(config)
    worker_task = asyncio.create_task(worker.run(), name="worker")
    await ensure_inbox_running(client, settings)
    web_task = asyncio.create_task(server.serve(), name="web")
    while not server.started and not web_task.done() and not stop.is_set():
        await asyncio.sleep(0.05)
    if server.started:
        on_ready(stack_info(settings))
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({stopper, worker_task, web_task}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    server.should_exit = True
    if not worker_task.done():
        await worker.shutdown()
    await asyncio.wait({worker_task, web_task})
    _raise_if_crashed(stop, worker_task, web_task)


def _raise_if_crashed(stop: asyncio.Event, *tasks: asyncio.Task) -> None:
    for task in tasks:
        exc = None if task.cancelled() else task.exception()
        if exc is None:
            continue
        if stop.is_set():
            log.error("the %s failed while stopping", task.get_name(), exc_info=exc)
            continue
        raise DevStackError(f"the {task.get_name()} stopped unexpectedly: {exc!r}") from exc
    if not stop.is_set():
        raise DevStackError("the worker or the web app stopped unexpectedly")
