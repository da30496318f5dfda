"""The newsletter: subscribers, suppressions, blog posts, issues and each issue's frozen recipient list."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.types import UTCDateTime, utcnow


class SubscriberStatus(StrEnum):
    pending = "pending"  # subscribed, confirmation link not yet used (double opt-in)
    confirmed = "confirmed"
    unsubscribed = "unsubscribed"


class IssueStatus(StrEnum):
    draft = "draft"
    proof = "proof"  # proof sent, waiting for the editor
    changes_requested = "changes_requested"
    awaiting_go = "awaiting_go"  # approved too late after its slot: an explicit go is needed
    approved = "approved"
    sending = "sending"
    paused = "paused"
    sent = "sent"
    cancelled = "cancelled"


class Subscriber(SQLModel, table=True):
    """A newsletter reader; not a Person: unsubscribing here never touches meeting mail."""

    __table_args__ = (UniqueConstraint("association_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    email: str = Field(max_length=254, description="normalised: trimmed and lower-cased")
    name: str = Field(default="", max_length=200)
    status: SubscriberStatus = SubscriberStatus.pending
    source: str = Field(default="web", max_length=32, description="web, import, cli")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    unsubscribed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Suppression(SQLModel, table=True):
    """An address the newsletter must not be sent to (a permanent SMTP failure, a complaint)."""

    __table_args__ = (UniqueConstraint("association_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    email: str = Field(max_length=254)
    reason: str = Field(max_length=32, description="bounce, complaint, manual")
    smtp_code: int | None = None
    smtp_reply: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class BlogPost(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("association_id", "guid"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    guid: str = Field(max_length=500, description="feed entry id, or a generated one")
    title: str = Field(max_length=300)
    summary: str = Field(default="", description="plain text, a few paragraphs")
    url: str = Field(default="", max_length=1000)
    author: str = Field(default="", max_length=200)
    published_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    source: str = Field(default="cli", max_length=32, description="cli, web, feed")


class NewsletterIssue(SQLModel, table=True):
    """One monthly issue; the rendered content is frozen here so every batch sends the same bytes."""

    __table_args__ = (UniqueConstraint("association_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    association_id: int = Field(foreign_key="association.id", index=True)
    period: str = Field(max_length=7, description="yyyy-mm")
    subject_ref: str = Field(unique=True, max_length=128, description="newsletter-<slug>-<yyyy-mm>")
    version: int = 0
    status: IssueStatus = IssueStatus.draft
    intro: str = ""
    subject: str = Field(default="", max_length=300)
    html: str = ""
    text: str = ""
    comment: str = Field(default="", description="the editor's last request for changes")
    approved_by: str = Field(default="", max_length=254)
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    recipients_frozen: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class IssueRecipient(SQLModel, table=True):
    """The recipient list, frozen when sending starts; batches are ranges of `position`."""

    __table_args__ = (UniqueConstraint("issue_id", "position"), Index("ix_issuerecipient_issue_email", "issue_id", "email"))
    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="newsletterissue.id")
    position: int
    subscriber_id: int = Field(foreign_key="subscriber.id")
    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
