"""Pause and resume a running send: nothing goes out while paused, everyone exactly once in the end."""
from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter

from models.messages.newsletter import Decision
from raadsbode.services.newsletter import control
from tests.support.newsletter import FAST, make_tenant, wait_for_state
from worker import build_worker
from workflows.newsletter.workflow import NewsletterWorkflow


async def test_pause_and_resume(temporal_env, settings, session_factory_, sink):
    association_id, slug, emails = make_tenant(session_factory_, 200)
    policy = dataclasses.replace(FAST, rate_per_second=100, heartbeat_timeout=2)
    async with build_worker(temporal_env.client, settings):
        handle = await control.start_issue(temporal_env.client, settings.temporal_task_queue, association_id, slug,
                                           "2026-12", [], policy=policy)
        proof = await wait_for_state(handle, {"proof"})
        await handle.execute_update(NewsletterWorkflow.decide, Decision("approve", version=proof.version))
        await wait_for_state(handle, {"sending"})
        await asyncio.sleep(0.5)
        assert (await control.command(temporal_env.client, slug, "2026-12", "pause")).ok
        await asyncio.sleep(3)  # cancellation reaches the batches with their next heartbeat
        during = len(sink.messages)
        await asyncio.sleep(2)
        assert len(sink.messages) == during < len(emails)  # quiet while paused, not yet done
        assert (await control.command(temporal_env.client, slug, "2026-12", "resume")).ok
        result = await asyncio.wait_for(handle.result(), 60)
    received = Counter(r for m in sink.messages for r in m.rcpt_tos)
    assert all(received[e] == 1 for e in emails)
    assert (result.final_state, result.sent) == ("sent", 200)
