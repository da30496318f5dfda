"""The per-copy personalisation: non-ASCII names in To (RFC 2047), injection refused (also inside
encoded-words), the Message-ID the Mailer would give, and the same message build_message would make."""
from __future__ import annotations

import base64
import binascii
import random
import re
import time
from dataclasses import replace
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest

from raadsbode.mail.compose import HeaderInjectionError, build_message
from raadsbode.mail.mailer import Mailer
from activities.newsletter.mime import NAME_MARK, NO_NAME, UNSUB_MARK, EncodedBody, IssueTemplate, Recipient
from tests.support.mail import SETTINGS, UNSUB, newsletter_issue

B64_CRLF = base64.b64encode(b"Jan\r\nBcc: spion@evil.test").decode()
LONG_NAME = ("Ĳsbrand van der Wâl-Fûgelsang 𝔉ryslân ") * 5


def _parse(data: bytes):
    return message_from_bytes(data, policy=policy.default)


@pytest.mark.parametrize("name", ["Fûgelsang", "Sjoerd Fûgelsang, wethouder", "Ĳ", LONG_NAME.strip(), "Jansen, P.", ""])
def test_to_header_round_trips_any_name(name):
    copy = IssueTemplate(newsletter_issue(), SETTINGS).personalise(Recipient("Lezer@Urk.test", name, UNSUB))
    copy.data.decode("ascii")  # 7-bit clean: non-ASCII names travel as encoded-words
    [address] = _parse(copy.data)["To"].addresses
    assert (address.display_name, address.addr_spec) == (name, "lezer@urk.test")
    header_lines = copy.data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert all(len(line) <= 78 for line in header_lines if line.startswith((b"To:", b" =?utf-8")))
    assert all(len(w) <= 75 for w in re.findall(rb"=\?utf-8\?b\?[^?]*\?=", copy.data))


def test_long_name_without_ascii_words_splits_per_rfc_2047():
    """Adjacent encoded-words: the whitespace between them is not part of the name (RFC 2047 6.2; the
    legacy decoder follows that, the modern headerregistry parser does not, so it is checked here)."""
    name = "Ĳsbrând-Fûgelsang-Wâl" * 8
    copy = IssueTemplate(newsletter_issue(), SETTINGS).personalise(Recipient("lezer@urk.test", name, UNSUB))
    to = re.search(rb"\r\nTo: (.*?)\r\n(?! )", copy.data, re.S).group(1).decode("ascii")
    assert to.count("=?utf-8?b?") >= 5 and all(len(line) <= 78 for line in ("To: " + to).split("\r\n"))
    assert str(make_header(decode_header(to))) == f"{name} <lezer@urk.test>"


@pytest.mark.parametrize("name", [
    "Jan\r\nBcc: spion@evil.test", "Jan\nBcc: x", "Jan\u2028Bcc: x", "Jan\x00",
    "=?utf-8?q?Jan=0D=0ABcc=3A_spion=40evil=2Etest?=", f"=?utf-8?b?{B64_CRLF}?=", "=?x-onbekend?q?a=0D=0Ab?=",
    "x" * 201,
])
def test_injection_in_the_name_is_refused(name):
    with pytest.raises(HeaderInjectionError):
        IssueTemplate(newsletter_issue(), SETTINGS).personalise(Recipient("lezer@urk.test", name, UNSUB))


@pytest.mark.parametrize("email,url", [
    ("lezer@urk.test\r\nBcc: x@evil.test", UNSUB), ("lezer@urk.test, x@evil.test", UNSUB),
    ("lëzer@urk.test", UNSUB), ("lezer@urk.test", UNSUB + "\r\nBcc: x@evil.test"), ("lezer@urk.test", UNSUB + " x"),
])
def test_bad_address_or_url_is_refused(email, url):
    with pytest.raises(HeaderInjectionError):
        IssueTemplate(newsletter_issue(), SETTINGS).personalise(Recipient(email, "Lezer", url))


@pytest.mark.parametrize("from_email", ["Info@VNG-Flevoland.TEST", "info@fûgelsang.test"])
def test_message_id_is_the_mailers(from_email):
    """Same normalisation as Mailer.prepare (case, IDN -> punycode): one Message-ID per business key."""
    copy = IssueTemplate(newsletter_issue(from_email), SETTINGS).personalise(Recipient("lezer@urk.test", "Lezer", UNSUB))
    single = replace(newsletter_issue(from_email), recipient_email="lezer@urk.test", recipient_name="Lezer")
    assert copy.business_key == single.business_key
    assert copy.message_id == Mailer(SETTINGS, None).prepare(single).message_id
    assert _parse(copy.data)["Message-ID"] == copy.message_id
    assert copy.message_id.endswith(("@vng-flevoland.test>", "@xn--fgelsang-x5a.test>"))


def test_copy_equals_what_build_message_makes():
    name = "Sjoerd Fûgelsang <&>"
    copy = _parse(IssueTemplate(newsletter_issue(), SETTINGS).personalise(Recipient("lezer@urk.test", name, UNSUB)).data)
    single = replace(newsletter_issue(), recipient_email="lezer@urk.test", recipient_name=name)
    full = _parse(build_message(single, "<x@y.test>", SETTINGS))
    for header in ("From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version"):
        assert str(copy[header]) == str(full[header]).replace(UNSUB_MARK, UNSUB), header
    for kind in ("plain", "html"):
        want = full.get_body((kind,)).get_content().replace(UNSUB_MARK, UNSUB)
        want = want.replace(NAME_MARK, name if kind == "plain" else "Sjoerd Fûgelsang &lt;&amp;&gt;")
        assert copy.get_body((kind,)).get_content() == want


@pytest.mark.parametrize("name", ["", "  "])
def test_a_reader_without_a_name_is_greeted_as_lezer(name):
    copy = _parse(IssueTemplate(newsletter_issue(), SETTINGS).personalise(Recipient("lezer@urk.test", name, UNSUB)).data)
    for kind in ("plain", "html"):
        body = copy.get_body((kind,)).get_content()
        assert f"Beste {NO_NAME}," in body and "Beste ," not in body and NAME_MARK not in body, kind
    assert copy["To"].addresses[0].display_name == ""  # the header keeps the (empty) name


def test_personalising_costs_microseconds():
    """Not a benchmark: a guard against sliding back to EmailMessage per copy (~3 ms)."""
    template = IssueTemplate(newsletter_issue(), SETTINGS)
    names = [f"Lezer {i}" if i % 3 else f"Fûgelsang {i}" for i in range(300)]
    started = time.process_time()
    for i, name in enumerate(names):
        template.personalise(Recipient(f"lezer{i}@urk.test", name, UNSUB))
    assert (time.process_time() - started) / len(names) < 0.001


def test_body_encoded_in_pieces_equals_the_whole():
    """QP per static run + per placeholder line joins to exactly the encoding of the filled-in body."""
    rng = random.Random(8058)
    alphabet = "aé €.= \t-x" + "ĳ"
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(0, 12)):
            line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 180)))
            if rng.random() < 0.3:
                at = rng.randint(0, len(line))
                line = line[:at] + rng.choice([NAME_MARK, UNSUB_MARK]) + line[at:]
            lines.append(line)
        body = "\r\n".join(lines) + rng.choice(["", "\r\n"])
        name, url = rng.choice(["Fûgelsang ", "", ". Jan"]), UNSUB
        filled = body.replace(NAME_MARK, name).replace(UNSUB_MARK, url)
        whole = binascii.b2a_qp((filled if filled.endswith("\r\n") else filled + "\r\n").encode(), istext=True)
        assert EncodedBody(body).fill(name, url) == whole, body
