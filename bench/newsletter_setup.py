"""Data and steering for the newsletter benchmark: subscribers, approval, progress, history sizes,
and the baseline's pre-built copies (made exactly as the batch activity makes them)."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlalchemy import insert, select
from temporalio.client import Client, WorkflowHandle

from activities.deps import Deps
from activities.newsletter.mail import issue_email
from activities.newsletter.mime import IssueTemplate, Recipient
from raadsbode.mail.render import make_renderer
from models.tables.newsletter import NewsletterIssue, Subscriber, SubscriberStatus
from models.messages.newsletter import Decision
from models.tables.types import utcnow
from raadsbode.store.associations import create_association
from raadsbode.db import make_engine, migrate, session_factory, session_scope
from raadsbode.services.newsletter.content import add_post
from raadsbode.settings import Settings
from raadsbode.domain.unsubscribe_keys import unsubscribe_key
from workflows.newsletter.workflow import NewsletterWorkflow

CHUNK = 5000
SUMMARY = ("De zes Flevolandse gemeenten werken samen aan wonen, werk en bereikbaarheid. In deze bijdrage "
           "leest u wat er de afgelopen maand is besproken en wat er de komende tijd op de agenda staat. ") * 3


def make_subscribers(db_url: str, n: int) -> tuple[int, str]:
    """A fresh association with n confirmed subscribers (bulk inserts) and five blog posts."""
    migrate(db_url)
    sessions = session_factory(make_engine(db_url))
    with session_scope(sessions) as s:
        a = create_association(s, f"bench-{int(time.time())}", "VNG Flevoland", "info@vng-flevoland.test")
        association_id, slug = a.id, a.slug
        for i in range(5):
            add_post(s, a.id, f"Blogbericht {i + 1}: nieuws uit de regio", SUMMARY, f"https://vng-flevoland.test/blog/{i}",
                     utcnow() - timedelta(days=i + 1))
    now = utcnow()
    for start in range(0, n, CHUNK):
        with session_scope(sessions) as s:
            s.execute(insert(Subscriber), [
                {"association_id": association_id, "email": f"lezer{i:06d}@lezers.test", "name": f"Lezer {i}",
                 "status": SubscriberStatus.confirmed, "source": "bench", "created_at": now, "confirmed_at": now}
                for i in range(start, min(start + CHUNK, n))])
    return association_id, slug


async def approve_when_proofed(handle: WorkflowHandle) -> None:
    while True:
        try:
            progress = await handle.query(NewsletterWorkflow.progress)
            if progress.state == "proof":
                break
        except Exception:  # noqa: BLE001  (not started yet)
            pass
        await asyncio.sleep(0.2)
    ack = await handle.execute_update(NewsletterWorkflow.decide, Decision("approve", "bench", version=progress.version))
    assert ack.ok, ack.message


async def watch(handle: WorkflowHandle, n: int) -> None:
    """Print the workflow's own progress every few seconds until it is done."""
    task = asyncio.ensure_future(handle.result())
    while not task.done():
        await asyncio.wait({task}, timeout=5)
        if not task.done():
            try:
                p = await handle.query(NewsletterWorkflow.progress)
                print(f"  {p.state}: {p.sent}/{p.total} sent, {p.rate:.0f}/s, eta {p.eta_seconds or 0:.0f} s", flush=True)
            except Exception as exc:  # noqa: BLE001  (mid continue-as-new)
                print(f"  (query: {exc})", flush=True)
    result = task.result()
    assert (result.final_state, result.sent) == ("sent", n), result


async def run_lengths(client: Client, workflow_id: str) -> list[int]:
    """History length of every run of the workflow (continue-as-new makes several)."""
    lengths = []
    async for execution in client.list_workflows(f"WorkflowId = '{workflow_id}'"):
        history = await client.get_workflow_handle(workflow_id, run_id=execution.run_id).fetch_history()
        lengths.append(len(history.events))
    return lengths or [0]


def issue_copies(db_url: str, association_id: int, k: int) -> list[tuple[str, bytes]]:
    """The first k subscribers' copies, built as the batch activity builds them."""
    settings = Settings(database_url=db_url, public_base_url="https://raadsbode.test", mail_from="nieuwsbrief@vng-flevoland.test")
    deps = Deps(settings=settings, sessions=session_factory(make_engine(db_url)), renderer=make_renderer())
    with session_scope(deps.sessions) as s:
        issue = s.execute(select(NewsletterIssue).where(NewsletterIssue.association_id == association_id)).scalar_one()
        s.expunge(issue)
        subs = s.execute(select(Subscriber.id, Subscriber.email, Subscriber.name).where(
            Subscriber.association_id == association_id).order_by(Subscriber.id).limit(k)).all()
    template = IssueTemplate(issue_email(deps, issue), settings)
    base = f"{settings.public_base_url}/nieuwsbrief/afmelden/"
    return [(email, template.personalise(Recipient(email, name, base + unsubscribe_key(settings.secret_key, sid))).data)
            for sid, email, name in subs]
