"""Shared setup for the newsletter tests: a tenant with confirmed subscribers, a fast policy; subscribing by the
public form and the links of its mails."""
from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import select

from models.tables.newsletter import Subscriber, SubscriberStatus, Suppression
from models.messages.newsletter import NewsletterPolicy, Progress
from models.tables.types import utcnow
from raadsbode.store.associations import create_association
from raadsbode.db import session_scope
from tests.support.env import unique_slug
from workflows.newsletter.workflow import NewsletterWorkflow

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


def spawn_worker(settings, temporal_env, log_path):
    """A real worker process (`raadsbode worker`) on the test's Temporal server, database, sink and queue."""
    env = {**os.environ, "RAADSBODE_TEMPORAL_ADDRESS": temporal_env.client.service_client.config.target_host,
           "RAADSBODE_DATABASE_URL": settings.database_url, "RAADSBODE_SMTP_HOST": settings.smtp_host,
           "RAADSBODE_SMTP_PORT": str(settings.smtp_port), "RAADSBODE_MAIL_FROM": settings.mail_from,
           "RAADSBODE_PUBLIC_BASE_URL": settings.public_base_url, "RAADSBODE_SECRET_KEY": settings.secret_key,
           "RAADSBODE_ENVIRONMENT": settings.environment,
           "RAADSBODE_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue, "RAADSBODE_VAR_DIR": str(settings.var_dir)}
    log = open(log_path, "ab")  # noqa: SIM115  (closed with the process by the caller's kill)
    return subprocess.Popen([str(Path(sys.executable).parent / "raadsbode"), "worker"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=log_path.parent)


async def wait_for_mail(sink, address: str, count: int = 1, timeout: float = 15) -> list:
    """The workflow shows "proof" just before the proof's activity runs: wait for the mail itself."""
    deadline = asyncio.get_running_loop().time() + timeout
    while len(sink.to(address)) < count:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"no {count} mail(s) to {address}")
        await asyncio.sleep(0.05)
    return sink.to(address)


def add_readers(sessions, tenant) -> list[str]:
    emails = [f"lezer{i}@{tenant.slug}.test" for i in range(3)]
    with session_scope(sessions) as s:
        s.execute(insert(Subscriber), [{"association_id": tenant.association_id, "email": e, "name": f"Lezer {i}",
                                        "status": SubscriberStatus.confirmed, "source": "test", "created_at": utcnow(),
                                        "confirmed_at": utcnow()} for i, e in enumerate(emails)])
        s.add(Subscriber(association_id=tenant.association_id, email=f"wacht@{tenant.slug}.test", name="Wacht Nog"))
        s.add(Suppression(association_id=tenant.association_id, email=f"weg@{tenant.slug}.test", reason="bounce",
                          smtp_code=550, smtp_reply="mailbox unavailable"))
    return emails


def subscriber_status(sessions, association_id, email):
    with sessions() as s:
        return s.exec(select(Subscriber).where(Subscriber.association_id == association_id,
                                               Subscriber.email == email)).one().status


def subscribe_by_form(client, slug: str, **form):
    """What a browser does: open the form (which sets the CSRF cookie), then post it with its CSRF field."""
    page = client.get(f"/nieuwsbrief/{slug}/aanmelden")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    return client.post(f"/nieuwsbrief/{slug}/aanmelden", data={"csrf": csrf, **form})


def subscriber_link(message, path):
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"http://raadsbode\.test(/nieuwsbrief/{path}/\S+)", body).group(1)
