"""Dataclasses of the meeting workflow's interface (start input, updates, signals, queries).

The web link pages and the CLI use these with typed handles, e.g.
    await handle.execute_update(MeetingWorkflow.decide, SignoffDecision(...), id=f"token-{token_id}")
"""
from __future__ import annotations

from dataclasses import dataclass, field

from models.messages.meeting_info import MeetingInfo
from models.messages.meeting_state import MeetingState

# The workflow's phases (MeetingStatusView.phase) and how a person reads them.
PHASE_LABELS = {
    "preparing": "Agenda in voorbereiding",
    "agenda_signoff": "Agenda ter ondertekening",
    "awaiting_convocation": "Agenda ondertekend, wacht op verzending uitnodiging",
    "convened": "Uitnodiging verstuurd",
    "held": "Vergadering gehouden, verslag in voorbereiding",
    "minutes_signoff": "Verslag ter ondertekening",
    "closed": "Afgerond",
    "cancelled": "Geannuleerd",
}
# MeetingStatusView.signers[].role, as a person reads it.
SIGNER_ROLE_LABELS = {"chair": "voorzitter", "deputy_chair": "loco-voorzitter", "secretary": "secretaris"}

@dataclass
class MeetingInput:
    meeting_id: int
    association_slug: str
    policy: dict[str, str] = field(default_factory=dict)  # duration overrides: {"convocation_before": "90s"}
    state: MeetingState | None = None  # carried over by continue-as-new; None on the first run
    info: MeetingInfo | None = None  # the last run's facts, so updates need not wait for the load


@dataclass
class MeetingResult:
    meeting_id: int
    final_phase: str


@dataclass
class AgendaItemInput:
    number: str
    title: str
    kind: str = "information"  # decision / discussion / information
    presenter: str = ""
    documents: list[dict[str, str]] = field(default_factory=list)  # [{"title": ..., "url": ...}]


@dataclass
class SubmitAgenda:
    submitted_by_person_id: int
    items: list[AgendaItemInput]
    note: str = ""


@dataclass
class SubmitAgendaResult:
    version: int


@dataclass
class SignoffDecision:
    """A chair's or secretary's decision on one agenda (or minutes) version, from a link page."""

    token_id: int
    person_id: int
    purpose: str  # "agenda-signoff" | "minutes-signoff"
    version: int
    decision: str  # "approve" | "request_changes"
    comment: str = ""
    source: str = ""  # client address, for the audit log


def signoff_thanks(purpose: str, version: int, decision: str) -> str:
    """What the person sees once their decision is recorded."""
    what = "de agenda" if purpose == "agenda-signoff" else "het verslag"
    if decision == "approve":
        return f"Dank u. U heeft {what} (versie {version}) goedgekeurd."
    return f"Dank u. Uw verzoek om wijzigingen in {what} (versie {version}) is naar de secretaris gestuurd."


@dataclass
class SignoffDecisionResult:
    accepted: bool
    message: str  # Dutch, shown to the person


@dataclass
class RsvpInput:
    person_id: int
    response: str  # attending / not_attending
    token_id: int | None = None
    source: str = ""


@dataclass
class RsvpResult:
    recorded: bool
    response: str


@dataclass
class Reschedule:
    starts_at_iso: str  # timezone-aware ISO 8601
    ends_at_iso: str
    venue_id: int | None = None
    reason: str = ""


@dataclass
class CancelMeeting:
    reason: str = ""


@dataclass
class SubmitMinutes:
    submitted_by_person_id: int
    minutes_text: str
    decisions: list[str] = field(default_factory=list)


@dataclass
class StatusQuery:
    pass


@dataclass
class SignerState:
    person_id: int
    name: str
    role: str
    signed: bool


@dataclass
class MeetingStatusView:
    meeting_id: int
    phase: str
    agenda_version: int
    signers: list[SignerState]
    next_deadline_iso: str | None
    next_step: str
    rsvp: dict[str, int]  # attending / not_attending / none


@dataclass
class ChangeResult:
    accepted: bool
    message: str  # Dutch, shown to the secretary

