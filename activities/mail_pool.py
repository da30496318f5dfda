"""deliver_many: a small pool of SMTP connections, each carrying messages one after another.

aiosmtplib does not pipeline, so throughput comes from a few parallel connections. A broken
connection is replaced and the message it was carrying is tried once more on the new one.
"""
from __future__ import annotations

import asyncio

import aiosmtplib

from activities.mailer import Mailer, TemporarySendError, close_quietly
from models.ledger import SendStatus
from models.messages import OutboundEmail, SendEmailResult


async def deliver_pooled(mailer: Mailer, outs: list[OutboundEmail], connections: int) -> list[SendEmailResult]:
    first_index: dict[str, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index, out in enumerate(outs):
        # The same business key twice in one batch is one message: send it once.
        if first_index.setdefault(out.business_key, index) == index:
            queue.put_nowait(index)
    results: list[SendEmailResult | None] = [None] * len(outs)
    workers = min(connections, queue.qsize())
    await asyncio.gather(*(_work(mailer, outs, queue, results) for _ in range(workers)))
    return [results[first_index[out.business_key]] for out in outs]  # type: ignore[misc]


async def _work(mailer: Mailer, outs: list[OutboundEmail], queue: asyncio.Queue[int],
                results: list[SendEmailResult | None]) -> None:
    smtp = mailer.new_client()
    try:
        while not queue.empty():
            index = queue.get_nowait()
            results[index] = await _deliver_one(mailer, smtp, outs[index])
    finally:
        await close_quietly(smtp)


async def _deliver_one(mailer: Mailer, smtp: aiosmtplib.SMTP, out: OutboundEmail) -> SendEmailResult:
    for attempt in (1, 2):
        try:
            return await mailer.deliver_on(smtp, out)
        except ValueError as exc:  # HeaderInjectionError and other invalid messages: permanent
            return SendEmailResult(out.business_key, "", SendStatus.failed_permanent.value, None, f"refused: {exc}")
        except TemporarySendError as exc:
            connection_broke = exc.code is None
            if connection_broke:
                smtp.close()  # the next deliver_on connects afresh
            if attempt == 2 or not connection_broke:
                return SendEmailResult(out.business_key, exc.message_id, SendStatus.failed_temporary.value,
                                       exc.code, str(exc))
    raise AssertionError("unreachable")
