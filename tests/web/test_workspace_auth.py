"""Staff sign-in by emailed link, the session cookie, sign out, CSRF and roles; the dashboard."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.tables import ActionToken, AuditEvent, OutboundMessage
from models.tables.types import utcnow
from raadsbode.settings import Settings
from raadsbode.store.staff import remove_staff
from raadsbode.db import session_scope
from raadsbode.store.tokens import issue_token
from tests.support.workspace import (client_for, csrf_of, make_tenant, session_cookie, session_count, signin_link)
from web.app import create_app
from web.common.auth import SESSION_COOKIE


def tokens_of(sessions, person_id: int) -> list[ActionToken]:
    with sessions() as s:
        return list(s.exec(select(ActionToken).where(ActionToken.person_id == person_id,
                                                     ActionToken.purpose == "staff-signin")).all())


async def test_request_gives_the_same_answer_for_known_and_unknown_addresses(app, session_factory_, sink):
    tenant = make_tenant(session_factory_)
    async with client_for(app) as client:
        known = await client.post("/inloggen", data={"email": tenant.email("secretary").upper(), "next": ""})
        unknown = await client.post("/inloggen", data={"email": f"niemand@{tenant.slug}.test", "next": ""})
        member = await client.post("/inloggen", data={"email": tenant.email("contact0"), "next": ""})  # no staff role
    for page, email in ((known, tenant.email("secretary")), (unknown, f"niemand@{tenant.slug}.test"),
                        (member, tenant.email("contact0"))):
        assert page.status_code == 200
        assert page.text.replace(email, "EMAIL") == known.text.replace(tenant.email("secretary"), "EMAIL")
    assert len(sink.to(tenant.email("secretary"))) == 1
    assert not sink.to(f"niemand@{tenant.slug}.test") and not sink.to(tenant.email("contact0"))
    mail = sink.to(tenant.email("secretary"))[0]
    assert "Inloggen" in mail["Subject"] and tenant.name in mail["Subject"]
    with session_factory_() as s:
        ledger = s.exec(select(OutboundMessage).where(OutboundMessage.kind == "staff-signin",
                                                      OutboundMessage.recipient == tenant.email("secretary"))).all()
    assert [row.status for row in ledger] == ["sent"]


async def test_invalid_email_is_shown_at_the_field_and_kept(app, session_factory_, sink):
    async with client_for(app) as client:
        page = await client.post("/inloggen", data={"email": "geen-adres"})
    assert page.status_code == 422 and 'id="fout-email"' in page.text and 'value="geen-adres"' in page.text


async def test_link_get_changes_nothing_post_signs_in_once(app, session_factory_, sink):
    tenant = make_tenant(session_factory_)
    async with client_for(app) as client:
        await client.post("/inloggen", data={"email": tenant.email("secretary"), "next": "/werkruimte/leden?zoek=a"})
        link = signin_link(sink, tenant.email("secretary"))
        page = await client.get(link)
        again = await client.head(link)
        assert page.status_code == 200 and "<form" in page.text and again.status_code in (200, 405)
        assert tokens_of(session_factory_, tenant.people["secretary"])[0].used_at is None
        assert session_count(session_factory_, tenant.people["secretary"]) == 0 and SESSION_COOKIE not in page.cookies
        signed_in = await client.post(link, data={"csrf": _field(page.text, "csrf"), "next": _field(page.text, "next")})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/werkruimte/leden?zoek=a"
        cookie = signed_in.headers["set-cookie"]
        assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        assert "Secure" not in cookie  # dev over http
        assert session_count(session_factory_, tenant.people["secretary"]) == 1
        home = await client.get("/werkruimte")
        assert home.status_code == 200 and tenant.name in home.text and "Uitloggen" in home.text
        client.cookies.clear()
        reused = await client.post(link, data={"csrf": _field(page.text, "csrf")})
        reopened = await client.get(link)
    assert reused.status_code == 410 and SESSION_COOKIE not in reused.headers.get("set-cookie", "")
    assert reopened.status_code == 410
    assert session_count(session_factory_, tenant.people["secretary"]) == 1
    with session_factory_() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.association_id == tenant.association_id)).all()
    assert "staff-signin" in actions


def _field(page: str, name: str) -> str:
    import re
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1).replace("&amp;", "&")


async def test_expired_or_wrong_csrf_link_is_refused(app, session_factory_, sink):
    tenant = make_tenant(session_factory_)
    with session_scope(session_factory_) as s:
        expired = issue_token(s, association_id=tenant.association_id, purpose="staff-signin", subject_ref="staff-x",
                              version=0, person_id=tenant.people["secretary"], expires_at=utcnow() - timedelta(seconds=1))
        other = issue_token(s, association_id=tenant.association_id, purpose="agenda-signoff", subject_ref="staff-x",
                            version=0, person_id=tenant.people["secretary"], expires_at=utcnow() + timedelta(hours=1))
    async with client_for(app) as client:
        await client.post("/inloggen", data={"email": tenant.email("secretary")})
        link = signin_link(sink, tenant.email("secretary"))
        assert (await client.get(f"/inloggen/{expired}")).status_code == 410
        assert (await client.post(f"/inloggen/{expired}", data={"csrf": "x"})).status_code == 410
        assert (await client.get(f"/inloggen/{other}")).status_code == 410  # another purpose's token
        forged = await client.post(link, data={"csrf": "0" * 64})
    assert forged.status_code == 410 and session_count(session_factory_, tenant.people["secretary"]) == 0
    assert tokens_of(session_factory_, tenant.people["secretary"])[-1].used_at is None  # still usable


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
async def test_next_must_be_a_local_path(app, session_factory_, sink, target):
    tenant = make_tenant(session_factory_)
    async with client_for(app) as client:
        await client.post("/inloggen", data={"email": tenant.email("editor"), "next": target})
        link = signin_link(sink, tenant.email("editor"))
        page = await client.get(link)
        done = await client.post(link, data={"csrf": _field(page.text, "csrf"), "next": target})
    assert done.status_code == 303 and done.headers["location"] == "/werkruimte"


async def test_cookie_is_secure_in_production(session_factory_, settings, sink, temporal_env):
    production = Settings(**{**settings.model_dump(), "environment": "production", "secret_key": "s" * 40,
                             "public_base_url": "https://raadsbode.test"})
    tenant = make_tenant(session_factory_)
    app = create_app(production, temporal_env.client)
    async with client_for(app) as client:
        await client.post("/inloggen", data={"email": tenant.email("admin")})
        link = signin_link(sink, tenant.email("admin"))
        page = await client.get(link)
        done = await client.post(link, data={"csrf": _field(page.text, "csrf")})
    assert done.status_code == 303 and "Secure" in done.headers["set-cookie"]


async def test_without_session_get_redirects_and_post_is_401(app, session_factory_):
    async with client_for(app) as client:
        page = await client.get("/werkruimte?x=1")
        posted = await client.post("/werkruimte/leden/personen/nieuw", data={"csrf_token": "x"})
        bogus = client_for(app, cookie="not-a-session")
        async with bogus:
            stale = await bogus.get("/werkruimte")
    assert page.status_code == 303 and page.headers["location"] == "/inloggen?next=%2Fwerkruimte%3Fx%3D1"
    assert posted.status_code == 401 and "ingelogd" in posted.text
    assert stale.status_code == 303


async def test_sign_out_needs_csrf_and_ends_the_session(app, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie = session_cookie(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        home = await client.get("/werkruimte")
        refused = await client.post("/uitloggen", data={"csrf_token": "fout"})
        assert refused.status_code == 403 and session_count(session_factory_, tenant.people["secretary"]) == 1
        out = await client.post("/uitloggen", data={"csrf_token": csrf_of(home.text)})
        assert out.status_code == 303 and out.headers["location"].startswith("/inloggen")
        assert f'{SESSION_COOKIE}=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    assert session_count(session_factory_, tenant.people["secretary"]) == 0
    async with client_for(app, cookie) as copied:  # a copy of the old cookie is worth nothing
        assert (await copied.get("/werkruimte")).status_code == 303


async def test_taking_the_role_away_ends_access(app, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie = session_cookie(session_factory_, tenant, "editor")
    with session_scope(session_factory_) as s:
        remove_staff(s, tenant.association_id, tenant.people["editor"])
    async with client_for(app, cookie) as client:
        assert (await client.get("/werkruimte")).status_code == 303


async def test_links_are_rate_limited_per_person(app, session_factory_, sink):
    tenant = make_tenant(session_factory_)
    async with client_for(app) as client:
        for _ in range(7):
            assert (await client.post("/inloggen", data={"email": tenant.email("secretary")})).status_code == 200
    assert len(sink.to(tenant.email("secretary"))) == 5


async def test_dashboard_shows_only_own_events_and_unknown_workflows(app, session_factory_):
    from tests.support.workspace import add_meeting

    tenant, other = make_tenant(session_factory_), make_tenant(session_factory_, name="VDG Test")
    meeting_id = add_meeting(session_factory_, tenant, "Bestuur in mei")
    add_meeting(session_factory_, other, "Geheime vergadering")
    with session_scope(session_factory_) as s:
        s.add(AuditEvent(association_id=tenant.association_id, action="agenda-signoff:approve", actor="a@x.test",
                         detail_json='{"version": 2, "slot": "chair", "token_id": 879}'))
        s.add(AuditEvent(association_id=tenant.association_id, action="status-convened", actor=""))
        s.add(AuditEvent(association_id=other.association_id, action="rsvp", actor="geheim@x.test"))
    cookie = session_cookie(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        page = await client.get("/werkruimte")
    assert page.status_code == 200 and "Bestuur in mei" in page.text and f"/werkruimte/vergaderingen/{meeting_id}" in page.text
    assert "onbekend" in page.text  # no workflow runs for it
    assert "agenda goedgekeurd" in page.text and "Geheime vergadering" not in page.text and "geheim@x.test" not in page.text
    # In Dutch, without internals: the secretary reads "versie: 2, als: voorzitter", not "slot: chair, token_id: 879".
    assert "versie: 2, als: voorzitter" in page.text and "token_id" not in page.text and "879" not in page.text
    assert "status: uitnodiging verstuurd" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_staff_cli_adds_lists_and_removes(db_url, session_factory_, monkeypatch):
    from typer.testing import CliRunner

    from raadsbode.cli import app as cli_app
    from raadsbode.settings import get_settings
    from raadsbode.store.staff import roles_of
    from tests.support.workspace import make_tenant as tenant_of

    monkeypatch.setenv("RAADSBODE_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    tenant, runner = tenant_of(session_factory_), CliRunner()
    try:
        new = runner.invoke(cli_app, ["staff", "add", "-a", tenant.slug, "--email", "Nieuw@X.test", "--role", "editor"])
        named = runner.invoke(cli_app, ["staff", "add", "-a", tenant.slug, "--email", "Nieuw@X.test", "--role", "editor",
                                        "--name", "Nieuwe Redacteur"])
        twice = runner.invoke(cli_app, ["staff", "add", "-a", tenant.slug, "--email", "nieuw@x.test", "--role", "editor"])
        wrong = runner.invoke(cli_app, ["staff", "add", "-a", tenant.slug, "--email", "nieuw@x.test", "--role", "baas"])
        listed = runner.invoke(cli_app, ["staff", "list", "-a", tenant.slug])
        removed = runner.invoke(cli_app, ["staff", "remove", "-a", tenant.slug, "--email", tenant.email("secretary")])
    finally:
        get_settings.cache_clear()
    assert new.exit_code == 1 and "geef ook een naam op" in new.output
    assert named.exit_code == 0 and twice.exit_code == 0 and wrong.exit_code == 1 and "Onbekende rol" in wrong.output
    assert "Nieuwe Redacteur" in listed.output and "nieuw@x.test" in listed.output
    assert removed.exit_code == 0
    with session_factory_() as s:
        assert roles_of(s, tenant.association_id, tenant.people["secretary"]) == frozenset()


def test_demo_has_a_secretary_admin_and_an_editor(session_factory_):
    from raadsbode.dev.demo import seed_demo
    from raadsbode.store.staff import staff_by_email, roles_of

    association_id = seed_demo(session_factory_)
    with session_factory_() as s:
        secretary = [m for m in staff_by_email(s, "t.dekker@vngflevoland.example") if m.association_id == association_id]
        editor = [m for m in staff_by_email(s, "redactie@vngflevoland.example") if m.association_id == association_id]
        assert roles_of(s, association_id, secretary[0].person_id) == {"secretary", "admin"}
        assert roles_of(s, association_id, editor[0].person_id) == {"editor"}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_dashboard_shows_what_a_running_meeting_workflow_says(app, session_factory_, settings, temporal_env, sink):
    import asyncio

    from models.messages.meeting import CancelMeeting, StatusQuery
    from raadsbode.services.meeting.actions import create_meeting, meeting_handle, start_meeting_workflow
    from raadsbode.store.staff import add_staff, start_session
    from tests.support.links import make_board
    from worker import build_worker
    from workflows.meeting.workflow import MeetingWorkflow

    board = make_board(session_factory_, with_meeting=False)
    starts = utcnow().replace(microsecond=0) + timedelta(days=30)
    with session_scope(session_factory_) as s:
        add_staff(s, board.association_id, f"secretary@{board.slug}.test", "secretary")
        meeting = create_meeting(s, association_id=board.association_id, body_id=board.body_id, kind="board",
                                 title="Bestuur met workflow", starts_at=starts, ends_at=starts + timedelta(hours=2),
                                 venue_id=board.venue_id, policy={})
        cookie, _ = start_session(s, board.people["secretary"], board.association_id)
    async with build_worker(temporal_env.client, settings):
        await start_meeting_workflow(temporal_env.client, settings, meeting.id, board.slug)
        handle = meeting_handle(temporal_env.client, meeting.id)
        for _ in range(50):
            try:
                await handle.query(MeetingWorkflow.status, StatusQuery())
                break
            except Exception:  # noqa: BLE001 - not yet started
                await asyncio.sleep(0.1)
        async with client_for(app, cookie) as client:
            page = await client.get("/werkruimte")
        await handle.execute_update(MeetingWorkflow.cancel, CancelMeeting(reason="test"))  # leave nothing running
    assert page.status_code == 200 and "Bestuur met workflow" in page.text
    assert "Agenda in voorbereiding" in page.text and "Wacht op" in page.text and "onbekend" not in page.text


async def test_navigation_shows_only_what_the_role_may_use(app, session_factory_):
    tenant = make_tenant(session_factory_)
    pages = {}
    for role in ("secretary", "editor", "admin"):
        async with client_for(app, session_cookie(session_factory_, tenant, role)) as client:
            pages[role] = (await client.get("/werkruimte")).text
    assert "Leden en bestuur" in pages["secretary"] and ">Nieuwsbrief<" not in pages["secretary"]
    assert "Leden en bestuur" not in pages["editor"] and ">Nieuwsbrief<" in pages["editor"]
    assert "Leden en bestuur" in pages["admin"] and ">Nieuwsbrief<" in pages["admin"]
