"""One forwarded RSVP link cannot spend a meeting's workflow limits (issue 10, item 4).

Temporal takes at most 2,000 updates per run (10 in flight), and each adds ~7 history events. Before, every RSVP
POST was an update of its own (random id) and an RSVP never woke the run loop to continue as new: a few thousand
POSTs of one link left the run refusing every update, the chair's sign-off included. Now a POST goes through
web/links/changes.py's gate (the same answer again: no update; one update id per change; a per-link limit,
web/common/rate_limit.py) and the rsvp update wakes the loop to continue as new once the server suggests it.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from models.tables import Attendance
from models.messages.meeting import MeetingInput, RsvpInput, StatusQuery, SubmitAgenda
from models.messages.network import NetworkSignupInput
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle, create_alv, start_alv_workflow
from raadsbode.db import session_scope
from raadsbode.services.meeting.agenda import draft_items
from raadsbode.services.meeting.actions import meeting_handle
from raadsbode.services.network import create_network_meeting, network_handle, start_network_workflow
from tests.support.alv import links_in, make_association, text_of
from tests.support.continue_as_new import replay_runs, runs_of
from tests.support.links_flow import (LINK, approve, email_of, start_flow, to_signoff,
                              wait_for_link)
from tests.support.links import client_for, csrf_of, form_fields, issue
from tests.support.links import make_board as make_links_board
from tests.support.meeting import wait_for_mail
from tests.support.alv import CANCEL_LINK
from web.app import create_app
from web.links.changes import Standing, gate
from web.common.rate_limit import LinkChangeLimits
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow
from workflows.meeting.workflow import MeetingWorkflow
from workflows.network.workflow import NetworkMeetingWorkflow
from tests.support.histories import record_run_with_patch
from workflows.common.step_loop import REGISTRATION_WAKE_PATCH

ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the database plays no part here
POSTS, AT_ONCE, BLOCK = 3000, 10, 50  # AT_ONCE: Temporal's updates in flight, so the old code's were all taken


def _answer(i: int) -> str:
    """Blocks of the same answer, alternating: repeats race with each other, and the answer changes 59 times."""
    return "attending" if (i // BLOCK) % 2 == 0 else "not_attending"


def _accepted_updates(history) -> Counter:
    """Updates accepted by the run, by the first word of their id (rsvp, registration, token, ...)."""
    return Counter(update_id.split("-")[0] for update_id in _update_ids(history))


@ON_SQLITE
async def test_three_thousand_posts_of_one_rsvp_link_leave_the_chair_able_to_sign(settings, temporal_env, sink,
                                                                                 session_factory_):
    sessions, client = session_factory_, temporal_env.client
    async with build_worker(client, settings), client_for(create_app(settings, client)) as web:
        flow = await start_flow(sessions, settings, client)
        await to_signoff(flow, web, sink, sessions)
        for role in ("chair", "secretary"):
            assert (await approve(web, flow.links[role, "agenda-signoff"])).status_code == 200
        raw = await wait_for_link(sink, sessions, flow.board, "member", "rsvp")
        csrf = csrf_of((await web.get(f"/l/{raw}")).text)

        statuses = Counter()
        for first in range(0, POSTS, AT_ONCE):
            answers = await asyncio.gather(*(web.post(f"/l/{raw}", data={"csrf": csrf, "response": _answer(i)})
                                             for i in range(first, first + AT_ONCE)))
            statuses.update(a.status_code for a in answers)

        # The secretary's new agenda version and the chair's approval of it go through as if nothing happened.
        handle = meeting_handle(client, flow.board.meeting_id)
        with sessions() as s:
            items = draft_items(s, flow.board.meeting_id)
        stored = await handle.execute_update(MeetingWorkflow.submit_agenda, SubmitAgenda(flow.board.people["secretary"],
                                                                                         items, "Punt toegevoegd"))
        assert stored.version == 2
        mail, = await wait_for_mail(sink, email_of(sessions, flow.board.people["chair"]),
                                    "Agenda ter ondertekening (versie 2)")
        signoff_raw = LINK.search(mail.get_body(preferencelist=("plain",)).get_content()).group(1)
        approved = await approve(web, signoff_raw)
        assert approved.status_code == 200 and "goedgekeurd" in approved.text, approved.text[-500:]
        history = await handle.fetch_history()
        view = await handle.query(MeetingWorkflow.status, StatusQuery())
    assert len(history.events) < 10_000
    assert view.signers[0].signed and view.agenda_version == 2

    # Every POST was answered (the same answer again as done, a change over the link's limit with a 429), and
    # only the changes within the limit became updates: one each, however many POSTs raced with it.
    assert set(statuses) == {200, 429} and sum(statuses.values()) == POSTS, statuses
    assert _accepted_updates(history)["rsvp"] == settings.link_changes_per_token
    with sessions() as s:
        row = s.exec(select(Attendance).where(Attendance.meeting_id == flow.board.meeting_id,
                                              Attendance.person_id == flow.board.people["member"])).one()
    assert view.rsvp[str(row.response)] == 1  # the workflow and the database agree on the last answer


@ON_SQLITE
async def test_rsvp_updates_alone_make_a_long_run_continue_as_new(eager_env, settings, sink, session_factory_):
    """No timer and no other update in sight: the rsvp updates themselves wake the loop once the server suggests
    a new run (here after a few events), so the history never grows past it and the update budget starts afresh."""
    sessions, client = session_factory_, eager_env.client
    async with build_worker(client, settings), client_for(create_app(settings, client)) as web:
        flow = await start_flow(sessions, settings, client)
        await to_signoff(flow, web, sink, sessions)
        for role in ("chair", "secretary"):
            await _approve_across_runs(web, flow.links[role, "agenda-signoff"])
        await wait_for_link(sink, sessions, flow.board, "member", "rsvp")  # convened
        handle = meeting_handle(client, flow.board.meeting_id)
        before = len((await runs_of(client, handle.id, MeetingInput)).inputs)
        member = flow.board.people["member"]
        for n in range(6):
            answer = ("attending", "not_attending")[n % 2]
            result = await handle.execute_update(MeetingWorkflow.rsvp, RsvpInput(member, answer, source="test"))
            assert result.response == answer
        for _ in range(100):  # the last one's wake-up may still be continuing
            runs = await runs_of(client, handle.id, MeetingInput)
            if runs.inputs[-1].state.rsvp.get(str(member)) == "not_attending":
                break
            await asyncio.sleep(0.1)
        await handle.terminate("test done")
    assert len(runs.inputs) - before >= 3, "the rsvp updates did not make the run continue as new"
    assert runs.activities["record_rsvp"] == 6
    await replay_runs(MeetingWorkflow, runs)
    record_run_with_patch(runs.histories, REGISTRATION_WAKE_PATCH, "meeting_registration_wake")


async def _approve_across_runs(web, raw: str) -> None:
    """A person's retry: on this server a click can reach a run just as it continues as new (an older issue)."""
    for _ in range(3):
        answer = await approve(web, raw)
        if answer.status_code == 200:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(answer.text[-800:])


def test_the_gate_counts_changes_not_posts():
    now = [0.0]
    limits = LinkChangeLimits(2, clock=lambda: now[0])
    none, coming = Standing(), Standing("attending")
    assert gate(limits, "rsvp", 7, "attending", coming).unchanged  # the same answer: no update, not counted
    first = gate(limits, "rsvp", 7, "attending", none)
    assert first.update_id and gate(limits, "rsvp", 7, "attending", none) == first  # a race: the same update
    assert gate(limits, "rsvp", 7, "not_attending", coming).update_id
    assert gate(limits, "rsvp", 7, "attending", Standing("not_attending")).wait_minutes == 10  # the third change
    assert gate(limits, "rsvp", 8, "attending", none).update_id  # another link counts its own
    now[0] += 10 * 60 + 1
    assert gate(limits, "rsvp", 7, "attending", Standing("not_attending")).update_id


@ON_SQLITE
async def test_alv_registration_link_repeats_cost_no_update_and_changes_are_limited(temporal_env, settings, sink,
                                                                                    session_factory_):
    sessions, client = session_factory_, temporal_env.client
    a = make_association(sessions, contacts_per_town=1)
    with session_scope(sessions) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(days=50)  # the save the date is due at once
        meeting_id = create_alv(s, association_id=a.association_id, starts_at=starts,
                                ends_at=starts + timedelta(hours=3), venue_id=a.venue_id).id
    limited = settings.model_copy(update={"link_changes_per_token": 3})
    async with build_worker(client, settings), client_for(create_app(limited, client)) as web:
        await start_alv_workflow(client, settings, meeting_id, a.slug)
        path = await _registration_link(sink)
        handle = alv_handle(client, meeting_id)
        for _ in range(100):  # the mail is out a moment before the workflow notes it and takes registrations
            if (await handle.query(AlvWorkflow.status, StatusQuery())).phase != "preparing":
                break
            await asyncio.sleep(0.1)
        csrf = csrf_of((await web.get(path)).text)
        post = lambda answer: web.post(path, data={"csrf": csrf, "response": answer})  # noqa: E731
        same = await asyncio.gather(*(post("attending") for _ in range(AT_ONCE)))  # one update, however many
        same += [await post("attending") for _ in range(20)]  # answered without one
        flips = [await post(answer) for answer in ("not_attending", "attending", "not_attending", "not_attending")]
        history = await handle.fetch_history()
        await handle.terminate("test done")
    assert {r.status_code for r in same} == {200} and all("U komt." in r.text for r in same)
    assert [r.status_code for r in flips] == [200, 200, 429, 429]  # the link's third and fourth change
    assert 'value="not_attending" checked' in flips[-1].text  # the refused choice is kept on the form
    assert "niets gewijzigd" in flips[-1].text
    assert _accepted_updates(history)["registration"] == 3
    with sessions() as s:
        assert {str(r.response) for r in s.exec(select(Attendance).where(Attendance.meeting_id == meeting_id))} \
            == {"attending"}


async def _registration_link(sink) -> str:
    for _ in range(200):
        found = [p for m in sink.messages for p in links_in(m.parsed(), "aanmelden")]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no registration link in {[str(m.parsed()['Subject']) for m in sink.messages]}")


@ON_SQLITE
async def test_network_cancel_link_posted_again_and_again_cancels_once(temporal_env, settings, sink, session_factory_):
    sessions, client = session_factory_, temporal_env.client
    a = make_association(sessions, contacts_per_town=1, towns=["Almere"])
    with session_scope(sessions) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(days=3)
        meeting_id = create_network_meeting(s, association_id=a.association_id, title="Netwerk griffiers",
                                            starts_at=starts, ends_at=starts + timedelta(hours=2), venue_id=a.venue_id,
                                            capacity=3, policy={"announce_before": "4d"}).id
    async with build_worker(client, settings), client_for(create_app(settings, client)) as web:
        await start_network_workflow(client, settings, meeting_id, a.slug)
        handle = network_handle(client, meeting_id)
        for _ in range(100):  # until the announcement is out (sign-ups open)
            try:
                await handle.execute_update(NetworkMeetingWorkflow.register,
                                            NetworkSignupInput("Anna de Vries", "anna@dronten.test"))
                break
            except WorkflowUpdateFailedError:
                await asyncio.sleep(0.1)
        confirmation, = await wait_for_mail(sink, "anna@dronten.test", "Aangemeld")
        [path] = CANCEL_LINK.findall(text_of(confirmation))
        csrf = csrf_of((await web.get(path)).text)
        answers = await asyncio.gather(*(web.post(path, data={"csrf": csrf}) for _ in range(AT_ONCE)))
        answers += [await web.post(path, data={"csrf": csrf}) for _ in range(20)]
        history = await handle.fetch_history()
        await handle.terminate("test done")
    assert {r.status_code for r in answers} == {200} and all("U bent afgemeld" in r.text for r in answers)
    assert len(_update_ids(history)) == 2  # the sign-up and one cancellation


def _update_ids(history) -> list[str]:
    return [e.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id
            for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]


@ON_SQLITE
async def test_draft_links_count_their_submissions_against_the_link_limit(settings, temporal_env, session_factory_):
    """Each agenda version is mailed to the signers, so a draft link's submissions are limited too (no workflow
    runs here: a submission within the limit reaches Temporal and is refused, one over it does not get there)."""
    board = make_links_board(session_factory_)
    raw = issue(session_factory_, board, "agenda-draft", "secretary")
    app = create_app(settings.model_copy(update={"link_changes_per_token": 2}), temporal_env.client)
    async with client_for(app) as web:
        form = form_fields((await web.get(f"/l/{raw}")).text) | {"action": "submit", "title_1": "Begroting"}
        first = await web.post(f"/l/{raw}", data=form)
        again = await web.post(f"/l/{raw}", data=form)  # the same form (submission id) again: not counted
        second = await web.post(f"/l/{raw}", data=form | {"submission_id": "a" * 32})
        third = await web.post(f"/l/{raw}", data=form | {"submission_id": "b" * 32})
    assert [r.status_code for r in (first, again, second)] == [409, 409, 409]
    assert third.status_code == 429 and "niets gewijzigd" in third.text
    assert 'value="Begroting"' in third.text  # what was typed is kept
