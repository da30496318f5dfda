"""The composer's header guard (issue 10): every value written into a header passes the header-text rule
(raadsbode/domain/header_text.py) in activities/compose.checked_header_value, and every built message is parsed
back (raadsbode/mail/verify.py) and refused unless it is exactly the message meant. A refusal sends
nothing, is on the ledger as failed_permanent and in the audit trail, over real SMTP and a real database."""
from __future__ import annotations

import base64
import json
import logging
import re
import uuid
from dataclasses import replace

import pytest
from sqlmodel import select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

import raadsbode.mail.compose as compose
import activities.newsletter.mime as newsletter_mime
from raadsbode.mail.compose import build_message
from activities.deps import Deps
from activities.send_email import MailActivities
from raadsbode.mail.errors import BuiltMessageMismatch, HeaderInjectionError
from raadsbode.mail.verify import BASE_HEADERS, Intended, verify_built
from raadsbode.mail.mailer import Mailer
from activities.newsletter.activities import NewsletterActivities
from activities.newsletter.ledger import NewsletterLedger
from activities.newsletter.mime import IssueTemplate, Recipient
from activities.newsletter.pacing import Watermark
from activities.newsletter.send import BatchSender
from raadsbode.mail.render import make_renderer
from models.tables.ledger import AuditEvent, SendStatus
from models.tables.newsletter import IssueStatus, NewsletterIssue, Subscriber
from models.messages.newsletter import BatchInput, BatchResult
from raadsbode.db import session_scope
from raadsbode.domain.header_text import header_text_problem
from raadsbode.settings import Settings
from tests.support.newsletter import make_tenant
from tests.support.mail import SETTINGS, UNSUB, ledger_row, make_out, newsletter_issue

# The issue's payload: an encoded-word with whitespace inside, which Python 3.11.7 decodes and folds
# back with raw line feeds (CVE-2024-6923): an extra Reply-To and an attacker's HTML body.
PAYLOAD = "Jan =?utf-8?q?x =0AReply-To: boef@evil.test=0AContent-Type: text/html=0A=0A<h1>Klik hier</h1>?="
B64 = base64.b64encode(b"x\nReply-To: boef@evil.test\n\n<h1>Klik</h1>").decode()
HOSTILE = {
    "issue payload": PAYLOAD,
    "q with whitespace": "=?utf-8?q?a =0D=0ABcc: spion@evil.test?=",
    "b with whitespace": f"=?utf-8?b? {B64[:12]} {B64[12:]} ?=",
    "b without whitespace": f"=?utf-8?b?{B64}?=",
    "folded encoded-words": "=?utf-8?q?Jan?=\r\n =?utf-8?q?=0ABcc:_spion@evil.test?=",
    "adjacent encoded-words": "=?utf-8?q?Jan?= =?utf-8?q?=0A?= Bcc: spion@evil.test",
    "harmless-looking encoded-word": "=?utf-8?q?S=C3=BAdwest?=",
    "lone CR": "Jan\rBcc: spion@evil.test",
    "lone LF": "Jan\nBcc: spion@evil.test",
    "NUL": "Jan\x00",
    "U+2028": "Jan\u2028Bcc: spion@evil.test",
    "NEL": "Jan\x85Bcc: spion@evil.test",
    "RTL override": "Jan \u202egnirotcaf",
    "tab": "Jan\tde Vries",
    "DEL": "Jan\x7f",
}
FIELDS = ("recipient_name", "from_name", "subject")


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_build_message_refuses_hostile_header_text(field, value):
    with pytest.raises(HeaderInjectionError):
        build_message(make_out(**{field: value}), "<x@vng-flevoland.test>", Settings())


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_extra_header_values_and_addresses_get_the_same_rule(value):
    with pytest.raises(HeaderInjectionError):
        build_message(make_out(headers={"List-Id": value}), "<x@vng-flevoland.test>", Settings())
    with pytest.raises(HeaderInjectionError):
        build_message(make_out(recipient_email=f"jan{value}@dronten.test"), "<x@vng-flevoland.test>", Settings())


def test_the_composers_fast_path_is_the_rule():
    """checked_header_value skips the per-character rule for printable text: the same verdict for every
    character of the Basic Multilingual Plane and a few beyond (emoji, surrogates, tags)."""
    chars = [chr(c) for c in (*range(0x10000), 0x1F469, 0xE0041, 0x10FFFF)]
    for ch in chars:
        value = f"Jan{ch}de Vries"
        accepted = header_text_problem(value, compose.MAX_VALUE) is None
        try:
            compose.checked_header_value(value, "name")
        except HeaderInjectionError:
            assert not accepted, repr(ch)
        else:
            assert accepted, repr(ch)


def test_what_the_code_itself_writes_still_passes():
    """The newsletter's extra headers hold '=' and '?' (a URL, RFC 8058) but never '=?'; names may be anything
    a person is called, joiners included."""
    out = make_out(
        recipient_name="Sietske Fûgelsang-Wiersma, ë 👩\u200d💼", from_name="Gemeente Súdwest-Fryslân",
        subject="[Proef v2] Nieuwsbrief: wat is er = gebeurd? – ë",
        headers={"List-Unsubscribe": "<https://raadsbode.test/nieuwsbrief/afmelden/12.ab09>, "
                                     "<mailto:info@vng-flevoland.test?subject=unsubscribe>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "List-Id": "Nieuwsbrief VNG Flevoland <nieuwsbrief.vng-flevoland.raadsbode>", "Precedence": "bulk"})
    data = build_message(out, "<x@vng-flevoland.test>", Settings())
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in data


def test_a_gap_in_the_value_checks_is_caught_by_the_parse_back(monkeypatch):
    """As if the rule let a value through: the email package writes the decoded line feeds raw, and the
    parse-back refuses the message instead of it going out with a Reply-To and an HTML body."""
    monkeypatch.setattr(compose, "checked_header_value", lambda value, what: value)
    for field in FIELDS:
        with pytest.raises(BuiltMessageMismatch):
            build_message(make_out(**{field: PAYLOAD}), "<x@vng-flevoland.test>", Settings())
    with pytest.raises(BuiltMessageMismatch):
        build_message(make_out(subject="=?utf-8?q?a=0ABcc:_x@evil.test?="), "<x@vng-flevoland.test>", Settings())


def _good() -> tuple[bytes, Intended]:
    out = make_out(recipient_name="Jan de Vries", headers={"List-Id": "Nieuwsbrief <nb.vng.raadsbode>"})
    intended = Intended(BASE_HEADERS | {"list-id"}, "info@vng-flevoland.test", out.recipient_email,
                        ("text/plain", "text/html"))
    return build_message(out, "<x@vng-flevoland.test>", Settings()), intended


def _edit(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


FORGERIES = {
    "an extra header": lambda d: _edit(d, b"\r\nSubject:", b"\r\nBcc: spion@evil.test\r\nSubject:"),
    "a repeated header": lambda d: _edit(d, b"\r\nSubject:", b"\r\nList-Id: <x.evil>\r\nSubject:"),
    "a missing header": lambda d: re.sub(rb"\r\nList-Id:[^\r]*", b"", d),
    "a bare LF": lambda d: _edit(d, b"\r\nSubject:", b"\nSubject:"),
    "a bare CR": lambda d: _edit(d, b"Subject: Uitnodiging", b"Subject: Uit\rnodiging"),
    "a line that is no header": lambda d: _edit(d, b"\r\nSubject:", b"\r\n<h1>Klik</h1>\r\nSubject:"),
    "an 8-bit byte": lambda d: _edit(d, b"Subject: Uitnodiging", b"Subject: Uitnodiging \xc3\xab"),
    "a second recipient": lambda d: re.sub(rb"(\r\nTo: [^\r]*)", rb"\1, spion@evil.test", d),
    "another recipient": lambda d: re.sub(rb"\r\nTo: [^\r]*", b"\r\nTo: spion@evil.test", d),
    "another sender": lambda d: _edit(d, b"From: VNG Flevoland <info@vng-flevoland.test>", b"From: ceo@evil.test"),
    "a group as recipient": lambda d: re.sub(rb"\r\nTo: ([^\r]*)", rb"\r\nTo: leden: \1;", d),
    "a body instead of alternatives": lambda d: re.sub(rb"multipart/alternative;\r\n [^\r]*", b"text/html", d),
    "a part with a header of its own": lambda d: _edit(d, b"Content-Type: text/html;", b"Reply-To: boef@evil.test\r\n"
                                                                                         b"Content-Type: text/html;"),
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_verify_built_refuses_a_message_other_than_intended(forge):
    data, intended = _good()
    verify_built(data, intended)  # the real one passes
    with pytest.raises(BuiltMessageMismatch):
        verify_built(forge(data), intended)


def test_verify_built_refuses_another_mime_tree():
    data, intended = _good()
    with pytest.raises(BuiltMessageMismatch):
        verify_built(data, replace(intended, part_types=("text/plain", "text/html", "text/calendar")))


def _audit(sessions, subject_ref: str) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.subject_ref == subject_ref)).all())


async def test_a_refused_message_sends_nothing_is_on_record_and_audited_once(settings, session_factory_, sink, caplog):
    mailer = Mailer(settings, session_factory_)
    out = make_out(recipient_name=PAYLOAD, association_id=None)
    with caplog.at_level(logging.WARNING, logger="raadsbode.mail.mailer"), pytest.raises(HeaderInjectionError):
        await mailer.deliver(out)
    row = ledger_row(session_factory_, out.business_key)
    assert row.status == SendStatus.failed_permanent and row.smtp_reply.startswith("refused: recipient_name")
    [event] = _audit(session_factory_, out.subject_ref)
    detail = json.loads(event.detail_json)
    assert event.action == "mail-refused" and detail["business_key"] == out.business_key
    assert "'=?'" in detail["reason"]
    # The log names the refusal without carrying the payload: no raw line feed, not the whole value.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "mail-refused" not in logged and "refused to build mail" in logged
    assert "<h1>Klik hier</h1>" not in logged and all("\n" not in r.getMessage() for r in caplog.records)
    again = await mailer.deliver(out)  # a retry finds the row final: nothing built, sent or audited again
    assert again.status == SendStatus.failed_permanent.value and not again.already_sent
    assert len(_audit(session_factory_, out.subject_ref)) == 1
    assert ledger_row(session_factory_, out.business_key).attempts == 1
    assert sink.data_commands == 0 and not sink.messages


async def test_a_gap_refused_by_the_parse_back_is_permanent_everywhere(settings, session_factory_, sink, monkeypatch):
    """Through the activity (non-retryable ApplicationError) and the pool (a failed_permanent result):
    the message the parse-back refused is on the ledger and in the audit trail, and nothing reached SMTP."""
    monkeypatch.setattr(compose, "checked_header_value", lambda value, what: value)
    acts = MailActivities(Deps(settings=settings, sessions=session_factory_, renderer=make_renderer()))
    single = make_out(subject=PAYLOAD)
    with pytest.raises(ApplicationError) as caught:
        await acts.send_email(single)
    assert caught.value.non_retryable and caught.value.type == "HeaderInjection"
    pooled = make_out(from_name=PAYLOAD)
    [result] = await Mailer(settings, session_factory_).deliver_many([pooled])
    assert result.status == SendStatus.failed_permanent.value
    for out in (single, pooled):
        assert ledger_row(session_factory_, out.business_key).status == SendStatus.failed_permanent
        assert [e.action for e in _audit(session_factory_, out.subject_ref)] == ["mail-refused"]
    assert sink.data_commands == 0


@pytest.mark.parametrize("name", [PAYLOAD, "=?utf-8?q?S=C3=BAdwest?=", "Lezer \u202eevil", "Lezer\x85"])
def test_newsletter_copy_names_get_the_composers_rule(name):
    with pytest.raises(HeaderInjectionError):
        IssueTemplate(newsletter_issue(), SETTINGS).personalise(Recipient("lezer@urk.test", name, UNSUB))


@pytest.mark.parametrize("email,url", [("lezer\x00@urk.test", UNSUB), ("lezer@urk.test", UNSUB + "=?x")])
def test_newsletter_copy_address_and_url_get_the_composers_rule(email, url):
    with pytest.raises(HeaderInjectionError):
        IssueTemplate(newsletter_issue(), SETTINGS).personalise(Recipient(email, "Lezer", url))


@pytest.mark.parametrize("forged_to", [
    b"Lezer <lezer@urk.test>, spion@evil.test",
    b"spion@evil.test",
    b"Lezer <lezer@urk.test>\r\nBcc: spion@evil.test",
    b"Lezer <lezer@urk.test>\nReply-To: boef@evil.test",
    b"lezers: lezer@urk.test, spion@evil.test;",
])
def test_a_personalised_copy_with_a_forged_to_is_refused(monkeypatch, forged_to):
    """As if the per-copy To builder had a gap: the copy's header check refuses what it made."""
    template = IssueTemplate(newsletter_issue(), SETTINGS)
    monkeypatch.setattr(newsletter_mime, "to_value", lambda name, email: forged_to)
    with pytest.raises(BuiltMessageMismatch):
        template.personalise(Recipient("lezer@urk.test", "Lezer", UNSUB))


def test_the_newsletter_template_itself_is_parse_back_checked(monkeypatch):
    monkeypatch.setattr(compose, "checked_header_value", lambda value, what: value)
    with pytest.raises(BuiltMessageMismatch):
        IssueTemplate(replace(newsletter_issue(), from_name=PAYLOAD), SETTINGS)


async def test_a_refused_newsletter_copy_is_on_record_audited_once_and_the_rest_goes_out(settings, session_factory_,
                                                                                         sink):
    """A subscriber whose name got past the edge (e.g. stored before the rule): the batch sends to the
    others, and the refused copy is a failed_permanent row with one audit event, also after a retry."""
    association_id, _, emails = make_tenant(session_factory_, 3)
    with session_scope(session_factory_) as s:
        subs = list(s.exec(select(Subscriber).where(Subscriber.association_id == association_id).order_by(Subscriber.id)))
        subs[1].name = PAYLOAD
        s.add(subs[1])
        entries = [(i, sub.id, sub.email, sub.name) for i, sub in enumerate(subs)]
    out = replace(newsletter_issue("info@vng-flevoland.test"), subject_ref=f"newsletter-{uuid.uuid4().hex[:8]}",
                  association_id=association_id)

    async def batch() -> BatchResult:
        sender = BatchSender(Mailer(settings, session_factory_), NewsletterLedger(session_factory_, association_id),
                             IssueTemplate(out, settings), out, lambda sub_id: f"{UNSUB}{sub_id}", Watermark(0, 3), 0)
        return await sender.send(BatchResult(0, 3), entries, connections=1, retry_window=0, retry_delay=0)

    first = await batch()
    assert (first.sent, first.failed_permanent) == (2, 1)
    again = await batch()  # as a retried activity would: nothing sent twice, the refusal not audited twice
    assert (again.sent, again.already_sent, again.failed_permanent) == (0, 2, 1)
    refused = ledger_row(session_factory_, replace(out, recipient_email=emails[1]).business_key)
    assert refused.status == SendStatus.failed_permanent and refused.smtp_reply.startswith("refused: recipient_name")
    assert [e.action for e in _audit(session_factory_, out.subject_ref)] == ["mail-refused"]
    assert sorted(r.lower() for m in sink.messages for r in m.rcpt_tos) == sorted([emails[0], emails[2]])


async def test_an_unsendable_newsletter_issue_fails_its_batch_for_good_and_is_audited(settings, session_factory_, sink):
    """The issue's own subject would be refused for every reader: the batch activity fails non-retryable
    (it used to raise a plain ValueError, which Temporal retries) and the refusal is in the audit trail."""
    association_id, slug, _ = make_tenant(session_factory_, 0)
    with session_scope(session_factory_) as s:
        issue = NewsletterIssue(association_id=association_id, period="2026-11", subject_ref=f"newsletter-{slug}-2026-11",
                                version=1, status=IssueStatus.sending, subject=f"Nieuwsbrief {PAYLOAD}",
                                html="<p>Beste lezer</p>", text="Beste lezer\n")
        s.add(issue)
        s.flush()
        issue_id, subject_ref = issue.id, issue.subject_ref
    acts = NewsletterActivities(Deps(settings=settings, sessions=session_factory_, renderer=make_renderer()))
    with pytest.raises(ApplicationError) as caught:
        await ActivityEnvironment().run(acts.send_batch, BatchInput(issue_id, 0, 0, 1, 10.0, 0.0, 0.0))
    assert caught.value.non_retryable and caught.value.type == "HeaderInjection"
    [event] = _audit(session_factory_, subject_ref)
    assert event.action == "mail-refused" and event.association_id == association_id
    assert sink.data_commands == 0
