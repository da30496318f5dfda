"""The agenda editor's saved draft: one per meeting, replaced on every save, gone once a version is submitted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utcnow


class AgendaDraft(SQLModel, table=True):
    """What the secretary had typed into the agenda form, possibly incomplete or invalid (checked on submit)."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True)
    rows_json: str = Field(default="[]", description='[{"number", "title", "kind", "presenter", "documents"}]')
    note: str = ""
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="person.id")
