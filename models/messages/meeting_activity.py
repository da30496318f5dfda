"""Dataclasses between the meeting workflow and its activities (one in, one out each)."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.messages.meeting import CancelMeeting, Reschedule, RsvpInput, SignoffDecision, SubmitAgenda, SubmitMinutes


@dataclass
class MeetingRef:
    meeting_id: int


@dataclass
class StoreAgenda:
    meeting_id: int
    submit: SubmitAgenda


@dataclass
class StoreMinutes:
    meeting_id: int
    submit: SubmitMinutes


@dataclass
class VersionStored:
    version: int


@dataclass
class SignoffRequest:
    meeting_id: int
    purpose: str  # agenda-signoff / minutes-signoff
    version: int
    person_ids: list[int]
    reminder: bool = False
    in_place_of_chair: bool = False  # the deputy chair's invitation


@dataclass
class DecisionRecord:
    meeting_id: int
    decision: SignoffDecision
    slot: str  # chair / secretary


@dataclass
class Notice:
    """A one-off email of the meeting: agenda-request, notice-missed, attendance-overview,
    attendance-reminder, minutes-request, minutes (the approved minutes to the board)."""

    meeting_id: int
    kind: str
    version: int = 0


@dataclass
class ConvocationRequest:
    meeting_id: int
    agenda_version: int
    amended: bool = False


@dataclass
class CalendarChange:
    """An updated REQUEST (reschedule) or a CANCEL to everyone who got a REQUEST."""

    meeting_id: int
    method: str  # REQUEST / CANCEL
    reason: str = ""


@dataclass
class SendSummary:
    sent: int
    failed: list[str] = field(default_factory=list)  # recipients whose server refused permanently


@dataclass
class RescheduleRequest:
    meeting_id: int
    change: Reschedule


@dataclass
class RescheduleOutcome:
    accepted: bool
    message: str
    starts_at_iso: str = ""
    ends_at_iso: str = ""
    ical_sequence: int = 0


@dataclass
class CancelRequest:
    meeting_id: int
    change: CancelMeeting


@dataclass
class CancelOutcome:
    ical_sequence: int


@dataclass
class RsvpRecord:
    meeting_id: int
    rsvp: RsvpInput


@dataclass
class StatusChange:
    meeting_id: int
    status: str  # a models.tables.meetings.MeetingStatus value
