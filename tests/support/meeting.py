"""Shared helpers of the meeting workflow tests: a board per test, reading mail, clicking links like a person."""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, UTC
from email.message import EmailMessage
from html.parser import HTMLParser

import httpx
from icalendar import Calendar
from sqlmodel import select

from models.tables.meetings import Meeting
from models.tables.org import Association, Body, BodyKind, Membership, MemberRole, Person, Venue
from raadsbode.db import SessionFactory, session_scope
from raadsbode.services.meeting.actions import create_meeting, start_meeting_workflow
from tests.support.env import unique_slug

LINK = re.compile(r"http://raadsbode\.test/l/[A-Za-z0-9_\-]+")
MEMBER_NAMES = ["Anna de Vries", "Bert Jansen", "Carla Bakker", "Dirk Visser", "Eva Smit"]


@dataclass
class Someone:
    id: int
    name: str
    email: str


@dataclass
class Board:
    association_id: int
    slug: str
    body_id: int
    venues: dict[str, int]
    chair: Someone
    deputy: Someone
    secretary: Someone
    members: list[Someone]
    advisors: list[Someone]

    @property
    def invitees(self) -> list[Someone]:
        return [self.chair, self.deputy, *self.members, *self.advisors]


def make_board(sessions: SessionFactory) -> Board:
    """A fresh association with the board of the issue: chair, deputy, 5 members, secretary, 2 advisors."""
    slug = unique_slug("mtg")
    with session_scope(sessions) as s:
        association = Association(slug=slug, name="VNG Flevoland", mailbox_email=f"secretariaat@{slug}.example")
        s.add(association)
        s.flush()
        body = Body(association_id=association.id, kind=BodyKind.board, name="Dagelijks bestuur")
        s.add(body)
        venues = [Venue(association_id=association.id, name=n, address=a) for n, a in
                  (("Stadhuis Lelystad", "Stadhuisplein 2, Lelystad"), ("Stadhuis Almere", "Stadhuisplein 1, Almere"))]
        s.add_all(venues)
        s.flush()

        def person(name: str, role: MemberRole) -> Someone:
            p = Person(association_id=association.id, name=name, email=f"{name.split()[-1].lower()}.{role}@{slug}.example")
            s.add(p)
            s.flush()
            s.add(Membership(body_id=body.id, person_id=p.id, role=role))
            return Someone(p.id, p.name, p.email)

        board = Board(association.id, slug, body.id, {v.name: v.id for v in venues},
                      chair=person("Ria Burgemeester", MemberRole.chair), deputy=person("Sam Loco", MemberRole.deputy_chair),
                      secretary=person("Tineke Secretaris", MemberRole.secretary),
                      members=[person(n, MemberRole.member) for n in MEMBER_NAMES],
                      advisors=[person("Gert Gemeentesecretaris", MemberRole.advisor), person("Greet Griffier", MemberRole.advisor)])
    return board


async def new_meeting(client, settings, sessions: SessionFactory, board: Board, starts_in: timedelta,
                      policy: dict[str, str], length: timedelta = timedelta(seconds=2)) -> int:
    starts_at = (datetime.now(UTC) + starts_in).replace(microsecond=0)
    with session_scope(sessions) as s:
        meeting = create_meeting(s, association_id=board.association_id, body_id=board.body_id, kind="board",
                                 title="Vergadering Dagelijks bestuur", starts_at=starts_at, ends_at=starts_at + length,
                                 venue_id=board.venues["Stadhuis Lelystad"], policy=policy)
        meeting_id = meeting.id
    await start_meeting_workflow(client, settings, meeting_id, board.slug)
    return meeting_id


def meeting_row(sessions: SessionFactory, meeting_id: int) -> Meeting:
    with session_scope(sessions) as s:
        return s.exec(select(Meeting).where(Meeting.id == meeting_id)).one()


async def wait_for_mail(sink, address: str, subject_part: str, count: int = 1, timeout: float = 40) -> list[EmailMessage]:
    """The first `count` messages to `address` whose subject contains `subject_part` (waits for them)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [m for m in sink.to(address) if subject_part in str(m["Subject"])]
        if len(found) >= count:
            return found
        if asyncio.get_running_loop().time() > deadline:
            subjects = [str(m["Subject"]) for m in sink.to(address)]
            raise AssertionError(f"no {subject_part!r} for {address} within {timeout}s; got {subjects}")
        await asyncio.sleep(0.2)


def text_of(msg: EmailMessage) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def link_in(msg: EmailMessage) -> str:
    match = LINK.search(text_of(msg))
    assert match, f"no link in {msg['Subject']}"
    return match.group(0)


def calendar_of(msg: EmailMessage) -> Calendar:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_payload(decode=True))


class _FormReader(HTMLParser):
    """The first form's fields as a browser would submit them (without the submit buttons)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.fields):
            self.fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


async def click(web: httpx.AsyncClient, link: str, **choices: str) -> httpx.Response:
    """Open the link (GET), then submit its form with the given button/field values (POST)."""
    page = await web.get(link)
    assert page.status_code == 200, page.text[:500]
    reader = _FormReader()
    reader.feed(page.text)
    return await web.post(link, data={**reader.fields, **choices})
