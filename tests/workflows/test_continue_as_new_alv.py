"""The ALV's workflow continues as new (workflows/common/step_loop.py) and carries on as if nothing happened: like the
board's in tests/workflows/test_continue_as_new.py, on a dev server of this module's own that suggests continue-as-new
after a few events. Save the date, the agenda signed by chair and secretary at once (a decision carried unfiled
into the next run), the convocation, registrations, the reminder to those who did not answer, the attendance list,
the decision list signed and released: each once, the status query and the workspace page answering throughout."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from models.messages.alv import AlvInput, DecisionEntry, SubmitDecisions
from models.messages.meeting import StatusQuery, SubmitAgenda
from models.tables.types import utcnow
from raadsbode.services.meeting.agenda import standing_items
from raadsbode.services.alv.actions import alv_handle, start_alv_workflow
from raadsbode.services.alv.motions import draft_alv_agenda
from tests.support.alv import add_public_meeting, links_in, make_association
from tests.support.continue_as_new import StatusWatch, audit_actions, mails, replay_runs, runs_of, staff_client
from tests.support.alv import first_mail, post_form, wait_for
from web.app import create_app
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow

START_IN = 26  # seconds
POLICY = {"save_the_date_before": "26s", "motions_close_before": "22s", "convocation_before": "14s",
          "reminder_before": "8s", "registration_deadline_before": "5s", "attendance_list_before": "4s",
          "signoff_reminder_after": "1h"}
PHASES = ["preparing", "motions", "agenda_signoff", "convened", "held", "decisions_signoff", "closed"]
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


async def sign_together(web, sink, addresses: list[str], subject: str) -> None:
    """Chair and secretary click at once: the second decision may reach a run that is continuing as new."""
    requests = [await wait_for(lambda a=a: first_mail(sink, a, subject), what=f"{subject} to {a}") for a in addresses]
    answers = await asyncio.gather(*(post_form(web, links_in(m, "l")[0], decision="approve") for m in requests))
    assert all("Dank u" in a.text for a in answers), [a.text[-600:] for a in answers]


async def before_the_meeting(web, sink, sessions, a, handle, meeting_id: int) -> None:
    """Agenda signed, convocation, two registrations (the status and the page show them), the attendance list."""
    almere, urk = (f"contact0@{town}.{a.slug}.test" for town in ("almere", "urk"))
    await wait_for(lambda: first_mail(sink, almere, "Save the date"), what="save the date")
    with sessions() as s:
        items = draft_alv_agenda(s, meeting_id, standing_items(None))
    submit = SubmitAgenda(submitted_by_person_id=a.board["secretary"], items=items)
    await handle.execute_update(AlvWorkflow.submit_agenda, submit)
    await sign_together(web, sink, [f"chair@{a.slug}.test", f"secretary@{a.slug}.test"], "Agenda ter ondertekening")
    for address, response in ((almere, "attending"), (urk, "not_attending")):
        invitation = await wait_for(lambda address=address: first_mail(sink, address, "Uitnodiging"), what="convocation")
        assert (await post_form(web, links_in(invitation, "aanmelden")[0], response=response)).status_code == 200
    view = await handle.query(AlvWorkflow.status, StatusQuery())
    assert view.phase == "convened" and (view.rsvp["attending"], view.rsvp["not_attending"]) == (1, 1)
    page = (await web.get(f"/werkruimte/vergaderingen/{meeting_id}")).text
    assert "Uitnodiging verstuurd" in page and "1 komen, 0 laten zich vertegenwoordigen, 1 komen niet" in page
    await wait_for(lambda: first_mail(sink, f"secretary@{a.slug}.test", "Presentielijst"), what="attendance list")


async def after_the_meeting(web, sink, a, handle) -> None:
    entries = [DecisionEntry("item", "1", "Opening en vaststelling agenda", "adopted")]
    await handle.execute_update(AlvWorkflow.submit_decisions, SubmitDecisions(a.board["secretary"], entries))
    await sign_together(web, sink, [f"chair@{a.slug}.test", f"secretary@{a.slug}.test"], "Verslag ter ondertekening")


async def test_alv_through_many_runs(eager_env, settings, session_factory_, sink):
    client, sessions = eager_env.client, session_factory_
    a = make_association(sessions, contacts_per_town=1, towns=["Almere", "Urk"])
    meeting_id = add_public_meeting(sessions, a, utcnow().replace(microsecond=0) + timedelta(seconds=START_IN),
                                    policy=POLICY)
    almere, urk = (f"contact0@{town}.{a.slug}.test" for town in ("almere", "urk"))
    chair, secretary = f"chair@{a.slug}.test", f"secretary@{a.slug}.test"
    handle = alv_handle(client, meeting_id)
    watch = StatusWatch(lambda: handle.query(AlvWorkflow.status, StatusQuery()))
    async with build_worker(client, settings), \
            staff_client(create_app(settings, client), sessions, a.association_id, secretary) as web:
        await start_alv_workflow(client, settings, meeting_id, a.slug, batch_size=2)
        watching = asyncio.create_task(watch.run())
        try:
            await before_the_meeting(web, sink, sessions, a, handle, meeting_id)
            await wait_for(lambda: watch.answers and watch.answers[-1].phase == "held", what="the meeting held")
            await after_the_meeting(web, sink, a, handle)
            result = await asyncio.wait_for(handle.result(), 30)
        finally:
            watching.cancel()
        runs = await runs_of(client, handle.id, AlvInput)
    assert result.final_phase == "closed"

    continued = [inp.state for inp in runs.inputs[1:]]
    assert len(continued) >= 5 and all(inp.alv for inp in runs.inputs[1:])
    assert any(p.recorded_at_iso for s in continued for p in s.pending_decisions)  # a decision not yet filed
    assert any(s.agenda_round.complete and not s.convened_version for s in continued)  # signed, not convened
    assert any(len(s.rsvp) == 2 and not s.held for s in continued)

    assert runs.activities["record_decision"] == 4 and runs.activities["publish_alv"] == 2
    assert runs.activities["load_alv"] == len(runs.inputs)
    actions = audit_actions(sessions, a.association_id)
    assert (actions["agenda-signoff:approve"], actions["minutes-signoff:approve"]) == (2, 2)
    assert mails(sink, chair, "u heeft de agenda (versie 1) goedgekeurd") == 1
    assert mails(sink, chair, "u heeft het verslag (versie 1) goedgekeurd") == 1
    assert [mails(sink, c, "Uitnodiging") for c in (almere, urk)] == [1, 1]
    assert [mails(sink, c, "Herinnering") for c in (almere, urk, f"member@{a.slug}.test")] == [0, 0, 1]  # not answered
    assert [mails(sink, c, "Besluitenlijst") for c in (almere, urk)] == [1, 1]
    assert mails(sink, secretary, "Presentielijst") == 1
    await replay_runs(AlvWorkflow, runs)

    assert not watch.failures, watch.failures[:3]
    seen = watch.phases()
    assert seen == sorted(seen, key=PHASES.index) and "convened" in seen  # never back to an earlier phase
