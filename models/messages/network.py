"""Dataclasses of a network meeting's (netwerkbijeenkomst) workflow and activities."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.messages.meeting_state import PendingNotice


@dataclass
class NetworkState:
    starts_at_iso: str = ""
    announced: bool = False
    reminder_sent: bool = False
    held: bool = False
    cancelled: bool = False
    registered: int = 0
    waiting: int = 0
    notice: PendingNotice | None = None  # a cancellation recorded, not yet announced (models/messages/meeting_state.py)


@dataclass
class NetworkInput:
    meeting_id: int
    association_slug: str
    policy: dict[str, str] = field(default_factory=dict)  # on top of the meeting's own
    batch_size: int = 100
    state: NetworkState | None = None
    info: NetworkInfo | None = None  # the last run's facts, so sign-ups need not wait for the load (continue-as-new)


@dataclass
class NetworkResult:
    meeting_id: int
    final_phase: str
    registered: int


@dataclass
class NetworkInfo:
    meeting_id: int
    starts_at_iso: str
    capacity: int | None
    policy: dict[str, str]
    registered: int
    waiting: int


@dataclass
class NetworkBatch:
    """One batch of a network meeting's email: recipients (people or sign-ups) with id > after_id."""

    meeting_id: int
    kind: str  # announcement / reminder / cancel
    version: int
    after_id: int
    limit: int


@dataclass
class NetworkBatchResult:
    sent: int
    failed: list[str]
    last_id: int
    done: bool


@dataclass
class NetworkSignupInput:
    name: str
    email: str
    organisation: str = ""


@dataclass
class NetworkSignupRecord:
    meeting_id: int
    signup: NetworkSignupInput


@dataclass
class NetworkCancelSignup:
    signup_id: int


@dataclass
class NetworkCancelRecord:
    meeting_id: int
    signup_id: int


@dataclass
class NetworkSignupResult:
    signup_id: int
    status: str  # registered / waiting / cancelled
    position: int  # on the waiting list (1 = first); 0 when registered
    message: str  # Dutch, for the person
    promoted_id: int = 0  # a cancellation moved this sign-up up from the waiting list
    registered: int = 0
    waiting: int = 0
    changed: bool = True  # False: already registered (or already cancelled); nothing to tell them


@dataclass
class SignupMail:
    meeting_id: int
    signup_id: int
    kind: str  # registered / waiting / promoted / cancelled


@dataclass
class NetworkStatusView:
    meeting_id: int
    phase: str
    capacity: int | None
    registered: int
    waiting: int
    next_deadline_iso: str | None
