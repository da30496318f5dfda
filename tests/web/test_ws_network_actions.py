"""A network meeting steered from its workspace page against the real dev server, SMTP sink and database: its
phase and registrations (names, taken places against capacity, the waiting list), changing its description
and places (errors in place, audited, on the timeline), and cancelling it (everyone signed up is told).
Another association's meeting answers 404, an ALV 409."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from models.tables.alv import MeetingDetails
from models.tables.ledger import AuditEvent
from models.tables.meetings import Meeting
from models.messages.network import NetworkSignupInput
from models.tables.types import utcnow
from raadsbode.db import session_scope
from raadsbode.services.network import create_network_meeting, network_handle, start_network_workflow
from tests.support.alv import make_association
from tests.support.e2e import wait_for_mail
from tests.support.routes import make_objects
from tests.support.e2e import page_with
from tests.support.alv import secretary_client
from tests.support.workspace import client_for, make_tenant, signed_in_session
from worker import build_worker
from workflows.network.workflow import NetworkMeetingWorkflow

BASE = "/werkruimte/vergaderingen"
ROUTES = ("/netwerk/wijzigen", "/netwerk/annuleren")
PEOPLE = [("Anna de Vries", "anna@dronten.test"), ("Bram Visser", "bram@urk.test"), ("Cor Smit", "cor@almere.test")]


def network_meeting(sessions, a) -> int:
    """Three days ahead, 2 places: announced at once (the default announcement is 6 weeks before)."""
    starts = utcnow().replace(microsecond=0) + timedelta(days=3)
    with session_scope(sessions) as s:
        return create_network_meeting(s, association_id=a.association_id, title="Netwerkbijeenkomst griffiers",
                                      starts_at=starts, ends_at=starts + timedelta(hours=2), venue_id=a.venue_id,
                                      capacity=2, description="Programma: lezing en borrel").id


def stored(sessions, meeting_id: int) -> tuple[int | None, str, str]:
    with sessions() as s:
        row = s.exec(select(MeetingDetails).where(MeetingDetails.meeting_id == meeting_id)).one()
        return row.capacity, row.description, str(s.get(Meeting, meeting_id).status)


def changes(sessions, meeting_id: int) -> list[AuditEvent]:
    with sessions() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.subject_ref == f"meeting-{meeting_id}",
                                                    AuditEvent.action == "network-changed")).all())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_registrations_changes_and_cancelling(app, temporal_env, settings, session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere"])
    meeting_id = network_meeting(session_factory_, a)
    url = f"{BASE}/{meeting_id}"
    client = temporal_env.client
    web, csrf = secretary_client(app, session_factory_, a)
    async with build_worker(client, settings), web:
        await start_network_workflow(client, settings, meeting_id, a.slug)
        await wait_for_mail(sink, f"contact0@almere.{a.slug}.test", "Uitnodiging: Netwerkbijeenkomst griffiers")
        await page_with(web, url, "Aangekondigd, aanmelden open")  # the mail is out just before the phase moves
        for name, email in PEOPLE:
            await network_handle(client, meeting_id).execute_update(
                NetworkMeetingWorkflow.register, NetworkSignupInput(name, email, "Gemeente"))
        page = await page_with(web, url, "Aangekondigd, aanmelden open")
        assert "<strong>2</strong> aangemeld van 2 plaatsen" in page and "<strong>1</strong> op de wachtlijst" in page
        assert all(name in page for name, _ in PEOPLE) and "op de wachtlijst</td>" in page
        assert "Programma: lezing en borrel</textarea>" in page and "Agenda opstellen" not in page
        edit = {"csrf_token": csrf, "description": "Nieuw programma", "capacity": "2"}
        fewer = await web.post(f"{url}/netwerk/wijzigen", data=edit | {"capacity": "1"})
        more = await web.post(f"{url}/netwerk/wijzigen", data=edit | {"capacity": "5"})
        unlimited = await web.post(f"{url}/netwerk/wijzigen", data=edit | {"capacity": ""})
        nonsense = await web.post(f"{url}/netwerk/wijzigen", data=edit | {"capacity": "veel"})
        assert stored(session_factory_, meeting_id)[:2] == (2, "Programma: lezing en borrel")
        saved = await web.post(f"{url}/netwerk/wijzigen", data=edit)
        unconfirmed = await web.post(f"{url}/netwerk/annuleren", data={"csrf_token": csrf, "cancel_reason": "Spreker ziek"})
        cancelled = await web.post(f"{url}/netwerk/annuleren", data={
            "csrf_token": csrf, "cancel_reason": "Spreker ziek", "confirm": "ja"})
        for _, email in PEOPLE:
            await wait_for_mail(sink, email, "Geannuleerd")
        late = await web.post(f"{url}/netwerk/wijzigen", data=edit | {"description": "Te laat"})
        final = await web.get(url)
    for answer in (fewer, more, unlimited, nonsense):
        assert answer.status_code == 422 and 'id="fout-capacity"' in answer.text and "Nieuw programma</textarea>" in answer.text
    assert "minstens zoveel plaatsen" in fewer.text and "wachtlijst" in more.text and "wachtlijst" in unlimited.text
    assert saved.status_code == 200 and "zijn opgeslagen" in saved.text and "Nieuw programma</textarea>" in saved.text
    [event] = changes(session_factory_, meeting_id)
    assert event.actor == f"secretary@{a.slug}.test" and event.source == "werkruimte 203.0.113.9"
    assert json.loads(event.detail_json) == {"description": "gewijzigd"}
    assert unconfirmed.status_code == 422 and 'id="fout-confirm"' in unconfirmed.text and "Spreker ziek" in unconfirmed.text
    assert cancelled.status_code == 200 and "De bijeenkomst is geannuleerd" in cancelled.text
    assert late.status_code == 409 and "geannuleerd of al begonnen" in late.text
    assert stored(session_factory_, meeting_id) == (2, "Nieuw programma", "cancelled")
    assert "Netwerkbijeenkomst gewijzigd" in final.text and "Bijeenkomst annuleren" not in final.text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_more_places_while_nobody_waits(app, session_factory_):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere"])
    meeting_id = network_meeting(session_factory_, a)
    web, csrf = secretary_client(app, session_factory_, a)
    async with web:
        more = await web.post(f"{BASE}/{meeting_id}/netwerk/wijzigen", data={
            "csrf_token": csrf, "description": "Programma: lezing en borrel", "capacity": "40"})
        unlimited = await web.post(f"{BASE}/{meeting_id}/netwerk/wijzigen", data={"csrf_token": csrf, "capacity": ""})
    assert more.status_code == 200 and unlimited.status_code == 200
    assert stored(session_factory_, meeting_id)[:2] == (None, "")
    assert [json.loads(e.detail_json) for e in changes(session_factory_, meeting_id)] == [
        {"capacity": 40}, {"capacity": None, "description": "gewijzigd"}]


async def test_another_association_gets_404_and_an_alv_409(app, session_factory_):
    mine, theirs = make_tenant(session_factory_), make_tenant(session_factory_, name="Andere vereniging")
    my_values, their_values = make_objects(session_factory_, mine), make_objects(session_factory_, theirs)
    cookie, csrf = signed_in_session(session_factory_, mine, "secretary")
    data = {"csrf_token": csrf, "description": "Overgenomen", "capacity": "3", "confirm": "ja"}
    async with client_for(app, cookie) as web:
        foreign = [await web.post(f"{BASE}/{their_values['meeting_id']}{route}", data=data) for route in ROUTES]
        alv = [await web.post(f"{BASE}/{my_values['alv_id']}{route}", data=data) for route in ROUTES]
    async with client_for(app, signed_in_session(session_factory_, mine, "editor")[0]) as editor:
        forbidden = await editor.post(f"{BASE}/{my_values['meeting_id']}{ROUTES[0]}", data=data)
    assert [r.status_code for r in foreign] == [404, 404] and all(theirs.name not in r.text for r in foreign)
    assert [r.status_code for r in alv] == [409, 409] and forbidden.status_code == 403
