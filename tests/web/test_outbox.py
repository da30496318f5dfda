"""The dev outbox over a real SMTP sink, and the Dutch error pages of the web app."""
from __future__ import annotations

import logging
import smtplib
import time
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient

from raadsbode.settings import Settings
from raadsbode.dev.sink import start_sink
from tests.support.env import free_port
from web.app import create_app

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Vergadering dagelijks bestuur\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
HTML = ('<p>Beste voorzitter,</p><script>alert("x")</script>'
        '<p><a href="https://raadsbode.test/l/abc?x=1&amp;y=2">Agenda bekijken</a></p>')


def _dev_settings(tmp_path) -> Settings:
    return Settings(_env_file=None, environment="dev", var_dir=tmp_path / "var",
                    database_url=f"sqlite:///{tmp_path / 'outbox.db'}")


@pytest.fixture
def outbox(tmp_path):
    """A sink writing into the settings' Maildir, and a client of the dev app reading it."""
    settings = _dev_settings(tmp_path)
    settings.var_dir.mkdir()  # Maildir creates only its own folder
    port = free_port()
    controller, _handler = start_sink("127.0.0.1", port, settings.mail_dir)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, port
    controller.stop()


def _send(port: int, msg: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.send_message(msg)


def _invitation() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "VNG Flevoland <secretariaat@vng-flevoland.test>"
    msg["To"] = "voorzitter@almere.test"
    msg["Subject"] = "Agenda dagelijks bestuur <ter ondertekening>"
    msg.set_content("Beste voorzitter,\n\nBekijk de agenda: https://raadsbode.test/l/abc?x=1&y=2\n")
    msg.add_alternative(HTML, subtype="html")
    msg.add_attachment(ICS, subtype="calendar", filename="uitnodiging.ics")
    return msg


def _plain(subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "raadsbode@localhost"
    msg["To"] = "lid@dronten.test"
    msg["Subject"] = subject
    msg.set_content("Gewoon tekst.\n")
    return msg


def _keys(client: TestClient) -> list[str]:
    html = client.get("/dev/outbox").text
    return [chunk.split('"', 1)[0] for chunk in html.split('href="/dev/outbox/')[1:]]


def test_list_is_newest_first_and_escaped(outbox):
    client, port = outbox
    assert "nog geen berichten" in client.get("/dev/outbox").text
    _send(port, _invitation())
    time.sleep(0.02)
    _send(port, _plain("Tweede bericht"))
    page = client.get("/dev/outbox")
    assert page.status_code == 200
    assert 'lang="nl"' in page.text and "Onderwerp" in page.text
    assert page.text.index("Tweede bericht") < page.text.index("Agenda dagelijks bestuur")
    assert "&lt;ter ondertekening&gt;" in page.text and "<ter ondertekening>" not in page.text
    assert len(_keys(client)) == 2


def test_message_page_shows_parts_links_and_headers(outbox):
    client, port = outbox
    _send(port, _invitation())
    key = _keys(client)[0]
    page = client.get(f"/dev/outbox/{key}")
    assert page.status_code == 200
    assert "frame-src 'self'" in page.headers["content-security-policy"]
    text = page.text
    assert "Bekijk de agenda" in text                      # text part as text
    assert "BEGIN:VCALENDAR" in text and "Vergadering dagelijks bestuur" in text  # calendar readable
    assert f'src="/dev/outbox/{key}/html/' in text and 'sandbox="allow-popups' in text
    assert '<script>alert("x")</script>' not in text      # the HTML body only lives in the iframe
    assert 'href="https://raadsbode.test/l/abc?x=1&amp;y=2"' in text  # the link, once, clickable
    assert "Kopregels" in text and "secretariaat@vng-flevoland.test" in text


def test_html_part_has_strict_csp_and_raw_download(outbox):
    client, port = outbox
    _send(port, _invitation())
    key = _keys(client)[0]
    html_index = client.get(f"/dev/outbox/{key}").text.split(f"/dev/outbox/{key}/html/", 1)[1].split('"', 1)[0]
    part = client.get(f"/dev/outbox/{key}/html/{html_index}")
    csp = part.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    assert "Beste voorzitter" in part.text
    raw = client.get(f"/dev/outbox/{key}/raw")
    assert raw.headers["content-type"].startswith("message/rfc822")
    assert raw.headers["content-disposition"].startswith("attachment;")
    assert b"Subject: Agenda dagelijks bestuur" in raw.content


def test_unknown_or_malformed_key_is_a_dutch_404(outbox):
    client, _port = outbox
    for path in ("/dev/outbox/1700000000.M1P2Q3.nergens", "/dev/outbox/..%2F..%2Fetc%2Fpasswd/raw",
                 "/dev/outbox/1700000000.M1P2Q3.nergens/html/1"):
        page = client.get(path)
        assert page.status_code == 404
        assert "niet" in page.text and "Traceback" not in page.text


def test_outbox_is_not_mounted_in_production(tmp_path):
    settings = Settings(_env_file=None, environment="production", secret_key="x" * 40,
                        public_base_url="https://raadsbode.example.nl", database_url=f"sqlite:///{tmp_path / 'p.db'}")
    with TestClient(create_app(settings)) as client:
        page = client.get("/dev/outbox")
    assert page.status_code == 404
    assert "Pagina niet gevonden" in page.text


def test_unexpected_error_renders_dutch_500_and_logs(tmp_path, caplog):
    app = create_app(_dev_settings(tmp_path))

    @app.get("/kapot")
    def broken() -> None:
        raise RuntimeError("geheime details")

    with caplog.at_level(logging.ERROR, logger="web.common.pages"), TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/kapot")
    assert page.status_code == 500
    assert "Er ging iets mis" in page.text
    assert "geheime details" not in page.text and "Traceback" not in page.text
    assert any("geheime details" in repr(r.exc_info) for r in caplog.records)


def test_json_clients_keep_json_errors(tmp_path):
    with TestClient(create_app(_dev_settings(tmp_path))) as client:
        page = client.get("/bestaat-niet", headers={"accept": "application/json"})
    assert page.status_code == 404
    assert page.json() == {"detail": "Not Found"}
