"""A board meeting from start to minutes, through real mail and real link pages, in about half a minute.

Runs on SQLite only: the flow's worth is the workflow and the links; both backends are covered by
the store-level tests of the other helpers, and doubling this test would double its wall time.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from models.messages.meeting import MeetingStatusView, Reschedule, StatusQuery
from raadsbode.services.meeting.agenda import draft_items, nl_long_date
from raadsbode.db import make_engine, session_factory, session_scope
from raadsbode.services.meeting.actions import meeting_handle, start_meeting_workflow
from tests.support.meeting import calendar_of, click, link_in, make_board, meeting_row, new_meeting, text_of, wait_for_mail
from web.app import create_app
from worker import build_worker
from workflows.meeting.workflow import MeetingWorkflow
from tests.support.histories import RECORD, record

FAST = {"agenda_request_before": "1h", "signoff_reminder_after": "1h", "deputy_may_sign_after": "1h",
        "convocation_before": "22s", "attendance_overview_before": "6s", "reminder_before": "4s",
        "minutes_request_after": "1s"}


@pytest.fixture
def sessions(settings):
    engine = make_engine(settings.database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_board_meeting_from_agenda_to_minutes(temporal_env, settings, sink, sessions):
    client = temporal_env.client
    board = make_board(sessions)
    app = create_app(settings, client)
    async with build_worker(client, settings), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 4711)), base_url="http://raadsbode.test") as web:
        meeting_id = await new_meeting(client, settings, sessions, board, timedelta(seconds=30), FAST)
        await start_meeting_workflow(client, settings, meeting_id, board.slug)  # a second start is harmless
        handle = meeting_handle(client, meeting_id)

        # 1-2. The secretary drafts: the form opens with the standing items; she adds one.
        request, = await wait_for_mail(sink, board.secretary.email, "Agenda opstellen")
        page = await web.get(link_in(request))
        assert "Opening en vaststelling agenda" in page.text and "Rondvraag" in page.text
        saved = await click(web, link_in(request), action="submit", number_5="6", title_5="Begroting 2027",
                            kind_5="decision", documents_5="Begroting | https://docs.example/begroting-2027.pdf")
        assert "Versie 1" in saved.text, saved.text

        # 3. The chair asks for changes; the secretary gets the comment and makes version 2.
        chair_v1, = await wait_for_mail(sink, board.chair.email, "(versie 1)")
        answer = await click(web, link_in(chair_v1), decision="request_changes", comment="Begroting ter bespreking, graag.")
        assert "wijzigingen" in answer.text
        changes, = await wait_for_mail(sink, board.secretary.email, "Wijzigingen gevraagd")
        assert "Begroting ter bespreking, graag." in text_of(changes)
        secretary_v1, = await wait_for_mail(sink, board.secretary.email, "Agenda ter ondertekening (versie 1)")
        saved = await click(web, link_in(changes), action="submit", kind_5="discussion")
        assert "Versie 2" in saved.text, saved.text
        assert (await web.get(link_in(secretary_v1))).status_code != 200  # the old version's link is void

        # 4. Both sign version 2; the convocation reaches all nine with a valid invitation.
        for signer in (board.chair, board.secretary):
            mail, = await wait_for_mail(sink, signer.email, "Agenda ter ondertekening (versie 2)")
            assert "Dank u" in (await click(web, link_in(mail), decision="approve")).text
        confirmation, = await wait_for_mail(sink, board.chair.email, "(versie 2) goedgekeurd")
        assert "Was u dit niet? Laat het de secretaris weten." in text_of(confirmation)
        meeting = meeting_row(sessions, meeting_id)
        convocations = {p.email: (await wait_for_mail(sink, p.email, "Uitnodiging vergadering Dagelijks bestuur"))[0]
                        for p in board.invitees}
        assert len(convocations) == 9
        local = meeting.starts_at.astimezone(ZoneInfo("Europe/Amsterdam"))
        first = convocations[board.chair.email]
        assert f"{local:%H:%M}" in str(first["Subject"]) and "ter bespreking" in text_of(first)
        for person in board.invitees:
            event = _event(convocations[person.email])
            assert (event["UID"], int(event["SEQUENCE"])) == (meeting.ical_uid, 0)
            assert event.decoded("DTSTART") == meeting.starts_at and "Begroting 2027" in str(event["DESCRIPTION"])
            assert str(event["ATTENDEE"]).lower() == f"mailto:{person.email}"
        assert meeting_row(sessions, meeting_id).status == "convened"

        # 5. Rescheduled (earlier, to keep the test short): same UID, SEQUENCE 1, to all nine.
        new_start = (datetime.now(UTC) + timedelta(seconds=16)).replace(microsecond=0)
        moved = await handle.execute_update(MeetingWorkflow.reschedule, Reschedule(
            starts_at_iso=new_start.isoformat(), ends_at_iso=(new_start + timedelta(seconds=2)).isoformat(),
            venue_id=board.venues["Stadhuis Almere"], reason="Zaal niet beschikbaar"))
        assert moved.accepted, moved.message
        for person in board.invitees:
            update, = await wait_for_mail(sink, person.email, "Gewijzigd: vergadering")
            event = _event(update)
            assert (event["UID"], int(event["SEQUENCE"]), event.decoded("DTSTART")) == (meeting.ical_uid, 1, new_start)
            assert "Stadhuis Almere" in str(event["LOCATION"])

        # 6. Registrations through the convocation's link; the reminder goes to attendees only.
        attending, absent = [board.chair, board.members[0]], board.members[1]
        for person in attending:
            assert "aangemeld" in (await click(web, link_in(convocations[person.email]), response="attending")).text
        assert "afgemeld" in (await click(web, link_in(convocations[absent.email]), response="not_attending")).text
        view: MeetingStatusView = await handle.query(MeetingWorkflow.status, StatusQuery())
        assert view.phase == "convened" and view.rsvp == {"attending": 2, "not_attending": 1, "none": 6}
        overview, = await wait_for_mail(sink, board.secretary.email, "Aanwezigheid")
        assert "nog geen antwoord: 6" in text_of(overview)
        for person in attending:
            await wait_for_mail(sink, person.email, "Herinnering: vergadering")

        # 7. After the meeting: minutes drafted, signed by the chair, sent to the board.
        minutes_request, = await wait_for_mail(sink, board.secretary.email, "Verslag opstellen")
        assert not [m for p in board.invitees if p not in attending for m in sink.to(p.email)
                    if "Herinnering: vergadering" in str(m["Subject"])]
        saved = await click(web, link_in(minutes_request), minutes_text="De voorzitter opent de vergadering.",
                            decisions="De begroting 2027 is besproken.")
        assert saved.status_code == 200, saved.text
        to_sign, = await wait_for_mail(sink, board.chair.email, "Verslag ter ondertekening (versie 1)")
        assert "Dank u" in (await click(web, link_in(to_sign), decision="approve")).text
        for person in board.invitees:
            minutes, = await wait_for_mail(sink, person.email, "Verslag vergadering")
            assert "De begroting 2027 is besproken." in text_of(minutes)
        result = await handle.result()
        assert result.final_phase == "closed" and meeting_row(sessions, meeting_id).status == "closed"
        await _record_history(handle)

        # 8. The next meeting's draft carries the adoption of these minutes.
        next_id = await new_meeting(client, settings, sessions, board, timedelta(days=60), {"agenda_request_before": "90d"})
        with session_scope(sessions) as s:
            titles = [item.title for item in draft_items(s, next_id)]
        held_on = nl_long_date(new_start.astimezone(ZoneInfo("Europe/Amsterdam")).date())
        assert f"Vaststellen verslag van {held_on}" in titles
        next_request = (await wait_for_mail(sink, board.secretary.email, "Agenda opstellen", count=2))[-1]
        assert f"Vaststellen verslag van {held_on}" in (await web.get(link_in(next_request))).text
        await meeting_handle(client, next_id).terminate("test done")


def _event(msg):
    calendar = calendar_of(msg)
    assert str(calendar["METHOD"]) == "REQUEST"
    return next(c for c in calendar.walk("VEVENT"))


async def _record_history(handle) -> None:
    """RAADSBODE_RECORD_HISTORY=1 rewrites the committed history the replay test checks."""
    if RECORD:
        record(await handle.fetch_history(), "meeting_full_flow_v3")
