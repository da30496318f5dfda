"""Test data for the link-page tests: a board with a meeting, agenda versions, tokens, and a DB snapshot."""
from __future__ import annotations

import json
import re
import secrets
from html.parser import HTMLParser
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import func
from sqlmodel import select

from models.tables import (ActionToken, AgendaItem, AgendaVersion, Association, Attendance, AuditEvent, Body, BodyKind,
                    Meeting, MeetingKind, Membership, MemberRole, Minutes, OutboundMessage, Person, Venue)
from models.tables.types import utcnow
from raadsbode.db import SessionFactory, session_scope
from raadsbode.store.tokens import issue_token
from tests.support.env import unique_slug

ROLES = [("Mw. A. Voorzitter", MemberRole.chair), ("Dhr. B. Vice", MemberRole.deputy_chair),
         ("Mw. C. Secretaris", MemberRole.secretary), ("Dhr. D. Lid", MemberRole.member)]
CSRF_FIELD = re.compile(r'name="csrf" value="([0-9a-f]+)"')
SUBMISSION_FIELD = re.compile(r'name="submission_id" value="([0-9a-f]+)"')


@dataclass
class Board:
    association_id: int
    slug: str
    body_id: int
    venue_id: int
    people: dict[str, int] = field(default_factory=dict)  # role -> person id
    meeting_id: int = 0

    @property
    def subject(self) -> str:
        return f"meeting-{self.meeting_id}"


def make_board(sessions: SessionFactory, starts_in: timedelta = timedelta(days=30), with_meeting: bool = True) -> Board:
    slug = unique_slug("links")
    with session_scope(sessions) as s:
        association = Association(slug=slug, name="VNG Testland", mailbox_email=f"secretariaat@{slug}.test")
        s.add(association)
        s.flush()
        body = Body(association_id=association.id, kind=BodyKind.board, name="Dagelijks bestuur")
        venue = Venue(association_id=association.id, name="Stadhuis Lelystad", address="Stadhuisplein 2, Lelystad")
        s.add_all([body, venue])
        s.flush()
        board = Board(association.id, slug, body.id, venue.id)
        for name, role in ROLES:
            person = Person(association_id=association.id, name=name, email=f"{role.value}@{slug}.test")
            s.add(person)
            s.flush()
            s.add(Membership(body_id=body.id, person_id=person.id, role=role))
            board.people[role.value] = person.id
    if with_meeting:
        board.meeting_id = add_meeting(sessions, board, utcnow().replace(microsecond=0) + starts_in)
    return board


def add_meeting(sessions: SessionFactory, board: Board, starts_at: datetime) -> int:
    # Both backends share one Temporal server and workflow ids are meeting-<id>: a random id keeps a
    # PostgreSQL meeting from landing on the workflow of a SQLite meeting with the same sequence number.
    with session_scope(sessions) as s:
        meeting = Meeting(id=10**9 + secrets.randbelow(10**9),
                          association_id=board.association_id, body_id=board.body_id, kind=MeetingKind.board,
                          title="Vergadering Dagelijks bestuur", starts_at=starts_at,
                          ends_at=starts_at + timedelta(hours=2), venue_id=board.venue_id,
                          ical_uid=f"{unique_slug('uid')}@test")
        s.add(meeting)
        s.flush()
        return meeting.id


def add_agenda_version(sessions: SessionFactory, meeting_id: int, version: int, titles: list[str]) -> None:
    with session_scope(sessions) as s:
        agenda = AgendaVersion(meeting_id=meeting_id, version=version)
        s.add(agenda)
        s.flush()
        for position, title in enumerate(titles, start=1):
            s.add(AgendaItem(agenda_version_id=agenda.id, position=position, number=str(position), title=title,
                             documents_json=json.dumps([{"title": "Stuk", "url": "https://example.org/stuk.pdf"}])))


def add_minutes(sessions: SessionFactory, meeting_id: int, version: int, text: str) -> None:
    with session_scope(sessions) as s:
        s.add(Minutes(meeting_id=meeting_id, version=version, text=text, decisions_json=json.dumps(["Besluit A"])))


def issue(sessions: SessionFactory, board: Board, purpose: str, role: str = "chair", version: int = 0,
          expires_in: timedelta = timedelta(days=7), single_use: bool | None = None,
          association_id: int | None = None, person_id: int | None = None) -> str:
    with session_scope(sessions) as s:
        return issue_token(
            s, association_id=association_id or board.association_id, purpose=purpose, subject_ref=board.subject,
            version=version, person_id=person_id or board.people[role], expires_at=utcnow() + expires_in,
            single_use=purpose.endswith("signoff") if single_use is None else single_use)


def snapshot(sessions: SessionFactory, board: Board) -> dict:
    """Everything a link could change for this board's meeting."""
    with sessions() as s:
        tokens = s.exec(select(ActionToken.id, ActionToken.used_at, ActionToken.used_decision, ActionToken.revoked)
                        .where(ActionToken.subject_ref == board.subject).order_by(ActionToken.id)).all()
        counts = {table.__name__: s.exec(select(func.count()).select_from(table).where(column == value)).one()
                  for table, column, value in [
                      (AuditEvent, AuditEvent.association_id, board.association_id),
                      (OutboundMessage, OutboundMessage.association_id, board.association_id),
                      (Attendance, Attendance.meeting_id, board.meeting_id),
                      (AgendaVersion, AgendaVersion.meeting_id, board.meeting_id),
                      (Minutes, Minutes.meeting_id, board.meeting_id)]}
        meeting = s.get(Meeting, board.meeting_id)
        return {"tokens": [tuple(t) for t in tokens], "counts": counts,
                "meeting": (meeting.status, meeting.starts_at, meeting.ical_sequence) if meeting else None}


def csrf_of(page: str) -> str:
    found = CSRF_FIELD.search(page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 4711)),
                             base_url="http://raadsbode.test")


class _FormFields(HTMLParser):
    """The values a browser would submit for the page's last form (inputs, textareas, selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.fields = {}
        elif tag == "input" and a.get("type") not in ("submit", "checkbox") and "name" in a:
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.fields):
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(page: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(page)
    return parser.fields
