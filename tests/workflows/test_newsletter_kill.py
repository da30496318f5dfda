"""SIGKILL of a real worker process in the middle of a send, then a new worker: everyone served,
nobody skipped, at most one duplicate per SMTP connection open at the moment of the kill."""
from __future__ import annotations

import asyncio
import dataclasses
import signal
from collections import Counter

import pytest

from models.messages.newsletter import Decision
from raadsbode.services.newsletter import control
from tests.support.newsletter import FAST, make_tenant, spawn_worker, wait_for_state
from workflows.newsletter.workflow import NewsletterWorkflow

N = 300
POLICY = dataclasses.replace(FAST, rate_per_second=150, heartbeat_timeout=2, batch_size=100, parallel_batches=2,
                             connections=2)
CONNECTIONS = POLICY.parallel_batches * POLICY.connections


@pytest.fixture
def db_url(postgres_url, sqlite_url) -> str:
    """One backend is enough here (a kill costs ~17 s, most of it Temporal's 10 s sticky-queue timeout):
    PostgreSQL, the production database, when it is there."""
    return postgres_url or sqlite_url


async def _until(predicate, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)


async def test_sigkill_mid_send_then_restart(temporal_env, settings, session_factory_, sink, tmp_path):
    association_id, slug, emails = make_tenant(session_factory_, N)
    readers = set(emails)
    delivered = lambda: sum(1 for m in sink.messages for r in m.rcpt_tos if r in readers)  # noqa: E731
    first = spawn_worker(settings, temporal_env, tmp_path / "worker.log")
    second = None
    try:
        handle = await control.start_issue(temporal_env.client, settings.temporal_task_queue, association_id, slug,
                                           "2026-09", [], policy=POLICY)
        proof = await wait_for_state(handle, {"proof"}, timeout=60)  # includes the worker's start-up
        await handle.execute_update(NewsletterWorkflow.decide, Decision("approve", version=proof.version))
        await _until(lambda: delivered() >= N // 4, 30, "the send never got going")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        at_kill = delivered()
        assert at_kill < N - 50, "the kill came too late to be mid-send"
        second = spawn_worker(settings, temporal_env, tmp_path / "worker.log")
        result = await asyncio.wait_for(handle.result(), 90)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)
    received = Counter(r for m in sink.messages for r in m.rcpt_tos if r in readers)
    assert set(received) == readers, f"skipped: {sorted(readers - set(received))[:5]}"
    duplicates = {r: n for r, n in received.items() if n > 1}
    assert len(duplicates) <= CONNECTIONS and all(n == 2 for n in duplicates.values()), duplicates
    for address in duplicates:  # a second copy carries the same Message-ID: clients show it once
        assert len({m.parsed()["Message-ID"] for m in sink.messages if address in m.rcpt_tos}) == 1
    assert (result.final_state, result.sent, result.failed) == ("sent", N, 0)
