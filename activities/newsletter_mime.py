"""One issue rendered to bytes once, then personalised per recipient by cheap byte substitution.

Building an EmailMessage costs ~3 ms of CPU and would cap a send near 300 msg/s; here the mail
core's build_message runs once with placeholders, and each copy only fills in To, Message-ID, the
unsubscribe URL and the greeting, then quoted-printable encodes its two bodies (binascii, in C).
"""
from __future__ import annotations

import binascii
import html as html_lib
import re
from dataclasses import dataclass, replace
from email.utils import formataddr

from activities.compose import HeaderInjectionError, build_message, message_id_for
from models.messages import OutboundEmail
from raadsbode.settings import Settings

NAME_MARK = "RBPLACEHOLDERNAME"  # in the rendered html/text: the greeting's name
UNSUB_MARK = "RBPLACEHOLDERUNSUB"  # in the rendered html/text: the unsubscribe URL
_TO = "rb-recipient-placeholder@placeholder.test"
_MSGID = "<rb-msgid-placeholder@placeholder.test>"
_TEXT = "RBPLACEHOLDERTEXTBODY"
_HTML = "RBPLACEHOLDERHTMLBODY"
_SLOTS = re.compile(rb"(rb-recipient-placeholder@placeholder\.test|<rb-msgid-placeholder@placeholder\.test>"
                    rb"|RBPLACEHOLDERUNSUB|RBPLACEHOLDERTEXTBODY\r\n|RBPLACEHOLDERHTMLBODY\r\n)")
_SLOT_NAMES = {b"rb-recipient-placeholder@placeholder.test": "to", b"<rb-msgid-placeholder@placeholder.test>": "msgid",
               b"RBPLACEHOLDERUNSUB": "unsub", b"RBPLACEHOLDERTEXTBODY\r\n": "text", b"RBPLACEHOLDERHTMLBODY\r\n": "html"}
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$")
_URL_SAFE = re.compile(r"^https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$")


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    unsubscribe_url: str


@dataclass(frozen=True)
class Personalised:
    business_key: str
    message_id: str
    data: bytes


class IssueTemplate:
    """Build once per batch (same bytes in every batch: content and Date come from the frozen issue)."""

    def __init__(self, out: OutboundEmail, settings: Settings, date_header: str | None = None) -> None:
        self.out = out
        self.domain = (out.from_email or settings.mail_from).rpartition("@")[2]
        # UNSUB_MARK stays in the headers as it is: the same slot as in the bodies.
        shell = replace(out, recipient_email=_TO, recipient_name="", text=_TEXT, html=_HTML)
        raw = build_message(shell, _MSGID, settings)
        if date_header:
            raw = re.sub(rb"(?m)^Date: .*\r\n", b"Date: " + date_header.encode("ascii") + b"\r\n", raw, count=1)
        self.parts = _SLOTS.split(raw)  # static bytes at even indexes, slot markers at odd ones
        self.text = _crlf(out.text)
        self.html = _crlf(out.html)

    def personalise(self, rcpt: Recipient) -> Personalised:
        email, name = _checked(rcpt)
        key = replace(self.out, recipient_email=email, recipient_name=name).business_key
        msgid = message_id_for(key, self.domain)
        values = {
            "to": formataddr((name, email)).encode("ascii"),
            "msgid": msgid.encode("ascii"),
            "unsub": rcpt.unsubscribe_url.encode("ascii"),
            "text": _qp(self.text.replace(NAME_MARK, name).replace(UNSUB_MARK, rcpt.unsubscribe_url)),
            "html": _qp(self.html.replace(NAME_MARK, html_lib.escape(name)).replace(UNSUB_MARK, rcpt.unsubscribe_url)),
        }
        parts = self.parts
        data = b"".join(values[_SLOT_NAMES[p]] if i % 2 else p for i, p in enumerate(parts))
        return Personalised(key, msgid, data)


def _checked(rcpt: Recipient) -> tuple[str, str]:
    """The substituted values must not change the message's structure."""
    email, name = rcpt.email.strip().lower(), rcpt.name
    if not _ADDRESS.match(email) or not email.isascii():
        raise HeaderInjectionError(f"recipient: invalid email address {email!r}")
    if any(c in name for c in "\r\n\x00") or len(name) > 200:
        raise HeaderInjectionError("recipient_name: line break or oversize refused")
    if not _URL_SAFE.match(rcpt.unsubscribe_url):
        raise HeaderInjectionError("unsubscribe URL: unexpected characters refused")
    return email, name


def _crlf(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\n", "\r\n")


def _qp(value: str) -> bytes:
    data = binascii.b2a_qp(value.encode("utf-8"), quotetabs=False, istext=True, header=False)
    return data if data.endswith(b"\r\n") else data + b"\r\n"
