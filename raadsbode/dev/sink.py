"""A local SMTP sink (aiosmtpd): keeps every message as a Maildir file a person can open.

Used by the embedded dev stack and by the tests. Tests can script failures per recipient
(e.g. a 550 always, or a 451 the first time) to exercise the ledger's retry rules.

The Maildir copy is the dev stack's inbound mailbox too (calendar replies), and the inbox believes a reply
only on a trusted Authentication-Results field. So the sink stores mail as a receiving server would: it
removes fields claiming its own authserv-id and prepends its own, vouching for the From domain (nothing
here checks signatures; the dev inbox alone trusts this id, see activities/inbox/sources.py).
"""
from __future__ import annotations

import logging
import mailbox
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path

from aiosmtpd.controller import Controller

from raadsbode.mail.auth_results import DEV_AUTHSERV_ID, domain_of, without_auth_results_of

log = logging.getLogger(__name__)


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def parsed(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class SinkHandler:
    maildir: Path | None = None
    messages: list[ReceivedMessage] = field(default_factory=list)
    # recipient -> list of SMTP replies to give at RCPT, consumed one per attempt; the last one sticks
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    data_commands: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.rcpt_replies.get(address.lower())
        if replies:
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = ReceivedMessage(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content))
        with self._lock:
            self.data_commands += 1
            self.messages.append(msg)
            if self.maildir is not None:
                mailbox.Maildir(str(self.maildir), create=True).add(stamped_for_delivery(msg.data))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.rcpt_replies.clear()
            self.data_commands = 0

    def to(self, address: str) -> list[EmailMessage]:
        address = address.lower()
        return [m.parsed() for m in list(self.messages) if address in [r.lower() for r in m.rcpt_tos]]


def stamped_for_delivery(data: bytes) -> bytes:
    """The message as the sink delivers it: forged copies of its Authentication-Results gone, its own on top."""
    data = without_auth_results_of(data, DEV_AUTHSERV_ID)
    headers = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
    domain = domain_of(parseaddr(str(headers.get("From", "")))[1])
    verdict = f"dkim=pass header.d={domain}; dmarc=pass header.from={domain}" if domain else "none"
    newline = b"\r\n" if b"\r\n" in data[:data.find(b"\n") + 1] else b"\n"
    return f"Authentication-Results: {DEV_AUTHSERV_ID}; {verdict}".encode() + newline + data


def start_sink(host: str, port: int, maildir: Path | None = None) -> tuple[Controller, SinkHandler]:
    handler = SinkHandler(maildir=maildir)
    # decode_data=False keeps the bytes exactly as sent (CRLF, 8bit); no size cap for newsletters.
    controller = Controller(handler, hostname=host, port=port, data_size_limit=0, decode_data=False)
    controller.start()
    log.info("SMTP sink listening on %s:%s (maildir %s)", host, port, maildir)
    return controller, handler
