"""The send phase of a newsletter workflow: batches of the frozen list, a few in parallel.

History stays bounded: one activity per batch (500-1,000 recipients), and the workflow continues as
new when its history grows past the policy's limit, carrying only the batches still to send.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.newsletter.activities import NewsletterActivities
    from models.messages.newsletter import BatchInput, BatchResult, NewsletterPolicy, SendState


RELAY_REFUSAL_PATCH = "newsletter-relay-refusal-pauses"


def batch_starts(total: int, size: int) -> list[int]:
    return list(range(0, total, max(1, size)))


class SendPhase:
    """Owned by the workflow; pause/cancel flags live in `state` so they survive continue-as-new."""

    def __init__(self, state: SendState, policy: NewsletterPolicy) -> None:
        self.state, self.policy = state, policy
        self.running: dict[int, asyncio.Task[BatchResult]] = {}
        self.partial: dict[int, BatchResult] = {}  # stopped batches, for the progress view only
        self.changed = False
        self.refused = ""  # a batch met a relay refusal: the send paused itself, the editors are to be told
        # The workflow's reaction to a relay refusal (its state word, the alert); set by the workflow.
        self.on_relay_refusal: Callable[[str], Awaitable[None]] | None = None

    def poke(self) -> None:
        self.changed = True

    def counts(self) -> tuple[int, int, int]:
        s = self.state
        extra = list(self.partial.values())
        return (s.sent + sum(r.sent + r.already_sent for r in extra),
                s.failed + sum(r.failed_permanent for r in extra), s.suppressed + sum(r.suppressed for r in extra))

    async def run(self) -> bool:
        """Send until done (True) or cancelled (False); continue-as-new is the caller's call (`too_long`)."""
        s = self.state
        while (s.remaining_starts or self.running) and not s.cancelled:
            self._start_batches()
            self.changed = False
            await workflow.wait_condition(lambda: self.changed or any(t.done() for t in self.running.values()))
            self._collect()
            if (s.paused or s.cancelled) and self.running:
                await self._stop_running()
            if self.refused and self.on_relay_refusal is not None:
                refusal, self.refused = self.refused, ""
                await self.on_relay_refusal(refusal)
            if self.too_long() and not self.running:
                return True
        return not s.cancelled

    def too_long(self) -> bool:
        return workflow.info().get_current_history_length() > self.policy.max_history_events

    def _start_batches(self) -> None:
        s = self.state
        while s.remaining_starts and len(self.running) < self.policy.parallel_batches and not (s.paused or s.cancelled):
            if self.too_long():
                return
            start = s.remaining_starts.pop(0)
            self.running[start] = asyncio.create_task(self._batch(start))

    async def _batch(self, start: int) -> BatchResult:
        p = self.policy
        inp = BatchInput(self.state.issue_id, start, min(start + p.batch_size, self.state.total), p.connections,
                         p.rate_per_second / max(1, p.parallel_batches), p.temp_retry_window, p.temp_retry_delay)
        return await workflow.execute_activity_method(
            NewsletterActivities.send_batch, inp,
            start_to_close_timeout=timedelta(seconds=p.batch_timeout),
            heartbeat_timeout=timedelta(seconds=p.heartbeat_timeout),
            retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30),
                                     maximum_attempts=50),
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )

    def _collect(self) -> None:
        for start, task in list(self.running.items()):
            if not task.done():
                continue
            del self.running[start]
            try:
                result = task.result()
            except (ActivityError, asyncio.CancelledError):
                if not (self.state.paused or self.state.cancelled):
                    raise  # retries exhausted: fail loudly rather than loop
                self._requeue(start)  # stopped by a pause: sent again later (the ledger skips what is done)
                continue
            if result.stopped:
                self.partial[start] = result
                self._requeue(start)
                if result.relay_refusal and not self.state.cancelled and workflow.patched(RELAY_REFUSAL_PATCH):
                    self._pause_for_relay(result.relay_refusal)
            else:
                self._add(result)

    def _pause_for_relay(self, refusal: str) -> None:
        """The relay refused the issue itself (MAIL FROM or DATA, smtp_refusal): every next reader would be
        refused alike, so the send pauses until a person resumes it; the readers are not failed."""
        if not self.state.paused:
            self.state.relay_alerts += 1
            self.refused = refusal
        self.state.paused, self.state.relay_refusal = True, refusal

    def _requeue(self, start: int) -> None:
        self.state.remaining_starts.insert(0, start)
        self.state.remaining_starts.sort()

    def _add(self, r: BatchResult) -> None:
        self.partial.pop(r.start, None)
        self.state.sent += r.sent + r.already_sent
        self.state.failed += r.failed_permanent + r.failed_temporary
        self.state.suppressed += r.suppressed

    async def _stop_running(self) -> None:
        for task in self.running.values():
            task.cancel()
        await asyncio.gather(*self.running.values(), return_exceptions=True)
        self._collect()
