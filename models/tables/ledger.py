"""Outbound-message ledger, action tokens and the audit log."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utcnow


class SendStatus(StrEnum):
    pending = "pending"
    sending = "sending"  # DATA may have been accepted; a crash here is the one possible duplicate
    sent = "sent"
    failed_permanent = "failed_permanent"
    failed_temporary = "failed_temporary"


class OutboundMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    business_key: str = Field(unique=True, max_length=400, description="kind|subject|version|recipient")
    association_id: int | None = Field(default=None, foreign_key="association.id", index=True)
    kind: str = Field(max_length=64, index=True)
    subject_ref: str = Field(max_length=128, index=True)
    version: int = 0
    recipient: str = Field(max_length=254)
    message_id: str = Field(max_length=200)
    status: SendStatus = SendStatus.pending
    attempts: int = 0
    smtp_code: int | None = None
    smtp_reply: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ActionToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64, description="sha256 hex of the random token")
    association_id: int = Field(foreign_key="association.id", index=True)
    purpose: str = Field(max_length=64)
    subject_ref: str = Field(max_length=128, index=True)
    version: int = 0
    person_id: int | None = Field(default=None, foreign_key="person.id")
    single_use: bool = True
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    used_decision: str = Field(default="", max_length=64)
    revoked: bool = False


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    association_id: int | None = Field(default=None, foreign_key="association.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(default="", max_length=254)
    action: str = Field(max_length=64)
    subject_ref: str = Field(default="", max_length=128, index=True)  # retries' idempotency and timelines look it up
    detail_json: str = "{}"
    source: str = Field(default="", max_length=200, description="ip, token id, cli, workflow")
