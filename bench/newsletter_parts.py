"""Pieces of the newsletter benchmark: a discarding SMTP sink in its own process, the plain
aiosmtplib baseline sender, and /proc readings (CPU seconds, peak RSS) of the worker process."""
from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import os
import time
from collections.abc import Sequence

import aiosmtplib

COUNTED_DOMAIN = "@lezers.test"  # only the subscribers' copies count, not proofs or reports


class DiscardHandler:
    """Accepts every message and forgets it; counts the subscribers' copies and their time window."""

    def __init__(self, count, first, last) -> None:  # each a multiprocessing.Value
        self.count, self.first, self.last = count, first, last

    async def handle_DATA(self, server, session, envelope) -> str:
        if envelope.rcpt_tos and envelope.rcpt_tos[0].endswith(COUNTED_DOMAIN):
            now = time.monotonic()
            with self.count.get_lock():
                if self.count.value == 0:
                    self.first.value = now
                self.count.value += 1
                self.last.value = now
        return "250 OK"


def _serve(port: int, count, first, last, ready) -> None:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(DiscardHandler(count, first, last), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


class DiscardSink:
    """The sink as a separate process: its CPU is not the sender's, as with a real relay."""

    def __init__(self, port: int) -> None:
        ctx = mp.get_context("fork")
        self.port = port
        self.count, self.first, self.last = ctx.Value("q", 0), ctx.Value("d", 0.0), ctx.Value("d", 0.0)
        ready = ctx.Event()
        self.process = ctx.Process(target=_serve, args=(port, self.count, self.first, self.last, ready), daemon=True)
        self.process.start()
        if not ready.wait(20):
            raise RuntimeError("the discarding SMTP sink did not start")

    def reset(self) -> None:
        with self.count.get_lock():
            self.count.value, self.first.value, self.last.value = 0, 0.0, 0.0

    def window(self) -> float:
        """Seconds between the first and the last counted message."""
        return max(self.last.value - self.first.value, 1e-9)

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)


async def baseline(port: int, messages: Sequence[tuple[str, bytes]], connections: int, envelope_from: str) -> float:
    """The same pre-built messages over `connections` plain aiosmtplib connections; seconds taken."""
    queue = iter(messages)

    async def connection() -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=30)
        await smtp.connect()
        for rcpt, data in queue:  # one shared iterator: each message goes out once
            await smtp.mail(envelope_from)
            await smtp.rcpt(rcpt)
            await smtp.data(data)
        await smtp.quit()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return time.perf_counter() - started


class ProcStats:
    """CPU seconds and peak resident memory of another process (Linux /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / self.ticks  # utime + stime

    def peak_rss_mb(self) -> float:
        return self._status_kb("VmHWM") / 1024

    def rss_mb(self) -> float:
        return self._status_kb("VmRSS") / 1024

    def _status_kb(self, key: str) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0
