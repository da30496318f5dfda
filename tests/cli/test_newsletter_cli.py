"""The newsletter and subscriber commands through typer's CliRunner, against the real DB and Temporal."""
from __future__ import annotations

import asyncio
import re

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from models.tables.newsletter import BlogPost, Subscriber, SubscriberStatus
from models.messages.newsletter import Decision
from raadsbode.services.newsletter import control
from raadsbode.cli import app
from raadsbode.db import session_scope
from raadsbode.settings import get_settings
from raadsbode.services.newsletter.subscribers import suppress
from tests.support.newsletter import make_tenant, wait_for_state
from worker import build_worker
from workflows.newsletter.workflow import NewsletterWorkflow

GOOD = ("sep=;\r\nVoornaam;Achternaam;E-mailadres\r\nSjoerd;Fûgelsang;S.Fugelsang@Urk.test\r\n"
        "Anna;Jansen;anna@almere.test\r\n;;nieuw@dronten.test\r\nOud;Lezer;lezer00001@{slug}.test\r\n"
        "Weg;Lezer;lezer00002@{slug}.test\r\n")
BAD = "Naam;E-mail\r\nAnna;anna@almere.test\r\nPiet;piet@@almere\r\nAnna twee;ANNA@almere.test\r\nLeeg;\r\n"
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>VNG Flevoland</title>
<item><title>Regiodeal Flevoland</title><link>https://vng-flevoland.test/regiodeal</link><guid>rd-1</guid>
<description>&lt;p&gt;Zes gemeenten &lt;b&gt;samen&lt;/b&gt;.&lt;/p&gt;</description>
<pubDate>Mon, 02 Nov 2026 09:00:00 +0100</pubDate></item></channel></rss>"""


@pytest.fixture
def cli(db_url, settings, monkeypatch):
    monkeypatch.setenv("RAADSBODE_DATABASE_URL", db_url)
    monkeypatch.setenv("RAADSBODE_TEMPORAL_TASK_QUEUE", settings.temporal_task_queue)
    monkeypatch.setenv("COLUMNS", "220")  # rich wraps tables at the terminal width
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def on_temporal(temporal_env, monkeypatch):
    monkeypatch.setenv("RAADSBODE_TEMPORAL_ADDRESS", temporal_env.client.service_client.config.target_host)
    get_settings.cache_clear()


def _statuses(sessions, association_id) -> dict[str, str]:
    with session_scope(sessions) as s:
        return {x.email: str(x.status) for x in s.exec(select(Subscriber).where(Subscriber.association_id == association_id))}


def test_subscribers_import_export_counts(cli, session_factory_, tmp_path):
    association_id, slug, emails = make_tenant(session_factory_, 3)
    with session_scope(session_factory_) as s:
        gone = s.exec(select(Subscriber).where(Subscriber.email == emails[2])).one()
        gone.status = SubscriberStatus.unsubscribed
        suppress(s, association_id, "anna@almere.test", "bounce", 550)
    bad, good = tmp_path / "fout.csv", tmp_path / "abonnees.csv"
    bad.write_bytes(BAD.encode("cp1252"))
    good.write_text(GOOD.format(slug=slug), encoding="utf-8-sig")
    before = _statuses(session_factory_, association_id)
    refused = cli.invoke(app, ["subscribers", "import", str(bad), "-a", slug])
    assert refused.exit_code == 1, refused.output
    for expected in ("Regel", "piet@@almere", "staat ook al op regel 2", "e-mailadres ontbreekt", "Er is niets geïmporteerd"):
        assert expected in refused.output
    assert _statuses(session_factory_, association_id) == before
    done = cli.invoke(app, ["subscribers", "import", str(good), "-a", slug])
    assert done.exit_code == 0 and "Import voltooid" in done.output, done.output
    after = _statuses(session_factory_, association_id)
    assert after["s.fugelsang@urk.test"] == after["nieuw@dronten.test"] == "confirmed"
    assert after[emails[2]] == "unsubscribed"  # an import never undoes an unsubscribe
    assert len(after) == 6
    unknown = cli.invoke(app, ["subscribers", "counts", "-a", "bestaat-niet"])
    assert unknown.exit_code == 2 and "bestaat-niet" in unknown.output, unknown.output
    counts = cli.invoke(app, ["subscribers", "counts", "-a", slug])
    assert counts.exit_code == 0 and "Bevestigd" in counts.output and "│ 5 " in counts.output, counts.output
    out = tmp_path / "export.csv"
    exported = cli.invoke(app, ["subscribers", "export", "-a", slug, "-o", str(out), "--status", "confirmed"])
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Naam;E-mail;Status") and len(lines) == 6
    assert any(line.startswith("Sjoerd Fûgelsang;s.fugelsang@urk.test;confirmed") for line in lines)


def test_post_add_and_feed_import(cli, session_factory_, tmp_path):
    association_id, slug, _ = make_tenant(session_factory_, 0)
    added = cli.invoke(app, ["newsletter", "post", "add", slug, "--title", "Nieuwe  griffier", "--date", "2026-11-03",
                             "--url", "https://vng-flevoland.test/griffier", "--summary", "Welkom!"])
    assert added.exit_code == 0 and "Nieuwe griffier" in added.output, added.output
    assert cli.invoke(app, ["newsletter", "post", "add", slug, "--title", "x", "--url", "ftp://x"]).exit_code == 1
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED, encoding="utf-8")
    for _ in range(2):  # importing again updates, never doubles
        imported = cli.invoke(app, ["newsletter", "feed", "import", slug, str(feed)])
        assert imported.exit_code == 0 and "1 bericht" in imported.output, imported.output
    with session_scope(session_factory_) as s:
        posts = {p.title: p for p in s.exec(select(BlogPost).where(BlogPost.association_id == association_id))}
    assert set(posts) == {"Nieuwe griffier", "Regiodeal Flevoland"}
    assert posts["Regiodeal Flevoland"].summary == "Zes gemeenten samen ." and posts["Regiodeal Flevoland"].source == "feed"


def test_schedule_create_show_pause_delete(cli, on_temporal, session_factory_):
    _, slug, _ = make_tenant(session_factory_, 0)
    created = cli.invoke(app, ["newsletter", "schedule", "create", slug, "--weekday", "di", "--week", "1", "--time", "10:00",
                               "-e", "redactie@vng-flevoland.test"])
    assert created.exit_code == 0 and "eerste dinsdag om 10:00" in created.output, created.output
    shown = cli.invoke(app, ["newsletter", "schedule", "show", slug])
    assert shown.exit_code == 0 and "actief" in shown.output and "Europe/Amsterdam" in shown.output, shown.output
    nexts = [line for line in shown.output.splitlines() if "Volgende" in line]
    assert len(nexts) == 3 and all("10:00" in line for line in nexts)
    assert cli.invoke(app, ["newsletter", "schedule", "create", slug, "--time", "25:00"]).exit_code == 1
    assert cli.invoke(app, ["newsletter", "schedule", "create", slug, "--weekday", "xx"]).exit_code == 1
    bad_editor = cli.invoke(app, ["newsletter", "schedule", "create", slug, "-e", "redactie@@vng-flevoland.test"])
    assert bad_editor.exit_code == 1 and "geen bruikbaar e-mailadres" in bad_editor.output, bad_editor.output
    assert cli.invoke(app, ["newsletter", "schedule", "pause", slug]).exit_code == 0
    assert "gepauzeerd" in cli.invoke(app, ["newsletter", "schedule", "show", slug]).output
    assert cli.invoke(app, ["newsletter", "schedule", "resume", slug]).exit_code == 0
    assert cli.invoke(app, ["newsletter", "schedule", "delete", slug]).exit_code == 0
    missing = cli.invoke(app, ["newsletter", "schedule", "show", slug])
    assert missing.exit_code == 1 and "bestaat niet" in missing.output


async def test_start_steer_and_follow_a_send(cli, on_temporal, temporal_env, settings, session_factory_, sink):
    _association_id, slug, emails = make_tenant(session_factory_, 150)
    invoke = lambda *args: asyncio.to_thread(cli.invoke, app, ["newsletter", *args])  # noqa: E731
    async with build_worker(temporal_env.client, settings):
        bad_editor = await invoke("start", slug, "2026-10", "-e", "redactie vng-flevoland.test")
        assert bad_editor.exit_code == 1 and "geen bruikbaar e-mailadres" in bad_editor.output, bad_editor.output
        started = await invoke("start", slug, "2026-10", "-e", "redactie@vng-flevoland.test", "--rate", "100")
        assert started.exit_code == 0 and f"newsletter-{slug}-2026-10" in started.output, started.output
        handle = control.handle(temporal_env.client, slug, "2026-10")
        proof = await wait_for_state(handle, {"proof"})
        refused = await invoke("go", slug, "2026-10")
        assert refused.exit_code == 1 and "wacht niet op een startsein" in refused.output
        await handle.execute_update(NewsletterWorkflow.decide, Decision("approve", "test", version=proof.version))
        await wait_for_state(handle, {"sending"})
        assert "gepauzeerd" in (await invoke("pause", slug, "2026-10")).output
        snapshot = await invoke("progress", slug, "2026-10", "--once")
        assert snapshot.exit_code == 0 and "gepauzeerd" in snapshot.output
        assert "hervat" in (await invoke("resume", slug, "2026-10")).output
        followed = await invoke("progress", slug, "2026-10", "--interval", "0.3")
    assert followed.exit_code == 0, followed.output
    assert "100% 150 verzonden · 0 mislukt · 0 onderdrukt · 0 te gaan" in followed.output  # the bar's last state
    assert re.search(r"Status\s+│ verzonden", followed.output) and re.search(r"Te gaan\s+│ 0 ", followed.output)
    assert sorted(r for m in sink.messages for r in m.rcpt_tos if r in emails) == sorted(emails)
    unknown = await invoke("pause", slug, "2030-01")
    assert unknown.exit_code == 1 and "bestaat niet" in unknown.output
