"""Headers: injection refused (plain and RFC 2047-encoded), structure and non-ASCII round-trip,
HTML escaping through the base layout. Sent over real SMTP into the sink."""
from __future__ import annotations

import base64
import re

import pytest
from temporalio.exceptions import ApplicationError

from raadsbode.mail.compose import HeaderInjectionError, build_message, checked_header_value, message_id_for
from activities.deps import Deps
from activities.send_email import MailActivities
from raadsbode.mail.mailer import Mailer
from raadsbode.mail.render import make_renderer
from raadsbode.settings import Settings
from tests.support.mail import ledger_row, make_out

B64_CRLF = base64.b64encode(b"a\r\nBcc: spion@evil.test").decode()
INJECTIONS = [
    {"subject": "Vergadering\r\nBcc: spion@evil.test"},
    {"subject": "Vergadering\nBcc: spion@evil.test"},
    {"subject": "Vergadering\rBcc: spion@evil.test"},
    {"subject": "Vergadering =?utf-8?q?a=0D=0ABcc:_spion@evil.test?="},
    {"subject": "Vergadering =?UTF-8?Q?a=0Ab?="},
    {"subject": f"Vergadering =?utf-8?b?{B64_CRLF}?="},
    {"subject": "=?x-onbekend?q?a=0D=0Ab?="},  # an unknown charset label must not hide it
    {"subject": "=?utf-8?q?a=E2=80=A8b?="},  # U+2028 LINE SEPARATOR
    {"recipient_name": "Jan\r\nBcc: spion@evil.test"},
    {"recipient_name": "=?utf-8?q?Jan=0D=0ABcc=3A_spion=40evil=2Etest?="},
    {"from_name": "VNG\nBcc: spion@evil.test"},
    {"from_email": "info@vng-flevoland.test\r\nBcc: spion@evil.test"},
    {"recipient_email": "jan@dronten.test\r\nBcc: spion@evil.test"},
    {"recipient_email": "jan@dronten.test, spion@evil.test"},
    {"recipient_email": "jan@@dronten.test"},
    {"recipient_email": "Jan <jan@dronten.test>"},
    {"from_email": "geen-adres"},
    {"headers": {"List-Unsubscribe": "<http://x>\r\nBcc: spion@evil.test"}},
    {"headers": {"X-Test": "=?utf-8?b?" + B64_CRLF + "?="}},
    {"headers": {"Bcc: spion@evil.test\r\nX": "y"}},
    {"headers": {"Bcc": "spion@evil.test"}},
]


@pytest.mark.parametrize("changes", INJECTIONS)
def test_build_message_refuses_header_injection(changes):
    with pytest.raises(HeaderInjectionError):
        build_message(make_out(**changes), "<x@vng-flevoland.test>", Settings())


def test_checked_header_value_refuses_every_encoded_word():
    """No name or title needs '=?'; the composer encodes non-ASCII itself (tests/unit/test_header_guard.py has more)."""
    assert checked_header_value("Súdwest-Fryslân = ja?", "subject") == "Súdwest-Fryslân = ja?"
    for value in ("=?utf-8?q?S=C3=BAdwest?=", "a\u2028b"):
        with pytest.raises(HeaderInjectionError):
            checked_header_value(value, "subject")


async def test_injection_attempts_send_nothing_and_are_on_record_as_refused(settings, session_factory_, sink):
    mailer = Mailer(settings, session_factory_)
    for changes in INJECTIONS[::3]:  # a sample of every kind
        out = make_out(**changes)
        with pytest.raises(HeaderInjectionError):
            await mailer.deliver(out)
        assert ledger_row(session_factory_, out.business_key).status == "failed_permanent"
    assert sink.data_commands == 0 and not sink.messages


async def test_activity_turns_injection_into_a_non_retryable_error(settings, session_factory_, sink):
    acts = MailActivities(Deps(settings=settings, sessions=session_factory_, renderer=make_renderer()))
    with pytest.raises(ApplicationError) as caught:
        await acts.send_email(make_out(subject="=?utf-8?q?a=0D=0Ab?="))
    assert caught.value.non_retryable and caught.value.type == "HeaderInjection"
    assert sink.data_commands == 0


def test_message_id_for_is_deterministic():
    first = message_id_for("convocation|meeting-1|1|jan@dronten.test", "vng-flevoland.test")
    assert first == message_id_for("convocation|meeting-1|1|jan@dronten.test", "vng-flevoland.test")
    assert first != message_id_for("convocation|meeting-1|2|jan@dronten.test", "vng-flevoland.test")
    assert re.fullmatch(r"<[0-9a-f]+@vng-flevoland\.test>", first)


async def test_structure_and_non_ascii_round_trip(settings, session_factory_, sink):
    out = make_out(recipient_name="Sietske Fûgelsang-Wiersma, ë", subject="Uitnodiging: ALV Súdwest-Fryslân – ë",
                   from_name="Gemeente Súdwest-Fryslân", text="Beste Sietske,\nTot ziens in Sneek. ë\n",
                   html="<p>Beste Sietske, ë</p>", headers={"List-Unsubscribe": "<http://raadsbode.test/u/abc>"})
    result = await Mailer(settings, session_factory_).deliver(out)
    raw = sink.messages[-1].data
    assert re.search(rb"(?<!\r)\n", raw) is None and raw.isascii()
    msg = sink.to(out.recipient_email)[0]
    assert msg["Subject"] == out.subject
    assert msg["From"].addresses[0].display_name == "Gemeente Súdwest-Fryslân"
    assert msg["From"].addresses[0].addr_spec == "info@vng-flevoland.test"
    assert msg["To"].addresses[0].display_name == out.recipient_name
    assert msg["Message-ID"] == result.message_id and msg["Date"] and msg["MIME-Version"] == "1.0"
    assert msg["List-Unsubscribe"] == "<http://raadsbode.test/u/abc>"
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = msg.get_payload()
    assert plain.get_content_type() == "text/plain" and "Sneek. ë" in plain.get_content()
    assert html.get_content_type() == "text/html" and "Sietske, ë" in html.get_content()


async def test_from_falls_back_to_the_configured_sender(settings, session_factory_, sink):
    out = make_out(from_email=None, from_name=None)
    result = await Mailer(settings, session_factory_).deliver(out)
    msg = sink.to(out.recipient_email)[0]
    assert msg["From"].addresses[0].addr_spec == settings.mail_from
    assert result.message_id.endswith("@vng-flevoland.test>")
    assert sink.messages[-1].mail_from == settings.mail_from


async def test_html_injection_is_escaped_by_the_base_layout(settings, session_factory_, sink):
    renderer = make_renderer()
    name = "<script>alert(1)</script>"
    child = ('{% extends "email/_layout.html.j2" %}{% block title %}Welkom{% endblock %}'
             "{% block content %}<p>Beste {{ name }},</p>{% endblock %}")
    text_child = '{% extends "email/_layout.txt.j2" %}{% block content %}Beste {{ name }},{% endblock %}'
    ctx = {"name": name, "association_name": "VNG Flevoland"}
    out = make_out(recipient_name=name, html=renderer.html.from_string(child).render(**ctx),
                   text=renderer.text.from_string(text_child).render(**ctx))
    await Mailer(settings, session_factory_).deliver(out)
    plain, html = sink.to(out.recipient_email)[0].get_payload()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.get_content()
    assert "<script>" not in html.get_content()
    assert "Dit bericht is verstuurd door VNG Flevoland" in html.get_content()
    assert f"Beste {name}," in plain.get_content()  # plain text is not HTML: no escaping there
