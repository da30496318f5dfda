"""Tables of the general meeting (ALV) cycle: motions, decision lists, public details, year planning,
network-meeting registrations and processed inbound calendar replies."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utcnow


class MotionKind(StrEnum):
    motion = "motion"  # motie
    agenda_proposal = "agenda_proposal"  # agendavoorstel


class MotionStatus(StrEnum):
    submitted = "submitted"
    admitted = "admitted"  # put on the agenda by the secretary
    not_admitted = "not_admitted"
    withdrawn = "withdrawn"


class DecisionOutcome(StrEnum):
    adopted = "adopted"  # aangenomen
    rejected = "rejected"  # verworpen
    withdrawn = "withdrawn"  # ingetrokken
    deferred = "deferred"  # aangehouden


class Motion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int = Field(foreign_key="person.id", description="who submitted it (the link's holder)")
    municipality_id: int = Field(foreign_key="municipality.id", description="the submitting municipality")
    kind: MotionKind = MotionKind.motion
    title: str = Field(max_length=300)
    text: str = ""
    status: MotionStatus = MotionStatus.submitted
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class MotionCosigner(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("motion_id", "municipality_id"),)
    id: int | None = Field(default=None, primary_key=True)
    motion_id: int = Field(foreign_key="motion.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")


class AlvDecision(SQLModel, table=True):
    """One line of a decision list (besluitenlijst) version: an agenda item or a motion and its outcome."""

    __table_args__ = (UniqueConstraint("meeting_id", "version", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    version: int
    position: int
    subject: str = Field(max_length=16, description="item / motion")
    ref: str = Field(default="", max_length=32, description="agenda item number or motion id")
    title: str = Field(max_length=300)
    outcome: DecisionOutcome
    note: str = Field(default="", max_length=2000)


class MeetingDetails(SQLModel, table=True):
    """What a public meeting has beyond the Meeting row (ALV policy, extra-ALV reason, capacity)."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True)
    reason: str = Field(default="", max_length=2000, description="why an extra ALV is called")
    description: str = Field(default="", max_length=4000)
    capacity: int | None = None  # network meetings: places; None = unlimited
    policy_json: str = Field(default="{}", description="ALV / network durations (see workflows.alv_policy)")
    published_agenda_version: int = 0  # the signed-off agenda sent with the convocation
    published_decisions_version: int = 0  # the signed-off decision list


class PlanningEntry(SQLModel, table=True):
    """One line of the association's year planning (jaarplanning): when and where the next ALV is."""

    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    kind: str = Field(default="alv", max_length=16)
    title: str = Field(default="", max_length=300)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    venue_id: int | None = Field(default=None, foreign_key="venue.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")


class SignupStatus(StrEnum):
    registered = "registered"
    waiting = "waiting"  # on the waiting list
    cancelled = "cancelled"


class NetworkSignup(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    organisation: str = Field(default="", max_length=200)
    status: SignupStatus = SignupStatus.registered
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class InboundMessage(SQLModel, table=True):
    """A message read from the association's mailbox, kept so it is processed once, with what came of it."""

    id: int | None = Field(default=None, primary_key=True)
    association_id: int | None = Field(default=None, foreign_key="association.id", index=True)  # None: no meeting matched
    message_key: str = Field(unique=True, max_length=300, description="Message-ID, or a hash of the bytes without one")
    sender: str = Field(default="", max_length=254)
    outcome: str = Field(default="", max_length=32, description="recorded, ignored, not-a-reply")
    detail: str = Field(default="", max_length=1000)
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
