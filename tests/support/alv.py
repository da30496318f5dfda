"""Test data for the ALV and network meeting tests: an association with member municipalities, their contacts and a
board; reading their mails, and the secretary signed in to the workspace."""
from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import select

from models.tables import Body, BodyKind, Meeting, MeetingKind, Membership, MemberRole, Municipality, Person, Venue
from models.tables.alv import MeetingDetails
from raadsbode.store.associations import create_association
from raadsbode.db import SessionFactory, session_scope
from raadsbode.store.staff import add_staff, start_session
from tests.support.env import unique_slug
from tests.support.links import csrf_of
from tests.support.workspace import client_for

BOARD = [("Marjolein de Graaf", MemberRole.chair), ("Hasan Yilmaz", MemberRole.deputy_chair),
         ("Thomas Dekker", MemberRole.secretary), ("Eva Janssen", MemberRole.member)]
TOWNS = ["Almere", "Dronten", "Lelystad", "Urk"]


@dataclass
class Assoc:
    association_id: int
    slug: str
    mailbox: str
    board_id: int
    alv_id: int
    venue_id: int
    board: dict[str, int] = field(default_factory=dict)  # role -> person id
    towns: dict[str, int] = field(default_factory=dict)  # municipality name -> id
    contacts: dict[str, list[int]] = field(default_factory=dict)  # municipality name -> person ids


def make_association(sessions: SessionFactory, contacts_per_town: int = 2, towns: list[str] | None = None) -> Assoc:
    slug = unique_slug("alv")
    with session_scope(sessions) as s:
        association = create_association(s, slug, "VNG Testland", f"secretariaat@{slug}.test")
        bodies = {b.kind: b for b in s.exec(select(Body).where(Body.association_id == association.id)).all()}
        venue = Venue(association_id=association.id, name="Stadhuis Lelystad", address="Stadhuisplein 2, Lelystad")
        s.add(venue)
        s.flush()
        a = Assoc(association.id, slug, association.mailbox_email, bodies[BodyKind.board].id,
                  bodies[BodyKind.general_meeting].id, venue.id)
        for name, role in BOARD:
            person = _person(s, a, None, name, f"{role.value}@{slug}.test")
            s.add(Membership(body_id=a.board_id, person_id=person.id, role=role))
            a.board[role.value] = person.id
        s.add(Membership(body_id=a.alv_id, person_id=a.board["secretary"], role=MemberRole.secretary))
        for town in towns or TOWNS:
            _add_town(s, a, town, contacts_per_town)
    return a


def _person(s, a: Assoc, municipality_id: int | None, name: str, email: str) -> Person:
    person = Person(association_id=a.association_id, municipality_id=municipality_id, name=name, email=email)
    s.add(person)
    s.flush()
    return person


def _add_town(s, a: Assoc, town: str, contacts: int) -> None:
    municipality = Municipality(association_id=a.association_id, name=town)
    s.add(municipality)
    s.flush()
    a.towns[town] = municipality.id
    a.contacts[town] = []
    for n in range(contacts):
        email = f"contact{n}@{town.lower().replace(' ', '-')}.{a.slug}.test"
        person = _person(s, a, municipality.id, f"Contact {n} {town}", email)
        s.add(Membership(body_id=a.alv_id, person_id=person.id, role=MemberRole.member))
        a.contacts[town].append(person.id)


def add_public_meeting(sessions: SessionFactory, a: Assoc, starts_at: datetime, kind: MeetingKind = MeetingKind.alv,
                       title: str = "Algemene Ledenvergadering", public: bool = True, **details) -> int:
    with session_scope(sessions) as s:
        body_id = a.board_id if kind == MeetingKind.board else a.alv_id
        meeting = Meeting(association_id=a.association_id, body_id=body_id, kind=kind, title=title, starts_at=starts_at,
                          ends_at=starts_at + timedelta(hours=2), venue_id=a.venue_id, is_public=public,
                          ical_uid=f"{unique_slug('uid')}@{a.slug}.test")
        s.add(meeting)
        s.flush()
        if details:
            details.setdefault("policy_json", json.dumps(details.pop("policy", {})))
            s.add(MeetingDetails(meeting_id=meeting.id, **details))
        return meeting.id


LINK = re.compile(r"http://raadsbode\.test/(l|aanmelden|motie)/([A-Za-z0-9_\-]+)")


def text_of(msg) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def links_in(msg, kind: str) -> list[str]:
    """Paths like /l/<token> of one kind (l, aanmelden, motie) in an email's text part."""
    return [f"/{k}/{token}" for k, token in LINK.findall(text_of(msg)) if k == kind]


def calendars_in(msg) -> list[bytes]:
    return [p.get_payload(decode=True) for p in msg.walk() if p.get_content_type() == "text/calendar"]


async def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        found = predicate()
        if found:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def first_mail(sink, address: str, subject_part: str):
    return next((m for m in sink.to(address) if subject_part in str(m["Subject"])), None)


async def post_form(client, path: str, **fields):
    page = await client.get(path)
    data = {"csrf": csrf_of(page.text), **fields}
    return await client.post(path, data=data)


def secretary_client(app, sessions, a):
    """The ALV's secretary (board secretary Thomas Dekker) signed in to the workspace, and the session's CSRF token."""
    return staff_client(app, sessions, a, "secretary")


def staff_client(app, sessions, a, key: str):
    """`key`@<slug>.test (made when new) with the secretary role, signed in; and the session's CSRF token."""
    with session_scope(sessions) as s:
        role = add_staff(s, a.association_id, f"{key}@{a.slug}.test", "secretary", name=key.title())
        raw, row = start_session(s, role.person_id, a.association_id)
        return client_for(app, raw), row.csrf_token


CANCEL_LINK = re.compile(r"http://raadsbode\.test(/netwerk/afmelden/[A-Za-z0-9_\-]+)")
