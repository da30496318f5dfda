"""Build one MIME message from an OutboundEmail: validated headers, text + HTML (+ calendar).

Every header value is checked for line breaks, also when hidden in RFC 2047 encoded-words,
because a mail client decodes those and a decoded CR/LF can forge headers downstream.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email import policy
from email.header import decode_header
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from models.messages import OutboundEmail
from raadsbode.settings import Settings

# Every character str.splitlines() breaks on, plus NUL: any of them can end a header line somewhere.
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00")
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[qQbB]\?[^?\s]*\?=")
HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 ftext: printable ASCII except ':'
# Headers the message builds itself; extra headers may not replace them.
RESERVED_HEADERS = frozenset(
    h.lower()
    for h in ("From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version", "Sender",
              "Reply-To", "Return-Path", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition")
)
CALENDAR_METHODS = ("REQUEST", "CANCEL", "PUBLISH")


class HeaderInjectionError(ValueError):
    """A header value (or address) that could change the message's structure: never sendable."""


def message_id_for(business_key: str, domain: str) -> str:
    """Deterministic, so a re-send after a crash carries the same Message-ID and clients can dedupe."""
    digest = hashlib.sha256(business_key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{checked_header_value(domain, 'domain')}>"


def checked_header_value(value: str, what: str) -> str:
    """value unchanged, or HeaderInjectionError when it (or an encoded-word in it) contains a line break."""
    if _has_line_break(value):
        raise HeaderInjectionError(f"{what}: line break in header value refused")
    for word in ENCODED_WORD.findall(value):
        if _encoded_word_has_line_break(word):
            raise HeaderInjectionError(f"{what}: line break hidden in an encoded-word refused")
    return value


def _has_line_break(value: str) -> bool:
    return any(ch in LINE_BREAKS for ch in value)


def _encoded_word_has_line_break(word: str) -> bool:
    try:
        parts = decode_header(word)
    except Exception as exc:  # a malformed encoded-word is refused rather than guessed at
        raise HeaderInjectionError(f"malformed encoded-word {word!r}") from exc
    for raw, charset in parts:
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="replace")
        # Raw bytes first: an unknown charset label must not hide a CR/LF from the check.
        if b"\r" in raw or b"\n" in raw or b"\x00" in raw:
            return True
        try:
            decoded = raw.decode(charset or "ascii", errors="replace")
        except LookupError:
            continue
        if _has_line_break(decoded):
            return True
    return False


def checked_address(address: str, what: str) -> str:
    """An ASCII addr-spec that email-validator accepts (IDN domains become punycode)."""
    checked_header_value(address, what)
    try:
        valid = validate_email(address.strip(), check_deliverability=False, allow_smtputf8=False,
                               globally_deliverable=False, test_environment=True)
    except EmailNotValidError as exc:
        raise HeaderInjectionError(f"{what}: invalid email address {address!r}: {exc}") from exc
    return valid.ascii_email or valid.normalized


def from_address(out: OutboundEmail, settings: Settings) -> str:
    """The association's mailbox, or the configured sender. The latter is operator config (it may
    be e.g. raadsbode@localhost in dev), so it only gets the structural check."""
    if out.from_email:
        return checked_address(out.from_email, "from_email")
    return _configured_address(settings.mail_from)


def _configured_address(address: str) -> str:
    checked_header_value(address, "mail_from")
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain or any(c.isspace() or c in "<>,;\"" for c in address.strip()):
        raise HeaderInjectionError(f"mail_from: invalid email address {address!r}")
    return address.strip()


def build_message(out: OutboundEmail, message_id: str, settings: Settings) -> bytes:
    """The whole message as bytes with CRLF line endings, ready for SMTP DATA."""
    msg = EmailMessage(policy=policy.SMTP)
    sender = from_address(out, settings)
    _set_addresses(msg, out, sender)
    msg["Subject"] = checked_header_value(out.subject, "subject")
    msg["Date"] = format_datetime(datetime.now(ZoneInfo(settings.timezone)))
    msg["Message-ID"] = checked_header_value(message_id, "message_id")
    msg["MIME-Version"] = "1.0"
    _set_extra_headers(msg, out.headers)
    _set_body(msg, out, sender)
    return msg.as_bytes(policy=policy.SMTP)


def _set_addresses(msg: EmailMessage, out: OutboundEmail, sender: str) -> None:
    recipient = checked_address(out.recipient_email, "recipient_email")
    from_name = checked_header_value(out.from_name or "", "from_name")
    to_name = checked_header_value(out.recipient_name or "", "recipient_name")
    msg["From"] = _address(from_name, sender)
    msg["To"] = _address(to_name, recipient)


def _address(name: str, addr_spec: str) -> Address:
    local, _, domain = addr_spec.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _set_extra_headers(msg: EmailMessage, headers: dict[str, str]) -> None:
    for name, value in headers.items():
        if not HEADER_NAME.match(name):
            raise HeaderInjectionError(f"invalid header name {name!r}")
        if name.lower() in RESERVED_HEADERS:
            raise HeaderInjectionError(f"header {name!r} is set by the mailer and cannot be overridden")
        msg[name] = checked_header_value(value, name)


def _set_body(msg: EmailMessage, out: OutboundEmail, sender: str) -> None:
    # Quoted-printable: 7-bit safe through any relay, and readable for ASCII-heavy Dutch text.
    msg.set_content(out.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.make_alternative()
    msg.attach(_text_part(out.html, "html"))
    if out.calendar is not None:
        msg.attach(calendar_part(out.calendar, out.calendar_method, sender))


def _text_part(content: str, subtype: str) -> MIMEPart:
    # MIMEPart, not EmailMessage: a body part carries no MIME-Version header of its own.
    part = MIMEPart(policy=policy.SMTP)
    part.set_content(content, subtype=subtype, charset="utf-8", cte="quoted-printable")
    return part


def calendar_part(calendar: bytes, method: str | None, sender: str) -> MIMEPart:
    """RFC 6047: an inline text/calendar alternative whose MIME method equals the METHOD inside, and
    whose ORGANIZER is the From address (Outlook and Gmail treat other invitations as not the organizer's)."""
    inner = _calendar_method(calendar)
    if method is not None and method.upper() != inner:
        raise ValueError(f"calendar_method {method!r} differs from METHOD:{inner} in the calendar")
    organizer = _calendar_organizer(calendar)
    if _comparable_address(organizer) != _comparable_address(sender):
        raise ValueError(f"ORGANIZER mailto:{organizer} in the calendar differs from the From address {sender}")
    part = MIMEPart(policy=policy.SMTP)
    text = calendar.decode("utf-8")
    # Exchange and Google send calendars as 7bit when ASCII, base64 otherwise; every client reads that.
    part.set_content(text, subtype="calendar", charset="utf-8", cte="7bit" if text.isascii() else "base64")
    del part["Content-Type"]
    # set_raw keeps the value as written (unquoted method), the form RFC 6047 shows and Outlook expects.
    part.set_raw("Content-Type", f"text/calendar; method={inner}; charset=UTF-8")
    return part


def _calendar_method(calendar: bytes) -> str:
    match = re.search(rb"^METHOD:([A-Z-]+)\r?$", calendar, re.MULTILINE)
    if not match or match.group(1).decode() not in CALENDAR_METHODS:
        raise ValueError("the calendar has no METHOD line of REQUEST, CANCEL or PUBLISH")
    return match.group(1).decode()


def _calendar_organizer(calendar: bytes) -> str:
    unfolded = re.sub(rb"\r?\n[ \t]", b"", calendar)  # RFC 5545 3.1: a long line may fold inside the address
    match = re.search(rb"^ORGANIZER[;:].*mailto:([^\s\"]+)\r?$", unfolded, re.MULTILINE | re.IGNORECASE)
    if not match:
        raise ValueError("the calendar has no ORGANIZER with a mailto: address")
    return match.group(1).decode("utf-8", errors="replace")


def _comparable_address(address: str) -> str:
    try:
        return checked_address(address, "address").lower()  # IDN domains as punycode, like the From
    except HeaderInjectionError:
        return address.strip().lower()  # e.g. a configured sender on a local domain
