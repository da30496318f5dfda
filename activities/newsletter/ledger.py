"""The newsletter's bulk view on the outbound-message ledger (synchronous DB work, run in threads).

Same table and business keys as every other mail; only the writes are grouped: one INSERT per chunk
of recipients, and one transaction for the `sent` marks of several connections at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlmodel import Session

from raadsbode.mail.ledger import REPLY_MAX, new_row_values
from models.tables.ledger import OutboundMessage, SendStatus
from models.messages.mail import OutboundEmail
from models.tables.newsletter import IssueRecipient, Subscriber, SubscriberStatus, Suppression
from models.tables.types import utcnow
from raadsbode.db import SessionFactory, session_scope
from raadsbode.services.newsletter.subscribers import suppress

_TABLE = OutboundMessage.__table__
_MARK_SENT = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values(
    status=SendStatus.sent, smtp_code=250, sent_at=bindparam("at"))
_MARK_SENDING = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values(
    status=SendStatus.sending, attempts=_TABLE.c.attempts + 1)
_MARK_FAILED = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values(
    status=bindparam("status"), smtp_code=bindparam("code"), smtp_reply=bindparam("reply"))


@dataclass
class Failure:
    row_id: int
    status: SendStatus
    code: int | None
    reply: str
    suppress_email: str | None = None  # a permanent failure for the address itself


@dataclass
class Marks:
    """One group commit: `sent` for messages just accepted, `sending` for the next ones."""

    sent: list[int] = field(default_factory=list)
    sending: list[int] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sent or self.sending or self.failures)


@dataclass(frozen=True)
class Row:
    row_id: int
    status: SendStatus


class NewsletterLedger:
    def __init__(self, sessions: SessionFactory, association_id: int) -> None:
        self.sessions = sessions
        self.association_id = association_id
        with sessions() as session:
            self.engine = session.get_bind()

    def recipients(self, issue_id: int, start: int, end: int) -> list[tuple[int, int, str, str]]:
        """(position, subscriber_id, email, name) of a frozen range, in order."""
        stmt = (select(IssueRecipient.position, IssueRecipient.subscriber_id, IssueRecipient.email, IssueRecipient.name)
                .where(IssueRecipient.issue_id == issue_id, IssueRecipient.position >= start, IssueRecipient.position < end)
                .order_by(IssueRecipient.position))
        with session_scope(self.sessions) as session:
            return [tuple(r) for r in session.execute(stmt).all()]

    def blocked(self, subscriber_ids: list[int], emails: list[str]) -> tuple[set[int], set[str]]:
        """Who must not get the issue now: unsubscribed since the freeze, or suppressed."""
        with self.engine.connect() as conn:
            gone = conn.execute(select(Subscriber.id).where(
                Subscriber.id.in_(subscriber_ids), Subscriber.status != SubscriberStatus.confirmed)).scalars().all()
            suppressed = conn.execute(select(Suppression.email).where(
                Suppression.association_id == self.association_id, Suppression.email.in_(emails))).scalars().all()
        return set(gone), set(suppressed)

    def ensure_rows(self, template: OutboundEmail, keyed: dict[str, tuple[str, str]]) -> dict[str, Row]:
        """Ledger rows for these business keys (key -> (recipient, message_id)); creates the missing
        ones as `pending` in one INSERT and returns every row's id and status."""
        with self.engine.begin() as conn:
            rows = self._existing(conn, list(keyed))
            missing = [k for k in keyed if k not in rows]
            if missing:
                conn.execute(insert(_TABLE), [new_row_values(replace(template, recipient_email=keyed[k][0]), keyed[k][1])
                                              for k in missing])
                rows.update(self._existing(conn, missing))
        return rows

    @staticmethod
    def _existing(conn: Connection | Session, keys: list[str]) -> dict[str, Row]:
        found = conn.execute(select(OutboundMessage.business_key, OutboundMessage.id, OutboundMessage.status)
                                .where(OutboundMessage.business_key.in_(keys))).all()
        return {key: Row(row_id, SendStatus(status)) for key, row_id, status in found}

    def tally_below(self, template: OutboundEmail, entries: list[tuple[int, int, str, str]], below: int) -> dict[str, int]:
        """Outcomes of the positions a retried batch skips (the heartbeat said they were final):
        their ledger status; no row at all means the recipient was skipped as suppressed."""
        keys = [replace(template, recipient_email=e[2]).business_key for e in entries if e[0] < below]
        tally = {"sent": 0, "failed_permanent": 0, "suppressed": 0}
        with session_scope(self.sessions) as session:
            for i in range(0, len(keys), 500):
                rows = self._existing(session, keys[i:i + 500])
                for row in rows.values():
                    tally["sent" if row.status == SendStatus.sent else "failed_permanent"] += 1
                tally["suppressed"] += len(keys[i:i + 500]) - len(rows)
        return tally

    def apply(self, marks: Marks) -> None:
        """One transaction: after it, every message marked sent here is known to be delivered.
        It runs once per round of connections, so it is kept lean: prepared Core statements run as
        executemany on a plain connection (a third of the cost of IN lists through an ORM session)."""
        with self.engine.begin() as conn:
            if marks.sent:
                now = utcnow()
                conn.execute(_MARK_SENT, [{"row_id": i, "at": now} for i in marks.sent])
            if marks.sending:
                conn.execute(_MARK_SENDING, [{"row_id": i} for i in marks.sending])
            if marks.failures:
                conn.execute(_MARK_FAILED, [{"row_id": f.row_id, "status": f.status, "code": f.code,
                                             "reply": f.reply[:REPLY_MAX]} for f in marks.failures])
                self._suppress(conn, [f for f in marks.failures if f.suppress_email])

    def _suppress(self, conn, failures: list[Failure]) -> None:
        """In the same transaction as the failure marks; rare, so the ORM helper (idempotent) is fine."""
        if failures:
            with Session(bind=conn) as session:
                for f in failures:
                    suppress(session, self.association_id, f.suppress_email, "bounce", f.code, f.reply)
                session.flush()
