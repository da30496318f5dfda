"""An ALV's motions in the workspace (/werkruimte/vergaderingen/{id}/moties): the secretary reads and admits
them; signed in, with the secretary role and the form's CSRF token; another association's rows answer 404
(also walked for every route in test_workspace_isolation.py)."""
from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from models.tables import Motion
from models.tables.ledger import AuditEvent
from tests.support.routes import make_objects
from tests.support.workspace import client_for, make_tenant, signed_in_session

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)

BASE = "/werkruimte/vergaderingen"


@pytest.fixture
def alv(session_factory_):
    tenant = make_tenant(session_factory_)
    return tenant, make_objects(session_factory_, tenant)


def judgements(sessions, meeting_id: int) -> list[AuditEvent]:
    with sessions() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.subject_ref == f"meeting-{meeting_id}",
                                                    col(AuditEvent.action).startswith("motion-"))
                           .order_by(col(AuditEvent.id))).all())


def motion_status(sessions, motion_id: int) -> str:
    with sessions() as s:
        return str(s.get(Motion, motion_id).status)


async def test_secretary_reads_and_admits_a_motion(app, session_factory_, alv):
    tenant, values = alv
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    page_url = f"{BASE}/{values['alv_id']}/moties"
    async with client_for(app, cookie) as client:
        page = await client.get(page_url)
        meeting_page = await client.get(f"{BASE}/{values['alv_id']}")
        admitted = await client.post(page_url, data={"csrf_token": csrf, "motion": values["motion_id"],
                                                     "status": "admitted"})
        after = await client.get(admitted.headers["location"])
        again = await client.post(page_url, data={"csrf_token": csrf, "motion": values["motion_id"],
                                                  "status": "admitted"})  # a double submit: one decision
        timeline = await client.get(f"{BASE}/{values['alv_id']}")
    assert page.status_code == 200 and "Motie: Motie" in page.text and "Status: <strong>ingediend</strong>" in page.text
    assert 'aria-current="page">Vergaderingen' in page.text and page.headers["cache-control"] == "no-store"
    assert f'href="{page_url}"' in meeting_page.text
    assert admitted.status_code == 303 and admitted.headers["location"] == f"{page_url}?melding=beoordeeld"
    assert "De beoordeling is opgeslagen" in after.text and "Status: <strong>op de agenda</strong>" in after.text
    assert motion_status(session_factory_, values["motion_id"]) == "admitted"
    [event] = judgements(session_factory_, values["alv_id"])
    assert (event.action, event.actor, event.source) == ("motion-admitted", tenant.email("secretary"), "werkruimte 203.0.113.9")
    assert json.loads(event.detail_json)["motion"] == "Motie" and event.association_id == tenant.association_id
    assert again.status_code == 303 and "Motie toegelaten tot de agenda" in timeline.text


async def test_every_judgement_is_audited_and_on_the_timeline(app, session_factory_, alv):
    tenant, values = alv
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    page_url = f"{BASE}/{values['alv_id']}/moties"
    async with client_for(app, cookie) as client:
        for status in ("not_admitted", "submitted", "withdrawn"):
            answer = await client.post(page_url, data={"csrf_token": csrf, "motion": values["motion_id"], "status": status})
            assert answer.status_code == 303
        timeline = await client.get(f"{BASE}/{values['alv_id']}")
    actions = [e.action for e in judgements(session_factory_, values["alv_id"])]
    assert actions == ["motion-not-admitted", "motion-submitted", "motion-withdrawn"]
    for label in ("Motie niet toegelaten", "Motie teruggezet naar ingediend", "Motie ingetrokken"):
        assert label in timeline.text


@pytest.mark.parametrize(("meeting", "data", "status_code"), [
    ("alv_id", {"status": "op-de-agenda"}, 422),  # not a judgement
    ("alv_id", {"status": "admitted", "motion": "x"}, 422),
    ("meeting_id", {"status": "admitted"}, 422),  # a board meeting has no motions
    ("alv_id", {"status": "admitted", "motion": "999999999"}, 404),  # not a motion of this meeting
])
async def test_bad_judgements_change_nothing(app, session_factory_, alv, meeting, data, status_code):
    tenant, values = alv
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        answer = await client.post(f"{BASE}/{values[meeting]}/moties",
                                   data={"csrf_token": csrf, "motion": values["motion_id"]} | data)
    assert answer.status_code == status_code and 'role="alert"' in answer.text
    assert motion_status(session_factory_, values["motion_id"]) == "submitted"
    assert judgements(session_factory_, values["alv_id"]) == []


async def test_csrf_role_and_sign_in_are_required(app, session_factory_, alv):
    tenant, values = alv
    page_url = f"{BASE}/{values['alv_id']}/moties"
    form = {"motion": values["motion_id"], "status": "admitted"}
    cookie, _ = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        forged = await client.post(page_url, data=form | {"csrf_token": "geraden"})
    editor_cookie, editor_csrf = signed_in_session(session_factory_, tenant, "editor")
    async with client_for(app, editor_cookie) as client:
        editor_get = await client.get(page_url)
        editor_post = await client.post(page_url, data=form | {"csrf_token": editor_csrf})
    async with client_for(app) as client:
        anonymous_get, anonymous_post = await client.get(page_url), await client.post(page_url, data=form)
    assert forged.status_code == 403 and editor_get.status_code == 403 and editor_post.status_code == 403
    assert anonymous_get.status_code == 303 and anonymous_get.headers["location"].startswith("/inloggen?next=")
    assert anonymous_post.status_code == 401
    assert motion_status(session_factory_, values["motion_id"]) == "submitted"
    assert judgements(session_factory_, values["alv_id"]) == []


async def test_a_board_meeting_says_motions_belong_to_a_general_meeting(app, session_factory_, alv):
    tenant, values = alv
    cookie, _ = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        page = await client.get(f"{BASE}/{values['meeting_id']}/moties")
    assert page.status_code == 200 and "horen bij een algemene ledenvergadering" in page.text
