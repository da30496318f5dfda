"""Where a board member's answer came from is kept (link, calendar reply, secretary) and shown in the
attendance overview the secretary receives."""
from __future__ import annotations

from sqlmodel import select

from activities.meeting import store
from activities.deps import Deps
from activities.meeting.mail import MeetingMail
from activities.meeting.notices import attendance_overview
from models.messages.meeting import RsvpInput
from models.tables.meetings import Attendance
from raadsbode.db import session_scope
from tests.support.links import make_board


def test_calendar_replies_are_kept_as_itip_and_shown_in_the_overview(session_factory_, settings):
    board = make_board(session_factory_)
    chair, deputy, member = board.people["chair"], board.people["deputy_chair"], board.people["member"]
    with session_scope(session_factory_) as s:
        store.record_rsvp(s, board.meeting_id, RsvpInput(chair, "attending", token_id=None, source="itip <a@b>"))
        store.record_rsvp(s, board.meeting_id, RsvpInput(member, "not_attending", token_id=7, source="203.0.113.7"))
        store.record_rsvp(s, board.meeting_id, RsvpInput(deputy, "attending", source="cli"))
    with session_scope(session_factory_) as s:
        rows = {r.person_id: r.source for r in s.exec(select(Attendance).where(Attendance.meeting_id == board.meeting_id))}
        deps = Deps(settings=settings, sessions=session_factory_, renderer=Deps.from_settings(settings).renderer)
        overview, = attendance_overview(MeetingMail(deps, s, board.meeting_id), 0)
    assert rows == {chair: "itip", member: "link", deputy: "secretary"}
    assert "(via de agenda-uitnodiging)" in overview.text and "(via de link)" in overview.text
    assert "(door het secretariaat)" in overview.text and "via de agenda-uitnodiging" in overview.html
    assert "Komt: 2, komt niet: 1, nog geen antwoord: " in overview.text
