"""Read-only look-ups behind the workspace's meeting pages: the list, a meeting's timeline (what happened,
from the ledger and the audit log; what is planned, from its policy), attendance, minutes, agenda versions."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from activities.meeting.store import board, recipients, subject_ref
from models.tables.ledger import AuditEvent, OutboundMessage, SendStatus
from models.tables.meetings import AgendaVersion, Meeting, MeetingKind
from models.tables.minutes import Minutes
from models.tables.org import Body, BodyKind, Person, Venue
from models.tables.types import utcnow
from web.common.audit_labels import RESPONSE_LABELS, audit_action_label
from raadsbode.domain.policy import MeetingPolicy
from raadsbode.store import meetings as meeting_store

KIND_LABELS = {"board": "Bestuursvergadering", "alv": "ALV", "extra_alv": "Extra ALV", "network": "Netwerkbijeenkomst",
               "committee": "Commissie"}
STATUS_LABELS = {"planned": "gepland", "convened": "uitgenodigd", "cancelled": "geannuleerd", "held": "gehouden",
                 "closed": "afgerond"}
MAIL_LABELS = {
    "meeting-agenda-request": "Verzoek om de agenda naar de secretaris",
    "agenda-signoff-request": "Agenda ter ondertekening verstuurd", "agenda-signoff-reminder": "Herinnering ondertekening agenda",
    "agenda-signoff-confirmation": "Bevestiging ondertekening agenda", "agenda-signoff-changes": "Wijzigingen in de agenda gevraagd",
    "meeting-convocation": "Uitnodiging met agenda verstuurd", "meeting-amended-agenda": "Gewijzigde agenda verstuurd",
    "meeting-update": "Wijziging van tijd of plaats verstuurd", "meeting-cancel": "Annulering verstuurd",
    "meeting-notice-missed": "Melding: oproeptermijn niet gehaald",
    "meeting-attendance-overview": "Aanwezigheidsoverzicht naar de secretaris",
    "meeting-reminder": "Herinnering naar wie aanwezig is", "meeting-minutes-request": "Verzoek om het verslag",
    "minutes-signoff-request": "Verslag ter ondertekening verstuurd", "minutes-signoff-reminder": "Herinnering ondertekening verslag",
    "meeting-minutes": "Vastgesteld verslag verstuurd",
}
# Meetings of a body run by MeetingWorkflow: their moments and invitees come from the body and its policy.
BOARD_STYLE = (MeetingKind.board, MeetingKind.committee)
# Policy durations before the start, and what happens then.
PLANNED = (("agenda_request_before", "Verzoek om de agenda"), ("convocation_before", "Uitnodiging uiterlijk (oproeptermijn)"),
           ("attendance_overview_before", "Aanwezigheidsoverzicht"), ("reminder_before", "Herinnering aan de aanwezigen"))


@dataclass(frozen=True)
class Step:
    at: datetime
    label: str
    detail: str = ""


def meetings_query(association_id: int, show: str):  # a SQLModel select
    query = (select(Meeting, Body.name, Venue.name).join(Body, Body.id == Meeting.body_id)
             .outerjoin(Venue, Venue.id == Meeting.venue_id).where(Meeting.association_id == association_id))
    if show == "komend":
        query = query.where(col(Meeting.ends_at) >= utcnow()).order_by(col(Meeting.starts_at), col(Meeting.id))
    else:
        query = query.order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc())
    return query


def _mail_label(kind: str) -> str:
    if "-resend-v" in kind:
        return "Ondertekenlink opnieuw verstuurd"
    return MAIL_LABELS.get(kind, kind.replace("-", " "))


def past_steps(session: Session, meeting_id: int) -> list[Step]:
    """Every email kind sent (first time, how many) and every audit event, oldest first."""
    ref = subject_ref(meeting_id)
    mails = session.exec(select(OutboundMessage.kind, func.min(OutboundMessage.sent_at), func.count())
                         .where(OutboundMessage.subject_ref == ref, OutboundMessage.status == SendStatus.sent)
                         .group_by(OutboundMessage.kind)).all()
    steps = [Step(at, _mail_label(kind), f"{count} e-mail{'s' if count != 1 else ''}") for kind, at, count in mails if at]
    events = session.exec(select(AuditEvent).where(AuditEvent.subject_ref == ref)
                          .order_by(col(AuditEvent.at)).limit(200)).all()
    steps += [Step(e.at, audit_action_label(e.action).capitalize(), e.actor) for e in events]
    return sorted(steps, key=lambda step: step.at)


def planned_steps(session: Session, meeting: Meeting) -> list[Step]:
    """A board or committee meeting's fixed moments from its policy (other kinds: just the start)."""
    steps = [Step(meeting.starts_at, "Aanvang van de vergadering")]
    if meeting.kind not in BOARD_STYLE:
        return steps
    body = session.get(Body, meeting.body_id)
    policy = MeetingPolicy.from_overrides(json.loads(body.policy_json or "{}") if body else {},
                                          json.loads(meeting.policy_json or "{}"))
    steps += [Step(meeting.starts_at - getattr(policy, name), label) for name, label in PLANNED]
    steps.append(Step(meeting.ends_at + policy.minutes_request_after, "Verzoek om het verslag"))
    return sorted(steps, key=lambda step: step.at)


def attendance(session: Session, meeting: Meeting) -> list[dict]:
    """Everyone invited (board and committee meetings: the body's recipients) or who answered, with their answer."""
    answers = {a.person_id: a for a in meeting_store.attendance(session, meeting.id)}
    people = recipients(board(session, meeting.body_id)) if meeting.kind in BOARD_STYLE else []
    known = {p.id for p in people}
    people += [p for p in session.exec(select(Person).where(col(Person.id).in_(list(answers)))).all() if p.id not in known]
    rows = []
    for person in people:
        answer = answers.get(person.id)
        response = str(answer.response) if answer else "none"
        rows.append({"name": person.name, "response": RESPONSE_LABELS.get(response, response),
                     "source": answer.source if answer else "", "at": answer.updated_at if answer else None})
    return rows


def minutes_versions(session: Session, meeting_id: int) -> list[dict]:
    rows = session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id).order_by(col(Minutes.version).desc())).all()
    return [{"version": m.version, "text": m.text, "decisions": json.loads(m.decisions_json or "[]"),
             "created_at": m.created_at, "approved_at": m.approved_at} for m in rows]


def agenda_versions(session: Session, meeting_id: int) -> list[dict]:
    rows = session.exec(select(AgendaVersion, Person.name).outerjoin(Person, Person.id == AgendaVersion.submitted_by_id)
                        .where(AgendaVersion.meeting_id == meeting_id).order_by(col(AgendaVersion.version).desc())).all()
    return [{"version": v.version, "by": name or "", "at": v.created_at, "note": v.note} for v, name in rows]


def venues(session: Session, association_id: int) -> list[Venue]:
    return list(session.exec(select(Venue).where(Venue.association_id == association_id).order_by(col(Venue.name))).all())


def venue_ids(session: Session, association_id: int) -> set[int]:
    """The ids a meeting form may choose from: the association's own venues."""
    return {venue.id for venue in venues(session, association_id)}


def board_body(session: Session, association_id: int) -> Body | None:
    return session.exec(select(Body).where(Body.association_id == association_id, Body.kind == "board")
                        .order_by(col(Body.id))).first()


# Bodies whose meetings run the board's workflow (agenda, sign-off by chair and secretary, convocation, minutes).
PLANNABLE_BODIES = (BodyKind.board, BodyKind.committee)


def plannable_bodies(session: Session, association_id: int) -> list[Body]:
    """The board first, then the committees by name: the bodies the new-meeting page offers."""
    rows = session.exec(select(Body).where(Body.association_id == association_id,
                                           col(Body.kind).in_(PLANNABLE_BODIES))).all()
    return sorted(rows, key=lambda body: (body.kind != BodyKind.board, body.name.lower(), body.id))
