"""Ledgered SMTP delivery.

    mailer = Mailer(settings, sessions)
    result = await mailer.deliver(out: OutboundEmail) -> SendEmailResult
        - one ledger row per out.business_key; status sent -> returns already_sent=True, no SMTP
        - 5xx at RCPT TO (the recipient) -> ledger failed_permanent, returns status "failed_permanent" (no raise)
        - 5xx at MAIL FROM or DATA (relay, account, content: smtp_refusal.classify) -> ledger
          failed_temporary, raises RelayRefusedError (a TemporarySendError: retry it, then alert)
        - 4xx / connection errors -> ledger failed_temporary, raises TemporarySendError (retry it)
        - a header value the header-text rule refuses, a bad address, or built bytes that parse back as
          another message -> ledger failed_permanent + "mail-refused" audit event, raises
          HeaderInjectionError (permanent); a later attempt finds the row final and sends nothing
    results = await mailer.deliver_many(outs, connections=4) -> list[SendEmailResult]
        - never raises per message: temporary failures come back as status "failed_temporary"
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aiosmtplib

from raadsbode.mail.compose import HeaderInjectionError, build_message, from_address, message_id_for
from raadsbode.mail.errors import shown
from raadsbode.mail.ledger import MailLedger
from raadsbode.mail.smtp_refusal import Refusal, RefusalKind, classify
from models.tables.ledger import SendStatus
from models.messages.mail import OutboundEmail, SendEmailResult
from raadsbode.db import SessionFactory
from raadsbode.settings import Settings

log = logging.getLogger(__name__)


class TemporarySendError(Exception):
    """4xx or a connection problem: the ledger says failed_temporary; try again later."""

    def __init__(self, message: str, code: int | None = None, message_id: str = "") -> None:
        super().__init__(message)
        self.code = code  # None: the connection failed, not the message
        self.message_id = message_id


class RelayRefusedError(TemporarySendError):
    """A 5xx at MAIL FROM or DATA: our relay, account or message was refused, not the recipient.
    Temporary for the ledger (the recipient is not bounced); the next message would be refused too."""

    def __init__(self, message: str, refusal: Refusal, message_id: str = "") -> None:
        super().__init__(message, refusal.code, message_id)
        self.refusal = refusal


@dataclass
class Prepared:
    """A composed message and its envelope."""

    message_id: str
    envelope_from: str
    recipient: str
    data: bytes


class Mailer:
    def __init__(self, settings: Settings, sessions: SessionFactory) -> None:
        self.settings = settings
        self.ledger = MailLedger(sessions)

    async def deliver(self, out: OutboundEmail) -> SendEmailResult:
        smtp = self.new_client()
        try:
            return await self.deliver_on(smtp, out)
        finally:
            await close_quietly(smtp)

    async def deliver_many(self, outs: list[OutboundEmail], connections: int = 4) -> list[SendEmailResult]:
        """Send each message once over a few reused connections; results in the order of outs."""
        from raadsbode.mail.pool import deliver_pooled  # the pool needs Mailer; import late

        return await deliver_pooled(self, outs, max(1, connections))

    def new_client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_user or None,
            password=s.smtp_password or None,
            start_tls=s.smtp_starttls,
            timeout=s.smtp_timeout,
        )

    def prepare(self, out: OutboundEmail, message_id: str | None = None) -> Prepared:
        """Compose (and so validate) the message; raises HeaderInjectionError before anything is written."""
        sender = from_address(out, self.settings)
        message_id = message_id or message_id_for(out.business_key, sender.rpartition("@")[2])
        data = build_message(out, message_id, self.settings)
        # Envelope sender = the relay's own account: bounces reach the operator, and relays that
        # check MAIL FROM against the login accept it. The header From stays the association's.
        return Prepared(message_id, self.settings.mail_from.strip(), out.recipient_email.strip(), data)

    def _refusal_message_id(self, out: OutboundEmail) -> str:
        """The ledger row's Message-ID for a refused message, also when its sender is what was refused."""
        try:
            domain = from_address(out, self.settings).rpartition("@")[2]
        except HeaderInjectionError:
            domain = "refused.invalid"
        return message_id_for(out.business_key, domain)

    async def deliver_on(self, smtp: aiosmtplib.SMTP, out: OutboundEmail) -> SendEmailResult:
        """One message over the given client (connected on demand), ledger first and last."""
        try:
            prepared = self.prepare(out)
        except HeaderInjectionError as exc:
            # Never sendable: on record as failed_permanent (a retry finds it final) and audited; raised for
            # the caller to treat as permanent. repr and truncation keep the hostile value out of the log.
            log.error("refused to build mail %s: %r", shown(out.business_key), str(exc)[:300])
            recorded = await asyncio.to_thread(self.ledger.refuse, out, self._refusal_message_id(out), f"refused: {exc}")
            if recorded is not None:
                return recorded
            raise
        claim = await asyncio.to_thread(self.ledger.claim, out, prepared.message_id)
        if claim.recorded is not None:
            log.info("not sending %s again: ledger says %s", out.business_key, claim.recorded.status)
            return claim.recorded
        if claim.message_id != prepared.message_id:  # sender domain changed since the first attempt
            prepared = self.prepare(out, claim.message_id)
        try:
            code, reply = await self._transact(smtp, claim.row_id, prepared)
        except aiosmtplib.SMTPResponseException as exc:
            return await self._refused(smtp, claim.row_id, out, prepared, exc)
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self._record_temporary(claim.row_id, None, f"connection problem: {exc}")
            raise TemporarySendError(f"{out.business_key}: {exc}", None, prepared.message_id) from exc
        await asyncio.to_thread(self.ledger.mark_sent, claim.row_id, code, reply)
        return SendEmailResult(out.business_key, prepared.message_id, SendStatus.sent.value, code, reply)

    async def _transact(self, smtp: aiosmtplib.SMTP, row_id: int, prepared: Prepared) -> tuple[int, str]:
        if not smtp.is_connected:
            await connect(smtp)
        await smtp.mail(prepared.envelope_from)
        await smtp.rcpt(prepared.recipient)
        # From here on the server may accept the message before we hear back: a crash leaves
        # `sending`, the one state where a retry can duplicate (same Message-ID, so clients dedupe).
        await asyncio.to_thread(self.ledger.mark_sending, row_id)
        response = await smtp.data(prepared.data)
        return response.code, response.message

    async def _refused(self, smtp: aiosmtplib.SMTP, row_id: int, out: OutboundEmail, prepared: Prepared,
                       exc: aiosmtplib.SMTPResponseException) -> SendEmailResult:
        await reset_quietly(smtp)
        refusal = classify(exc)
        if refusal.kind is RefusalKind.recipient:
            log.warning("permanent failure for %s: %s %s", out.business_key, exc.code, exc.message)
            await asyncio.to_thread(self.ledger.mark_failed, row_id, SendStatus.failed_permanent, exc.code, exc.message)
            return SendEmailResult(out.business_key, prepared.message_id, SendStatus.failed_permanent.value,
                                   exc.code, exc.message)
        await self._record_temporary(row_id, exc.code, refusal.describe())
        message = f"{out.business_key}: {refusal.describe()}"
        if refusal.stops_the_send:
            log.warning("relay refused %s: %s", out.business_key, refusal.describe())
            raise RelayRefusedError(message, refusal, prepared.message_id) from exc
        raise TemporarySendError(message, exc.code, prepared.message_id) from exc

    async def _record_temporary(self, row_id: int, code: int | None, reply: str) -> None:
        log.info("temporary failure (row %s): %s", row_id, reply)
        await asyncio.to_thread(self.ledger.mark_failed, row_id, SendStatus.failed_temporary, code, reply)


async def connect(smtp: aiosmtplib.SMTP) -> None:
    """Connect (EHLO, STARTTLS, AUTH). Any refusal here concerns the relay, not this message,
    so it is temporary whatever its code."""
    try:
        await smtp.connect()
    except aiosmtplib.SMTPResponseException as exc:
        await close_quietly(smtp)
        raise aiosmtplib.SMTPConnectError(f"relay refused the session: {exc.code} {exc.message}") from exc


async def reset_quietly(smtp: aiosmtplib.SMTP) -> None:
    """RSET after a refused MAIL/RCPT/DATA so the connection can carry the next message."""
    if smtp.is_connected:
        try:
            await smtp.rset()
        except (aiosmtplib.SMTPException, OSError):
            await close_quietly(smtp)


async def close_quietly(smtp: aiosmtplib.SMTP) -> None:
    if smtp.is_connected:
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError):
            smtp.close()


__all__ = ["HeaderInjectionError", "Mailer", "Prepared", "RelayRefusedError", "TemporarySendError", "connect"]
