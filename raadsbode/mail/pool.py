"""deliver_many: a small pool of SMTP connections, each carrying messages one after another.

aiosmtplib does not pipeline, so throughput comes from a few parallel connections. A broken
connection is replaced and the message it was carrying is tried once more on the new one. A relay
that refuses MAIL FROM or DATA (RelayRefusedError) would refuse every other message too: the pool
stops, and what it did not try comes back failed_temporary, untouched in the ledger.
"""
from __future__ import annotations

import asyncio

import aiosmtplib

from raadsbode.mail.mailer import Mailer, RelayRefusedError, TemporarySendError, close_quietly
from models.tables.ledger import SendStatus
from models.messages.mail import OutboundEmail, SendEmailResult


async def deliver_pooled(mailer: Mailer, outs: list[OutboundEmail], connections: int) -> list[SendEmailResult]:
    first_index: dict[str, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index, out in enumerate(outs):
        # The same business key twice in one batch is one message: send it once.
        if first_index.setdefault(out.business_key, index) == index:
            queue.put_nowait(index)
    results: list[SendEmailResult | None] = [None] * len(outs)
    refused: list[RelayRefusedError] = []
    workers = min(connections, queue.qsize())
    await asyncio.gather(*(_work(mailer, outs, queue, results, refused) for _ in range(workers)))
    for index in set(first_index.values()):
        if results[index] is None:  # left in the queue when the relay refused
            results[index] = SendEmailResult(outs[index].business_key, "", SendStatus.failed_temporary.value, None,
                                             f"not tried: {refused[0].refusal.describe()}", relay_refused=True)
    return [results[first_index[out.business_key]] for out in outs]  # type: ignore[misc]


async def _work(mailer: Mailer, outs: list[OutboundEmail], queue: asyncio.Queue[int],
                results: list[SendEmailResult | None], refused: list[RelayRefusedError]) -> None:
    smtp = mailer.new_client()
    try:
        while not queue.empty():
            index = queue.get_nowait()
            try:
                results[index] = await _deliver_one(mailer, smtp, outs[index])
            except RelayRefusedError as exc:
                refused.append(exc)
                while not queue.empty():
                    queue.get_nowait()
                results[index] = SendEmailResult(outs[index].business_key, exc.message_id,
                                                 SendStatus.failed_temporary.value, exc.code, exc.refusal.describe(),
                                                 relay_refused=True)
    finally:
        await close_quietly(smtp)


async def _deliver_one(mailer: Mailer, smtp: aiosmtplib.SMTP, out: OutboundEmail) -> SendEmailResult:
    for attempt in (1, 2):
        try:
            return await mailer.deliver_on(smtp, out)
        except ValueError as exc:  # HeaderInjectionError and other invalid messages: permanent
            return SendEmailResult(out.business_key, "", SendStatus.failed_permanent.value, None, f"refused: {exc}")
        except RelayRefusedError:
            raise  # the pool stops: see _work
        except TemporarySendError as exc:
            connection_broke = exc.code is None
            if connection_broke:
                smtp.close()  # the next deliver_on connects afresh
            if attempt == 2 or not connection_broke:
                return SendEmailResult(out.business_key, exc.message_id, SendStatus.failed_temporary.value,
                                       exc.code, str(exc))
    raise AssertionError("unreachable")
