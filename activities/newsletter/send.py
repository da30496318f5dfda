"""Send one batch of a newsletter issue over a few reused SMTP connections, through the ledger.

The duplicate bound: a connection only starts the DATA of its next message after the `sent` mark of
its previous one is committed, so a SIGKILL leaves at most the one message in flight per connection
unrecorded. Marks of all connections are committed together (group commit), so the ledger costs one
transaction per round of connections, not three per message.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

import aiosmtplib

from raadsbode.mail.compose import HeaderInjectionError, message_id_for
from raadsbode.mail.ledger import FINAL
from raadsbode.mail.mailer import Mailer, close_quietly, connect, reset_quietly
from activities.newsletter.ledger import Failure, NewsletterLedger
from activities.newsletter.mime import IssueTemplate, Recipient
from activities.newsletter.pacing import GroupCommitter, RateLimiter, Watermark
from raadsbode.mail.smtp_refusal import Refusal, RefusalKind, classify
from models.tables.ledger import SendStatus
from models.messages.mail import OutboundEmail
from models.messages.newsletter import BatchResult

log = logging.getLogger(__name__)
CHUNK = 100  # recipients whose suppression is checked, and ledger rows inserted, at once


@dataclass
class Job:
    position: int
    row_id: int
    email: str
    data: bytes


class BatchSender:
    def __init__(self, mailer: Mailer, ledger: NewsletterLedger, template: IssueTemplate,
                 ledger_template: OutboundEmail, unsubscribe_url: Callable[[int], str],
                 watermark: Watermark, rate_per_second: float) -> None:
        self.mailer, self.ledger, self.template = mailer, ledger, template
        self.ledger_template, self.unsubscribe_url, self.watermark = ledger_template, unsubscribe_url, watermark
        self.limiter = RateLimiter(rate_per_second)
        self.committer = GroupCommitter(ledger)
        self.stop = asyncio.Event()
        self.refusal: Refusal | None = None  # the relay refused MAIL FROM or DATA: the batch stopped
        self.result: BatchResult | None = None
        self.envelope_from = mailer.settings.mail_from.strip()
        self.retry: list[tuple[int, int, str, str]] = []
        self.by_position: dict[int, tuple[int, int, str, str]] = {}

    async def send(self, result: BatchResult, entries: list[tuple[int, int, str, str]], connections: int,
                   retry_window: float, retry_delay: float) -> BatchResult:
        """One pass, then rounds for the 4xx ones while the retry window lasts; the rest is counted."""
        self.result, deadline = result, time.monotonic() + retry_window
        await self.run_pass(entries, connections)
        while self.retry and not self.stop.is_set() and time.monotonic() + retry_delay < deadline:
            await asyncio.sleep(retry_delay)
            entries, self.retry = self.retry, []
            await self.run_pass(entries, connections)
        result.failed_temporary = 0 if self.stop.is_set() else len(self.retry)
        result.stopped = self.stop.is_set()
        result.relay_refusal = self.refusal.describe() if self.refusal else ""
        return result

    async def run_pass(self, entries: list[tuple[int, int, str, str]], connections: int) -> None:
        """Send to these (position, subscriber_id, email, name) entries; 4xx ones land in self.retry."""
        self.queue: deque[Job] = deque()
        self.pending = deque(entries)
        self.by_position.update((e[0], e) for e in entries)
        self.feed_lock = asyncio.Lock()
        count = max(1, min(connections, len(entries)))
        self.committer.connections = count
        await asyncio.gather(*(self._connection() for _ in range(count)))

    async def _next_job(self) -> Job | None:
        async with self.feed_lock:
            while not self.queue and self.pending and not self.stop.is_set():
                chunk = [self.pending.popleft() for _ in range(min(CHUNK, len(self.pending)))]
                self.queue.extend(await self._jobs_of(chunk))
            return self.queue.popleft() if self.queue and not self.stop.is_set() else None

    async def _jobs_of(self, chunk: list[tuple[int, int, str, str]]) -> list[Job]:
        """Suppression is re-checked here, just before these messages go out."""
        gone, suppressed = await asyncio.to_thread(self.ledger.blocked, [c[1] for c in chunk], [c[2] for c in chunk])
        wanted, made = [], {}
        for position, sub_id, email, name in chunk:
            if sub_id in gone or email in suppressed:
                self.result.suppressed += 1
                self.watermark.done(position)
                continue
            try:
                made[position] = self.template.personalise(Recipient(email, name, self.unsubscribe_url(sub_id)))
            except HeaderInjectionError as exc:  # one unusable row must not stop the batch (and retry it forever)
                await self._refuse_copy(position, sub_id, email, exc)
                continue
            wanted.append((position, email))
        rows = await asyncio.to_thread(self.ledger.ensure_rows, self.ledger_template,
                                       {p.business_key: (e, p.message_id) for (pos, e), p in
                                        ((w, made[w[0]]) for w in wanted)})
        return [job for job in (self._job(pos, email, made[pos], rows) for pos, email in wanted) if job]

    async def _refuse_copy(self, position: int, sub_id: int, email: str, exc: HeaderInjectionError) -> None:
        """On record like any refused message (a failed_permanent row and one "mail-refused" audit event), so
        a retried batch counts it as refused, not as suppressed, and audits it once."""
        log.warning("not sending to subscriber %s: %r", sub_id, str(exc)[:300])
        out = replace(self.ledger_template, recipient_email=email)
        message_id = message_id_for(out.business_key, self.template.domain)
        recorded = await asyncio.to_thread(self.mailer.ledger.refuse, out, message_id, f"refused: {exc}")
        if recorded is not None and recorded.status == SendStatus.sent.value:
            self.result.already_sent += 1  # it went out before the subscriber's data changed
        else:
            self.result.failed_permanent += 1
        self.watermark.done(position)

    def _job(self, position: int, email: str, p, rows) -> Job | None:
        row = rows[p.business_key]
        if row.status in FINAL:
            if row.status == SendStatus.sent:
                self.result.already_sent += 1
            else:
                self.result.failed_permanent += 1
            self.watermark.done(position)
            return None
        return Job(position, row.row_id, email, p.data)

    async def _connection(self) -> None:
        smtp = self.mailer.new_client()
        previous: Job | None = None
        try:
            while (job := await self._next_job()) is not None:
                await self.limiter.wait()
                # Commit `previous` as sent (and `job` as sending) while MAIL and RCPT travel; DATA waits for it.
                committed = asyncio.ensure_future(self.committer.flush(sending=job.row_id))
                accepted = await self._send(smtp, job, committed)
                await committed
                if previous is not None:
                    self.watermark.done(previous.position)
                previous = job if accepted else None
            await self.committer.flush()
            if previous is not None:
                self.watermark.done(previous.position)
        finally:
            self.committer.leave()
            await close_quietly(smtp)

    async def _send(self, smtp: aiosmtplib.SMTP, job: Job, committed: asyncio.Future) -> bool:
        """True when the server accepted the message (its `sent` mark is queued)."""
        try:
            if not smtp.is_connected:
                await connect(smtp)  # a refused session (e.g. 535 at AUTH) concerns the relay: temporary
            await smtp.mail(self.envelope_from)
            await smtp.rcpt(job.email)
            await committed  # the previous message is on record before this one can be accepted
            await smtp.data(job.data)
        except aiosmtplib.SMTPResponseException as exc:
            await reset_quietly(smtp)
            self._refused(job, classify(exc))
            return False
        except (aiosmtplib.SMTPException, OSError) as exc:
            smtp.close()
            self._retry_later(job, None, f"verbinding: {exc}")
            return False
        self.committer.add(sent=job.row_id)
        self.result.sent += 1
        return True

    def _refused(self, job: Job, refusal: Refusal) -> None:
        """smtp_refusal decides whom a refusal concerns; only the reader's own address is ever suppressed."""
        if refusal.kind is RefusalKind.recipient:
            bounce = job.email if refusal.bounce else None
            self.committer.add(failure=Failure(job.row_id, SendStatus.failed_permanent, refusal.code, refusal.reply,
                                               bounce))
            self.result.failed_permanent += 1
            self.watermark.done(job.position)
        elif refusal.stops_the_send:
            # Every next reader would be refused alike: stop the batch (the workflow pauses the send and
            # alerts the editors); this reader's row stays retryable and the position is sent on resume.
            log.warning("relay refused the newsletter at %s: %s", refusal.stage.value, refusal.describe())
            self.committer.add(failure=Failure(job.row_id, SendStatus.failed_temporary, refusal.code,
                                               refusal.describe()))
            self.refusal = self.refusal or refusal
            self.stop.set()
        else:
            self._retry_later(job, refusal.code, refusal.describe())

    def _retry_later(self, job: Job, code: int | None, reply: str) -> None:
        log.info("temporary failure for %s: %s %s", job.email, code, reply)
        self.committer.add(failure=Failure(job.row_id, SendStatus.failed_temporary, code, reply))
        self.retry.append(self.by_position[job.position])
