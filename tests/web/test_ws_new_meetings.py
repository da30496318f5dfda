"""An extra ALV and a network meeting from the workspace: field errors in place with typed values kept, nothing
written on errors, the meeting created with its kind and details and its workflow started; secretaries only."""
from __future__ import annotations

import pytest
from sqlmodel import select

from temporalio.client import WorkflowExecutionStatus

from models.tables.alv import MeetingDetails
from raadsbode.services.meeting.actions import meeting_workflow_id
from tests.support.e2e import meeting_day, meetings_of
from tests.support.workspace import client_for, make_tenant, signed_in_session

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)

BASE = "/werkruimte/vergaderingen"


async def workflow_status(client, meeting_id: int) -> WorkflowExecutionStatus:
    return (await client.get_workflow_handle(meeting_workflow_id(meeting_id)).describe()).status


def details_of(sessions, meeting_id: int) -> MeetingDetails:
    with sessions() as s:
        return s.exec(select(MeetingDetails).where(MeetingDetails.meeting_id == meeting_id)).one()


async def test_extra_alv_needs_a_reason_and_starts_its_workflow(app, running, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    form = {"csrf_token": csrf, "title": "Extra ALV fusie", "date": meeting_day(50), "start": "19:30", "end": "21:30",
            "venue_id": str(tenant.venue_id), "reason": ""}
    async with client_for(app, cookie) as web:
        listing = await web.get(BASE)
        refused = await web.post(f"{BASE}/nieuw-alv", data=form)
        assert meetings_of(session_factory_, tenant) == []
        created = await web.post(f"{BASE}/nieuw-alv", data=form | {"reason": "Besluit over de fusie"})
        page = await web.get(created.headers["location"])
    assert "/werkruimte/vergaderingen/nieuw-alv" in listing.text and "/werkruimte/vergaderingen/nieuw-netwerk" in listing.text
    assert refused.status_code == 422 and 'id="fout-reason"' in refused.text and 'value="Extra ALV fusie"' in refused.text
    [meeting] = meetings_of(session_factory_, tenant)
    assert str(meeting.kind) == "extra_alv" and meeting.title == "Extra ALV fusie" and meeting.is_public
    details = details_of(session_factory_, meeting.id)
    assert details.reason == "Besluit over de fusie" and '"convocation_before": "2w"' in details.policy_json
    assert created.status_code == 303 and "De vergadering is aangemaakt" in page.text
    assert await workflow_status(running, meeting.id) == WorkflowExecutionStatus.RUNNING


async def test_network_meeting_validates_and_starts_its_workflow(app, running, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    form = {"csrf_token": csrf, "title": "", "date": meeting_day(60), "start": "15:00", "end": "14:00",
            "venue_id": "", "capacity": "nul", "description": "Over wonen in Flevoland"}
    async with client_for(app, cookie) as web:
        refused = await web.post(f"{BASE}/nieuw-netwerk", data=form)
        assert meetings_of(session_factory_, tenant) == []
        created = await web.post(f"{BASE}/nieuw-netwerk", data=form | {"title": "Netwerk wonen", "end": "17:00",
                                                                          "capacity": "40"})
    assert refused.status_code == 422
    assert all(f'id="fout-{name}"' in refused.text for name in ("title", "end", "capacity"))
    assert 'value="nul"' in refused.text and "Over wonen in Flevoland" in refused.text
    assert created.status_code == 303
    [meeting] = meetings_of(session_factory_, tenant)
    assert str(meeting.kind) == "network" and meeting.title == "Netwerk wonen"
    details = details_of(session_factory_, meeting.id)
    assert details.capacity == 40 and details.description == "Over wonen in Flevoland"
    assert await workflow_status(running, meeting.id) == WorkflowExecutionStatus.RUNNING


async def test_new_meeting_pages_refuse_an_editor(app, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "editor")
    async with client_for(app, cookie) as web:
        pages = [await web.get(f"{BASE}/{path}") for path in ("nieuw-alv", "nieuw-netwerk")]
        post = await web.post(f"{BASE}/nieuw-alv", data={"csrf_token": csrf, "date": meeting_day(50), "reason": "x"})
    assert all(page.status_code == 403 for page in pages) and post.status_code == 403
    assert meetings_of(session_factory_, tenant) == []
