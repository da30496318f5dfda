"""Database work of the meeting activities (synchronous; the activities run it in a thread).

Each function takes an open session and leaves committing to the caller (activities use session_scope).
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from models.tables.ledger import ActionToken, AuditEvent
from models.messages.meeting_info import MeetingInfo
from models.messages.meeting import Reschedule, RsvpInput, SubmitAgenda, SubmitMinutes
from models.tables.meetings import AgendaItem, AgendaVersion, Attendance, Meeting, MeetingStatus, Response
from models.tables.minutes import Minutes
from models.tables.org import Body, Membership, MemberRole, Person, Venue
from models.tables.types import utcnow
from raadsbode.store import tokens
from raadsbode.domain.vocabulary import TokenPurpose
from raadsbode.store.audit import record_audit
from raadsbode.store.meetings import attendance_of, subject_ref

RECIPIENT_ROLES = (MemberRole.chair, MemberRole.deputy_chair, MemberRole.member, MemberRole.advisor)
ROLE_ORDER = {role: index for index, role in enumerate(RECIPIENT_ROLES)}
# Tokens that stop working at the meeting's start (and move with it).
UNTIL_START = (TokenPurpose.agenda_draft, TokenPurpose.agenda_signoff, TokenPurpose.rsvp, TokenPurpose.alv_registration,
               TokenPurpose.motion_submit)  # moved with the meeting


class NotFound(LookupError):
    pass


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"meeting {meeting_id} does not exist")
    return meeting


def board(session: Session, body_id: int) -> list[tuple[Membership, Person]]:
    """Everyone with a role in the body: chair first, then deputy, members, advisors, secretary."""
    rows = session.exec(select(Membership, Person).join(Person, col(Person.id) == Membership.person_id)
                        .where(Membership.body_id == body_id)).all()
    return sorted(rows, key=lambda row: (ROLE_ORDER.get(row[0].role, 9), row[1].name))


def role_holder(members: list[tuple[Membership, Person]], role: MemberRole) -> Person | None:
    return next((person for membership, person in members if membership.role == role), None)


def recipients(members: list[tuple[Membership, Person]]) -> list[Person]:
    """Who gets the convocation: board members and advisors (the secretary is staff)."""
    return [person for membership, person in members if membership.role in RECIPIENT_ROLES]


def load_info(session: Session, meeting_id: int) -> MeetingInfo:
    meeting = get_meeting(session, meeting_id)
    body = session.get(Body, meeting.body_id)
    members = board(session, meeting.body_id)
    policy = {**json.loads(body.policy_json or "{}"), **json.loads(meeting.policy_json or "{}")} if body else {}
    ids = {role: (p.id if (p := role_holder(members, role)) else None)
           for role in (MemberRole.chair, MemberRole.deputy_chair, MemberRole.secretary)}
    return MeetingInfo(
        meeting_id=meeting_id, association_id=meeting.association_id, title=meeting.title,
        starts_at_iso=meeting.starts_at.isoformat(), ends_at_iso=meeting.ends_at.isoformat(),
        ical_sequence=meeting.ical_sequence, policy=policy, chair_id=ids[MemberRole.chair],
        deputy_id=ids[MemberRole.deputy_chair], secretary_id=ids[MemberRole.secretary],
        recipient_ids=[p.id for p in recipients(members)], names={str(p.id): p.name for _, p in members},
    )


def earlier_attempt(session: Session, meeting: Meeting, action: str, key: str) -> dict | None:
    """What an earlier attempt of the same activity committed: the detail of its audit event, whose source
    is the attempt key (workflow run and activity id, the same on every retry). None when there is none."""
    if not key:
        return None
    detail = session.exec(select(AuditEvent.detail_json).where(  # association_id: the indexed column
        AuditEvent.association_id == meeting.association_id, AuditEvent.subject_ref == subject_ref(meeting.id),
        AuditEvent.action == action, AuditEvent.source == key)).first()
    return json.loads(detail) if detail is not None else None


def person_email(session: Session, person_id: int | None) -> str:
    person = session.get(Person, person_id) if person_id else None
    return person.email if person else ""


def store_agenda(session: Session, meeting_id: int, submit: SubmitAgenda, key: str = "") -> int:
    """A new agenda version; a retry of the activity that stored one (same `key`) gets that version back."""
    meeting = get_meeting(session, meeting_id)
    if (earlier := earlier_attempt(session, meeting, "agenda-submitted", key)) is not None:
        return earlier["version"]
    latest = session.exec(select(func.max(AgendaVersion.version)).where(AgendaVersion.meeting_id == meeting_id)).one()
    version = (latest or 0) + 1
    row = AgendaVersion(meeting_id=meeting_id, version=version, submitted_by_id=submit.submitted_by_person_id,
                        note=submit.note)
    session.add(row)
    session.flush()
    for position, item in enumerate(submit.items, start=1):
        session.add(AgendaItem(agenda_version_id=row.id, position=position, number=item.number.strip(),
                               title=item.title.strip(), kind=item.kind, presenter=item.presenter.strip(),
                               documents_json=json.dumps(item.documents)))
    # Links to sign an older version must stop working the moment a new one exists.
    tokens.revoke(session, subject_ref(meeting_id), TokenPurpose.agenda_signoff, below_version=version)
    record_audit(session, meeting.association_id, "agenda-submitted", subject_ref=subject_ref(meeting.id),
                 actor=person_email(session, submit.submitted_by_person_id),
                 detail={"version": version, "items": len(submit.items)}, source=key or "workflow")
    return version


def store_minutes(session: Session, meeting_id: int, submit: SubmitMinutes, key: str = "") -> int:
    """A new minutes version; a retry of the activity that stored one (same `key`) gets that version back."""
    meeting = get_meeting(session, meeting_id)
    if (earlier := earlier_attempt(session, meeting, "minutes-submitted", key)) is not None:
        return earlier["version"]
    latest = session.exec(select(func.max(Minutes.version)).where(Minutes.meeting_id == meeting_id)).one()
    version = (latest or 0) + 1
    session.add(Minutes(meeting_id=meeting_id, version=version, text=submit.minutes_text,
                        decisions_json=json.dumps(submit.decisions), submitted_by=submit.submitted_by_person_id))
    tokens.revoke(session, subject_ref(meeting_id), TokenPurpose.minutes_signoff, below_version=version)
    record_audit(session, meeting.association_id, "minutes-submitted", subject_ref=subject_ref(meeting.id),
                 actor=person_email(session, submit.submitted_by_person_id), detail={"version": version},
                 source=key or "workflow")
    return version


def record_rsvp(session: Session, meeting_id: int, rsvp: RsvpInput) -> None:
    meeting = get_meeting(session, meeting_id)
    row = attendance_of(session, meeting_id, rsvp.person_id)
    row = row or Attendance(meeting_id=meeting_id, person_id=rsvp.person_id)
    row.response, row.updated_at = Response(rsvp.response), utcnow()
    row.source = _rsvp_source(rsvp)
    session.add(row)
    source = f"token {rsvp.token_id} from {rsvp.source}" if rsvp.token_id else (rsvp.source or "cli")
    record_audit(session, meeting.association_id, "rsvp", subject_ref=subject_ref(meeting.id),
                 actor=person_email(session, rsvp.person_id), detail={"response": rsvp.response}, source=source)


def _rsvp_source(rsvp: RsvpInput) -> str:
    """link, itip (a calendar reply read from the inbox: RsvpInput.source "itip <message>") or secretary."""
    if rsvp.token_id:
        return "link"
    return "itip" if rsvp.source.startswith("itip") else "secretary"


def reschedule(session: Session, meeting_id: int, change: Reschedule, key: str = "") -> Meeting | str:
    """Move the meeting (new SEQUENCE); returns the meeting, or a Dutch reason why not. A retry of the
    activity that moved it (same `key`) moves nothing again."""
    meeting = get_meeting(session, meeting_id)
    if earlier_attempt(session, meeting, "rescheduled", key) is not None:
        return meeting
    if change.venue_id is not None:
        venue = session.get(Venue, change.venue_id)
        if venue is None or venue.association_id != meeting.association_id:
            return "Onbekende vergaderlocatie voor deze vereniging."
        meeting.venue_id = change.venue_id
    meeting.starts_at = datetime.fromisoformat(change.starts_at_iso)
    meeting.ends_at = datetime.fromisoformat(change.ends_at_iso)
    meeting.ical_sequence += 1
    session.add(meeting)
    session.execute(update(ActionToken).where(
        ActionToken.subject_ref == subject_ref(meeting_id), col(ActionToken.purpose).in_(UNTIL_START),
        col(ActionToken.used_at).is_(None), ActionToken.revoked == False,  # noqa: E712
    ).values(expires_at=meeting.starts_at))
    record_audit(session, meeting.association_id, "rescheduled", subject_ref=subject_ref(meeting.id),
                 detail={"starts_at": change.starts_at_iso, "venue_id": meeting.venue_id,
                         "sequence": meeting.ical_sequence, "reason": change.reason},
                 source=key or "workflow")
    return meeting


def cancel(session: Session, meeting_id: int, reason: str) -> int:
    """Mark cancelled, void every link of the meeting; returns the new SEQUENCE for the CANCEL. The
    workflow cancels once, so a meeting found cancelled is a retry of this activity: nothing again."""
    meeting = get_meeting(session, meeting_id)
    if meeting.status == MeetingStatus.cancelled:
        return meeting.ical_sequence
    meeting.status = MeetingStatus.cancelled
    meeting.ical_sequence += 1
    session.add(meeting)
    session.execute(update(ActionToken).where(ActionToken.subject_ref == subject_ref(meeting_id)).values(revoked=True))
    record_audit(session, meeting.association_id, "cancelled", subject_ref=subject_ref(meeting.id),
                 detail={"reason": reason, "sequence": meeting.ical_sequence}, source="workflow")
    return meeting.ical_sequence


def set_status(session: Session, meeting_id: int, status: str) -> None:
    meeting = get_meeting(session, meeting_id)
    meeting.status = MeetingStatus(status)
    session.add(meeting)
    record_audit(session, meeting.association_id, f"status-{status}", subject_ref=subject_ref(meeting.id),
                 source="workflow")


def approve_minutes(session: Session, meeting_id: int, version: int) -> Minutes:
    minutes = session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id, Minutes.version == version)).one()
    if minutes.approved_at is None:
        minutes.approved_at = utcnow()
        session.add(minutes)
    set_status(session, meeting_id, MeetingStatus.closed.value)
    return minutes
