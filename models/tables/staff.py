"""Staff of an association (secretary, editor, admin) and their signed-in sessions."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utcnow


class StaffRoleName(StrEnum):
    secretary = "secretary"  # meetings, members
    editor = "editor"  # newsletter, posts, subscribers
    admin = "admin"  # both, plus staff and association settings


class StaffRole(SQLModel, table=True):
    """One role of one person in one association; a person may hold several (secretary + admin)."""

    __table_args__ = (UniqueConstraint("association_id", "person_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: StaffRoleName
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class StaffSession(SQLModel, table=True):
    """A signed-in browser; the cookie holds the raw id, the database only its SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(unique=True, max_length=64)
    person_id: int = Field(foreign_key="person.id", index=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    csrf_token: str = Field(max_length=64, description="form field of every state-changing POST")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
