"""Minutes (verslag) of a meeting: versions submitted by the secretary, approved by the chair."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utcnow


class Minutes(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    version: int
    text: str = ""
    decisions_json: str = Field(default="[]", description="the decision list (besluitenlijst), a JSON list of strings")
    submitted_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
