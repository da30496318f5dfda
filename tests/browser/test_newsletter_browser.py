"""A subscriber's copy of the issue in headless Chromium: screenshots (desktop, phone), nothing remote.

The copy is the real thing: composed from the database (blog posts, an upcoming public meeting, the
intro), personalised by IssueTemplate, parsed back from MIME; its HTML part is opened from a file and
every request the page makes is routed: anything not data: or file: fails the test.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlmodel import select

from activities.deps import Deps
from activities.newsletter.mail import issue_email
from activities.newsletter.mime import IssueTemplate, Recipient
from raadsbode.mail.render import make_renderer
from models.tables.meetings import Meeting, MeetingKind
from models.tables.newsletter import NewsletterIssue
from models.messages.newsletter import ComposeRequest
from models.tables.org import Body, BodyKind, Venue
from models.tables.types import utcnow
from raadsbode.services.newsletter import issues
from raadsbode.db import session_scope
from raadsbode.services.newsletter.content import add_post
from tests.support.browser import NEEDS_CHROMIUM
from tests.support.newsletter import make_tenant
from tests.support.paths import ARTIFACTS

VIEWPORTS = {"desktop": {"width": 1024, "height": 900}, "phone": {"width": 390, "height": 844}}
pytestmark = NEEDS_CHROMIUM


def _content(sessions, association_id: int) -> None:
    """Two posts (one with a long unbroken word, the phone layout's worst case) and a public ALV."""
    now = utcnow()
    with session_scope(sessions) as s:
        add_post(s, association_id, "Regiodeal Flevoland: zes gemeenten tekenen samen", "Almere, Dronten, Lelystad, "
                 "Noordoostpolder, Urk en Zeewolde werken samen aan wonen en werk.", "https://vng-flevoland.test/regiodeal",
                 now - timedelta(days=3))
        add_post(s, association_id, "Omgevingswetimplementatieondersteuningsprogramma van start",
                 "Een nieuw programma voor de " + "uitvoeringsorganisatiesamenwerkingsverband" + " in de regio.",
                 "", now - timedelta(days=5))
        alv = s.exec(select(Body).where(Body.association_id == association_id, Body.kind == BodyKind.general_meeting)).first()
        venue = Venue(association_id=association_id, name="Stadhuis Lelystad", address="Stadhuisplein 2, Lelystad")
        s.add(venue)
        s.flush()
        s.add(Meeting(association_id=association_id, body_id=alv.id, kind=MeetingKind.alv, title="Algemene Ledenvergadering",
                      starts_at=now + timedelta(days=20), ends_at=now + timedelta(days=20, hours=2), venue_id=venue.id,
                      is_public=True, ical_uid=f"{uuid.uuid4()}@raadsbode.test"))


def _subscriber_copy(settings, sessions, association_id: int) -> str:
    """The HTML part exactly as a subscriber's mail client gets it."""
    deps = Deps(settings=settings, sessions=sessions, renderer=make_renderer(settings.timezone))
    with session_scope(sessions) as s:
        composed = issues.compose(s, deps.renderer, ComposeRequest(association_id, "2026-11", "Welkom bij de nieuwsbrief "
                                                                   "van november: nieuws uit de zes gemeenten."))
    with session_scope(sessions) as s:
        issue = s.get(NewsletterIssue, composed.issue_id)
        s.expunge(issue)
    copy = IssueTemplate(issue_email(deps, issue), settings).personalise(
        Recipient("lezer@urk.test", "Sjoerd Fûgelsang", f"{settings.public_base_url}/nieuwsbrief/afmelden/1.abc"))
    return message_from_bytes(copy.data, policy=policy.default).get_body(("html",)).get_content()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_issue_renders_without_remote_resources(browser, settings, session_factory_):
    association_id, _, _ = make_tenant(session_factory_, 0)
    _content(session_factory_, association_id)
    ARTIFACTS.mkdir(exist_ok=True)
    page_file = ARTIFACTS / "newsletter_issue.html"
    page_file.write_text(_subscriber_copy(settings, session_factory_, association_id), encoding="utf-8")
    for name, viewport in VIEWPORTS.items():
        context, remote = await _guarded_context(browser, viewport)
        page = await context.new_page()
        await page.goto(page_file.as_uri())
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=str(ARTIFACTS / f"newsletter_issue_{name}.png"), full_page=True)
        assert remote == [], f"remote resources requested: {remote}"
        text = await page.inner_text("body")
        for expected in ("Beste Sjoerd Fûgelsang", "Regiodeal Flevoland", "Algemene Ledenvergadering",
                         "Stadhuis Lelystad", "Welkom bij de nieuwsbrief", "Afmelden voor deze nieuwsbrief"):
            assert expected in text, (name, expected)
        assert await page.evaluate("document.images.length") == 0  # no pixels, tracking or otherwise
        assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        await context.close()


async def test_the_guard_sees_a_tracking_pixel(browser):
    """The check above is not vacuous: a remote image is requested, caught and refused."""
    context, remote = await _guarded_context(browser, VIEWPORTS["phone"])
    page = await context.new_page()
    await page.set_content('<p>x</p><img src="https://tracker.test/p.gif" width="1" height="1">')
    await page.wait_for_load_state("networkidle")
    assert remote == ["https://tracker.test/p.gif"]
    await context.close()


async def _guarded_context(browser, viewport: dict):
    """A context that lets only data: and file: URLs load and lists every other request."""
    remote: list[str] = []
    context = await browser.new_context(viewport=viewport, locale="nl-NL", java_script_enabled=False)

    async def route(r) -> None:
        local = r.request.url.startswith(("data:", "file:"))
        if not local:
            remote.append(r.request.url)
        await (r.continue_() if local else r.abort())
    await context.route("**/*", route)
    return context, remote
