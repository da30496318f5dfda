"""Pacing and bookkeeping for a batch send: rate limit, group commit of ledger marks, watermark."""
from __future__ import annotations

import asyncio
import time

from activities.newsletter.ledger import Failure, Marks, NewsletterLedger


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
    """Collects marks from every connection; one transaction commits all that arrived meanwhile.

    A round waits (at most `gather` seconds after its first waiter) until every connection that is
    sending has asked, so one commit covers a message per connection instead of one message: the
    per-connection commit is what bounds duplicates after a crash, its count is what the ledger costs.
    """

    def __init__(self, ledger: NewsletterLedger, connections: int = 1, gather: float = 0.005) -> None:
        self.ledger = ledger
        self.connections, self.gather = connections, gather
        self.marks = Marks()
        self.waiters: list[asyncio.Future] = []
        self.running = False
        self._rounds: asyncio.Task[None] | None = None  # held: the loop keeps only a weak reference
        self.full: asyncio.Future | None = None  # set when every sending connection waits

    def add(self, *, sent: int | None = None, failure: Failure | None = None) -> None:
        if sent is not None:
            self.marks.sent.append(sent)
        if failure is not None:
            self.marks.failures.append(failure)

    def leave(self) -> None:
        """A connection is done: rounds stop waiting for it."""
        self.connections -= 1
        self._check_full()

    async def flush(self, sending: int | None = None) -> None:
        """Return once everything added so far (and `sending`) is committed."""
        if sending is not None:
            self.marks.sending.append(sending)
        if not self.marks and not self.running:
            return
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        self._check_full()
        if not self.running:
            self.running = True
            self._rounds = asyncio.create_task(self._commit_rounds())
        await waiter

    def _check_full(self) -> None:
        if self.full is not None and not self.full.done() and len(self.waiters) >= self.connections:
            self.full.set_result(None)

    async def _gathered(self) -> None:
        if len(self.waiters) < self.connections and self.gather > 0:
            self.full = asyncio.get_running_loop().create_future()
            await asyncio.wait({self.full}, timeout=self.gather)  # no task per wait, unlike wait_for
            self.full = None

    async def _commit_rounds(self) -> None:
        try:
            while self.waiters:
                await self._gathered()
                marks, waiters, self.marks, self.waiters = self.marks, self.waiters, Marks(), []
                try:
                    if marks:
                        await asyncio.to_thread(self.ledger.apply, marks)
                except Exception as exc:  # noqa: BLE001 - every waiter of this round learns it; none sends on
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
