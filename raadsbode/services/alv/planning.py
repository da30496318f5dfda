"""The association's year planning (jaarplanning) of ALVs and how a firing of the yearly cycle picks
the next ALV from it: the earliest planned date still ahead, else a default (the second Thursday of
June or November at 19:30, at the association's first venue). Creating it is idempotent: the same
firing twice, or a spring firing and a manual trigger, give one meeting."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.tables.alv import PlanningEntry
from models.messages.alv import PlannedAlv
from models.tables.meetings import Meeting
from models.tables.org import Association, Body, BodyKind, Venue
from raadsbode.services.alv.actions import create_alv
from raadsbode.domain.alv_policy import AlvPolicy
from raadsbode.store.associations import body_of_kind
from raadsbode.services.meeting.actions import MeetingError

DEFAULT_MONTHS = (6, 11)  # spring ALV in June, autumn ALV in November
DEFAULT_WEEKDAY, DEFAULT_WEEK = 3, 2  # the second Thursday (Monday is 0)
DEFAULT_START, DEFAULT_LENGTH = time(19, 30), timedelta(hours=2)


def nth_weekday(year: int, month: int, weekday: int = DEFAULT_WEEKDAY, week: int = DEFAULT_WEEK) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


def default_alv_start(after: datetime, tz: str = "Europe/Amsterdam") -> datetime:
    """The first default ALV moment (2nd Thursday of June / November, 19:30 local) after `after`."""
    zone = ZoneInfo(tz)
    for year in (after.year, after.year + 1):
        for month in DEFAULT_MONTHS:
            moment = datetime.combine(nth_weekday(year, month), DEFAULT_START, tzinfo=zone)
            if moment > after:
                return moment
    raise AssertionError("unreachable: a default date always follows within a year")


def add_planning_entry(session: Session, association_id: int, starts_at: datetime, ends_at: datetime,
                       venue_id: int | None = None, title: str = "") -> PlanningEntry:
    """One planned ALV in the year planning. Caller commits."""
    if starts_at.tzinfo is None or ends_at <= starts_at:
        raise MeetingError("Geef een begintijd met tijdzone en een eindtijd na de begintijd.")
    if venue_id is not None and (v := session.get(Venue, venue_id)) is not None and v.association_id != association_id:
        raise MeetingError("Onbekende vergaderlocatie voor deze vereniging.")
    entry = PlanningEntry(association_id=association_id, kind="alv", title=title.strip()[:300],
                          starts_at=starts_at, ends_at=ends_at, venue_id=venue_id)
    session.add(entry)
    session.flush()
    return entry


def planned_alvs(session: Session, association_id: int, after: datetime | None = None) -> list[PlanningEntry]:
    query = select(PlanningEntry).where(PlanningEntry.association_id == association_id, PlanningEntry.kind == "alv")
    if after is not None:
        query = query.where(col(PlanningEntry.starts_at) > after)
    return list(session.exec(query.order_by(col(PlanningEntry.starts_at), col(PlanningEntry.id))).all())


def first_venue(session: Session, association_id: int) -> int | None:
    return session.exec(select(Venue.id).where(Venue.association_id == association_id).order_by(col(Venue.id))).first()


def plan_next_alv(session: Session, association_id: int, fired_at: datetime, policy: dict[str, str]) -> PlannedAlv:
    """Create (or find) the next ALV for a firing of the cycle. Caller commits."""
    association = session.get(Association, association_id)
    if association is None:
        raise MeetingError(f"Onbekende vereniging {association_id}.")
    upcoming = planned_alvs(session, association_id, after=fired_at)
    if upcoming:
        return _from_planning(session, upcoming[0], policy)
    # Without a planned date, leave at least the notice period so the convocation can be on time.
    lead = _policy(session, association_id, policy).convocation_before
    starts = default_alv_start(fired_at + lead, association.timezone or "Europe/Amsterdam")
    return _create(session, association_id, starts, starts + DEFAULT_LENGTH, first_venue(session, association_id),
                   "", policy, "default")


def _from_planning(session: Session, entry: PlanningEntry, policy: dict[str, str]) -> PlannedAlv:
    if entry.meeting_id is not None and (meeting := session.get(Meeting, entry.meeting_id)) is not None:
        return PlannedAlv(meeting.id, meeting.starts_at.isoformat(), False, "planning")
    venue = entry.venue_id if entry.venue_id is not None else first_venue(session, entry.association_id)
    planned = _create(session, entry.association_id, entry.starts_at, entry.ends_at, venue, entry.title, policy, "planning")
    entry.meeting_id = planned.meeting_id
    session.add(entry)
    return planned


def _create(session: Session, association_id: int, starts: datetime, ends: datetime, venue_id: int | None,
            title: str, policy: dict[str, str], source: str) -> PlannedAlv:
    before = _existing_ids(session, association_id)
    meeting = create_alv(session, association_id=association_id, starts_at=starts, ends_at=ends, venue_id=venue_id,
                         title=title, policy=policy)
    return PlannedAlv(meeting.id, meeting.starts_at.isoformat(), meeting.id not in before, source)


def _existing_ids(session: Session, association_id: int) -> set[int]:
    body = body_of_kind(session, association_id, BodyKind.general_meeting)
    return set(session.exec(select(Meeting.id).where(Meeting.body_id == body.id)).all())


def _policy(session: Session, association_id: int, policy: dict[str, str]) -> AlvPolicy:
    body: Body = body_of_kind(session, association_id, BodyKind.general_meeting)
    return AlvPolicy.from_layers(json.loads(body.policy_json or "{}"), policy, strict_last=False)
