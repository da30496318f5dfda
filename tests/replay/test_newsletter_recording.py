"""Records tests/histories/newsletter_full.json, which tests/replay/test_replay.py replays: a full newsletter run,
proof -> changes requested -> revision -> proof v2 -> approved late -> explicit go -> send -> pause -> resume ->
sent -> report. Only for a deliberate change, before a release:
RAADSBODE_RECORD_HISTORY=1 pytest tests/replay/test_newsletter_recording.py
"""
from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from models.messages.newsletter import Command, Decision, Revision
from raadsbode.services.newsletter import control
from tests.support.histories import RECORD, record
from tests.support.newsletter import FAST, make_tenant, wait_for_state
from worker import build_worker
from workflows.newsletter.workflow import NewsletterWorkflow


@pytest.fixture
def db_url(sqlite_url) -> str:
    return sqlite_url


@pytest.mark.skipif(not RECORD, reason="records the history only when RAADSBODE_RECORD_HISTORY=1")
async def test_record_full_newsletter_history(temporal_env, settings, session_factory_, sink):
    association_id, slug, _emails = make_tenant(session_factory_, 120)
    policy = dataclasses.replace(FAST, batch_size=50, rate_per_second=40, late_after=60)
    slot = datetime.now(UTC) - timedelta(hours=2)  # approved long after its slot: needs a go
    async with build_worker(temporal_env.client, settings):
        handle = await control.start_issue(temporal_env.client, settings.temporal_task_queue, association_id, slug,
                                           "2026-08", ["redactie@vng-flevoland.test"], "Eerste versie.", policy, slot)
        await wait_for_state(handle, {"proof"})
        await handle.execute_update(NewsletterWorkflow.decide, Decision("changes", "redactie", "Korter graag.", 1))
        await wait_for_state(handle, {"changes_requested"})
        await handle.execute_update(NewsletterWorkflow.revise, Revision("Tweede versie."))
        proof = await wait_for_state(handle, {"proof"})
        assert proof.version == 2
        await handle.execute_update(NewsletterWorkflow.decide, Decision("approve", "redactie", version=2))
        await wait_for_state(handle, {"awaiting_go"})
        await handle.execute_update(NewsletterWorkflow.start_now, Command("cli"))
        await wait_for_state(handle, {"sending"})
        await asyncio.sleep(0.5)
        assert (await handle.execute_update(NewsletterWorkflow.pause, Command("cli"))).ok
        await asyncio.sleep(2)
        assert (await handle.execute_update(NewsletterWorkflow.resume, Command("cli"))).ok
        result = await asyncio.wait_for(handle.result(), 60)
        assert (result.final_state, result.sent) == ("sent", 120)
        history = await handle.fetch_history()
    record(history, "newsletter_full")
