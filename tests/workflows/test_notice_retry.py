"""Notices that must arrive are retried until they do: a cancellation or a move is recorded by its update at
once, and its mails are the run loop's notice step. With the relay down for longer than the send activity's
retries, the step is tried again later (as any step) instead of the notices being dropped; once the relay is
back every invitee gets exactly one. SQLite only (see test_meeting_flow).

The send activity's retries and the step retry are shortened for the test (about 25 and 10 minutes by default),
with the workflows run outside the sandbox so the test's values reach the workflow code."""
from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, UTC

import httpx
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.common import RetryPolicy
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.deps import Deps
from models.messages.meeting import CancelMeeting, MeetingInput, Reschedule
from models.messages.meeting_state import NoticeKind
from models.messages.network import NetworkInput, NetworkSignupInput
from models.tables.types import utcnow
from raadsbode import registry
from raadsbode.db import make_engine, session_factory, session_scope
from raadsbode.services.meeting.actions import meeting_handle
from raadsbode.services.network import create_network_meeting, network_handle, start_network_workflow
from tests.support.alv import make_association
from tests.support.continue_as_new import current_input, replay_runs, runs_of
from tests.support.meeting import calendar_of, click, link_in, make_board, meeting_row, new_meeting, wait_for_mail
from web.app import create_app
from workflows.common import activity_calls
from workflows.common import step_loop
from workflows.meeting.workflow import MeetingWorkflow
from workflows.network.workflow import NetworkMeetingWorkflow

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
# The attendance overview and reminder stay ahead (the meeting starts in 10 minutes), so only the notice sends.
POLICY = {"agenda_request_before": "1h", "convocation_before": "1h", "signoff_reminder_after": "1h",
          "deputy_may_sign_after": "1h", "attendance_overview_before": "1m", "reminder_before": "1m"}
RELAY_DOWN = "421 4.3.2 Relay tijdelijk niet beschikbaar"


@pytest.fixture
async def world(temporal_env, settings, monkeypatch):
    async with short_retries(temporal_env.client, settings, monkeypatch) as world:
        yield world


@contextlib.asynccontextmanager
async def short_retries(client, settings, monkeypatch):
    """A worker whose send retries are spent in well under a second and whose steps retry after one."""
    monkeypatch.setattr(activity_calls, "SEND_RETRY", RetryPolicy(
        initial_interval=timedelta(milliseconds=100), maximum_interval=timedelta(milliseconds=200), maximum_attempts=2))
    monkeypatch.setattr(step_loop, "STEP_RETRY_DELAY", timedelta(seconds=1))
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    runner = UnsandboxedWorkflowRunner()  # the sandbox would import the workflow modules afresh, without the values
    worker = Worker(client, task_queue=settings.temporal_task_queue, workflows=registry.workflows(),
                    activities=registry.activities(Deps.from_settings(settings)), workflow_runner=runner,
                    activity_executor=ThreadPoolExecutor(max_workers=4), max_concurrent_activities=4)
    app = create_app(settings, client)
    try:
        async with worker, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://raadsbode.test") as web:
            yield client, web, sessions
    finally:
        engine.dispose()


async def convened(client, web, settings, sink, sessions):
    """A board meeting whose convocation every invitee has (the sign-offs filed: nothing else left to send)."""
    board = make_board(sessions)
    meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=10), POLICY)
    request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
    link = link_in(request)
    assert "Versie 1" in (await click(web, link, action="submit")).text
    for signer in (board.chair, board.secretary):
        mail, = await wait_for_mail(sink, signer.email, "Agenda ter ondertekening (versie 1)")
        assert "Dank u" in (await click(web, link_in(mail), decision="approve")).text
    for person in board.invitees:
        await wait_for_mail(sink, person.email, "Uitnodiging vergadering")
    await wait_for_mail(sink, board.chair.email, "Bevestiging: u heeft")
    await wait_for_mail(sink, board.secretary.email, "Oproeptermijn niet gehaald")
    return board, meeting_id


def relay_down(sink, board) -> None:
    for person in (*board.invitees, board.secretary):
        sink.rcpt_replies[person.email.lower()] = [RELAY_DOWN]  # the last reply sticks: refused until cleared


async def failed_sends(client, handle, input_type: type) -> int:
    """How often the send activity spent all its retries (each is one ActivityTaskFailed), over all runs."""
    runs = await runs_of(client, handle.id, input_type)
    return sum(1 for h in runs.histories for e in h.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)


async def outlast_the_send_retries(client, handle, input_type: type = MeetingInput, times: int = 2,
                                   timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while await failed_sends(client, handle, input_type) < times:
        assert asyncio.get_running_loop().time() < deadline, "the notice step was not tried again"
        await asyncio.sleep(0.3)


def by_recipient(sink, subject_part: str) -> Counter:
    return Counter(r.lower() for m in list(sink.messages) for r in m.rcpt_tos
                   if subject_part in str(m.parsed()["Subject"]))


async def test_a_cancellation_outlasts_a_relay_outage(world, settings, sink):
    client, web, sessions = world
    board, meeting_id = await convened(client, web, settings, sink, sessions)
    handle = meeting_handle(client, meeting_id)
    relay_down(sink, board)
    try:
        outcome = await asyncio.wait_for(
            handle.execute_update(MeetingWorkflow.cancel, CancelMeeting(reason="Onvoldoende agendapunten")), 10)
        assert outcome.accepted, outcome.message
        assert meeting_row(sessions, meeting_id).status == "cancelled"  # recorded at once, the relay notwithstanding
        await outlast_the_send_retries(client, handle)
        assert not by_recipient(sink, "Geannuleerd")
    finally:
        sink.rcpt_replies.clear()  # the relay is back
    for person in board.invitees:
        cancel, = await wait_for_mail(sink, person.email, "Geannuleerd: vergadering")
        assert int(next(iter(calendar_of(cancel).walk("VEVENT")))["SEQUENCE"]) == 1
    assert (await asyncio.wait_for(handle.result(), 30)).final_phase == "cancelled"
    assert by_recipient(sink, "Geannuleerd: vergadering") == Counter({p.email.lower(): 1 for p in board.invitees})


async def test_a_move_outlasts_a_relay_outage(world, settings, sink):
    client, web, sessions = world
    board, meeting_id = await convened(client, web, settings, sink, sessions)
    handle = meeting_handle(client, meeting_id)
    new_start = (datetime.now(UTC) + timedelta(minutes=20)).replace(microsecond=0)
    relay_down(sink, board)
    try:
        moved = await asyncio.wait_for(handle.execute_update(MeetingWorkflow.reschedule, Reschedule(
            starts_at_iso=new_start.isoformat(), ends_at_iso=(new_start + timedelta(seconds=2)).isoformat(),
            reason="Zaal niet beschikbaar")), 10)
        assert moved.accepted, moved.message
        await outlast_the_send_retries(client, handle)
        assert not by_recipient(sink, "Gewijzigd")
    finally:
        sink.rcpt_replies.clear()
    for person in board.invitees:
        update, = await wait_for_mail(sink, person.email, "Gewijzigd: vergadering")
        event = next(iter(calendar_of(update).walk("VEVENT")))
        assert (int(event["SEQUENCE"]), event.decoded("DTSTART")) == (1, new_start)
    await asyncio.sleep(1.5)  # a step retry more: nothing is sent twice
    assert by_recipient(sink, "Gewijzigd: vergadering") == Counter({p.email.lower(): 1 for p in board.invitees})
    await handle.execute_update(MeetingWorkflow.cancel, CancelMeeting())
    assert (await asyncio.wait_for(handle.result(), 30)).final_phase == "cancelled"


async def test_a_pending_cancellation_is_carried_to_the_next_run(eager_env, settings, sink, monkeypatch):
    """On a server that suggests continue-as-new after a few events, the runs that wait for the relay continue as
    new with the cancellation still to announce; the run that finds the relay back sends it, once."""
    async with short_retries(eager_env.client, settings, monkeypatch) as (client, web, sessions):
        board, meeting_id = await convened(client, web, settings, sink, sessions)
        handle = meeting_handle(client, meeting_id)
        relay_down(sink, board)
        try:
            outcome = await asyncio.wait_for(handle.execute_update(MeetingWorkflow.cancel, CancelMeeting("Geen quorum")), 10)
            assert outcome.accepted, outcome.message
            carried = await current_input(client, handle.id, MeetingInput, lambda i: i.state and i.state.notice, 30)
            assert carried.state.cancelled and carried.state.notice.kind == NoticeKind.CANCEL
            assert carried.state.notice.reason == "Geen quorum"
        finally:
            sink.rcpt_replies.clear()
        for person in board.invitees:
            await wait_for_mail(sink, person.email, "Geannuleerd: vergadering")
        assert (await asyncio.wait_for(handle.result(), 30)).final_phase == "cancelled"
        runs = await runs_of(client, handle.id, MeetingInput)
    assert by_recipient(sink, "Geannuleerd: vergadering") == Counter({p.email.lower(): 1 for p in board.invitees})
    assert runs.activities["cancel_meeting"] == 1
    await replay_runs(MeetingWorkflow, runs)


async def test_a_network_meetings_cancellation_outlasts_a_relay_outage(eager_env, settings, sink, monkeypatch):
    """The network meeting's cancel (the same step loop): the invited contacts and whoever signed up are told.
    On the eager server its runs continue as new with the notice pending; they replay in the sandbox (which
    decodes each run's input: a carried PendingNotice once failed there, while this test's worker runs unsandboxed)."""
    async with short_retries(eager_env.client, settings, monkeypatch) as (client, _, sessions):
        await cancel_a_network_meeting_while_the_relay_is_down(client, settings, sink, sessions)


async def cancel_a_network_meeting_while_the_relay_is_down(client, settings, sink, sessions) -> None:
    a = make_association(sessions, contacts_per_town=1, towns=["Almere", "Urk"])
    with session_scope(sessions) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(minutes=10)
        meeting_id = create_network_meeting(s, association_id=a.association_id, title="Netwerkbijeenkomst griffiers",
                                            starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=5,
                                            policy={"announce_before": "1h", "reminder_before": "1m",
                                                    "registration_closes_before": "1m"}).id
    await start_network_workflow(client, settings, meeting_id, a.slug)
    handle = network_handle(client, meeting_id)
    invited = [f"contact0@{town}.{a.slug}.test" for town in ("almere", "urk")]
    for address in invited:
        await wait_for_mail(sink, address, "Uitnodiging: Netwerkbijeenkomst griffiers")
    signed_up = ["anna@dronten.test", "bram@lelystad.test"]
    for address in signed_up:
        for _ in range(100):  # "kan nog niet" until the workflow has noted the announcement (the mail is out first)
            try:
                result = await handle.execute_update(NetworkMeetingWorkflow.register, NetworkSignupInput("Iemand", address))
                break
            except WorkflowUpdateFailedError as err:
                assert "nog niet" in str(err.cause), err
                await asyncio.sleep(0.1)
        assert result.status == "registered"
        await wait_for_mail(sink, address, "Aangemeld")
    everyone = {r.lower() for m in sink.messages for r in m.rcpt_tos}
    for address in everyone:
        sink.rcpt_replies[address] = [RELAY_DOWN]
    try:
        outcome = await asyncio.wait_for(handle.execute_update(NetworkMeetingWorkflow.cancel, CancelMeeting("Ziekte")), 10)
        assert outcome.accepted, outcome.message
        await outlast_the_send_retries(client, handle, NetworkInput)
        assert not by_recipient(sink, "Geannuleerd")
    finally:
        sink.rcpt_replies.clear()
    for address in (*invited, *signed_up):
        await wait_for_mail(sink, address, "Geannuleerd")
    assert (await asyncio.wait_for(handle.result(), 30)).final_phase == "cancelled"
    told = by_recipient(sink, "Geannuleerd")
    assert set(invited) | set(signed_up) <= set(told) and set(told.values()) == {1}, told
    runs = await runs_of(client, handle.id, NetworkInput)
    assert any(inp.state and inp.state.notice for inp in runs.inputs[1:]), "no run was continued with the notice"
    await replay_runs(NetworkMeetingWorkflow, runs)
