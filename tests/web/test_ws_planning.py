"""Year planning in the workspace: the prefilled year, all-or-nothing creation with errors in place,
starting one workflow and all of them; another association's meetings stay out of sight."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from models.tables import PlanningEntry
from raadsbode.services.meeting.actions import meeting_workflow_id
from tests.support.e2e import board_tenant, meetings_of, venue_ids
from tests.support.links import form_fields
from tests.support.workspace import add_meeting, client_for, signed_in_session

BASE = "/werkruimte/jaarplanning"
YEAR = date.today().year + 1


async def running_ids(client, meeting_ids) -> set[int]:
    running = set()
    for meeting_id in meeting_ids:
        try:
            await client.get_workflow_handle(meeting_workflow_id(meeting_id)).describe()
            running.add(meeting_id)
        except Exception:  # noqa: BLE001 - not started
            pass
    return running


async def test_plan_a_year_all_or_nothing_and_start_workflows(app, temporal_env, session_factory_):
    tenant, other = board_tenant(session_factory_), board_tenant(session_factory_, name="Andere vereniging")
    add_meeting(session_factory_, other, "Hun vergadering", days_ahead=400)
    venues = venue_ids(session_factory_, tenant)
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as web:
        page = await web.get(BASE, params={"jaar": YEAR})
        fields = form_fields(page.text)
        rotation = [fields[f"venue_{i}"] for i in range(3)]
        assert fields["row_count"] == "8" and set(rotation) == {str(v) for v in venues} and rotation[0] == rotation[2]
        assert sorted(fields[f"kind_{i}"] for i in range(8)) == ["alv"] * 2 + ["board"] * 6
        ticked = {f"include_{i}": "ja" for i in range(8)}
        bad = await web.post(BASE, data=fields | ticked | {"date_2": "", "title_3": "Hou dit vast", "end_4": "01:00"})
        assert meetings_of(session_factory_, tenant) == []
        good = await web.post(BASE, data=fields | ticked | {"title_3": "Hou dit vast", "include_7": ""})
        planned = await web.get(good.headers["location"])
        ids = [m.id for m in meetings_of(session_factory_, tenant)]
        one = await web.post(f"{BASE}/starten", data={"csrf_token": csrf, "meeting_id": str(ids[0]), "jaar": str(YEAR)})
        assert await running_ids(temporal_env.client, ids) == {ids[0]}
        foreign = await web.post(f"{BASE}/starten", data={"csrf_token": csrf, "meeting_id": str(meetings_of(
            session_factory_, other)[0].id), "jaar": str(YEAR)})
        everything = await web.post(f"{BASE}/alles-starten", data={"csrf_token": csrf, "jaar": str(YEAR)})
        after = await web.get(BASE, params={"jaar": YEAR})
    assert bad.status_code == 422 and "Er is niets aangemaakt" in bad.text
    assert 'id="fout-date_2"' in bad.text and 'id="fout-end_4"' in bad.text and 'value="Hou dit vast"' in bad.text
    assert good.status_code == 303 and "De vergaderingen zijn aangemaakt" in planned.text
    meetings = meetings_of(session_factory_, tenant)
    assert len(meetings) == 7 and sum(str(m.kind) == "alv" for m in meetings) == 2 - (fields["kind_7"] == "alv")
    assert "Hou dit vast" in [m.title for m in meetings] and "Hun vergadering" not in planned.text
    with session_factory_() as s:
        entries = s.exec(select(PlanningEntry).where(PlanningEntry.association_id == tenant.association_id)).all()
    assert {e.meeting_id for e in entries} == {m.id for m in meetings if str(m.kind) == "alv"}
    assert one.status_code == 303 and foreign.status_code == 404 and everything.status_code == 303
    assert await running_ids(temporal_env.client, ids) == set(ids)
    assert "nog niet gestart" not in after.text and after.text.count(">loopt") == 7


async def test_editor_may_not_plan(app, session_factory_):
    tenant = board_tenant(session_factory_)
    async with client_for(app, signed_in_session(session_factory_, tenant, "editor")[0]) as web:
        assert (await web.get(BASE)).status_code == 403
