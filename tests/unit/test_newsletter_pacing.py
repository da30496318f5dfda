"""Group commit: one ledger transaction per round of connections, not per message (real database)."""
from __future__ import annotations

import asyncio
import time

from activities.newsletter.ledger import Marks, NewsletterLedger
from activities.newsletter.pacing import GroupCommitter


class CountingLedger(NewsletterLedger):
    """The real ledger (real statements, real database), counting its transactions."""

    rounds: list[Marks]

    def apply(self, marks: Marks) -> None:
        self.rounds.append(marks)
        super().apply(marks)


def _ledger(sessions) -> CountingLedger:
    ledger = CountingLedger(sessions, association_id=0)
    ledger.rounds = []
    return ledger


async def test_a_round_waits_for_every_sending_connection(session_factory_):
    ledger = _ledger(session_factory_)
    committer = GroupCommitter(ledger, connections=8, gather=5.0)

    async def connection(i: int) -> None:
        await asyncio.sleep(i * 0.01)  # arriving one after the other
        committer.add(sent=1000 + i)
        await committer.flush(sending=2000 + i)
    await asyncio.wait_for(asyncio.gather(*(connection(i) for i in range(8))), 3)
    assert len(ledger.rounds) == 1
    assert sorted(ledger.rounds[0].sent) == [1000 + i for i in range(8)] and len(ledger.rounds[0].sending) == 8


async def test_a_round_goes_after_the_gather_time_or_when_connections_leave(session_factory_):
    ledger = _ledger(session_factory_)
    committer = GroupCommitter(ledger, connections=4, gather=0.2)
    started = time.monotonic()
    await asyncio.gather(committer.flush(sending=1), committer.flush(sending=2))  # two of four ask
    assert 0.15 < time.monotonic() - started < 2 and len(ledger.rounds) == 1
    waiting = asyncio.ensure_future(committer.flush(sending=3))
    await asyncio.sleep(0.01)
    committer.leave(), committer.leave(), committer.leave()  # the others are done: no reason to wait
    started = time.monotonic()
    await asyncio.wait_for(waiting, 1)
    assert time.monotonic() - started < 0.15 and len(ledger.rounds) == 2
