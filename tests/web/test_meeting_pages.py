"""The old secretary pages under /secretariaat had no sign-in; they are gone. Their GET URLs redirect (303) to
the workspace page that does the same, and their POSTs act no more. What their tests checked and the workspace
still provides is checked here against /werkruimte: the new-meeting form refuses bad input in Dutch and
writes nothing; a double submit makes one meeting and one workflow; local times and the notice period are
stored as typed; the workflow carries its search attributes."""
from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from models.tables import Meeting, Motion
from models.tables.meetings import MeetingStatus
from raadsbode.services.meeting.actions import meeting_handle
from tests.support.e2e import board_tenant, meeting_day, meetings_of, venue_ids
from tests.support.routes import make_objects
from tests.support.workspace import client_for, signed_in_session
from raadsbode.domain.policy import parse_duration

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BASE = "/werkruimte/vergaderingen"


def new_meeting_form(csrf: str, **changes) -> dict:
    return {"csrf_token": csrf, "title": "", "date": meeting_day(40), "start": "14:00", "end": "16:00",
            "venue_id": "", "notice_days": "7"} | changes


@pytest.mark.parametrize(("old", "new"), [
    ("/secretariaat/vergaderingen", BASE),
    ("/secretariaat/vergaderingen/nieuw?vereniging=vng-flevoland", f"{BASE}/nieuw"),
    ("/secretariaat/vergaderingen/42", f"{BASE}/42"),
    ("/secretariaat/vergaderingen/42/moties", f"{BASE}/42/moties"),  # the button in the motions-closed email
])
async def test_old_secretary_urls_redirect_to_the_workspace(app, old, new):
    async with client_for(app) as client:
        moved = await client.get(old)
        head = await client.head(old)
        then = await client.get(moved.headers["location"])
    assert moved.status_code == 303 and moved.headers["location"] == new and head.status_code == 303
    assert then.status_code == 303 and then.headers["location"].startswith("/inloggen?next=")


async def test_old_secretary_posts_change_nothing(app, session_factory_):
    """Even signed in and with a valid CSRF token: the old form targets are gone (nothing half-written)."""
    tenant = board_tenant(session_factory_)
    values = make_objects(session_factory_, tenant)
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    form = new_meeting_form(csrf) | {"csrf": csrf, "confirm": "ja", "reason": "Geen punten", "status": "admitted",
                                     "motion": str(values["motion_id"]), "association": tenant.slug,
                                     "body_id": str(tenant.board_id)}
    before = len(meetings_of(session_factory_, tenant))
    async with client_for(app, cookie) as client:
        answers = [await client.post(path, data=form) for path in (
            "/secretariaat/vergaderingen", f"/secretariaat/vergaderingen/{values['meeting_id']}/annuleren",
            f"/secretariaat/vergaderingen/{values['meeting_id']}/verplaatsen",
            f"/secretariaat/vergaderingen/{values['alv_id']}/moties")]
    assert [a.status_code for a in answers] == [405, 404, 404, 405]
    assert len(meetings_of(session_factory_, tenant)) == before
    with session_factory_() as s:
        assert s.get(Meeting, values["meeting_id"]).status == MeetingStatus.planned
        assert str(s.get(Motion, values["motion_id"]).status) == "submitted"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"date": "2020-01-07"}, "date", "in de toekomst"),
    ({"start": "14 uur"}, "start", "Vul een begintijd in"),
    ({"end": "13:00"}, "end", "na de begintijd"),
    ({"notice_days": "91"}, "notice_days", "oproeptermijn in van 1 tot en met 90"),
    ({"venue_id": "abc"}, "venue_id", "Kies een vergaderlocatie"),
])
async def test_invalid_new_meeting_is_refused_in_dutch_and_nothing_is_written(app, session_factory_, changes, field,
                                                                             message):
    tenant = board_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        response = await client.post(f"{BASE}/nieuw", data=new_meeting_form(csrf, **changes))
    assert response.status_code == 422 and message in response.text and f'id="fout-{field}"' in response.text
    assert meetings_of(session_factory_, tenant) == []


async def test_a_venue_of_another_association_is_refused(app, session_factory_):
    tenant, other = board_tenant(session_factory_), board_tenant(session_factory_, name="Andere vereniging")
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        response = await client.post(f"{BASE}/nieuw", data=new_meeting_form(
            csrf, venue_id=str(venue_ids(session_factory_, other)[0])))
    assert response.status_code == 422 and "Kies een vergaderlocatie uit de lijst" in response.text
    assert meetings_of(session_factory_, tenant) == []


# SQLite only: the form creates the meeting with the database's own id, and workflow ids (meeting-<id>)
# of the two backends would meet on the one Temporal server of the test session.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_double_submit_makes_one_meeting_with_its_times_notice_and_workflow(app, session_factory_, temporal_env):
    tenant = board_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        page = await client.get(f"{BASE}/nieuw")
        form = new_meeting_form(csrf)
        created = await client.post(f"{BASE}/nieuw", data=form)
        again = await client.post(f"{BASE}/nieuw", data=form)
    assert page.headers["cache-control"] == "no-store" and "default-src 'none'" in page.headers["content-security-policy"]
    assert created.status_code == again.status_code == 303
    assert again.headers["location"] == created.headers["location"]
    [meeting] = meetings_of(session_factory_, tenant)
    local = meeting.starts_at.astimezone(AMSTERDAM)
    assert (local.date().isoformat(), local.strftime("%H:%M")) == (meeting_day(40), "14:00")
    assert parse_duration(json.loads(meeting.policy_json)["convocation_before"]) == timedelta(days=7)
    handle = meeting_handle(temporal_env.client, meeting.id)
    description = await handle.describe()
    await handle.terminate("test done")  # no worker here: leave nothing running for other tests' workers
    assert description.typed_search_attributes is not None and len(description.typed_search_attributes) > 0
