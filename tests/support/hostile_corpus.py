"""Hostile values for every edge where text that can reach a mail header comes in (issue 10), and the pure
checks of them (pure_problems).

Each value has an id (pytest's), the text, and what must happen to it: REFUSED at the edge with a Dutch
message containing `message`, or ACCEPTED as it is (after the form's usual strip) and shown escaped.
pure_problems puts a value through the rule, the edges' validators and build_message without a server or a
database; tests/web/test_hostile_input.py runs it in-process and in a fresh interpreter with PYTHONOPTIMIZE=1. It
lists problems instead of asserting, so the optimised run (asserts stripped) still checks something, and it
imports no web app or worker, so that run starts quickly.
"""
from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from enum import StrEnum

import typer
from icalendar import Calendar
from markupsafe import escape

from raadsbode.mail.compose import build_message
from raadsbode.mail.ical import CalendarEvent, build_calendar
from models.messages.mail import OutboundEmail
from models.messages.network import NetworkSignupInput
from models.tables.org import normalise_email
from raadsbode.store.associations import email_problem
from raadsbode.cli.common import USAGE_ERROR, header_text
from raadsbode.domain.header_text import header_text_problem
from raadsbode.settings import Settings
from raadsbode.services.newsletter.subscribers import SubscriberError, check_name_and_email
from web.common.forms import header_field_error
from workflows.network.checks import check_signup


class Outcome(StrEnum):
    refused = "refused"
    accepted = "accepted"


BREAKS = "regeleinden"  # in header_text's message for controls, line and format characters
ENCODED = "'=?'"
TOO_LONG = "hoogst"  # "hoogstens" / "ten hoogste": every edge's own length message


@dataclass(frozen=True)
class Hostile:
    id: str
    value: str
    outcome: Outcome
    message: str = ""  # a part of the Dutch refusal

    @property
    def refused(self) -> bool:
        return self.outcome == Outcome.refused


def _refused(id_: str, value: str, message: str = BREAKS) -> Hostile:
    return Hostile(id_, value, Outcome.refused, message)


def _accepted(id_: str, value: str) -> Hostile:
    return Hostile(id_, value, Outcome.accepted)


def _b(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# The issue's payload: an encoded-word with whitespace inside, whose decoded line feeds 3.11.7 wrote raw.
ISSUE_PAYLOAD = ("Jan =?utf-8?q?x =0AReply-To: evil@attacker.test=0AContent-Type: text/html=0A=0A"
                 "<h1>Uw account is geblokkeerd</h1>?=")

NAMES: list[Hostile] = [
    # line breaks and other controls
    _refused("crlf-bcc", "Jan\r\nBcc: evil@attacker.test"),
    _refused("lf-bcc", "Jan\nBcc: evil@attacker.test"),
    _refused("cr-bcc", "Jan\rBcc: evil@attacker.test"),
    _refused("crlf-crlf-body", "Jan\r\n\r\n<h1>Nep</h1>"),
    _refused("crlf-folded", "Jan\r\n X-Evil: 1"),
    _refused("nul", "Jan\x00Bcc: evil@attacker.test"),
    _refused("tab", "Jan\tJansen"),
    _refused("vertical-tab", "Jan\x0bJansen"),
    _refused("form-feed", "Jan\x0cJansen"),
    _refused("escape-sequence", "Jan\x1b[31mrood"),
    _refused("delete", "Jan\x7fJansen"),
    _refused("nel", "Jan\x85Bcc: evil@attacker.test"),
    _refused("line-separator", "Jan\u2028Bcc: evil@attacker.test"),
    _refused("paragraph-separator", "Jan\u2029Bcc: evil@attacker.test"),
    _refused("rtl-override", "Factuur \u202efdp.exe"),
    _refused("bidi-isolate", "\u2066Jan\u2069 Jansen"),
    _refused("zero-width-space", "Ja\u200bn"),
    _refused("byte-order-mark", "Jan\ufeffJansen"),
    # RFC 2047 encoded-words, q and b, with and without whitespace, folded
    _refused("issue-payload", ISSUE_PAYLOAD, ENCODED),
    _refused("ew-q", "=?utf-8?q?Jan=0ABcc:_evil@attacker.test?=", ENCODED),
    _refused("ew-q-space", "=?utf-8?q?Jan =0ABcc: evil@attacker.test?=", ENCODED),
    _refused("ew-q-upper-crlf", "=?UTF-8?Q?x=0D=0AX-Evil:_1?=", ENCODED),
    _refused("ew-b", f"=?utf-8?b?{_b('Jan' + chr(10) + 'Bcc: evil@attacker.test')}?=", ENCODED),
    _refused("ew-b-space", f"Jan =?utf-8?b?{_b(chr(10) + 'X-Evil: 1')[:8]} {_b(chr(10) + 'X-Evil: 1')[8:]}?=", ENCODED),
    _refused("ew-latin1", "=?iso-8859-1?q?Jos=E9=0A?=", ENCODED),
    _refused("ew-two-words", "Jan =?utf-8?q?a?= =?utf-8?q?=0ABcc:_e@attacker.test?=", ENCODED),
    _refused("ew-folded", "Jan =?utf-8?q?a?=\r\n =?utf-8?q?=0AX-Evil:_1?="),
    _refused("ew-unclosed", "Jan =? Jansen", ENCODED),
    # length
    _refused("overlong", "A" * 5000, TOO_LONG),
    # legitimate text that is dangerous elsewhere: accepted, escaped where it goes
    _accepted("html-script", "<script>alert(1)</script>"),
    _accepted("html-img", "<img src=x onerror=alert(1)>"),
    _accepted("html-entities", "Tom &amp; Jerry &lt;b&gt;"),
    _accepted("double-quotes", 'Jan "de Man" Jansen'),
    _accepted("apostrophe", "'s-Hertogenbosch"),
    _accepted("ical-semicolon", "Overleg; agenda"),
    _accepted("ical-comma", "Almere, Lelystad"),
    _accepted("ical-backslash", "C:\\temp\\n"),
    _accepted("ical-colon", "Overleg: begroting 2027"),
    _accepted("ical-all", "a;b,c\\d:e"),
    _accepted("header-lookalike", "Bcc: evil@attacker.test"),
    _accepted("name-with-address", "Jan <evil@attacker.test>"),
    _accepted("question-equals", "Wat?=ja = ?"),
    _accepted("template-syntax", "{{ 7*7 }} ${x} %s {% raw %}"),
    _accepted("mime-boundary", "--===============1234567890=="),
    _accepted("accents", "Zoë Çelik-Öztürk"),
    _accepted("emoji-zwj", "Team \U0001F469\u200d\U0001F4BB"),
    _accepted("cjk", "山田太郎"),
    _accepted("arabic", "مرحبا بالعالم"),
    _accepted("nbsp", "Jan\u00a0Jansen"),
    _accepted("long-but-fine", "B" * 150),
]

# Values for address fields (sign-up, sign-in, staff, association mailbox, CSV e-mail column).
ADDRESSES: list[Hostile] = [
    _refused("addr-crlf-bcc", "anna@example.test\r\nBcc: evil@attacker.test", ""),
    _refused("addr-lf", "anna@example.test\nX-Evil: 1", ""),
    _refused("addr-encoded-word", "=?utf-8?q?evil?=@example.test", ""),
    _refused("addr-two", "anna@example.test, evil@attacker.test", ""),
    _refused("addr-angle", "Anna <anna@example.test>", ""),
    _refused("addr-nul", "anna\x00@example.test", ""),
    _refused("addr-rtl", "anna\u202e@example.test", ""),
]

CORPUS: list[Hostile] = NAMES + ADDRESSES
REFUSED = [h for h in NAMES if h.refused]
ACCEPTED = [h for h in NAMES if not h.refused]


# --- the pure checks ------------------------------------------------------------------------------------------

PURE_SETTINGS = Settings(environment="dev", mail_from="secretariaat@vng-flevoland.test",
                         public_base_url="http://raadsbode.test")
INTENDED_HEADERS = {"from", "to", "subject", "date", "message-id", "mime-version", "content-type"}


def _refusals(h: Hostile) -> dict[str, bool]:
    """Per pure edge: did it refuse the value (as a name)?"""
    found: dict[str, bool] = {"rule": header_text_problem(h.value) is not None}
    try:
        check_signup(NetworkSignupInput(name=h.value, email="anna@example.test", organisation=""))
        found["network validator (name)"] = False
    except ValueError:
        found["network validator (name)"] = True
    try:
        check_signup(NetworkSignupInput(name="Anna", email="anna@example.test", organisation=h.value))
        found["network validator (organisation)"] = False
    except ValueError:
        found["network validator (organisation)"] = True
    try:
        check_name_and_email(h.value, "anna@example.test")
        found["subscriber"] = False
    except SubscriberError:
        found["subscriber"] = True
    if h.message != "hoogst":  # these two leave lengths to each form's and command's own limit
        found["web form field"] = bool(header_field_error(h.value, "De naam"))
        try:
            header_text("De naam")(h.value)
            found["cli option"] = False
        except typer.Exit as exit_:
            found["cli option"] = exit_.exit_code == USAGE_ERROR
    return found


def _pure_mail(h: Hostile) -> OutboundEmail:
    calendar = build_calendar(CalendarEvent(
        uid=f"{uuid.uuid4()}@vng-flevoland.test", sequence=0, summary=h.value, description=h.value, location=h.value,
        starts_at=datetime(2027, 3, 18, 15, 0).astimezone(), ends_at=datetime(2027, 3, 18, 17, 0).astimezone(),
        organizer_email="info@vng-flevoland.test", organizer_name="VNG Flevoland",
        attendee_email="anna@example.test", attendee_name=h.value))
    return OutboundEmail(kind="hostile", subject_ref="hostile-1", version=1, recipient_email="anna@example.test",
                         recipient_name=h.value, subject=f"Uitnodiging: {h.value}", html=f"<p>{escape(h.value)}</p>",
                         text=h.value, from_email="info@vng-flevoland.test", from_name=h.value,
                         calendar=calendar, calendar_method="REQUEST")


def _built_problems(h: Hostile) -> list[str]:
    """build_message refuses what the edges refuse (the composer's own check) and builds the rest exactly."""
    try:
        data = build_message(_pure_mail(h), "<hostile@vng-flevoland.test>", PURE_SETTINGS)
    except ValueError as exc:
        return [] if h.refused else [f"build_message refused an accepted value: {exc}"]
    if h.refused:
        return ["build_message built a message with a refused value"]
    return mail_problems(message_from_bytes(data, policy=policy.default), "anna@example.test", h.value, h.value,
                         calendar=True)


def mail_problems(msg, to: str, name: str, shown: str, calendar: bool = False,
                  summary: str | None = None, location: str | None = None) -> list[str]:
    """What is wrong with a sent message: its header names, its one From and one To, the MIME tree, the HTML
    escaping of `shown`, and the calendar's SUMMARY/LOCATION (when given) as the input was."""
    problems = []
    names = {key.lower() for key in msg.keys()}
    if not names <= INTENDED_HEADERS | {"list-unsubscribe", "list-unsubscribe-post", "list-id", "auto-submitted",
                                        "reply-to", "precedence", "x-auto-response-suppress"} or ("reply-to" in names \
            and msg["Reply-To"].addresses[0].addr_spec.endswith("attacker.test")):
        problems.append(f"unexpected headers {sorted(names - INTENDED_HEADERS)}")
    if not names >= INTENDED_HEADERS:
        problems.append(f"missing headers {sorted(INTENDED_HEADERS - names)}")
    recipients = msg["To"].addresses if msg["To"] else ()
    if [a.addr_spec for a in recipients] != [to] or recipients[0].display_name != name:
        problems.append(f"To is {msg['To']!r}, meant {name!r} <{to}>")
    if len(msg["From"].addresses) != 1 or len(msg.get_all("From")) != 1 or len(msg.get_all("To")) != 1:
        problems.append("not exactly one From and one To")
    parts = [part.get_content_type() for part in msg.walk() if not part.is_multipart()]
    expected = ["text/plain", "text/html"] + (["text/calendar"] if calendar else [])
    if msg.get_content_type() not in ("multipart/alternative", "multipart/mixed") or parts != expected:
        problems.append(f"MIME tree {msg.get_content_type()} {parts}, meant {expected}")
    html = next((p.get_content() for p in msg.walk() if p.get_content_type() == "text/html"), "")
    if str(escape(shown)) not in html or ("<" in shown and shown in html):
        problems.append("the HTML does not show the value escaped")
    if calendar:
        part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
        event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
        for field, wanted in (("SUMMARY", summary if summary is not None else shown),
                              ("LOCATION", location if location is not None else shown)):
            if str(event.get(field)) != wanted:
                problems.append(f"calendar {field} is {str(event.get(field))!r}, meant {wanted!r}")
    return problems


def pure_problems(h: Hostile) -> list[str]:
    """Every way the pure edges and the composer disagree with the corpus about this value."""
    if h in ADDRESSES:
        refused = email_problem(normalise_email(h.value)) is not None
        return [] if refused else [f"{h.id}: email_problem accepts {h.value!r}"]
    wrong = [edge for edge, refused in _refusals(h).items() if refused != h.refused]
    return [f"{h.id}: {edge} {'accepts' if h.refused else 'refuses'} it" for edge in wrong] + \
        [f"{h.id}: {problem}" for problem in _built_problems(h)]


