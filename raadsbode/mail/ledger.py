"""The outbound-message ledger's state changes (synchronous DB work; the mailer runs it in a thread).

One row per business key. A row only moves to `sent` after the server accepted DATA, so a retry
never sends twice what the ledger knows was delivered.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models.tables.ledger import AuditEvent, OutboundMessage, SendStatus
from models.messages.mail import OutboundEmail, SendEmailResult
from models.tables.types import utcnow
from raadsbode.db import SessionFactory, session_scope
from raadsbode.store.audit import audit_event

FINAL = (SendStatus.sent, SendStatus.failed_permanent)
REPLY_MAX = 1000
# Column widths of OutboundMessage: a key too long to store (a hostile address) is audited, not stored.
KEY_MAX, RECIPIENT_MAX = 400, 254


@dataclass
class Claim:
    """What deliver needs to know about the ledger row before talking SMTP."""

    row_id: int
    message_id: str
    recorded: SendEmailResult | None  # set when the row is final: return it, send nothing


class MailLedger:
    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    def claim(self, out: OutboundEmail, message_id: str) -> Claim:
        """Find or create the row; count an attempt unless the row is already final."""
        try:
            return self._claim(out, message_id)
        except IntegrityError:
            # Another delivery of the same key created the row first; ours is now an update.
            return self._claim(out, message_id)

    def _claim(self, out: OutboundEmail, message_id: str) -> Claim:
        with session_scope(self.sessions) as session:
            row = session.exec(select(OutboundMessage).where(OutboundMessage.business_key == out.business_key)).first()
            if row is None:
                row = OutboundMessage(**new_row_values(out, message_id))
            elif row.status in FINAL:
                return Claim(row.id, row.message_id, recorded_result(row, already_sent=row.status == SendStatus.sent))
            row.attempts += 1
            session.add(row)
            session.flush()
            return Claim(row.id, row.message_id, None)

    def refuse(self, out: OutboundEmail, message_id: str, reason: str) -> SendEmailResult | None:
        """A message the composer will not build: in one transaction its row becomes failed_permanent
        with the reason (so no retry builds it again) and a "mail-refused" audit event is written.
        The recorded result instead when the row was already final (nothing new to audit)."""
        try:
            return self._refuse(out, message_id, reason)
        except IntegrityError:  # another delivery of the same key created the row first
            return self._refuse(out, message_id, reason)

    def _refuse(self, out: OutboundEmail, message_id: str, reason: str) -> SendEmailResult | None:
        key = out.business_key
        storable = len(key) <= KEY_MAX and len(out.recipient_email.strip()) <= RECIPIENT_MAX
        with session_scope(self.sessions) as session:
            row = session.exec(select(OutboundMessage).where(OutboundMessage.business_key == key)).first() \
                if storable else None
            if row is not None and row.status in FINAL:
                return recorded_result(row, already_sent=row.status == SendStatus.sent)
            if storable:
                row = row or OutboundMessage(**new_row_values(out, message_id))
                row.attempts += 1
                row.status, row.smtp_reply = SendStatus.failed_permanent, reason[:REPLY_MAX]
                session.add(row)
            session.add(refusal_event(out, reason))
            session.flush()
        return None

    def audit_refusal(self, out: OutboundEmail, reason: str) -> None:
        """Only the audit event, for a refusal that concerns no one recipient (the newsletter's template)."""
        with session_scope(self.sessions) as session:
            session.add(refusal_event(out, reason))

    def mark_sending(self, row_id: int) -> None:
        self._update(row_id, status=SendStatus.sending)

    def mark_sent(self, row_id: int, code: int, reply: str) -> None:
        self._update(row_id, status=SendStatus.sent, smtp_code=code, smtp_reply=reply[:REPLY_MAX], sent_at=utcnow())

    def mark_failed(self, row_id: int, status: SendStatus, code: int | None, reply: str) -> None:
        self._update(row_id, status=status, smtp_code=code, smtp_reply=reply[:REPLY_MAX])

    def _update(self, row_id: int, **values: object) -> None:
        with session_scope(self.sessions) as session:
            row = session.get(OutboundMessage, row_id)
            for name, value in values.items():
                setattr(row, name, value)
            session.add(row)


def new_row_values(out: OutboundEmail, message_id: str) -> dict:
    """The columns of a new ledger row: pending, no attempt yet (also the newsletter's bulk INSERT)."""
    return {
        "business_key": out.business_key, "association_id": out.association_id, "kind": out.kind,
        "subject_ref": out.subject_ref, "version": out.version, "recipient": out.recipient_email.strip().lower(),
        "message_id": message_id, "status": SendStatus.pending, "attempts": 0, "smtp_reply": "", "created_at": utcnow(),
    }


def refusal_event(out: OutboundEmail, reason: str) -> AuditEvent:
    """The audit trail's record of a refused message: whose mail (business key) and why."""
    return audit_event(out.association_id, "mail-refused", subject_ref=out.subject_ref,
                       detail={"business_key": out.business_key[:KEY_MAX], "reason": reason[:REPLY_MAX]}, source="mailer")


def recorded_result(row: OutboundMessage, already_sent: bool = False) -> SendEmailResult:
    return SendEmailResult(
        business_key=row.business_key,
        message_id=row.message_id,
        status=str(row.status),
        smtp_code=row.smtp_code,
        smtp_reply=row.smtp_reply,
        already_sent=already_sent,
    )
