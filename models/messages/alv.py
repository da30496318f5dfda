"""Dataclasses of the ALV's workflows and activities: the ALV itself and the yearly cycle that creates them.

A network meeting's are in models/messages/network.py, the inbox's in models/messages/inbox.py."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.messages.meeting_info import MeetingInfo
from raadsbode.domain.decisions import DecisionEntry  # defined beside its parser; a payload field here
from models.messages.meeting_state import PendingDecision, PendingNotice, SignoffRound

# --- the ALV workflow ------------------------------------------------------------------------


@dataclass
class AlvInput:
    meeting_id: int
    association_slug: str
    policy: dict[str, str] = field(default_factory=dict)  # duration overrides on top of the meeting's
    batch_size: int = 100  # recipients per send activity
    state: AlvState | None = None  # carried over by continue-as-new
    alv: AlvInfo | None = None  # the last run's facts, so updates need not wait for the load (continue-as-new)


@dataclass
class AlvResult:
    meeting_id: int
    final_phase: str


@dataclass
class AlvInfo:
    """What the ALV workflow knows about its meeting: the board-style facts plus the ALV's own."""

    meeting: MeetingInfo
    policy: dict[str, str]  # body + details layers (the input's overrides go on top in the workflow)
    audience_size: int


@dataclass
class AlvState:
    starts_at_iso: str = ""
    ends_at_iso: str = ""
    save_the_date_sent: bool = False
    motions_closed: bool = False
    agenda_version: int = 0
    agenda_round: SignoffRound = field(default_factory=lambda: SignoffRound("agenda-signoff"))
    convened_version: int = 0
    reminder_sent: bool = False
    attendance_list_sent: bool = False
    held: bool = False
    decisions_request_sent: bool = False
    decisions_version: int = 0
    decisions_round: SignoffRound = field(default_factory=lambda: SignoffRound("minutes-signoff"))
    closed: bool = False
    cancelled: bool = False
    rsvp: dict[str, str] = field(default_factory=dict)  # str(person id) -> attending / not_attending / represented
    pending_decisions: list[PendingDecision] = field(default_factory=list)  # recorded, not yet filed; oldest first
    notice: PendingNotice | None = None  # a cancellation or move recorded, not yet announced (models/messages/meeting_state.py)


@dataclass
class AlvBatch:
    """One batch of an audience-wide email: recipients with person id > after_person_id, at most limit."""

    meeting_id: int
    kind: str  # save-the-date / convocation / reminder / decisions / cancel
    version: int
    after_person_id: int
    limit: int


@dataclass
class AlvBatchResult:
    sent: int
    skipped: int  # already sent (ledger) or not meant for them (e.g. already answered)
    failed: list[str]
    last_person_id: int
    done: bool


@dataclass
class AlvNotice:
    """A one-off email to the secretary: motions-closed, attendance-list, decisions-request."""

    meeting_id: int
    kind: str
    version: int = 0


@dataclass
class AlvRegistration:
    person_id: int
    response: str  # attending / not_attending / represented
    represented_by_id: int | None = None
    token_id: int | None = None
    source: str = ""


@dataclass
class AlvRegistrationRecord:
    meeting_id: int
    registration: AlvRegistration


@dataclass
class AlvRegistrationResult:
    recorded: bool
    response: str
    message: str  # Dutch, for the person


@dataclass
class SubmitDecisions:
    submitted_by_person_id: int
    entries: list[DecisionEntry]
    text: str = ""


@dataclass
class StoreDecisions:
    meeting_id: int
    submit: SubmitDecisions


@dataclass
class Publish:
    meeting_id: int
    what: str  # agenda / decisions
    version: int


@dataclass
class AlvStatusView:
    meeting_id: int
    phase: str
    agenda_version: int
    decisions_version: int
    next_deadline_iso: str | None
    next_step: str
    rsvp: dict[str, int]  # attending / not_attending / represented / none

# --- the yearly cycle (a Temporal Schedule per association) ----------------------------------------


@dataclass
class AlvCycleInput:
    """What every firing of the association's ALV schedule gets."""

    association_id: int
    association_slug: str
    policy: dict[str, str] = field(default_factory=dict)  # duration overrides for the ALVs it creates
    batch_size: int = 100


@dataclass
class PlanAlv:
    association_id: int
    fired_at_iso: str
    policy: dict[str, str] = field(default_factory=dict)


@dataclass
class PlannedAlv:
    meeting_id: int
    starts_at_iso: str
    created: bool  # False: this ALV already existed (an earlier or repeated firing)
    source: str  # planning (the year planning) / default (no date planned)


@dataclass
class AlvCycleResult:
    meeting_id: int
    workflow_id: str
    created: bool
    started: bool  # False: the ALV's workflow was already started before
