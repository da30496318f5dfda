"""Looking up the ALV's personal links (motion-submit, alv-registration) for the web pages. Read-only."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from activities.alv.store import audience_ids
from models.tables.meetings import Attendance, Meeting, MeetingStatus
from models.tables.org import Person
from raadsbode.store.tokens import TokenGrant, TokenRefused, look_up
from web.links.data import MeetingFacts, meeting_facts, meeting_for_grant
from raadsbode.store.meetings import attendance_of


@dataclass(frozen=True)
class AlvLink:
    raw: str
    grant: TokenGrant
    meeting: Meeting
    facts: MeetingFacts
    person: Person


def resolve_alv_link(session: Session, raw: str, purpose: str) -> AlvLink | None:
    """The link with its meeting and person, or None for every kind of unusable link (no oracle)."""
    try:
        grant = look_up(session, raw, {purpose})
    except TokenRefused:
        return None
    meeting = meeting_for_grant(session, grant)
    if meeting is None or meeting.status == MeetingStatus.cancelled:
        return None
    person = session.get(Person, grant.person_id)
    return AlvLink(raw, grant, meeting, meeting_facts(session, meeting), person)


def colleagues(session: Session, link: AlvLink) -> list[Person]:
    """Who may represent this person: invited people of the same municipality."""
    if link.person.municipality_id is None:
        return []
    invited = set(audience_ids(session, link.meeting))
    people = session.exec(select(Person).where(Person.municipality_id == link.person.municipality_id,
                                               Person.id != link.person.id).order_by(col(Person.name))).all()
    return [p for p in people if p.id in invited]


def current_registration(session: Session, meeting_id: int, person_id: int) -> Attendance | None:
    return attendance_of(session, meeting_id, person_id)
