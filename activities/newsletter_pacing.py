"""Pacing and bookkeeping for a batch send: rate limit, group commit of ledger marks, watermark."""
from __future__ import annotations

import asyncio
import time

from activities.newsletter_ledger import Failure, Marks, NewsletterLedger


class RateLimiter:
    """Spaces messages evenly; shared by the connections of one batch."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = 0.0

    async def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        at = max(now, self.next_at)
        self.next_at = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)


class GroupCommitter:
    """Collects marks from every connection; one transaction commits all that arrived meanwhile."""

    def __init__(self, ledger: NewsletterLedger) -> None:
        self.ledger = ledger
        self.marks = Marks()
        self.waiters: list[asyncio.Future] = []
        self.running = False

    def add(self, *, sent: int | None = None, failure: Failure | None = None) -> None:
        if sent is not None:
            self.marks.sent.append(sent)
        if failure is not None:
            self.marks.failures.append(failure)

    async def flush(self, sending: int | None = None) -> None:
        """Return once everything added so far (and `sending`) is committed."""
        if sending is not None:
            self.marks.sending.append(sending)
        if not self.marks and not self.running:
            return
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        if not self.running:
            self.running = True
            asyncio.create_task(self._commit_rounds())
        await waiter

    async def _commit_rounds(self) -> None:
        try:
            while self.waiters:
                marks, waiters, self.marks, self.waiters = self.marks, self.waiters, Marks(), []
                try:
                    if marks:
                        await asyncio.to_thread(self.ledger.apply, marks)
                except Exception as exc:  # every waiter of this round learns it; none sends on
                    _settle(waiters, exc)
                else:
                    _settle(waiters, None)
        finally:
            self.running = False


def _settle(waiters: list[asyncio.Future], exc: BaseException | None) -> None:
    for w in waiters:
        if not w.done():
            w.set_exception(exc) if exc else w.set_result(None)


class Watermark:
    """The first position not yet final: what a retried batch may skip (heartbeat details)."""

    def __init__(self, start: int, end: int) -> None:
        self.value, self.end, self.done_set = start, end, set()

    def done(self, position: int) -> None:
        self.done_set.add(position)
        while self.value in self.done_set:
            self.done_set.discard(self.value)
            self.value += 1
