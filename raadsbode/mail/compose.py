"""Build one MIME message from an OutboundEmail: validated headers, text + HTML (+ calendar).

Every value written into a header goes through checked_header_value, which applies the one rule for
header text (raadsbode/domain/header_text.py: no control, format or line-separator character, no '=?').
The edges refuse such values already; the composer refuses them again because it is the one place
every message passes. Then the built bytes are parsed back (raadsbode/mail/verify.py) and refused
unless they are exactly the message meant: the last line of defence against a gap in either.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from raadsbode.mail.errors import HeaderInjectionError, shown
from raadsbode.mail.verify import BASE_HEADERS, Intended, verify_built
from models.messages.mail import OutboundEmail
from raadsbode.domain.header_text import header_text_problem
from raadsbode.settings import Settings

# Longest header value the composer writes: it builds subjects longer than an edge accepts for a
# title ("[Proef v2] " + subject); beyond this a value is a bug, not a subject.
MAX_VALUE = 1000
HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 ftext: printable ASCII except ':'
# Headers the message builds itself; extra headers may not replace them.
RESERVED_HEADERS = frozenset(
    h.lower()
    for h in ("From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version", "Sender",
              "Reply-To", "Return-Path", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition")
)
CALENDAR_METHODS = ("REQUEST", "CANCEL", "PUBLISH")


def message_id_for(business_key: str, domain: str) -> str:
    """Deterministic, so a re-send after a crash carries the same Message-ID and clients can dedupe."""
    digest = hashlib.sha256(business_key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{checked_header_value(domain, 'domain')}>"


def checked_header_value(value: str, what: str) -> str:
    """value unchanged, or HeaderInjectionError when the header-text rule refuses it."""
    # The newsletter checks a few values per copy at ~1,000 copies/s: a printable string (str.isprintable,
    # in C) holds none of the characters the rule refuses, so only '=?' and the length remain to check.
    if value.isprintable() and "=?" not in value and len(value) <= MAX_VALUE:
        return value
    problem = header_text_problem(value, MAX_VALUE)
    if problem is not None:
        raise HeaderInjectionError(f"{what} {problem}: {shown(value)}")
    return value


def checked_address(address: str, what: str) -> str:
    """An ASCII addr-spec that email-validator accepts (IDN domains become punycode)."""
    checked_header_value(address, what)
    try:
        valid = validate_email(address.strip(), check_deliverability=False, allow_smtputf8=False,
                               globally_deliverable=False, test_environment=True)
    except EmailNotValidError as exc:
        raise HeaderInjectionError(f"{what}: invalid email address {shown(address)}: {exc}") from exc
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
        raise HeaderInjectionError(f"mail_from: invalid email address {shown(address)}")
    return address.strip()


def build_message(out: OutboundEmail, message_id: str, settings: Settings) -> bytes:
    """The whole message as bytes with CRLF line endings, ready for SMTP DATA; HeaderInjectionError
    (BuiltMessageMismatch when only the parse-back notices) instead of anything not exactly meant."""
    msg = EmailMessage(policy=policy.SMTP)
    sender = from_address(out, settings)
    recipient = _set_addresses(msg, out, sender)
    msg["Subject"] = checked_header_value(out.subject, "subject")
    msg["Date"] = format_datetime(datetime.now(ZoneInfo(settings.timezone)))
    msg["Message-ID"] = checked_header_value(message_id, "message_id")
    msg["MIME-Version"] = "1.0"
    _set_extra_headers(msg, out.headers)
    _set_body(msg, out, sender)
    data = msg.as_bytes(policy=policy.SMTP)
    parts = ("text/plain", "text/html") + (("text/calendar",) if out.calendar is not None else ())
    verify_built(data, Intended(BASE_HEADERS | {name.lower() for name in out.headers}, sender, recipient, parts))
    return data


def _set_addresses(msg: EmailMessage, out: OutboundEmail, sender: str) -> str:
    recipient = checked_address(out.recipient_email, "recipient_email")
    from_name = checked_header_value(out.from_name or "", "from_name")
    to_name = checked_header_value(out.recipient_name or "", "recipient_name")
    msg["From"] = _address(from_name, sender)
    msg["To"] = _address(to_name, recipient)
    return recipient


def _address(name: str, addr_spec: str) -> Address:
    local, _, domain = addr_spec.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _set_extra_headers(msg: EmailMessage, headers: dict[str, str]) -> None:
    for name, value in headers.items():
        if not HEADER_NAME.match(name):
            raise HeaderInjectionError(f"invalid header name {shown(name)}")
        if name.lower() in RESERVED_HEADERS:
            raise HeaderInjectionError(f"header {shown(name)} is set by the mailer and cannot be overridden")
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
