"""The board's workflow continues as new (workflows/common/step_loop.py) and carries on as if nothing happened.

A dev server of this module's own suggests continue-as-new after a few events (tests/support/continue_as_new.py),
so the meeting below goes through many runs: with a sign-off decision answered but not yet filed (its quiet
period), between the agenda's signatures and the convocation, between the registrations, after the meeting.
It must still complete as one meeting: every decision filed once, every email once, the status query and the
workspace page answering throughout under the same workflow id. The ALV: tests/workflows/test_continue_as_new_alv.py.

SQLite only: the database plays no part in continue-as-new, and the flows take real seconds.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from models.messages.meeting import CancelMeeting, MeetingInput, StatusQuery, SubmitAgenda
from raadsbode.services.meeting.agenda import draft_items
from raadsbode.services.meeting.actions import meeting_handle
from raadsbode.search_attributes import MEETING_ID
from tests.support.continue_as_new import (StatusWatch, audit_actions, current_input, mails, replay_runs, runs_of,
                                           staff_client)
from tests.support.meeting import click, link_in, make_board, new_meeting, wait_for_mail
from web.app import create_app
from worker import build_worker
from workflows.meeting.workflow import MeetingWorkflow
from tests.support.histories import record_run_with_patch
from workflows.common.signoff import FILE_BEFORE_CANCEL_PATCH

POLICY = {"agenda_request_before": "1h", "signoff_reminder_after": "1h", "deputy_may_sign_after": "1h",
          "convocation_before": "11s", "attendance_overview_before": "5s", "reminder_before": "3s",
          "minutes_request_after": "1s"}
PHASES = ["preparing", "agenda_signoff", "awaiting_convocation", "convened", "held", "minutes_signoff", "closed"]
AGENDA_SIGNED = "Bevestiging: u heeft de agenda (versie 1) goedgekeurd"
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def sessions(session_factory_):
    return session_factory_


async def sign_together(web, sink, people, subject: str) -> None:
    """Both signers click at once: the second decision may reach a run that is continuing as new."""
    requests = [(await wait_for_mail(sink, p.email, subject))[0] for p in people]
    answers = await asyncio.gather(*(click(web, link_in(m), decision="approve") for m in requests))
    assert all("Dank u" in a.text for a in answers), [a.text[-600:] for a in answers]


async def before_the_meeting(web, sink, board, handle, meeting_id: int) -> None:
    """Agenda drafted and signed, convocation, three registrations; the status and the page show them."""
    request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
    assert "Versie 1" in (await click(web, link_in(request), action="submit")).text
    await sign_together(web, sink, (board.chair, board.secretary), "Agenda ter ondertekening (versie 1)")
    convocations = {p.email: (await wait_for_mail(sink, p.email, "Uitnodiging vergadering"))[0] for p in board.invitees}
    answers = [(board.chair, "attending"), (board.members[0], "attending"), (board.members[1], "not_attending")]
    pages = await asyncio.gather(*(click(web, link_in(convocations[p.email]), response=r) for p, r in answers))
    assert all("gemeld" in page.text for page in pages)
    view = await handle.query(MeetingWorkflow.status, StatusQuery())
    assert view.phase == "convened" and view.rsvp == {"attending": 2, "not_attending": 1, "none": 6}
    assert [s.signed for s in view.signers] == [True, True]
    page = (await web.get(f"/werkruimte/vergaderingen/{meeting_id}")).text
    assert "Uitnodiging verstuurd" in page and "2 komen, 1 komen niet, 6 nog geen antwoord" in page


async def after_the_meeting(web, sink, board) -> None:
    minutes_request, = await wait_for_mail(sink, board.secretary.email, "Verslag opstellen")
    saved = await click(web, link_in(minutes_request), minutes_text="Geopend.", decisions="Niets besloten.")
    assert saved.status_code == 200, saved.text
    to_sign, = await wait_for_mail(sink, board.chair.email, "Verslag ter ondertekening (versie 1)")
    assert "Dank u" in (await click(web, link_in(to_sign), decision="approve")).text


async def test_board_meeting_through_many_runs(eager_env, settings, sink, sessions):
    client, board = eager_env.client, make_board(sessions)
    async with build_worker(client, settings), \
            staff_client(create_app(settings, client), sessions, board.association_id, f"staf@{board.slug}.example") as web:
        meeting_id = await new_meeting(client, settings, sessions, board, timedelta(seconds=18), POLICY)
        handle = meeting_handle(client, meeting_id)
        watch = StatusWatch(lambda: handle.query(MeetingWorkflow.status, StatusQuery()))
        watching = asyncio.create_task(watch.run())
        try:
            await before_the_meeting(web, sink, board, handle, meeting_id)
            await after_the_meeting(web, sink, board)
            result = await asyncio.wait_for(handle.result(), 30)
        finally:
            watching.cancel()
        runs = await runs_of(client, handle.id, MeetingInput)
        description = await handle.describe()
        page = (await web.get(f"/werkruimte/vergaderingen/{meeting_id}")).text
    assert result.final_phase == "closed" and "afgerond" in page
    assert description.typed_search_attributes.get(MEETING_ID) == meeting_id  # carried to the last run

    continued = [inp.state for inp in runs.inputs[1:]]
    assert len(continued) >= 5 and all(inp.info for inp in runs.inputs[1:])
    assert any(p.recorded_at_iso for s in continued for p in s.pending_decisions)  # a decision not yet filed
    assert any(s.agenda_round.complete and not s.convened_version for s in continued)  # signed, not convened
    assert any(len(s.rsvp) == 3 and not s.held for s in continued)

    # Once each, whichever run did it: decisions filed (claim, audit event, confirmation), convocation, notices.
    assert (runs.activities["record_decision"], runs.activities["send_convocation"]) == (3, 1)
    assert runs.activities["send_notice"] == 5  # agenda and minutes requests, overview, reminder, minutes
    assert runs.activities["load_meeting"] == len(runs.inputs)
    actions = audit_actions(sessions, board.association_id)
    assert (actions["agenda-signoff:approve"], actions["minutes-signoff:approve"], actions["rsvp"]) == (2, 1, 3)
    assert mails(sink, board.chair.email, AGENDA_SIGNED) == 1  # the chair's confirmation (the secretary gets none)
    assert mails(sink, board.chair.email, "u heeft het verslag (versie 1) goedgekeurd") == 1
    assert {mails(sink, p.email, "Uitnodiging vergadering") for p in board.invitees} == {1}
    assert [mails(sink, p.email, "Herinnering: vergadering") for p in board.invitees[:3]] == [1, 0, 1]

    await replay_runs(MeetingWorkflow, runs)
    assert not watch.failures, watch.failures[:3]
    seen = watch.phases()
    assert seen == sorted(seen, key=PHASES.index) and "convened" in seen  # never back to an earlier phase


async def test_cancel_reaches_a_continued_run_and_a_pending_decision_is_still_filed(eager_env, settings, sink,
                                                                                      sessions):
    client, board = eager_env.client, make_board(sessions)
    policy = POLICY | {"decision_filing_after": "6s"}
    async with build_worker(client, settings), \
            staff_client(create_app(settings, client), sessions, board.association_id, f"staf@{board.slug}.example") as web:
        meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=5), policy)
        handle = meeting_handle(client, meeting_id)
        request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
        assert "Versie 1" in (await click(web, link_in(request), action="submit")).text
        to_sign, = await wait_for_mail(sink, board.chair.email, "Agenda ter ondertekening (versie 1)")
        assert "Dank u" in (await click(web, link_in(to_sign), decision="approve")).text
        carried = await current_input(client, handle.id, MeetingInput, lambda inp: inp.state.pending_decisions)
        assert not carried.state.cancelled and carried.state.pending_decisions[0].recorded_at_iso
        answer = await handle.execute_update(MeetingWorkflow.cancel, CancelMeeting("Geen quorum"))
        assert answer.accepted, answer.message
        result = await asyncio.wait_for(handle.result(), 30)
        runs = await runs_of(client, handle.id, MeetingInput)
        page = (await web.get(f"/werkruimte/vergaderingen/{meeting_id}")).text
    assert result.final_phase == "cancelled" and "geannuleerd" in page
    # The decision was carried, unfiled, into the run that took the cancellation: it was filed before the
    # cancellation revoked its link (workflows/common/signoff.py, SignoffRounds.file_before_cancel), once: audit
    # event and confirmation.
    assert runs.activities["record_decision"] == 1 and runs.activities["cancel_meeting"] == 1
    assert audit_actions(sessions, board.association_id)["agenda-signoff:approve"] == 1
    assert mails(sink, board.chair.email, AGENDA_SIGNED) == 1
    await replay_runs(MeetingWorkflow, runs)
    record_run_with_patch(runs.histories, FILE_BEFORE_CANCEL_PATCH, "meeting_file_before_cancel")


async def test_updates_in_flight_while_runs_continue_as_new(eager_env, settings, sink, sessions):
    """Versions submitted at once: each wakes the loop, which (its history long enough) waits for the updates in
    progress before it continues as new, while more keep arriving. Every one is stored, each under its own
    number, and a later run sends the newest for sign-off."""
    client, board = eager_env.client, make_board(sessions)
    async with build_worker(client, settings):
        meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=5), POLICY)
        handle = meeting_handle(client, meeting_id)
        await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
        with sessions() as s:
            items = draft_items(s, meeting_id)
        submit = SubmitAgenda(submitted_by_person_id=board.secretary.id, items=items)
        stored = await asyncio.gather(*(handle.execute_update(MeetingWorkflow.submit_agenda, submit) for _ in range(8)))
        await current_input(client, handle.id, MeetingInput, lambda inp: inp.state.agenda_round.version == 8)
        runs = await runs_of(client, handle.id, MeetingInput)
        await handle.terminate("test done")
    assert sorted(result.version for result in stored) == list(range(1, 9))
    assert len(runs.inputs) >= 3 and runs.activities["store_agenda"] == 8
    await replay_runs(MeetingWorkflow, runs)
