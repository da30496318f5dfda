"""What the dev outbox shows: the sink's Maildir read back, and per message its summary, MIME parts, links. No web."""
from __future__ import annotations

import html
import mailbox
import re
from dataclasses import dataclass
from datetime import datetime, UTC
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

# Maildir keys look like "1700000000.M12P34Q5.host"; anything else is not one of ours.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._,:=\\-]{1,200}$")
_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
_READABLE = {"text/plain", "text/calendar", "application/ics", "text/csv"}


def read_maildir(maildir: Path) -> list[tuple[str, EmailMessage]]:
    """Messages in the Maildir, newest first, as (key, parsed message)."""
    if not maildir.exists():
        return []
    box = mailbox.Maildir(str(maildir), factory=None, create=False)
    items = []
    for key in box.keys():
        path = Path(box._path) / box._toc[key]
        items.append((path.stat().st_mtime, key, message_from_bytes(path.read_bytes(), policy=policy.default)))
    items.sort(key=lambda t: t[0], reverse=True)
    return [(key, msg) for _, key, msg in items]


@dataclass(frozen=True)
class Summary:
    key: str
    date: datetime | None
    sender: str
    to: str
    subject: str


@dataclass(frozen=True)
class Part:
    index: int
    content_type: str
    filename: str | None
    size: int
    text: str | None  # readable parts (plain text, iCalendar) as text
    is_html: bool


def summarize(key: str, msg: EmailMessage) -> Summary:
    return Summary(key=key, date=message_date(msg) or _delivered_at(key), sender=str(msg.get("From", "")),
                   to=", ".join(str(v) for v in msg.get_all("To", [])), subject=str(msg.get("Subject", "")))


def message_date(msg: EmailMessage) -> datetime | None:
    header = msg.get("Date")
    return getattr(header, "datetime", None) if header is not None else None


def _delivered_at(key: str) -> datetime | None:
    """A Maildir key starts with the delivery time (seconds since the epoch)."""
    head = key.split(".", 1)[0]
    return datetime.fromtimestamp(int(head), tz=UTC) if head.isdigit() else None


def load_message(maildir: Path, key: str) -> tuple[bytes, EmailMessage] | None:
    """The raw bytes and the parsed message, or None if the key is not in the Maildir."""
    if not KEY_PATTERN.match(key) or not maildir.exists():
        return None
    try:
        raw = mailbox.Maildir(str(maildir), factory=None, create=False).get_bytes(key)
    except KeyError:
        return None
    return raw, message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def leaf_parts(msg: EmailMessage) -> list[tuple[int, EmailMessage]]:
    """Every non-multipart part with a stable index (its position in msg.walk())."""
    return [(i, p) for i, p in enumerate(msg.walk()) if not p.is_multipart()]


def part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # unknown charset or broken encoding: show what we can
        content = part.get_payload(decode=True) or b""
    if isinstance(content, bytes):
        return content.decode(part.get_content_charset() or "utf-8", errors="replace")
    return str(content)


def describe_parts(msg: EmailMessage) -> list[Part]:
    parts = []
    for index, part in leaf_parts(msg):
        ctype = part.get_content_type()
        payload = part.get_payload(decode=True) or b""
        readable = ctype in _READABLE
        parts.append(Part(index=index, content_type=ctype, filename=part.get_filename(), size=len(payload),
                          text=part_text(part) if readable else None, is_html=ctype == "text/html"))
    return parts


def find_part(msg: EmailMessage, index: int) -> EmailMessage | None:
    return dict(leaf_parts(msg)).get(index)


def links_in(msg: EmailMessage) -> list[str]:
    """Every http(s) URL in the text and HTML parts, in order, once: a developer clicks them here."""
    seen: dict[str, None] = {}
    for _, part in leaf_parts(msg):
        if part.get_content_type() not in ("text/plain", "text/html"):
            continue
        text = part_text(part)
        if part.get_content_type() == "text/html":
            text = html.unescape(text)
        for url in _URL.findall(text):
            seen.setdefault(url.rstrip(".,;:!?"), None)
    return list(seen)
