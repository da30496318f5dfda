"""Meetings, their agenda versions and items, and attendance."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utcnow
from raadsbode.domain.vocabulary import ItemKind, MeetingKind, MeetingStatus, Response

# The columns' enums live in raadsbode.domain (workflows and messages use them without SQLAlchemy);
# re-exported here because the tables are where callers have always imported them from.
__all__ = ["AgendaItem", "AgendaVersion", "Attendance", "ItemKind", "Meeting", "MeetingKind", "MeetingStatus", "Response"]


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    kind: MeetingKind
    title: str = Field(max_length=300)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    venue_id: int | None = Field(default=None, foreign_key="venue.id")
    status: MeetingStatus = MeetingStatus.planned
    is_public: bool = False
    ical_uid: str = Field(unique=True, max_length=200, description="permanent; never changes")
    ical_sequence: int = 0
    policy_json: str = Field(default="{}")


class AgendaVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    version: int
    submitted_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    note: str = ""


class AgendaItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agenda_version_id: int = Field(foreign_key="agendaversion.id", index=True)
    position: int
    number: str = Field(max_length=16)
    title: str = Field(max_length=300)
    kind: ItemKind = ItemKind.information
    presenter: str = Field(default="", max_length=200)
    documents_json: str = Field(default="[]", description='[{"title": ..., "url": ...}]')


class Attendance(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    response: Response = Response.none
    represented_by_id: int | None = Field(default=None, foreign_key="person.id")
    source: str = Field(default="", max_length=32, description="link, itip, secretary")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
