"""Plain dataclasses that workflows and activities exchange (never ORM rows)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OutboundEmail:
    """One fully rendered email for one recipient, identified by its business key."""

    kind: str  # e.g. "convocation", "signoff-request", "newsletter"
    subject_ref: str  # e.g. "meeting-12", "newsletter-vng-flevoland-2026-11"
    version: int
    recipient_email: str
    recipient_name: str
    subject: str
    html: str
    text: str
    association_id: int | None = None
    from_email: str | None = None  # the association's mailbox; settings.mail_from otherwise
    from_name: str | None = None
    calendar: bytes | None = None  # serialized VCALENDAR (CRLF line endings)
    calendar_method: str | None = None  # REQUEST / CANCEL / PUBLISH; must equal METHOD inside
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def business_key(self) -> str:
        return f"{self.kind}|{self.subject_ref}|{self.version}|{self.recipient_email.strip().lower()}"


@dataclass
class SendEmailResult:
    business_key: str
    message_id: str
    status: str  # a models.tables.ledger.SendStatus value
    smtp_code: int | None = None
    smtp_reply: str = ""
    already_sent: bool = False
    relay_refused: bool = False  # failed_temporary because the relay refused MAIL FROM or DATA (smtp_refusal)
