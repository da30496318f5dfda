"""Read-only database look-ups behind the link pages (a GET must never write, so nothing here does)."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func
from starlette.concurrency import run_in_threadpool
from sqlmodel import Session, select

from models.tables.ledger import ActionToken
from models.tables.meetings import AgendaItem, AgendaVersion, Attendance, Meeting, MeetingStatus
from models.tables.minutes import Minutes
from models.tables.org import Association, Body, Person, Venue
from models.tables.types import utcnow
from raadsbode.store.tokens import TokenGrant, as_grant, hash_token
from web.links.changes import Standing
from raadsbode.domain.vocabulary import SIGNOFF_PURPOSES, TokenPurpose

T = TypeVar("T")


def _then_release(session: Session, fn: Callable[..., T], *args: Any) -> T:
    try:
        return fn(session, *args)
    finally:
        session.close()  # the connection goes back to the pool; the session may be used again


async def off_loop(session: Session, fn: Callable[..., T], *args: Any) -> T:
    """Run blocking DB reads in a thread and give the connection back at once.

    An async handler that then awaits a workflow update must hold no pooled connection meanwhile,
    and must never block the event loop waiting for one: with many concurrent POSTs that deadlocks
    the loop that is to receive the update results.
    """
    return await run_in_threadpool(_then_release, session, fn, *args)


async def read_only(session: Session, fn: Callable[..., T], *args: Any) -> T:
    """`off_loop` for look-ups that never write, as behind the link pages every member opens after a mailing.

    On SQLite they run on the loop: in WAL mode a reader never waits for a writer, and the work is CPU under
    the GIL either way, so a thread hop only adds its hand-off (measured: ~15 % of a link page's CPU). A
    network database waits on I/O, so there they go to a thread like any other DB work.
    """
    if session.get_bind().dialect.name == "sqlite":
        return _then_release(session, fn, *args)
    return await off_loop(session, fn, *args)


@dataclass(frozen=True)
class MeetingFacts:
    """What every link page shows about the meeting."""

    meeting_id: int
    association_id: int
    association_name: str
    body_name: str
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    status: str


def meeting_id_of(subject_ref: str) -> int | None:
    prefix, _, number = subject_ref.partition("-")
    return int(number) if prefix == "meeting" and number.isdigit() else None


def meeting_for_grant(session: Session, grant: TokenGrant) -> Meeting | None:
    """The token's meeting, only when meeting and person belong to the token's own association."""
    meeting_id = meeting_id_of(grant.subject_ref)
    meeting = session.get(Meeting, meeting_id) if meeting_id else None
    if meeting is None or meeting.association_id != grant.association_id:
        return None
    # Every link is personal: a token without a person of the same association is not ours.
    person = session.get(Person, grant.person_id) if grant.person_id is not None else None
    if person is None or person.association_id != grant.association_id:
        return None
    return meeting


def link_context(session: Session, grant: TokenGrant) -> tuple[MeetingFacts, str] | None:
    """The token's meeting and its holder's name in one query (a link page is opened by every member at once
    after a mailing); None unless meeting and person both belong to the token's own association."""
    meeting_id = meeting_id_of(grant.subject_ref)
    if meeting_id is None or grant.person_id is None:
        return None
    row = session.exec(
        select(Meeting.id, Meeting.association_id, Association.name, Body.name, Meeting.title, Meeting.starts_at,
               Meeting.ends_at, Venue.name, Venue.address, Meeting.status, Person.name)
        .join(Association, Association.id == Meeting.association_id)
        .join(Body, Body.id == Meeting.body_id)
        .outerjoin(Venue, Venue.id == Meeting.venue_id)
        .join(Person, (Person.id == grant.person_id) & (Person.association_id == Meeting.association_id))
        .where(Meeting.id == meeting_id, Meeting.association_id == grant.association_id)).first()
    if row is None:
        return None
    (mid, association_id, association, body, title, starts_at, ends_at, venue, address, status, person) = row
    venue_text = ", ".join(part for part in (venue, address) if part)
    return MeetingFacts(mid, association_id, association, body, title, starts_at, ends_at, venue_text, str(status)), person


def meeting_facts(session: Session, meeting: Meeting) -> MeetingFacts:
    association = session.get(Association, meeting.association_id)
    body = session.get(Body, meeting.body_id)
    venue = session.get(Venue, meeting.venue_id) if meeting.venue_id else None
    venue_text = ", ".join(part for part in (venue.name, venue.address) if part) if venue else ""
    return MeetingFacts(meeting.id, meeting.association_id, association.name if association else "",
                        body.name if body else "", meeting.title, meeting.starts_at, meeting.ends_at,
                        venue_text, str(meeting.status))


def agenda_items(session: Session, meeting_id: int, version: int) -> list[AgendaItem]:
    """The items of one agenda version (none when that version does not exist)."""
    return list(session.exec(select(AgendaItem)
                             .join(AgendaVersion, AgendaVersion.id == AgendaItem.agenda_version_id)
                             .where(AgendaVersion.meeting_id == meeting_id, AgendaVersion.version == version)
                             .order_by(AgendaItem.position)).all())


def documents_of(item: AgendaItem) -> list[dict[str, str]]:
    try:
        return [d for d in json.loads(item.documents_json or "[]") if isinstance(d, dict)]
    except ValueError:
        return []


def latest_version(session: Session, purpose: str, meeting_id: int) -> int:
    """The newest agenda (or minutes) version of the meeting; 0 when there is none."""
    table = Minutes if purpose.startswith("minutes") else AgendaVersion
    newest = session.exec(select(func.max(table.version)).where(table.meeting_id == meeting_id)).first()
    return newest or 0


def minutes_version(session: Session, meeting_id: int, version: int | None = None) -> Minutes | None:
    query = select(Minutes).where(Minutes.meeting_id == meeting_id)
    if version is not None:
        query = query.where(Minutes.version == version)
    return session.exec(query.order_by(Minutes.version.desc())).first()  # type: ignore[union-attr]


def decisions_of(minutes: Minutes) -> list[str]:
    try:
        return [str(d) for d in json.loads(minutes.decisions_json or "[]")]
    except ValueError:
        return []


def current_response(session: Session, meeting_id: int, person_id: int | None) -> str:
    row = session.exec(select(Attendance).where(
        Attendance.meeting_id == meeting_id, Attendance.person_id == person_id)).first()
    return str(row.response) if row else "none"


def current_standing(session: Session, meeting_id: int, person_id: int | None) -> Standing:
    """The stored answer and when it last changed (web/links/changes.py: an RSVP that changes nothing sends no update)."""
    row = session.exec(select(Attendance).where(
        Attendance.meeting_id == meeting_id, Attendance.person_id == person_id)).first()
    return Standing(str(row.response), row.updated_at) if row else Standing()


def _row_by_raw_token(session: Session, raw: str) -> ActionToken | None:
    if not raw or len(raw) > 200:
        return None
    return session.exec(select(ActionToken).where(ActionToken.token_hash == hash_token(raw))).first()


def superseded_grant(session: Session, raw: str) -> tuple[TokenGrant, Meeting] | None:
    """A sign-off link voided because a newer version exists: its holder gets a polite page, not a 404.

    Only a real, unexpired token of the holder's own meeting qualifies, so this tells a guesser nothing.
    """
    row = _row_by_raw_token(session, raw)
    if row is None or row.purpose not in SIGNOFF_PURPOSES or not row.revoked or row.expires_at <= utcnow():
        return None
    grant = as_grant(row)
    meeting = meeting_for_grant(session, grant)
    if meeting is None or latest_version(session, grant.purpose, meeting.id) <= grant.version:
        return None
    return grant, meeting


def closed_rsvp_meeting(session: Session, raw: str) -> Meeting | None:
    """A registration link after the meeting started: the page says registration is closed."""
    row = _row_by_raw_token(session, raw)
    if row is None or row.purpose != TokenPurpose.rsvp or row.revoked:
        return None
    meeting = meeting_for_grant(session, as_grant(row))
    if meeting is not None and (meeting.starts_at <= utcnow() or meeting.status == MeetingStatus.cancelled):
        return meeting
    return None
