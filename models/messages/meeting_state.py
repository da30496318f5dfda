"""The meeting workflow's own state: plain data, so continue-as-new can carry it to the next run.

No `from __future__ import annotations` here: the payload converter reads these classes' type hints inside the
workflow sandbox, where this module need not be importable by name (a workflow that imports only
models/messages/network.py); as strings they failed to resolve there, and a run carrying a PendingNotice
could not start."""

from dataclasses import dataclass, field
from enum import StrEnum

CHAIR_SLOT = "chair"  # the chair, or the deputy chair once allowed to sign in the chair's place
SECRETARY_SLOT = "secretary"


@dataclass
class SignoffRound:
    """One version of the agenda (or minutes) out for sign-off."""

    purpose: str  # agenda-signoff / minutes-signoff
    version: int = 0
    started_at_iso: str = ""
    slots: list[str] = field(default_factory=list)  # who must sign: chair, secretary
    signed_by: dict[str, int] = field(default_factory=dict)  # slot -> person id
    changes_requested: bool = False
    reminder_sent: bool = False
    deputy_invited: bool = False
    completed_at_iso: str = ""

    @property
    def complete(self) -> bool:
        return self.version > 0 and all(slot in self.signed_by for slot in self.slots)

    @property
    def open(self) -> bool:
        """Waiting for signatures (not yet complete, not sent back)."""
        return self.version > 0 and not self.complete and not self.changes_requested


@dataclass
class PendingDecision:
    """A sign-off decision the workflow has recorded (the update answered) and the run loop still has to
    file: claim the token, write the audit event, send the confirmation or the request for changes."""

    token_id: int
    person_id: int
    purpose: str
    version: int
    decision: str
    slot: str
    comment: str = ""
    source: str = ""
    # When the update recorded it; "" in workflows from before the filing quiet period (filed at once).
    recorded_at_iso: str = ""


class NoticeKind(StrEnum):
    CANCEL = "cancel"  # iCalendar CANCEL to whoever was invited
    MOVE = "move"  # the invitation again at the new time: same UID, higher SEQUENCE


@dataclass
class PendingNotice:
    """A cancellation or a move its update has recorded and the run loop still has to announce: a step with the
    step retry, so a relay that is down longer than the activity's retries delays it and never drops it."""

    kind: NoticeKind
    sequence: int  # the meeting's iCalendar SEQUENCE after the change
    reason: str = ""


@dataclass
class MeetingState:
    starts_at_iso: str = ""
    ends_at_iso: str = ""
    ical_sequence: int = 0
    agenda_request_sent: bool = False
    agenda_version: int = 0  # newest stored agenda version
    agenda_round: SignoffRound = field(default_factory=lambda: SignoffRound("agenda-signoff"))
    convened_version: int = 0  # agenda version last sent to the members (0: no convocation yet)
    overview_sent: bool = False
    reminder_sent: bool = False
    held: bool = False
    minutes_request_sent: bool = False
    minutes_version: int = 0
    minutes_round: SignoffRound = field(default_factory=lambda: SignoffRound("minutes-signoff"))
    closed: bool = False
    cancelled: bool = False
    rsvp: dict[str, str] = field(default_factory=dict)  # str(person id) -> attending / not_attending
    pending_decisions: list[PendingDecision] = field(default_factory=list)  # oldest first
    notice: PendingNotice | None = None  # recorded, not yet announced (a later move or a cancel replaces a move)
