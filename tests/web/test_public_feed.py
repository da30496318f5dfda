"""The public page and the calendar feed: only public meetings, published material, parsed back with icalendar."""
from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from icalendar import Calendar

from models.tables import AgendaItem, AgendaVersion, Meeting, MeetingKind, MeetingStatus
from models.tables.alv import AlvDecision, DecisionOutcome
from models.tables.types import utcnow
from raadsbode.db import session_scope
from tests.support.alv import add_public_meeting, make_association
from web.app import create_app

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)


@pytest.fixture
def app(settings):
    return create_app(settings)


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://raadsbode.test")


def publish(sessions, meeting_id: int, titles: list[str], decisions: list[tuple[str, DecisionOutcome]]) -> None:
    with session_scope(sessions) as s:
        version = AgendaVersion(meeting_id=meeting_id, version=1)
        s.add(version)
        s.flush()
        for n, title in enumerate(titles, start=1):
            s.add(AgendaItem(agenda_version_id=version.id, position=n, number=str(n), title=title,
                             documents_json=json.dumps([{"title": f"Stuk {n}", "url": f"https://example.org/{n}.pdf"}])))
        for n, (title, outcome) in enumerate(decisions, start=1):
            s.add(AlvDecision(meeting_id=meeting_id, version=1, position=n, subject="item", ref=str(n), title=title,
                              outcome=outcome))


@pytest.fixture
def published(session_factory_):
    a = make_association(session_factory_, contacts_per_town=1)
    now = utcnow().replace(microsecond=0)
    past = add_public_meeting(session_factory_, a, now - timedelta(days=60), title="Voorjaars-ALV",
                              published_agenda_version=1, published_decisions_version=1)
    publish(session_factory_, past, ["Opening", "Jaarrekening <2026>"],
            [("Opening", DecisionOutcome.adopted), ("Jaarrekening <2026>", DecisionOutcome.deferred)])
    coming = add_public_meeting(session_factory_, a, now + timedelta(days=40), title="Najaars-ALV",
                                published_agenda_version=0)
    network = add_public_meeting(session_factory_, a, now + timedelta(days=20), kind=MeetingKind.network,
                                 title="Netwerkbijeenkomst Energie", description="Over warmtenetten.", capacity=30)
    cancelled = add_public_meeting(session_factory_, a, now + timedelta(days=30), title="Extra ALV", kind=MeetingKind.extra_alv)
    private = add_public_meeting(session_factory_, a, now + timedelta(days=10), kind=MeetingKind.board,
                                 title="Geheim bestuur", public=False)
    with session_scope(session_factory_) as s:
        m = s.get(Meeting, cancelled)
        m.status, m.ical_sequence = MeetingStatus.cancelled, 3
        s.add(m)
    return a, {"past": past, "coming": coming, "network": network, "cancelled": cancelled, "private": private}


async def test_feed_has_only_public_meetings_with_stable_uids(app, published, session_factory_):
    a, ids = published
    async with client_for(app) as client:
        first = await client.get(f"/openbaar/{a.slug}/vergaderingen.ics")
        second = await client.get(f"/openbaar/{a.slug}/vergaderingen.ics")
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(first.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Amsterdam"
    assert [str(c["TZNAME"]) for c in tz.subcomponents] == ["CET", "CEST"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Voorjaars-ALV", "Najaars-ALV", "Netwerkbijeenkomst Energie", "Extra ALV"}
    with session_factory_() as s:
        uids = {s.get(Meeting, i).title: s.get(Meeting, i).ical_uid for i in ids.values()}
    assert {t: str(e["UID"]) for t, e in events.items()} == {t: uids[t] for t in events}
    assert str(events["Extra ALV"]["STATUS"]) == "CANCELLED" and int(events["Extra ALV"]["SEQUENCE"]) == 3
    assert str(events["Najaars-ALV"]["STATUS"]) == "CONFIRMED"
    assert events["Najaars-ALV"].decoded("DTSTART").tzinfo is not None
    assert events["Najaars-ALV"]["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    again = {str(e["SUMMARY"]): str(e["UID"]) for e in Calendar.from_ical(second.content).walk("VEVENT")}
    assert again == {t: str(e["UID"]) for t, e in events.items()}


async def test_public_page_lists_upcoming_and_past_with_agenda_and_decisions(app, published):
    a, _ = published
    async with client_for(app) as client:
        page = await client.get(f"/openbaar/{a.slug}")
        unknown = await client.get("/openbaar/bestaat-niet")
    assert page.status_code == 200 and unknown.status_code == 404
    html = page.text
    assert f'href="webcal://raadsbode.test/openbaar/{a.slug}/vergaderingen.ics"' in html
    upcoming, past = html.split("Eerdere vergaderingen")
    assert "Najaars-ALV" in upcoming and "Netwerkbijeenkomst Energie" in upcoming and "Voorjaars-ALV" in past
    assert "Geheim bestuur" not in html
    assert "Jaarrekening &lt;2026&gt;" in past and "https://example.org/2.pdf" in past
    assert "Besluitenlijst" in past and "aangehouden" in past and "aangenomen" in past
    assert "Deze vergadering is geannuleerd" in upcoming


async def test_a_feed_without_public_meetings_is_still_a_valid_calendar(app, session_factory_):
    """RFC 5545: a VCALENDAR needs one component at least; a secretary publishes the webcal link before the first ALV."""
    a = make_association(session_factory_)
    async with client_for(app) as client:
        response = await client.get(f"/openbaar/{a.slug}/vergaderingen.ics")
    cal = Calendar.from_ical(response.content)
    assert response.status_code == 200 and not cal.walk("VEVENT")
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE"]
