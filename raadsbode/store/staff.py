"""Staff roles and staff sessions: who may use the web workspace of an association, and who is signed in.

The session cookie carries a random id; the database keeps only its SHA-256 (like action tokens), so a
leaked database does not sign anyone in.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from models.tables.org import Association, Person, normalise_email
from models.tables.staff import StaffRole, StaffRoleName, StaffSession
from models.tables.types import utcnow
from raadsbode.store.associations import AssociationError, email_problem
from raadsbode.store.people import upsert_person
from raadsbode.store.tokens import hash_token

SESSION_LIFETIME = timedelta(hours=12)  # signed in for a working day at most
IDLE_TIMEOUT = timedelta(hours=2)  # a forgotten browser does not stay signed in
LAST_SEEN_GRANULARITY = timedelta(minutes=5)  # write last_seen at most this often
ROLE_NAMES = tuple(role.value for role in StaffRoleName)


class StaffError(AssociationError):
    """A problem a person can fix; the message is Dutch and meant to be shown as it is."""


@dataclass(frozen=True)
class StaffMember:
    """A person with a staff role in an association: the addressee of a sign-in link."""

    person_id: int
    person_name: str
    email: str
    association_id: int
    association_name: str


def effective_roles(roles: frozenset[str] | set[str]) -> frozenset[str]:
    """Admin implies secretary and editor."""
    roles = frozenset(roles)
    return roles | {"secretary", "editor"} if "admin" in roles else roles


def roles_of(session: Session, association_id: int, person_id: int) -> frozenset[str]:
    rows = session.exec(select(StaffRole.role).where(
        StaffRole.association_id == association_id, StaffRole.person_id == person_id)).all()
    return frozenset(str(role) for role in rows)


def add_staff(session: Session, association_id: int, email: str, role: str, name: str = "") -> StaffRole:
    """Give a person (created when `name` is given and none has this email) a role; idempotent. Caller commits."""
    _check_role(role)
    email = normalise_email(email)
    problem = email_problem(email)
    if problem:
        raise StaffError(f"E-mailadres: {problem}.")
    person = session.exec(select(Person).where(Person.association_id == association_id, Person.email == email)).first()
    if person is None:
        if not name.strip():
            raise StaffError(f"Er is geen persoon met e-mailadres {email}; geef ook een naam op.")
        person, _ = upsert_person(session, association_id, None, name.strip()[:200], email, None)
    existing = session.exec(select(StaffRole).where(
        StaffRole.association_id == association_id, StaffRole.person_id == person.id, StaffRole.role == role)).first()
    if existing is not None:
        return existing
    staff_role = StaffRole(association_id=association_id, person_id=person.id, role=StaffRoleName(role))
    session.add(staff_role)
    session.flush()
    return staff_role


def _check_role(role: str) -> None:
    if role not in ROLE_NAMES:
        raise StaffError(f"Onbekende rol '{role}' (kies uit {', '.join(ROLE_NAMES)}).")


def remove_staff(session: Session, association_id: int, person_id: int, role: str | None = None) -> int:
    """Take one role (or all roles) away and end the person's sessions there. Caller commits."""
    if role is not None:
        _check_role(role)
    query = delete(StaffRole).where(StaffRole.association_id == association_id, StaffRole.person_id == person_id)
    if role is not None:
        query = query.where(StaffRole.role == role)
    removed = session.execute(query).rowcount
    if not roles_of(session, association_id, person_id):
        end_sessions_of(session, association_id, person_id)
    return removed


def staff_by_email(session: Session, email: str) -> list[StaffMember]:
    """Every association in which this address belongs to someone with a staff role."""
    rows = session.exec(
        select(Person, Association).join(Association, Association.id == Person.association_id)
        .where(Person.email == normalise_email(email))
        .where(Person.id.in_(select(StaffRole.person_id).where(  # type: ignore[union-attr]
            StaffRole.association_id == Person.association_id)))
        .order_by(Association.name)
    ).all()
    return [StaffMember(p.id, p.name, p.email, a.id, a.name) for p, a in rows]


def start_session(session: Session, person_id: int, association_id: int, now: datetime | None = None) -> tuple[str, StaffSession]:
    """A new signed-in session: (raw cookie value, row). Caller commits."""
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    row = StaffSession(session_hash=hash_token(raw), person_id=person_id, association_id=association_id,
                       csrf_token=secrets.token_urlsafe(32), created_at=now, expires_at=now + SESSION_LIFETIME,
                       last_seen_at=now)
    session.add(row)
    session.flush()
    return raw, row


def find_session(session: Session, raw: str, now: datetime | None = None) -> StaffSession | None:
    """The live session of this cookie value (touching last_seen now and then), or None. Caller commits."""
    if not raw or len(raw) > 200:
        return None
    now = now or utcnow()
    row = session.exec(select(StaffSession).where(StaffSession.session_hash == hash_token(raw))).first()
    if row is None or row.expires_at <= now or row.last_seen_at + IDLE_TIMEOUT <= now:
        return None
    if now - row.last_seen_at >= LAST_SEEN_GRANULARITY:
        row.last_seen_at = now
        session.add(row)
    return row


def end_session(session: Session, raw: str) -> None:
    """Sign out: the row goes, so the cookie is worthless even if it was copied. Caller commits."""
    session.execute(delete(StaffSession).where(StaffSession.session_hash == hash_token(raw or "")))


def end_sessions_of(session: Session, association_id: int, person_id: int) -> None:
    session.execute(delete(StaffSession).where(
        StaffSession.association_id == association_id, StaffSession.person_id == person_id))


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Delete sessions past their lifetime or idle timeout. Caller commits."""
    now = now or utcnow()
    return session.execute(delete(StaffSession).where(
        (StaffSession.expires_at <= now) | (StaffSession.last_seen_at <= now - IDLE_TIMEOUT))).rowcount
