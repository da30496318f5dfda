"""Where inbound mail is read from: an IMAP folder in production, the embedded SMTP sink's Maildir in dev.

Both give a bounded batch of raw messages and are told which ones are done. IMAP marks them \\Seen;
the Maildir is shared with the dev outbox, so it is left as it is and the InboundMessage table says
what was processed. trusted_authserv_ids says whose Authentication-Results are believed in mail read here.
"""
from __future__ import annotations

import imaplib
import logging
import mailbox
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path

from raadsbode.mail.itip import addressed_to, message_key
from raadsbode.mail.auth_results import DEV_AUTHSERV_ID
from raadsbode.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RawMessage:
    ref: str  # IMAP UID or Maildir key
    key: str  # Message-ID (or hash)
    data: bytes


class MaildirSource:
    def __init__(self, path: Path, mailboxes: set[str]) -> None:
        self.path, self.mailboxes = path, {m.lower() for m in mailboxes}

    def fetch(self, limit: int, is_done: Callable[[str], bool]) -> list[RawMessage]:
        if not self.path.exists():
            return []
        box = mailbox.Maildir(str(self.path), factory=None, create=False)
        found = []
        for ref in sorted(box.keys()):
            data = box.get_bytes(ref)
            headers = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
            if not addressed_to(headers) & self.mailboxes:
                continue  # mail from us to members, not mail to an association's mailbox
            key = message_key(data, headers)
            if not is_done(key):
                found.append(RawMessage(ref, key, data))
            if len(found) >= limit:
                break
        return found

    def mark_done(self, refs: list[str]) -> None:
        """Nothing to do: the InboundMessage rows are the record."""


class ImapSource:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _connect(self) -> imaplib.IMAP4_SSL:
        s = self.settings
        conn = imaplib.IMAP4_SSL(s.imap_host, s.imap_port, timeout=30)
        conn.login(s.imap_user or "", s.imap_password or "")
        conn.select(s.imap_folder)
        return conn

    def fetch(self, limit: int, is_done: Callable[[str], bool]) -> list[RawMessage]:
        conn = self._connect()
        try:
            _, data = conn.uid("SEARCH", None, "UNSEEN")
            found = []
            for uid in (data[0] or b"").split()[:limit]:
                _, parts = conn.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
                found.append(RawMessage(uid.decode(), message_key(raw), raw))
            return found  # processed ones too: they get marked \Seen with the rest
        finally:
            conn.logout()

    def mark_done(self, refs: list[str]) -> None:
        if not refs:
            return
        conn = self._connect()
        try:
            conn.uid("STORE", ",".join(refs), "+FLAGS", "(\\Seen)")
        finally:
            conn.logout()


def source_for(settings: Settings, mailboxes: set[str]) -> MaildirSource | ImapSource:
    if settings.imap_host:
        return ImapSource(settings)
    return MaildirSource(settings.inbox_maildir or settings.mail_dir, mailboxes)


def trusted_authserv_ids(settings: Settings) -> frozenset[str]:
    """The configured receiving servers; in dev, reading the sink's Maildir, also the sink (which strips
    forged copies of its field). Never the sink's id over IMAP or in production: there anyone could write it."""
    trusted = set(settings.trusted_authserv_id)
    if settings.is_dev and not settings.imap_host:
        trusted.add(DEV_AUTHSERV_ID)
    return frozenset(trusted)
