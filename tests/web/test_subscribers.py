"""Subscribers: double opt-in by links, RFC 8058 one-click unsubscribe, GET changes nothing."""
from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

from models.tables.newsletter import Subscriber, SubscriberStatus
from raadsbode.db import session_scope
from raadsbode.services.newsletter.subscriber_import import export_subscribers
from raadsbode.services.newsletter.subscribers import subscribe, confirm, unsubscribe_key
from tests.support.env import free_port
from web.app import create_app
from tests.support.newsletter import subscribe_by_form, subscriber_link, subscriber_status


def test_double_opt_in_by_links(app_client, association, session_factory_, sink):
    association_id, slug = association
    page = app_client.get(f"/nieuwsbrief/{slug}/aanmelden")
    assert page.status_code == 200 and "Aanmelden" in page.text
    answer = subscribe_by_form(app_client, slug, name="Anna Jansen", email=" Anna@Example.test ")
    assert answer.status_code == 200 and "Bijna klaar" in answer.text
    assert subscriber_status(session_factory_, association_id, "anna@example.test") == SubscriberStatus.pending
    [mail] = sink.to("anna@example.test")
    link = subscriber_link(mail, "bevestigen")
    for _ in range(2):  # a mail scanner opening the link changes nothing
        shown = app_client.get(link)
        assert shown.status_code == 200 and "bevestigen" in shown.text.lower()
    assert subscriber_status(session_factory_, association_id, "anna@example.test") == SubscriberStatus.pending
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', shown.text).group(1)
    assert app_client.post(link, data={"csrf": "wrong"}).status_code == 404
    done = app_client.post(link, data={"csrf": csrf})
    assert done.status_code == 200 and "bevestigd" in done.text
    assert subscriber_status(session_factory_, association_id, "anna@example.test") == SubscriberStatus.confirmed
    # Subscribing again is harmless: still confirmed, no second mail.
    again = subscribe_by_form(app_client, slug, name="Anna", email="anna@example.test")
    assert again.status_code == 200
    assert subscriber_status(session_factory_, association_id, "anna@example.test") == SubscriberStatus.confirmed
    assert len(sink.to("anna@example.test")) == 1


def test_subscribing_twice_quickly_mails_one_link(app_client, association, sink):
    _, slug = association
    for _ in range(2):  # a double click, or someone repeating another's address
        answer = subscribe_by_form(app_client, slug, name="Kees", email="kees@example.test")
        assert answer.status_code == 200 and "Bijna klaar" in answer.text
    assert len(sink.to("kees@example.test")) == 1


def test_relay_away_at_subscribe_says_so_and_a_retry_mails_the_link(settings, association, session_factory_, sink):
    association_id, slug = association
    form = {"name": "Lena", "email": "lena@example.test"}
    with TestClient(create_app(settings.model_copy(update={"smtp_port": free_port()}))) as away:
        answer = subscribe_by_form(away, slug, **form)
    assert answer.status_code == 503 and "Probeer het over een paar minuten opnieuw" in answer.text
    assert 'value="lena@example.test"' in answer.text  # the form keeps what was typed
    with TestClient(create_app(settings)) as back:  # a mail that never went out does not hold the retry back
        assert subscribe_by_form(back, slug, **form).status_code == 200
    [mail] = sink.to("lena@example.test")
    assert subscriber_link(mail, "bevestigen")
    assert subscriber_status(session_factory_, association_id, "lena@example.test") == SubscriberStatus.pending


def test_subscribe_refuses_a_bad_address(app_client, association):
    _, slug = association
    answer = subscribe_by_form(app_client, slug, name="X", email="geen-adres")
    assert answer.status_code == 422 and "niet bruikbaar" in answer.text


def _confirmed(sessions, association_id, email):
    with session_scope(sessions) as s:
        sub = s.get(Subscriber, subscribe(s, association_id, "Piet", email).subscriber_id)
        confirm(s, sub)
        return sub.id


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_one_click_unsubscribe(app_client, association, session_factory_, settings, encoding):
    association_id, _ = association
    email = f"piet-{encoding}@example.test"
    sub_id = _confirmed(session_factory_, association_id, email)
    url = f"/nieuwsbrief/afmelden/{unsubscribe_key(settings.secret_key, sub_id)}"
    shown = app_client.get(url)
    assert shown.status_code == 200 and "Afmelden" in shown.text
    assert subscriber_status(session_factory_, association_id, email) == SubscriberStatus.confirmed
    app_client.cookies.clear()
    if encoding == "urlencoded":
        answer = app_client.post(url, data={"List-Unsubscribe": "One-Click"})
    else:
        answer = app_client.post(url, files={"List-Unsubscribe": (None, "One-Click")})
    assert answer.status_code == 200 and "afgemeld" in answer.text
    assert "set-cookie" not in answer.headers and "location" not in answer.headers
    assert subscriber_status(session_factory_, association_id, email) == SubscriberStatus.unsubscribed
    assert app_client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # again: harmless


def test_forged_unsubscribe_key_is_refused(app_client, association, session_factory_, settings):
    association_id, _ = association
    sub_id = _confirmed(session_factory_, association_id, "kees@example.test")
    forged = unsubscribe_key("another-secret", sub_id)
    assert app_client.post(f"/nieuwsbrief/afmelden/{forged}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert subscriber_status(session_factory_, association_id, "kees@example.test") == SubscriberStatus.confirmed


def test_export_guards_every_text_column_against_formulas(association, session_factory_):
    association_id, _ = association
    rows = [("=HYPERLINK(\"http://evil.test\")", "+31@example.test", "@import"),
            ("-2+3", "=cmd@example.test", "\tweb"), ("Gewone Naam", "-gewoon@example.test", "import")]
    with session_scope(session_factory_) as s:
        for name, email, source in rows:
            s.add(Subscriber(association_id=association_id, email=email, name=name, source=source))
    with session_factory_() as s:
        exported = export_subscribers(s, association_id)
    lines = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert lines[0][:2] == ["Naam", "E-mail"] and len(lines) == 4
    cells = {line[1]: line for line in lines[1:]}
    assert cells["'+31@example.test"][0] == "'=HYPERLINK(\"http://evil.test\")" and cells["'+31@example.test"][6] == "'@import"
    assert cells["'=cmd@example.test"][0] == "'-2+3" and cells["'=cmd@example.test"][6] == "'\tweb"
    assert cells["'-gewoon@example.test"][0] == "Gewone Naam" and cells["'-gewoon@example.test"][6] == "import"
    assert all(line[2] == "pending" for line in lines[1:])  # nothing to guard: left as it is
