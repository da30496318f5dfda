"""Database work of the ALV activities (synchronous; callers hold the session and commit).

The ALV's audience is every contact person of the member municipalities (the general meeting's
members) plus the board; the secretary is staff and gets the secretary's emails instead.
"""
from __future__ import annotations

import json

from sqlmodel import Session, col, select

from activities.meeting.store import earlier_attempt, get_meeting, person_email, role_holder, subject_ref
from activities.meeting.store import store_minutes as store_minutes_row
from models.tables.alv import AlvDecision, MeetingDetails
from models.messages.alv import AlvInfo, AlvRegistration, AlvRegistrationResult, SubmitDecisions
from models.messages.meeting_info import MeetingInfo
from models.messages.meeting import SubmitMinutes
from models.tables.meetings import Attendance, Meeting, MeetingStatus, Response
from models.tables.minutes import Minutes
from models.tables.org import Body, BodyKind, Membership, MemberRole, Person
from models.tables.types import utcnow
from raadsbode.domain.decisions import OUTCOME_LABELS
from raadsbode.store.audit import record_audit
from raadsbode.store.meetings import attendance, attendance_of, meeting_details

AUDIENCE_ROLES = (MemberRole.chair, MemberRole.deputy_chair, MemberRole.member, MemberRole.advisor)


def bodies(session: Session, meeting: Meeting) -> list[int]:
    """The meeting's own body, then the association's board (whose chair chairs the ALV)."""
    board = session.exec(select(Body.id).where(Body.association_id == meeting.association_id,
                                               Body.kind == BodyKind.board).order_by(Body.id)).first()
    return [meeting.body_id] + ([board] if board and board != meeting.body_id else [])


def contacts_query(body_ids):
    """Everyone with an audience role in these bodies (a list of ids or a subquery), once each, by id."""
    return (select(Person).join(Membership, col(Membership.person_id) == Person.id)
            .where(col(Membership.body_id).in_(body_ids), col(Membership.role).in_(AUDIENCE_ROLES))
            .distinct().order_by(col(Person.id)))


def audience_query(session: Session, meeting: Meeting):
    return contacts_query(bodies(session, meeting))


def audience_batch(session: Session, meeting: Meeting, after_person_id: int, limit: int) -> list[Person]:
    return list(session.exec(audience_query(session, meeting).where(col(Person.id) > after_person_id).limit(limit)).all())


def audience_ids(session: Session, meeting: Meeting) -> list[int]:
    return [p.id for p in session.exec(audience_query(session, meeting)).all()]


def officer(session: Session, meeting: Meeting, role: MemberRole) -> Person | None:
    """The ALV's chair/deputy/secretary: its own body's, else the board's."""
    for body_id in bodies(session, meeting):
        rows = session.exec(select(Membership, Person).join(Person, col(Person.id) == Membership.person_id)
                            .where(Membership.body_id == body_id)).all()
        found = role_holder(list(rows), role)
        if found is not None:
            return found
    return None


def details(session: Session, meeting_id: int) -> MeetingDetails:
    row = meeting_details(session, meeting_id)
    if row is None:
        row = MeetingDetails(meeting_id=meeting_id)
        session.add(row)
        session.flush()
    return row


def load_alv_info(session: Session, meeting_id: int) -> AlvInfo:
    meeting = get_meeting(session, meeting_id)
    body = session.get(Body, meeting.body_id)
    ids = {role: (p.id if (p := officer(session, meeting, role)) else None)
           for role in (MemberRole.chair, MemberRole.deputy_chair, MemberRole.secretary)}
    people = audience_ids(session, meeting)
    names = {str(p.id): p.name for p in (session.get(Person, i) for i in ids.values() if i) if p}
    info = MeetingInfo(
        meeting_id=meeting_id, association_id=meeting.association_id, title=meeting.title,
        starts_at_iso=meeting.starts_at.isoformat(), ends_at_iso=meeting.ends_at.isoformat(),
        ical_sequence=meeting.ical_sequence, policy={}, chair_id=ids[MemberRole.chair],
        deputy_id=ids[MemberRole.deputy_chair], secretary_id=ids[MemberRole.secretary], recipient_ids=people,
        names=names)
    policy = {**json.loads(body.policy_json or "{}"), **json.loads(details(session, meeting_id).policy_json or "{}")}
    return AlvInfo(meeting=info, policy=policy, audience_size=len(people))


def record_registration(session: Session, meeting_id: int, reg: AlvRegistration) -> AlvRegistrationResult:
    meeting = get_meeting(session, meeting_id)
    person = session.get(Person, reg.person_id)
    if person is None or person.id not in audience_ids(session, meeting):
        return AlvRegistrationResult(False, reg.response, "U staat niet op de lijst van genodigden.")
    deputy = None
    if reg.response == Response.represented.value:
        deputy = session.get(Person, reg.represented_by_id) if reg.represented_by_id else None
        if deputy is None or deputy.id == person.id or deputy.municipality_id != person.municipality_id \
                or person.municipality_id is None:
            return AlvRegistrationResult(False, reg.response,
                                         "Kies als vervanger iemand anders van uw eigen gemeente.")
    row = attendance_of(session, meeting_id, person.id)
    row = row or Attendance(meeting_id=meeting_id, person_id=person.id)
    row.response, row.represented_by_id, row.updated_at = Response(reg.response), deputy.id if deputy else None, utcnow()
    row.source = "itip" if reg.source.startswith("itip") else ("link" if reg.token_id else "secretary")
    session.add(row)
    record_audit(session, meeting.association_id, "registration", subject_ref=subject_ref(meeting.id),
                 actor=person.email, detail={"response": reg.response, "represented_by": row.represented_by_id},
                 source=reg.source or "cli")
    return AlvRegistrationResult(True, reg.response, "Uw aanmelding is genoteerd.")


def store_decisions(session: Session, meeting_id: int, submit: SubmitDecisions, key: str = "") -> int:
    """A new decision-list version: a Minutes row (what the sign-off link pages show) plus one row per line.
    A retry of the activity that stored one (same `key`) gets that version back."""
    if (earlier := earlier_attempt(session, get_meeting(session, meeting_id), "minutes-submitted", key)) is not None:
        return earlier["version"]
    lines = [decision_line(e.subject, e.ref, e.title, e.outcome) for e in submit.entries]
    version = store_minutes_row(session, meeting_id, SubmitMinutes(submit.submitted_by_person_id,
                                                                   submit.text or "Besluitenlijst", lines), key)
    for position, e in enumerate(submit.entries, start=1):
        session.add(AlvDecision(meeting_id=meeting_id, version=version, position=position, subject=e.subject,
                                ref=e.ref[:32], title=e.title[:300], outcome=e.outcome, note=e.note[:2000]))
    return version


def decision_line(subject: str, ref: str, title: str, outcome: str) -> str:
    label = f"Motie: {title}" if subject == "motion" else f"{ref}. {title}"
    return f"{label}: {OUTCOME_LABELS.get(outcome, outcome)}"


def publish(session: Session, meeting_id: int, what: str, version: int) -> None:
    """The public page shows this agenda (with the convocation) or decision list (once signed off)."""
    meeting = get_meeting(session, meeting_id)
    row = details(session, meeting_id)
    if what == "agenda":
        row.published_agenda_version = max(row.published_agenda_version, version)
        meeting.status = MeetingStatus.convened if meeting.status == MeetingStatus.planned else meeting.status
    else:
        row.published_decisions_version = max(row.published_decisions_version, version)
        minutes = session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id, Minutes.version == version)).one()
        minutes.approved_at = minutes.approved_at or utcnow()
        session.add(minutes)
        meeting.status = MeetingStatus.closed
    session.add_all([row, meeting])
    record_audit(session, meeting.association_id, f"published-{what}", subject_ref=subject_ref(meeting.id),
                 detail={"version": version}, source="workflow")


def attendance_by_person(session: Session, meeting_id: int) -> dict[int, Attendance]:
    return {row.person_id: row for row in attendance(session, meeting_id)}


__all__ = ["audience_batch", "load_alv_info", "person_email", "publish", "record_registration", "store_decisions"]
