"""Outgoing mail for the tests: an OutboundEmail, its ledger row, the send activity run by the smallest workflow
that calls it, and a newsletter issue with the marks each copy is personalised at."""
from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

# SendOnceWorkflow runs in the sandbox, which imports this module again: what it needs is passed through.
with workflow.unsafe.imports_passed_through():
    from sqlmodel import select
    from temporalio.worker import Worker

    from activities.deps import Deps
    from activities.newsletter.mime import NAME_MARK, UNSUB_MARK
    from activities.send_email import MailActivities
    from models.messages.mail import OutboundEmail, SendEmailResult
    from models.tables.ledger import OutboundMessage
    from raadsbode.mail.render import make_renderer
    from raadsbode.settings import Settings


@workflow.defn(sandboxed=True)
class SendOnceWorkflow:
    """The smallest caller of the activity: what a real workflow does, with test-sized backoff."""

    @workflow.run
    async def run(self, out: OutboundEmail) -> SendEmailResult:
        return await workflow.execute_activity_method(
            MailActivities.send_email,
            out,
            start_to_close_timeout=timedelta(seconds=20),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100), backoff_coefficient=1.5,
                                     maximum_attempts=5),
        )


def make_out(recipient: str | None = None, **changes) -> OutboundEmail:
    ref = f"test-{uuid.uuid4().hex[:10]}"
    values = dict(kind="test", subject_ref=ref, version=1, recipient_email=recipient or f"lid-{ref}@dronten.test",
                  recipient_name="Jan de Vries", subject="Uitnodiging vergadering", html="<p>Beste Jan,</p>",
                  text="Beste Jan,\n", from_email="info@vng-flevoland.test", from_name="VNG Flevoland")
    values.update(changes)
    return OutboundEmail(**values)


def ledger_row(sessions, key: str) -> OutboundMessage | None:
    with sessions() as session:
        return session.exec(select(OutboundMessage).where(OutboundMessage.business_key == key)).first()


async def run_send_workflow(temporal_env, settings, sessions, out: OutboundEmail) -> SendEmailResult:
    deps = Deps(settings=settings, sessions=sessions, renderer=make_renderer())
    client = temporal_env.client
    async with Worker(client, task_queue=settings.temporal_task_queue, workflows=[SendOnceWorkflow],
                      activities=[MailActivities(deps).send_email]):
        return await client.execute_workflow(SendOnceWorkflow.run, out, id=f"send-{uuid.uuid4().hex}",
                                             task_queue=settings.temporal_task_queue,
                                             execution_timeout=timedelta(seconds=60))


SETTINGS = Settings(mail_from="secretariaat@vng-flevoland.test", public_base_url="https://raadsbode.test")
UNSUB = "https://raadsbode.test/nieuwsbrief/afmelden/12.abcdef"


def newsletter_issue(from_email: str = "Info@VNG-Flevoland.TEST") -> OutboundEmail:
    body = "Beste {n},\n\nNieuws uit Flevoland: café, één, ‘quotes’.\n" + "x" * 3000 + "\nAfmelden: {u}\n"
    return OutboundEmail(
        kind="newsletter", subject_ref="newsletter-vng-2026-11", version=1, recipient_email="", recipient_name="",
        subject="Nieuwsbrief VNG Flevoland – november 2026", association_id=1, from_email=from_email,
        from_name="VNG Flevoland", text=body.format(n=NAME_MARK, u=UNSUB_MARK),
        html="<html><body><p>" + body.format(n=NAME_MARK, u=UNSUB_MARK) + "</p></body></html>",
        headers={"List-Unsubscribe": f"<{UNSUB_MARK}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
