"""Graceful stop on SIGINT/SIGTERM for the long-running commands (dev stack, worker)."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM set `stop` instead of killing the process."""
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, _request_stop, stop, sig)
    try:
        yield
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def _request_stop(stop: asyncio.Event, sig: int) -> None:
    log.info("%s received, stopping%s", signal.Signals(sig).name, " (already stopping)" if stop.is_set() else "")
    stop.set()
