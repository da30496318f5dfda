"""Shared setup for the newsletter tests: a tenant with confirmed subscribers, a fast policy."""
from __future__ import annotations

import asyncio

from sqlalchemy import insert

from models.newsletter import Subscriber, SubscriberStatus
from models.newsletter_messages import NewsletterPolicy, Progress
from models.types import utcnow
from raadsbode.associations import create_association
from raadsbode.db import session_scope
from tests.conftest import unique_slug
from workflows.newsletter import NewsletterWorkflow

FAST = NewsletterPolicy(batch_size=100, parallel_batches=2, connections=2, heartbeat_timeout=3,
                        temp_retry_window=6, temp_retry_delay=1, batch_timeout=120)


def make_tenant(sessions, n: int) -> tuple[int, str, list[str]]:
    """An association with n confirmed subscribers; returns (id, slug, their addresses)."""
    with session_scope(sessions) as s:
        a = create_association(s, unique_slug("nb"), "VNG Flevoland", "info@vng-flevoland.test")
        emails = [f"lezer{i:05d}@{a.slug}.test" for i in range(n)]
        if n:
            s.execute(insert(Subscriber), [
                {"association_id": a.id, "email": e, "name": f"Lezer {i}", "status": SubscriberStatus.confirmed,
                 "source": "test", "created_at": utcnow(), "confirmed_at": utcnow()} for i, e in enumerate(emails)])
        return a.id, a.slug, emails


async def wait_for_state(handle, states: set[str], timeout: float = 30) -> Progress:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            progress = await handle.query(NewsletterWorkflow.progress)
            if progress.state in states:
                return progress
        except Exception:  # noqa: BLE001  (not started yet)
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"workflow never reached {states}")
        await asyncio.sleep(0.2)
