"""Motions and agenda proposals for an ALV: submitted through a personal link until the closing date,
seen and admitted (or not) by the secretary, put on the agenda as items."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from models.tables.alv import Motion, MotionCosigner, MotionKind, MotionStatus
from models.messages.meeting import AgendaItemInput
from models.tables.meetings import Meeting
from models.tables.org import Body, Municipality, Person
from models.tables.types import utcnow
from raadsbode.domain.alv_policy import AlvPolicy
from raadsbode.store.audit import record_audit
from raadsbode.store.meetings import meeting_details, subject_ref

MAX_TITLE, MAX_TEXT, MAX_COSIGNERS = 300, 20_000, 50
KIND_LABELS = {"motion": "Motie", "agenda_proposal": "Agendavoorstel"}


class MotionError(ValueError):
    """A Dutch message for the person who submitted."""


@dataclass
class MotionForm:
    kind: str = "motion"
    title: str = ""
    text: str = ""
    municipality_id: int | None = None
    cosigner_ids: list[int] = field(default_factory=list)


def alv_policy(session: Session, meeting: Meeting) -> AlvPolicy:
    body = session.get(Body, meeting.body_id)
    row = meeting_details(session, meeting.id)
    return AlvPolicy.from_layers(json.loads(body.policy_json or "{}") if body else {},
                                 json.loads(row.policy_json or "{}") if row else {}, strict_last=False)


def closing_at(session: Session, meeting: Meeting) -> datetime:
    return meeting.starts_at - alv_policy(session, meeting).motions_close_before


def municipalities(session: Session, association_id: int) -> list[Municipality]:
    return list(session.exec(select(Municipality).where(Municipality.association_id == association_id)
                             .order_by(col(Municipality.name))).all())


def check_form(session: Session, meeting: Meeting, person: Person, form: MotionForm, now: datetime | None = None) -> list[str]:
    """Every problem, in Dutch; an empty list means it may be stored."""
    closes = closing_at(session, meeting)
    if (now or utcnow()) >= closes:
        return ["De termijn voor moties en agendavoorstellen is gesloten; indienen kan niet meer."]
    errors = []
    if form.kind not in KIND_LABELS:
        errors.append("Kies motie of agendavoorstel.")
    if not form.title.strip() or len(form.title) > MAX_TITLE:
        errors.append(f"Geef een titel van hoogstens {MAX_TITLE} tekens.")
    if not form.text.strip() or len(form.text) > MAX_TEXT:
        errors.append(f"Geef de tekst (hoogstens {MAX_TEXT} tekens).")
    own = {m.id for m in municipalities(session, meeting.association_id)}
    if form.municipality_id not in own:
        errors.append("Kies de indienende gemeente.")
    if len(form.cosigner_ids) > MAX_COSIGNERS or not set(form.cosigner_ids) <= own:
        errors.append("Kies de mede-indienende gemeenten uit de lijst.")
    return errors


def submit_motion(session: Session, meeting: Meeting, person: Person, form: MotionForm) -> Motion:
    errors = check_form(session, meeting, person, form)
    if errors:
        raise MotionError(" ".join(errors))
    motion = Motion(association_id=meeting.association_id, meeting_id=meeting.id, person_id=person.id,
                    municipality_id=form.municipality_id, kind=MotionKind(form.kind), title=form.title.strip(),
                    text=form.text.strip())
    session.add(motion)
    session.flush()
    for municipality_id in sorted(set(form.cosigner_ids) - {form.municipality_id}):
        session.add(MotionCosigner(motion_id=motion.id, municipality_id=municipality_id))
    return motion


def motion_views(session: Session, meeting_id: int, statuses: tuple[str, ...] | None = None) -> list[dict]:
    """Motions with their municipality names, oldest first, for pages and emails."""
    names = {m.id: m.name for m in session.exec(select(Municipality)).all()}
    query = select(Motion).where(Motion.meeting_id == meeting_id).order_by(col(Motion.submitted_at), col(Motion.id))
    views = []
    for motion in session.exec(query).all():
        if statuses and str(motion.status) not in statuses:
            continue
        cos = session.exec(select(MotionCosigner.municipality_id).where(MotionCosigner.motion_id == motion.id)).all()
        submitter = session.get(Person, motion.person_id)
        views.append({"id": motion.id, "kind": str(motion.kind), "kind_label": KIND_LABELS[str(motion.kind)],
                      "title": motion.title, "text": motion.text, "status": str(motion.status),
                      "municipality": names.get(motion.municipality_id, ""), "submitted_at": motion.submitted_at,
                      "cosigners": ", ".join(sorted(names.get(c, "") for c in cos)),
                      "submitter": submitter.name if submitter else ""})
    return views


def set_motion_status(session: Session, meeting_id: int, motion_id: int, status: str, *, actor: str = "",
                      source: str = "cli") -> Motion:
    """The secretary's judgement; a change is audited on the meeting (who, from where) so its timeline shows it."""
    motion = session.get(Motion, motion_id)
    if motion is None or motion.meeting_id != meeting_id:
        raise MotionError("Onbekende motie bij deze vergadering.")
    previous = str(motion.status)
    motion.status = MotionStatus(status)
    session.add(motion)
    if previous != status:  # a double submit of the same judgement is not a second decision
        meeting = session.get(Meeting, meeting_id)
        record_audit(session, meeting.association_id, motion_action(str(motion.kind), status),
                     subject_ref=subject_ref(meeting.id), actor=actor,
                     detail={"motion": motion.title[:200], "motion_id": motion.id, "previous": previous},
                     source=source)
    return motion


def motion_action(kind: str, status: str) -> str:
    """The audit action of a judgement: "motion-admitted", "agenda-proposal-not-admitted" (web/common/audit_labels.py)."""
    return f"{kind}-{status}".replace("_", "-")


def motion_items(session: Session, meeting_id: int, first_number: int) -> list[AgendaItemInput]:
    """Admitted motions as agenda items (ter besluitvorming), numbered on from first_number."""
    views = motion_views(session, meeting_id, ("admitted",))
    return [AgendaItemInput(number=str(first_number + n), title=f"{v['kind_label']}: {v['title']} ({v['municipality']})",
                            kind="decision") for n, v in enumerate(views)]


def draft_alv_agenda(session: Session, meeting_id: int, base: list[AgendaItemInput]) -> list[AgendaItemInput]:
    """The base items with the admitted motions before the closing items (rondvraag, sluiting), renumbered."""
    closing = [i for i in base if i.title.lower() in ("rondvraag", "sluiting")]
    opening = [i for i in base if i not in closing]
    items = opening + motion_items(session, meeting_id, 1) + closing
    return [AgendaItemInput(number=str(n), title=i.title, kind=i.kind, presenter=i.presenter, documents=i.documents)
            for n, i in enumerate(items, start=1)]
