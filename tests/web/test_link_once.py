"""Links do what they say once (issue 10 item 7): a used newsletter confirmation link does not subscribe again
someone who unsubscribed since; an editor link acts only for its own proof version and as its editor; sign-in
answers the same page in the same time for staff and non-staff addresses (the mail goes out after the response)."""
from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, UTC

from aiosmtpd.controller import Controller
from sqlmodel import select

from models.tables.newsletter import NewsletterIssue, Subscriber, SubscriberStatus
from models.messages.newsletter import Revision
from models.tables.types import utcnow
from raadsbode.services.newsletter import control
from raadsbode.db import session_scope
from raadsbode.services.newsletter.issues import APPROVE_PURPOSE, EDITOR_LINK_VALID
from raadsbode.dev.sink import SinkHandler
from raadsbode.services.newsletter.subscribers import subscribe, unsubscribe_key
from raadsbode.store.tokens import csrf_for, hash_token, issue_token
from tests.support.env import free_port
from tests.support.newsletter import FAST, make_tenant as newsletter_tenant, wait_for_mail, wait_for_state
from tests.support.newsletter import subscribe_by_form, subscriber_link, subscriber_status
from tests.support.workspace import client_for, make_tenant, signin_link
from web.app import create_app
from worker import build_worker
from workflows.newsletter.workflow import NewsletterWorkflow

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
SLOW = 2.0  # seconds the slow relay takes over DATA


def _confirm(client, link: str):
    csrf = CSRF.search(client.get(link).text).group(1)
    return client.post(link, data={"csrf": csrf}), csrf


def _unsubscribe(client, settings, sessions, association_id: int, email: str) -> None:
    with sessions() as s:
        sub_id = s.exec(select(Subscriber.id).where(Subscriber.association_id == association_id,
                                                    Subscriber.email == email)).one()
    url = f"/nieuwsbrief/afmelden/{unsubscribe_key(settings.secret_key, sub_id)}"
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_a_used_confirmation_link_does_not_subscribe_again(app_client, association, session_factory_, settings, sink):
    association_id, slug = association
    email = "anna@example.test"
    assert subscribe_by_form(app_client, slug, name="Anna", email=email).status_code == 200
    link = subscriber_link(sink.to(email)[0], "bevestigen")
    done, csrf = _confirm(app_client, link)
    assert done.status_code == 200 and "bevestigd" in done.text
    _unsubscribe(app_client, settings, session_factory_, association_id, email)
    assert subscriber_status(session_factory_, association_id, email) == SubscriberStatus.unsubscribed
    # The old mail opened again: the page says the link was used and how to subscribe again; no form.
    shown = app_client.get(link)
    assert shown.status_code == 410 and "al gebruikt" in shown.text and 'method="post"' not in shown.text
    assert f'href="/nieuwsbrief/{slug}/aanmelden"' in shown.text
    # Its POST (a kept tab, a replay with the old form's field) changes nothing either.
    again = app_client.post(link, data={"csrf": csrf})
    assert again.status_code == 410 and "al gebruikt" in again.text
    assert subscriber_status(session_factory_, association_id, email) == SubscriberStatus.unsubscribed


def test_unsubscribing_voids_a_confirmation_link_not_yet_used(app_client, association, session_factory_, settings, sink):
    """Two sign-ups mailed two links; the first confirmed, then the reader unsubscribed: the second link,
    never used, must not subscribe them again."""
    association_id, slug = association
    email = "bert@example.test"
    with session_scope(session_factory_) as s:  # two requests more than RESEND_AFTER apart: two links
        first = subscribe(s, association_id, "Bert", email).confirm_token
        second = subscribe(s, association_id, "Bert", email).confirm_token
    assert first and second and first != second
    done, _ = _confirm(app_client, f"/nieuwsbrief/bevestigen/{first}")
    assert done.status_code == 200
    _unsubscribe(app_client, settings, session_factory_, association_id, email)
    page = app_client.get(f"/nieuwsbrief/bevestigen/{second}")
    assert page.status_code in (404, 410) and 'method="post"' not in page.text
    # Not even with the form field of a page opened before the unsubscribe.
    answer = app_client.post(f"/nieuwsbrief/bevestigen/{second}",
                             data={"csrf": csrf_for(settings.secret_key, hash_token(second))})
    assert answer.status_code in (404, 410)
    assert subscriber_status(session_factory_, association_id, email) == SubscriberStatus.unsubscribed
    # Subscribing again is how to come back: a new link, which works.
    assert subscribe_by_form(app_client, slug, name="Bert", email=email).status_code == 200
    fresh = subscriber_link(sink.to(email)[-1], "bevestigen")
    assert _confirm(app_client, fresh)[0].status_code == 200
    assert subscriber_status(session_factory_, association_id, email) == SubscriberStatus.confirmed


class SlowRelay(SinkHandler):
    """A relay that takes SLOW seconds to accept a message (a busy smarthost)."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SLOW)
        return await super().handle_DATA(server, session, envelope)


class Stopwatch:
    """ASGI wrapper noting when the response's last byte was handed to the server. The test client returns
    only once the app (background tasks included) is done, so this is the moment a browser would see."""

    def __init__(self, app) -> None:
        self.app, self.answered = app, 0.0

    async def __call__(self, scope, receive, send) -> None:
        async def timed(message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.answered = time.monotonic()
        await self.app(scope, receive, timed)


async def test_signin_answers_alike_and_before_the_mail_for_staff_and_others(settings, session_factory_):
    tenant = make_tenant(session_factory_)
    staff, member, stranger = tenant.email("secretary"), tenant.email("contact0"), f"niemand@{tenant.slug}.test"
    relay, port = SlowRelay(), free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = Stopwatch(create_app(settings.model_copy(update={"smtp_port": port})))
        answers = {}
        async with client_for(app) as client:
            for email in (stranger, staff, member):
                started = time.monotonic()
                page = await client.post("/inloggen", data={"email": email, "next": ""})
                answers[email] = (page, app.answered - started, time.monotonic() - started)
    finally:
        controller.stop()
    staff_page, staff_answered, staff_done = answers[staff]
    assert staff_done >= SLOW  # the link did go out through the slow relay, after...
    assert staff_answered < SLOW / 2, staff_answered  # ...the page: the relay's time does not show
    assert staff_answered < answers[stranger][1] + SLOW / 4  # comparable to an address that gets nothing
    for email, (page, _, _) in answers.items():  # the same page, byte for byte, but for the address typed
        assert page.status_code == 200
        assert page.content.replace(email.encode(), b"EMAIL") == staff_page.content.replace(staff.encode(), b"EMAIL")
        assert {k: v for k, v in page.headers.items() if k != "content-length"} == \
               {k: v for k, v in staff_page.headers.items() if k != "content-length"}
    assert len(relay.to(staff)) == 1 and not relay.to(member) and not relay.to(stranger)
    assert signin_link(relay, staff).startswith("/inloggen/")


EDITOR_LINK = re.compile(r"http://raadsbode\.test(/nieuwsbrief/redactie/\S+)")


def _editor_link(message) -> str:
    return EDITOR_LINK.search(message.get_body(("plain",)).get_content()).group(1)


async def _act(client, settings, link: str, action: str, **extra):
    """The editor's POST with the form field the link's page carries (the holder of an old mail has it too)."""
    csrf = csrf_for(settings.secret_key, hash_token(link.rsplit("/", 1)[1]))
    return await client.post(link, data={"csrf": csrf, "action": action, **extra})


async def test_editor_link_acts_only_for_its_proof_version_and_as_its_editor(temporal_env, settings, session_factory_,
                                                                            sink):
    association_id, slug, _ = newsletter_tenant(session_factory_, 2)
    anna, bert = (f"{name}-{uuid.uuid4().hex[:6]}@vng-flevoland.test" for name in ("anna", "bert"))
    late = datetime.now(UTC) - timedelta(days=3)  # approved after the slot: it waits for an explicit go
    app = create_app(settings, temporal_env.client)
    async with build_worker(temporal_env.client, settings), client_for(app) as client:
        handle = await control.start_issue(temporal_env.client, settings.temporal_task_queue, association_id, slug,
                                           "2026-10", [anna, bert], policy=replace(FAST, late_after=3600), slot_at=late)
        await wait_for_state(handle, {"proof"})
        anna_v1 = _editor_link((await wait_for_mail(sink, anna))[-1])
        changes = await _act(client, settings, anna_v1, "changes", comment="Andere kop graag.")
        assert changes.status_code == 200 and "Wijzigingen gevraagd" in changes.text
        assert (await handle.execute_update(NewsletterWorkflow.revise, Revision("Tweede versie."))).ok
        bert_v2 = _editor_link((await wait_for_mail(sink, bert, 2))[-1])
        await wait_for_state(handle, {"proof"})
        # The first proof's link: a clear page, no buttons, and its POSTs reach nothing.
        shown = await client.get(anna_v1)
        assert shown.status_code == 200 and "Er is een nieuwere proef (versie 2)" in shown.text
        assert 'name="action"' not in shown.text
        refused = await _act(client, settings, anna_v1, "approve")
        assert refused.status_code == 409 and "Er is een nieuwere proef" in refused.text
        approved = await _act(client, settings, bert_v2, "approve")
        assert approved.status_code == 200 and "Goedgekeurd" in approved.text, approved.text
        await wait_for_state(handle, {"awaiting_go"})
        # The old link cannot give the go for the new version either.
        go_refused = await _act(client, settings, anna_v1, "start_now")
        assert go_refused.status_code == 409 and "Er is een nieuwere proef" in go_refused.text
        assert "De verzending begint" not in go_refused.text  # what the old code answered, and sent
        assert (await handle.query(NewsletterWorkflow.progress)).state == "awaiting_go"
        # A link bound to nobody (as every editor link was before) does nothing for the current proof.
        with session_scope(session_factory_) as s:
            issue = s.exec(select(NewsletterIssue).where(NewsletterIssue.association_id == association_id)).one()
            unbound = issue_token(s, association_id=association_id, purpose=APPROVE_PURPOSE,
                                  subject_ref=issue.subject_ref, version=issue.version, person_id=None,
                                  expires_at=utcnow() + EDITOR_LINK_VALID, single_use=False)
        assert (await client.get(f"/nieuwsbrief/redactie/{unbound}")).status_code == 404
        assert (await _act(client, settings, f"/nieuwsbrief/redactie/{unbound}", "start_now")).status_code == 403
        go = await _act(client, settings, bert_v2, "start_now")
        assert go.status_code == 200 and "De verzending begint" in go.text
        await asyncio.wait_for(handle.result(), 60)
    with session_factory_() as s:  # recorded as the editor whose link it was
        assert s.get(NewsletterIssue, issue.id).approved_by == bert
