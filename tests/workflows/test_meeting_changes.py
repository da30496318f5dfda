"""Changes to a meeting: cancel, a new agenda after the convocation, reminders and the deputy chair,
a malformed agenda refused before history, and starting twice. SQLite only (see test_meeting_flow)."""
from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from temporalio.client import WorkflowUpdateFailedError

from models.messages.meeting import AgendaItemInput, CancelMeeting, StatusQuery, SubmitAgenda
from raadsbode.db import make_engine, session_factory, session_scope
from raadsbode.search_attributes import ASSOCIATION
from raadsbode.services.meeting.actions import create_meeting, meeting_handle, start_meeting_workflow
from tests.support.meeting import calendar_of, click, link_in, make_board, meeting_row, new_meeting, text_of, wait_for_mail
from web.app import create_app
from worker import build_worker
from workflows.meeting.workflow import MeetingWorkflow

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
SOON = {"agenda_request_before": "1h", "convocation_before": "1h", "signoff_reminder_after": "1h",
        "deputy_may_sign_after": "1h"}


@pytest.fixture
def sessions(settings):
    engine = make_engine(settings.database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
async def world(temporal_env, settings, sessions):
    """A running worker and a browser-like client on the link pages."""
    app = create_app(settings, temporal_env.client)
    async with build_worker(temporal_env.client, settings), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://raadsbode.test") as web:
        yield temporal_env.client, web


async def draft_and_sign(sink, web, board, version: int = 1, link: str | None = None) -> None:
    if link is None:
        request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
        link = link_in(request)
    assert f"Versie {version}" in (await click(web, link, action="submit")).text
    for signer in (board.chair, board.secretary):
        mail, = await wait_for_mail(sink, signer.email, f"Agenda ter ondertekening (versie {version})")
        assert "Dank u" in (await click(web, link_in(mail), decision="approve")).text


async def test_cancel_reaches_everyone_who_got_the_invitation(world, settings, sink, sessions):
    client, web = world
    board = make_board(sessions)
    meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=10), SOON)
    await draft_and_sign(sink, web, board)
    convocations = {p.email: (await wait_for_mail(sink, p.email, "Uitnodiging vergadering"))[0] for p in board.invitees}
    missed, = await wait_for_mail(sink, board.secretary.email, "Oproeptermijn niet gehaald")
    assert "1 uur" in text_of(missed)

    handle = meeting_handle(client, meeting_id)
    outcome = await handle.execute_update(MeetingWorkflow.cancel, CancelMeeting(reason="Onvoldoende agendapunten"))
    assert outcome.accepted and "genodigden krijgen een annulering" in outcome.message
    uid = meeting_row(sessions, meeting_id).ical_uid
    for person in board.invitees:
        cancel, = await wait_for_mail(sink, person.email, "Geannuleerd: vergadering")
        calendar = calendar_of(cancel)
        event = next(iter(calendar.walk("VEVENT")))
        assert (str(calendar["METHOD"]), str(event["STATUS"]), event["UID"], int(event["SEQUENCE"])) == \
            ("CANCEL", "CANCELLED", uid, 1)
        assert "Onvoldoende agendapunten" in text_of(cancel)
    assert (await handle.result()).final_phase == "cancelled"
    assert meeting_row(sessions, meeting_id).status == "cancelled"
    assert (await web.get(link_in(convocations[board.chair.email]))).status_code == 404  # links die with the meeting


async def test_agenda_change_after_convocation_is_signed_again_then_sent_as_amended(world, settings, sink, sessions):
    client, web = world
    board = make_board(sessions)
    meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=10), SOON)
    await draft_and_sign(sink, web, board)
    for person in board.invitees:
        await wait_for_mail(sink, person.email, "Uitnodiging vergadering")

    handle = meeting_handle(client, meeting_id)
    items = [AgendaItemInput("1", "Opening"), AgendaItemInput("2", "Extra punt: regionale energiestrategie", "decision")]
    stored = await handle.execute_update(MeetingWorkflow.submit_agenda, SubmitAgenda(board.secretary.id, items))
    assert stored.version == 2
    chair_v2, = await wait_for_mail(sink, board.chair.email, "Agenda ter ondertekening (versie 2)")
    assert not [m for m in sink.to(board.members[0].email) if "Gewijzigde agenda" in str(m["Subject"])]
    view = await handle.query(MeetingWorkflow.status, StatusQuery())
    assert (view.phase, view.agenda_version, [s.signed for s in view.signers]) == ("convened", 2, [False, False])

    assert "Dank u" in (await click(web, link_in(chair_v2), decision="approve")).text
    secretary_v2, = await wait_for_mail(sink, board.secretary.email, "Agenda ter ondertekening (versie 2)")
    assert "Dank u" in (await click(web, link_in(secretary_v2), decision="approve")).text
    for person in board.invitees:
        amended, = await wait_for_mail(sink, person.email, "Gewijzigde agenda vergadering Dagelijks bestuur")
        assert "regionale energiestrategie" in text_of(amended)
    await handle.execute_update(MeetingWorkflow.cancel, CancelMeeting())


async def test_reminder_then_the_deputy_signs_in_the_chairs_place(world, settings, sink, sessions):
    client, web = world
    board = make_board(sessions)
    policy = {**SOON, "signoff_reminder_after": "2s", "deputy_may_sign_after": "3s"}
    meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=10), policy)
    request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
    assert "Versie 1" in (await click(web, link_in(request), action="submit")).text
    to_secretary, = await wait_for_mail(sink, board.secretary.email, "Agenda ter ondertekening (versie 1)")
    assert "Dank u" in (await click(web, link_in(to_secretary), decision="approve")).text

    reminder, = await wait_for_mail(sink, board.chair.email, "Herinnering: Agenda ter ondertekening")
    assert not [m for m in sink.to(board.secretary.email) if "Herinnering" in str(m["Subject"])]
    to_deputy, = await wait_for_mail(sink, board.deputy.email, "Agenda ter ondertekening (versie 1)")
    assert "loco-voorzitter" in text_of(to_deputy)
    assert "Dank u" in (await click(web, link_in(to_deputy), decision="approve")).text
    await wait_for_mail(sink, board.members[0].email, "Uitnodiging vergadering")
    view = await meeting_handle(client, meeting_id).query(MeetingWorkflow.status, StatusQuery())
    assert [(s.role, s.signed) for s in view.signers] == [("deputy_chair", True), ("secretary", True)]
    # The chair's own link is now one for a version that is signed: the page says so, nothing changes.
    late = await click(web, link_in(reminder), decision="approve")
    assert "Dank u" not in late.text and "al ondertekend" in late.text, late.text[-2000:]
    await meeting_handle(client, meeting_id).execute_update(MeetingWorkflow.cancel, CancelMeeting())


async def test_malformed_agenda_is_refused_before_history(world, settings, sink, sessions):
    client, _ = world
    board = make_board(sessions)
    meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=10), SOON)
    await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")  # the workflow has loaded its meeting
    handle = meeting_handle(client, meeting_id)
    before = len((await handle.fetch_history()).events)
    bad_agendas = [
        SubmitAgenda(board.secretary.id, [AgendaItemInput(str(i), f"Punt {i}") for i in range(51)]),
        SubmitAgenda(board.secretary.id, [AgendaItemInput("1", "x" * 301)]),
        SubmitAgenda(board.secretary.id, [AgendaItemInput("1", "Stukken", documents=[{"title": "a", "url": "javascript:alert(1)"}])]),
        SubmitAgenda(board.secretary.id, [AgendaItemInput("1", "A"), AgendaItemInput("1", "B", "vote")]),
        SubmitAgenda(board.members[0].id, [AgendaItemInput("1", "Opening")]),  # not the secretary or chair
    ]
    expected = ["maximum is 50", "langer dan 300", "http:// of https://", "komt vaker voor", "Alleen de secretaris"]
    for agenda, words in zip(bad_agendas, expected):
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await handle.execute_update(MeetingWorkflow.submit_agenda, agenda)
        assert words in str(failure.value.cause)
    assert len((await handle.fetch_history()).events) == before
    await handle.execute_update(MeetingWorkflow.cancel, CancelMeeting())


async def test_starting_twice_makes_one_meeting_and_one_workflow(world, settings, sink, sessions):
    client, _ = world
    board = make_board(sessions)
    first = await new_meeting(client, settings, sessions, board, timedelta(minutes=10), SOON)
    row = meeting_row(sessions, first)
    with session_scope(sessions) as s:
        again = create_meeting(s, association_id=board.association_id, body_id=board.body_id, kind="board",
                               title="Nog een keer", starts_at=row.starts_at, ends_at=row.ends_at, venue_id=None, policy={})
        assert again.id == first
    ids = {await start_meeting_workflow(client, settings, first, board.slug) for _ in range(2)}
    assert ids == {f"meeting-{first}"}
    await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
    for _ in range(50):  # visibility is eventually consistent
        runs = [w async for w in client.list_workflows(f"WorkflowId = 'meeting-{first}'")]
        if runs:
            break
        await asyncio.sleep(0.1)
    assert len(runs) == 1 and runs[0].typed_search_attributes.get(ASSOCIATION) == board.slug
    assert len([m for m in sink.to(board.secretary.email) if "Agenda opstellen" in str(m["Subject"])]) == 1
    await meeting_handle(client, first).execute_update(MeetingWorkflow.cancel, CancelMeeting())


async def _cli(settings, temporal_env, tmp_path, *args: str) -> tuple[int, str]:
    env = {**os.environ, "RAADSBODE_DATABASE_URL": settings.database_url,
           "RAADSBODE_TEMPORAL_ADDRESS": temporal_env.client.service_client.config.target_host,
           "RAADSBODE_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue, "COLUMNS": "200"}
    proc = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "raadsbode"), "meeting", *args, cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode, out.decode()


async def test_the_secretary_uses_the_command_line(world, settings, sink, sessions, temporal_env, tmp_path):
    board = make_board(sessions)
    # A fixed time of day: "--end 23:59" must come after the start whenever the test runs.
    start = (datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=3)).strftime("%Y-%m-%d 10:00")
    args = ["start", "--association", board.slug, "--body", "board", "--start", start, "--end", "23:59",
            "--venue", "Stadhuis Lelystad", "--agenda-request-before", "1w", "--convocation-before=1h"]
    outputs = [await _cli(settings, temporal_env, tmp_path, *args) for _ in range(2)]
    lines = [out.strip().splitlines()[-1] for _, out in outputs]
    assert [code for code, _ in outputs] == [0, 0] and lines[0] == lines[1], outputs
    meeting_id = int(re.search(r"Vergadering (\d+) gestart", outputs[0][1]).group(1))
    assert meeting_row(sessions, meeting_id).policy_json == '{"agenda_request_before": "1w", "convocation_before": "1h"}'
    await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")

    (tmp_path / "agenda.yaml").write_text(
        "- {number: '1', title: Opening, kind: information}\n"
        "- {number: '2', title: Jaarrekening, kind: decision, documents: [{title: Jaarrekening, url: 'https://docs.example/jr.pdf'}]}\n")
    code, out = await _cli(settings, temporal_env, tmp_path, "agenda", str(meeting_id), "agenda.yaml")
    assert code == 0 and "versie 1" in out, out
    await wait_for_mail(sink, board.chair.email, "Agenda ter ondertekening (versie 1)")
    code, out = await _cli(settings, temporal_env, tmp_path, "status", str(meeting_id))
    assert code == 0 and "Agenda ter ondertekening" in out and "nog niet ondertekend" in out, out

    (tmp_path / "bad.yaml").write_text("- {number: '1', title: Opening, kind: stemming}\n")
    code, out = await _cli(settings, temporal_env, tmp_path, "agenda", str(meeting_id), "bad.yaml")
    assert code == 1 and "ter besluitvorming" in out, out
    code, out = await _cli(settings, temporal_env, tmp_path, "cancel", str(meeting_id), "--reason", "Test")
    assert code == 0 and "geannuleerd" in out, out


async def test_status_says_whom_the_meeting_waits_for(world, settings, sink, sessions):
    """With only the meeting itself ahead, the next step is the person the flow waits on, not "the meeting starts"."""
    client, web = world
    board = make_board(sessions)
    meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=10), SOON)
    request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
    handle = meeting_handle(client, meeting_id)
    assert (await handle.query(MeetingWorkflow.status, StatusQuery())).next_step == "Wacht op de agenda van de secretaris"
    await click(web, link_in(request), action="submit")
    await wait_for_mail(sink, board.chair.email, "Agenda ter ondertekening (versie 1)")
    assert (await handle.query(MeetingWorkflow.status, StatusQuery())).next_step == "Wacht op ondertekening van de agenda"
    await handle.execute_update(MeetingWorkflow.cancel, CancelMeeting())


async def test_signoff_mail_reads_as_a_letter(world, settings, sink, sessions):
    """Heading capitalised, the meeting named once, a blank line between the facts and the agenda."""
    client, web = world
    board = make_board(sessions)
    meeting_id = await new_meeting(client, settings, sessions, board, timedelta(minutes=10), SOON)
    request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
    await click(web, link_in(request), action="submit")
    mail, = await wait_for_mail(sink, board.chair.email, "Agenda ter ondertekening (versie 1)")
    text = text_of(mail).replace("\r\n", "\n")
    assert text.startswith("Agenda ter ondertekening\n")
    assert "Vergadering: Vergadering Dagelijks bestuur\n" in text  # the title already names the body
    assert "Lelystad\n\nAGENDA\n" in text
    await meeting_handle(client, meeting_id).execute_update(MeetingWorkflow.cancel, CancelMeeting())
