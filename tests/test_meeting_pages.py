"""The secretary's pages: start a meeting from a form, follow its status, move and cancel it."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import Meeting
from models.org import Body, BodyKind
from raadsbode.meetings import meeting_handle
from tests.links_support import client_for, csrf_of, make_board
from web.app import create_app
from worker import build_worker
from workflows.policy import parse_duration

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def app(settings, temporal_env):
    return create_app(settings, temporal_env.client)


def meeting_count(sessions, board) -> int:
    with sessions() as s:
        return s.exec(select(func.count()).select_from(Meeting).where(Meeting.body_id == board.body_id)).one()


def new_meeting_form(board, csrf: str, **changes) -> dict:
    day = (datetime.now(AMSTERDAM) + timedelta(days=40)).date().isoformat()
    return {"csrf": csrf, "association": board.slug, "body_id": str(board.body_id), "date": day,
            "start": "14:00", "end": "16:00", "venue_id": str(board.venue_id), "title": "",
            "notice_days": "7"} | changes


async def test_new_meeting_form_lists_the_associations_bodies_and_venues(app, session_factory_):
    board = make_board(session_factory_, with_meeting=False)
    async with client_for(app) as client:
        first = await client.get("/secretariaat/vergaderingen/nieuw")
        chosen = await client.get(f"/secretariaat/vergaderingen/nieuw?vereniging={board.slug}")
    assert first.status_code == 200 and "VNG Testland" in first.text and "Orgaan" not in first.text
    assert chosen.status_code == 200 and "Dagelijks bestuur" in chosen.text and "Stadhuis Lelystad" in chosen.text
    assert chosen.headers["cache-control"] == "no-store" and "default-src 'none'" in chosen.headers["content-security-policy"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"date": "2020-01-07"}, "in de toekomst"),
    ({"end": "13:00"}, "na de begintijd"),
    ({"start": "14 uur"}, "begintijd"),
    ({"notice_days": "0"}, "oproeptermijn"),
    ({"body_id": "999999999"}, "Kies een orgaan"),
    ({"venue_id": "999999999"}, "Onbekende vergaderlocatie"),
    ({"association": "bestaat-niet"}, "Onbekende vereniging"),
])
async def test_invalid_new_meeting_is_refused_in_dutch_and_nothing_is_written(app, session_factory_, changes, message):
    board = make_board(session_factory_, with_meeting=False)
    async with client_for(app) as client:
        csrf = csrf_of((await client.get(f"/secretariaat/vergaderingen/nieuw?vereniging={board.slug}")).text)
        response = await client.post("/secretariaat/vergaderingen", data=new_meeting_form(board, csrf, **changes))
    assert response.status_code == 400 and message in response.text
    assert meeting_count(session_factory_, board) == 0


@pytest.mark.parametrize("headers", [{}, {"origin": "https://evil.example"}, {"origin": "null"}])
async def test_forged_secretary_posts_are_forbidden(app, session_factory_, settings, headers):
    board = make_board(session_factory_, with_meeting=False)
    csrf = "" if not headers else csrf_of_secretary(settings)
    async with client_for(app) as client:
        response = await client.post("/secretariaat/vergaderingen", data=new_meeting_form(board, csrf),
                                     headers=headers)
        cancel = await client.post("/secretariaat/vergaderingen/1/annuleren",
                                   data={"csrf": csrf, "confirm": "ja"}, headers=headers)
    assert response.status_code == 403 and cancel.status_code == 403
    assert meeting_count(session_factory_, board) == 0


def csrf_of_secretary(settings) -> str:
    from raadsbode.tokens import csrf_for
    from web.link_security import SECRETARY_CSRF_LABEL

    return csrf_for(settings.secret_key, SECRETARY_CSRF_LABEL)


async def post_when_ready(client, url: str, data: dict):
    """Right after the start the workflow still loads its meeting; its validator says so, and a person retries."""
    for _ in range(50):
        response = await client.post(url, data=data)
        if "nog klaargezet" not in response.text:
            return response
        await asyncio.sleep(0.2)
    return response


# SQLite only: the form creates the meeting with the database's own id, and workflow ids (meeting-<id>)
# of the two backends would meet on the one Temporal server of the test session.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_start_follow_move_and_cancel_a_meeting(app, session_factory_, settings, temporal_env):
    board = make_board(session_factory_, with_meeting=False)
    async with build_worker(temporal_env.client, settings), client_for(app) as client:
        csrf = csrf_of((await client.get(f"/secretariaat/vergaderingen/nieuw?vereniging={board.slug}")).text)
        form = new_meeting_form(board, csrf)
        created = await client.post("/secretariaat/vergaderingen", data=form)
        again = await client.post("/secretariaat/vergaderingen", data=form)
        assert created.status_code == 303 and again.headers["location"] == created.headers["location"]
        status_url = created.headers["location"]
        meeting_id = int(status_url.rsplit("/", 1)[1])
        with session_factory_() as s:
            meeting = s.get(Meeting, meeting_id)
            assert meeting.starts_at.astimezone(AMSTERDAM).strftime("%H:%M") == "14:00"
            assert parse_duration(json.loads(meeting.policy_json)["convocation_before"]) == timedelta(days=7)
        assert meeting_count(session_factory_, board) == 1
        description = await meeting_handle(temporal_env.client, meeting_id).describe()
        assert description.typed_search_attributes is not None

        page = await client.get(status_url)
        assert page.status_code == 200 and "Agenda in voorbereiding" in page.text

        new_day = (datetime.now(AMSTERDAM) + timedelta(days=41)).date().isoformat()
        moved = await post_when_ready(client, f"{status_url}/verplaatsen", {
            "csrf": csrf, "submission_id": "a" * 32, "date": new_day, "start": "10:00", "end": "12:00",
            "venue_id": "", "reason": "Zaal bezet"})
        assert moved.status_code == 200, moved.text
        with session_factory_() as s:
            assert s.get(Meeting, meeting_id).starts_at.astimezone(AMSTERDAM).date().isoformat() == new_day

        unconfirmed = await client.post(f"{status_url}/annuleren", data={"csrf": csrf, "reason": "Geen punten"})
        assert unconfirmed.status_code == 400 and "echt wilt annuleren" in unconfirmed.text
        cancelled = await client.post(f"{status_url}/annuleren", data={"csrf": csrf, "reason": "Geen punten",
                                                                      "confirm": "ja"})
        assert cancelled.status_code == 200 and "geannuleerd" in cancelled.text
        with session_factory_() as s:
            assert str(s.get(Meeting, meeting_id).status) == "cancelled"


async def test_new_meeting_form_starts_board_meetings_only_and_points_elsewhere(app, session_factory_):
    """An ALV runs its own workflow: the form does not offer the general meeting and refuses it if posted."""
    board = make_board(session_factory_, with_meeting=False)
    with session_factory_() as s:  # make_board makes only the board
        alv_body = Body(association_id=board.association_id, kind=BodyKind.general_meeting,
                        name="Algemene Ledenvergadering")
        s.add(alv_body)
        s.commit()
    async with client_for(app) as client:
        page = await client.get(f"/secretariaat/vergaderingen/nieuw?vereniging={board.slug}")
        refused = await client.post("/secretariaat/vergaderingen",
                                    data=new_meeting_form(board, csrf_of(page.text), body_id=str(alv_body.id)))
    assert f'<option value="{alv_body.id}"' not in page.text and f'<option value="{board.body_id}"' in page.text
    assert 'href="/werkruimte/jaarplanning"' in page.text and "raadsbode alv start" in page.text
    assert refused.status_code == 400 and "jaarplanning" in refused.text
    with session_factory_() as s:
        assert s.exec(select(func.count()).select_from(Meeting).where(Meeting.body_id == alv_body.id)).one() == 0
