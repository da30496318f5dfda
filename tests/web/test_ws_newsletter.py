"""The newsletter in the workspace: posts (add, edit, feed import), an issue from start to a finished send
(preview in a sandboxed frame, approve), the monthly schedule, subscribers and suppressions; roles."""
from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlmodel import select

from models.tables.newsletter import BlogPost
from raadsbode.services.newsletter import control as newsletter_control
from tests.support.e2e import wait_for_mail
from tests.support.links import form_fields
from tests.support.workspace import client_for, make_tenant, signed_in_session
from worker import build_worker
from tests.support.newsletter import add_readers

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)
BASE = "/werkruimte/nieuwsbrief"
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>
<item><title>Feedbericht over de Omgevingswet</title><link>https://example.org/omgevingswet</link><guid>og-1</guid>
<description>&lt;p&gt;Samenvatting&lt;/p&gt;</description></item></channel></rss>"""


async def test_posts_add_edit_and_feed_import(app, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "editor")
    async with client_for(app, cookie) as web:
        bad = await web.post(f"{BASE}/berichten/nieuw", data={"csrf_token": csrf, "title": "", "url": "ftp://x",
                                                               "date": date.today().isoformat(), "summary": "Bewaard"})
        made = await web.post(f"{BASE}/berichten/nieuw", data={"csrf_token": csrf, "title": "Nieuw bestuur gekozen",
                                                                "url": "https://example.org/bestuur",
                                                                "date": date.today().isoformat(), "summary": "Tekst"})
        with session_factory_() as s:
            post_id = s.exec(select(BlogPost.id).where(BlogPost.association_id == tenant.association_id)).one()
        edited = await web.post(f"{BASE}/berichten/{post_id}", data={"csrf_token": csrf, "title": "Nieuw bestuur",
                                                                      "url": "", "date": date.today().isoformat(), "summary": "Anders"})
        empty = await web.post(f"{BASE}/feed", data={"csrf_token": csrf})
        fed = await web.post(f"{BASE}/feed", data={"csrf_token": csrf}, files={"feed": ("blog.rss", RSS, "application/rss+xml")})
        again = await web.post(f"{BASE}/feed", data={"csrf_token": csrf}, files={"feed": ("blog.rss", RSS, "application/rss+xml")})
        assert fed.status_code == 303, fed.text[-1500:]
        listed = await web.get(fed.headers["location"])
        found = await web.get(f"{BASE}/berichten", params={"zoek": "omgevingswet"})
    assert bad.status_code == 422 and 'id="fout-title"' in bad.text and 'id="fout-url"' in bad.text and "Bewaard" in bad.text
    assert made.status_code == 303 and edited.status_code == 303
    assert empty.status_code == 422 and "Kies een RSS- of Atom-bestand" in empty.text
    assert fed.status_code == 303 and again.status_code == 303 and "1 berichten uit de feed verwerkt" in listed.text
    assert "1–1 van 1" in found.text and "Feedbericht over de Omgevingswet" in found.text
    with session_factory_() as s:
        titles = sorted(s.exec(select(BlogPost.title).where(BlogPost.association_id == tenant.association_id)).all())
    assert titles == ["Feedbericht over de Omgevingswet", "Nieuw bestuur"]


async def wait_for_page(web, url: str, text: str, timeout: float = 30):
    for _ in range(int(timeout * 5)):
        page = await web.get(url)
        if text in page.text:
            return page
        await asyncio.sleep(0.2)
    raise AssertionError(f"'{text}' not on {url} within {timeout} s:\n{page.text[-3000:]}")


async def test_issue_from_start_to_a_finished_send(app, temporal_env, settings, session_factory_, sink):
    tenant = make_tenant(session_factory_)
    readers = add_readers(session_factory_, tenant)
    cookie, csrf = signed_in_session(session_factory_, tenant, "editor")
    period = date.today().strftime("%Y-%m")
    async with build_worker(temporal_env.client, settings), client_for(app, cookie) as web:
        await web.post(f"{BASE}/berichten/nieuw", data={"csrf_token": csrf, "title": "Ledenvergadering in Urk",
                                                        "date": date.today().isoformat(), "summary": "Verslag"})
        bad = await web.post(f"{BASE}/uitgaven", data={"csrf_token": csrf, "period": "november", "intro": "Hallo allen"})
        started = await web.post(f"{BASE}/uitgaven", data={"csrf_token": csrf, "period": period, "intro": "Hallo allen"})
        url = started.headers["location"].split("?")[0]
        proof = await wait_for_page(web, url, "Goedkeuren en versturen")
        preview = await web.get(f"{url}/voorbeeld")
        await wait_for_mail(sink, tenant.email("editor"), "Proef")
        approved = await web.post(f"{url}/beslissen", data=form_fields(proof.text.split('action="' + url + '/beslissen"')[1])
                                  | {"csrf_token": csrf, "decision": "approve"})
        done = await wait_for_page(web, url, "Status: <strong>verzonden</strong>")
        twice = await web.post(f"{BASE}/uitgaven", data={"csrf_token": csrf, "period": period})
    assert bad.status_code == 422 and 'id="fout-period"' in bad.text and "Hallo allen" in bad.text
    assert started.status_code == 303 and url.startswith(f"{BASE}/uitgaven/")
    assert 'sandbox=""' in proof.text and "frame-src 'self'" in proof.headers["content-security-policy"]
    assert "Ledenvergadering in Urk" in preview.text and "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    assert approved.status_code == 200 and "Goedgekeurd" in approved.text
    assert "Verzonden: 3 van 3" in done.text, done.text[done.text.index("Stand van zaken"):][:800]
    for reader in readers:
        assert len(sink.to(reader)) == 1
    assert sink.to(f"wacht@{tenant.slug}.test") == [] and twice.status_code == 422 and "al een nieuwsbrief" in twice.text


async def test_schedule_subscribers_suppressions_and_roles(app, temporal_env, session_factory_):
    tenant = make_tenant(session_factory_)
    add_readers(session_factory_, tenant)
    cookie, csrf = signed_in_session(session_factory_, tenant, "editor")
    async with client_for(app, cookie) as web:
        bad = await web.post(f"{BASE}/schema", data={"csrf_token": csrf, "week": "5", "weekday": "di", "time": "25:00"})
        saved = await web.post(f"{BASE}/schema", data={"csrf_token": csrf, "week": "2", "weekday": "do", "time": "09:30"})
        overview = await web.get(BASE)
        readers = await web.get(f"{BASE}/abonnees", params={"status": "confirmed"})
        found = await web.get(f"{BASE}/abonnees", params={"zoek": "WACHT"})
        suppressed = await web.get(f"{BASE}/onderdrukt", params={"zoek": "mailbox"})
    await temporal_env.client.get_schedule_handle(newsletter_control.schedule_id(tenant.slug)).delete()
    async with client_for(app, signed_in_session(session_factory_, tenant, "secretary")[0]) as secretary:
        forbidden = await secretary.get(BASE)
    assert bad.status_code == 422 and 'id="fout-week"' in bad.text and 'id="fout-time"' in bad.text
    assert saved.status_code == 303 and "week 2, do 09:30" in overview.text
    assert "1–3 van 3" in readers.text and "Wacht Nog" not in readers.text
    assert "1–1 van 1" in found.text and "nog niet bevestigd" in found.text
    assert "weg@" in suppressed.text and "onbestelbaar" in suppressed.text
    assert forbidden.status_code == 403
