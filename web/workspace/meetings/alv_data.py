"""What an ALV's workspace page reads from the database: the sign-off round out now (agenda or decision
list) with who signs it and who signed. The ALV's status query has no signers (unlike the board's), so
they come from the sign-off links the workflow sent: one per signer and version, used with a decision.
A decision shows here once the workflow has filed it (normally within a second of the click)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from activities.alv.store import officer
from activities.meeting.store import subject_ref
from models.tables.ledger import ActionToken
from models.messages.meeting import SIGNER_ROLE_LABELS
from models.tables.meetings import Meeting
from models.tables.org import MemberRole
from raadsbode.domain.vocabulary import TokenPurpose

SIGNER_ROLES = (MemberRole.chair, MemberRole.deputy_chair, MemberRole.secretary)
# AlvStatusView.phase -> the round it concerns; only in the *_signoff phases does a round wait for signatures.
AGENDA_PHASES = ("preparing", "motions", "agenda_signoff", "convened")
SIGNING_PHASES = {TokenPurpose.agenda_signoff: "agenda_signoff", TokenPurpose.minutes_signoff: "decisions_signoff"}


@dataclass(frozen=True)
class AlvSigner:
    person_id: int
    name: str
    role: str  # chair / deputy_chair / secretary
    decision: str  # "" (not yet) / approve / request_changes

    @property
    def signed(self) -> bool:
        return self.decision == "approve"

    @property
    def role_label(self) -> str:
        return SIGNER_ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class AlvRound:
    purpose: str  # agenda-signoff / minutes-signoff (the decision list)
    version: int
    signers: list[AlvSigner]

    @property
    def subject(self) -> str:
        return "agenda" if self.purpose == TokenPurpose.agenda_signoff else "besluitenlijst"

    def open_signer(self, person_id: int) -> AlvSigner | None:
        return next((s for s in self.signers if s.person_id == person_id and not s.decision), None)


def round_purpose(phase: str | None, held: bool) -> str:
    """The round the page is about: the agenda's before the meeting, the decision list's after it."""
    if phase:
        return TokenPurpose.agenda_signoff if phase in AGENDA_PHASES else TokenPurpose.minutes_signoff
    return TokenPurpose.minutes_signoff if held else TokenPurpose.agenda_signoff


def signoff_round(session: Session, meeting: Meeting, purpose: str) -> AlvRound | None:
    """The newest version of `purpose` that went out for sign-off, with its signers; None before the first."""
    ref = subject_ref(meeting.id)
    version = session.exec(select(func.max(ActionToken.version)).where(
        ActionToken.subject_ref == ref, ActionToken.purpose == purpose)).one()
    if not version:
        return None
    tokens = session.exec(select(ActionToken).where(ActionToken.subject_ref == ref, ActionToken.purpose == purpose,
                                                    ActionToken.version == version)
                          .order_by(col(ActionToken.id))).all()
    invited = {t.person_id for t in tokens}
    decided = {t.person_id: t.used_decision for t in tokens if t.used_decision}
    signers = []
    for role in SIGNER_ROLES:
        person = officer(session, meeting, role)
        if person is None or (role == MemberRole.deputy_chair and person.id not in invited):
            continue  # the deputy signs only once asked to in the chair's place
        signers.append(AlvSigner(person.id, person.name, role.value, decided.get(person.id, "")))
    deputy_signed = any(s.role == "deputy_chair" and s.signed for s in signers)
    return AlvRound(purpose, version, [s for s in signers if not (deputy_signed and s.role == "chair")])
