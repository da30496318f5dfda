"""Test data for the workspace: an association with municipalities, people, a board and staff; signing in."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from sqlmodel import select

from models.tables import Association, Body, BodyKind, Membership, MemberRole, Municipality, Person, Venue
from models.tables.staff import StaffSession
from raadsbode.store.associations import create_association
from raadsbode.db import SessionFactory, session_scope
from raadsbode.store.staff import add_staff, start_session
from tests.support.env import unique_slug
from web.common.auth import SESSION_COOKIE

CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"(https?://\S+/inloggen/[A-Za-z0-9_\-]+(?:\?next=\S+)?)")


@dataclass
class Tenant:
    association_id: int
    slug: str
    name: str
    board_id: int
    municipality_ids: list[int] = field(default_factory=list)
    people: dict[str, int] = field(default_factory=dict)  # key -> person id
    emails: dict[str, str] = field(default_factory=dict)  # key -> email
    venue_id: int = 0

    def email(self, key: str) -> str:
        return self.emails[key]


def make_tenant(sessions: SessionFactory, name: str = "VNG Testland", people: int = 3) -> Tenant:
    """An association with two municipalities, a chair, `people` contact persons, a venue, and staff:
    'secretary' (secretary), 'editor' (editor), 'admin' (admin)."""
    slug = unique_slug("ws")
    with session_scope(sessions) as s:
        association = create_association(s, slug, name, f"secretariaat@{slug}.test")
        board = s.exec(select(Body).where(Body.association_id == association.id, Body.kind == BodyKind.board)).one()
        towns = [Municipality(association_id=association.id, name=n) for n in ("Almere", "Dronten")]
        s.add_all(towns)
        s.flush()
        venue = Venue(association_id=association.id, municipality_id=towns[0].id, name="Stadhuis Almere")
        s.add(venue)
        s.flush()
        tenant = Tenant(association.id, slug, name, board.id, [t.id for t in towns], venue_id=venue.id)
        chair = _person(s, tenant, "chair", "Mw. A. Voorzitter", towns[0].id)
        s.add(Membership(body_id=board.id, person_id=chair, role=MemberRole.chair, portfolio="Lobby"))
        for i in range(people):
            _person(s, tenant, f"contact{i}", f"Contact {i:03d}", towns[i % 2].id)
        for role in ("secretary", "editor", "admin"):
            staff_role = add_staff(s, association.id, f"{role}@{slug}.test", role, name=f"{role.title()} van {name}")
            tenant.people[role], tenant.emails[role] = staff_role.person_id, f"{role}@{slug}.test"
    return tenant


def _person(s, tenant: Tenant, key: str, name: str, municipality_id: int | None) -> int:
    email = f"{key}@{tenant.slug}.test"
    person = Person(association_id=tenant.association_id, municipality_id=municipality_id, name=name, email=email,
                    function="wethouder")
    s.add(person)
    s.flush()
    tenant.people[key], tenant.emails[key] = person.id, email
    return person.id


def client_for(app, cookie: str | None = None) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 4711)),
                               base_url="http://raadsbode.test")
    if cookie:
        client.cookies.set(SESSION_COOKIE, cookie, domain="raadsbode.test")
    return client


def session_cookie(sessions: SessionFactory, tenant: Tenant, role: str) -> str:
    """A signed-in session made directly (the sign-in flow itself is tested in test_workspace_auth)."""
    return signed_in_session(sessions, tenant, role)[0]


def signed_in_session(sessions: SessionFactory, tenant: Tenant, role: str) -> tuple[str, str]:
    """(cookie value, csrf token) of a new session of the tenant's staff member `role`."""
    with session_scope(sessions) as s:
        raw, row = start_session(s, tenant.people[role], tenant.association_id)
        return raw, row.csrf_token


def csrf_of(page: str) -> str:
    found = CSRF_TOKEN.search(page)
    assert found, "the page has no csrf_token field"
    return found.group(1)


def signin_link(sink, email: str) -> str:
    """The path of the newest sign-in link mailed to `email`."""
    messages = sink.to(email)
    assert messages, f"no mail to {email}"
    text = messages[-1].get_body(("plain",)).get_content()
    found = LINK.search(text)
    assert found, text
    parts = urlsplit(found.group(1))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def session_count(sessions: SessionFactory, person_id: int) -> int:
    with sessions() as s:
        return len(s.exec(select(StaffSession.id).where(StaffSession.person_id == person_id)).all())


def association_name(sessions: SessionFactory, association_id: int) -> str:
    with sessions() as s:
        return s.get(Association, association_id).name


def add_meeting(sessions: SessionFactory, tenant: Tenant, title: str, days_ahead: int = 30,
                kind: str = "board") -> int:
    """A meeting of the board (or another `kind`, still on the board body) without a workflow (ids random: both
    backends share one Temporal server)."""
    import secrets
    import uuid
    from datetime import timedelta

    from models.tables import Meeting, MeetingKind
    from models.tables.types import utcnow

    starts = utcnow().replace(microsecond=0) + timedelta(days=days_ahead)
    with session_scope(sessions) as s:
        meeting = Meeting(id=10**9 + secrets.randbelow(10**9), association_id=tenant.association_id,
                          body_id=tenant.board_id, kind=MeetingKind(kind), title=title, starts_at=starts,
                          ends_at=starts + timedelta(hours=2), venue_id=tenant.venue_id,
                          ical_uid=f"{uuid.uuid4()}@raadsbode.test")
        s.add(meeting)
        s.flush()
        return meeting.id
