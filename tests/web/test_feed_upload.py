"""An uploaded feed is data, never a path or URL: a workspace upload (or a CLI feed file) whose content names
a local feed file imports nothing and says 'geen geldige feed'; too big is refused before parsing."""
from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from models.tables.newsletter import BlogPost
from raadsbode.cli import app as cli_app
from raadsbode.services.newsletter.feed_reader import MAX_FEED_BYTES
from raadsbode.settings import get_settings
from tests.support.workspace import client_for, make_tenant, signed_in_session
from web.app import create_app

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)

FEED_URL = "/werkruimte/nieuwsbrief/feed"
SECRET_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Elders</title>
<item><title>Bestand van de server</title><link>https://example.org/lek</link><guid>lek-1</guid></item>
</channel></rss>"""


@pytest.fixture
def local_feed(tmp_path):
    """A real, valid feed on the server's disk: what a hostile upload would point at."""
    path = tmp_path / "server-feed.xml"
    path.write_text(SECRET_FEED, encoding="utf-8")
    return path


def _titles(sessions, association_id: int) -> list[str]:
    with sessions() as s:
        return list(s.exec(select(BlogPost.title).where(BlogPost.association_id == association_id)).all())


@pytest.mark.parametrize("form", ["path", "file-url"])
async def test_an_upload_naming_a_local_file_is_not_a_feed(settings, session_factory_, local_feed, form):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "editor")
    content = str(local_feed) if form == "path" else local_feed.as_uri()
    async with client_for(create_app(settings), cookie) as web:
        answer = await web.post(FEED_URL, data={"csrf_token": csrf},
                                files={"feed": ("blog.rss", content.encode(), "application/rss+xml")})
    assert answer.status_code == 422, answer.text[-800:]
    assert "geen geldige feed" in answer.text
    assert _titles(session_factory_, tenant.association_id) == []


async def test_a_feed_over_the_size_limit_is_refused(settings, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "editor")
    padded = SECRET_FEED.replace("<title>Elders</title>", "<title>Elders</title><!--" + "x" * MAX_FEED_BYTES + "-->")
    async with client_for(create_app(settings), cookie) as web:
        answer = await web.post(FEED_URL, data={"csrf_token": csrf},
                                files={"feed": ("blog.rss", padded.encode(), "application/rss+xml")})
    assert answer.status_code == 422 and "te groot" in answer.text
    assert _titles(session_factory_, tenant.association_id) == []


def test_cli_feed_file_holding_a_path_is_not_a_feed(db_url, session_factory_, local_feed, tmp_path, monkeypatch):
    tenant = make_tenant(session_factory_)
    pointer = tmp_path / "pointer.xml"
    pointer.write_text(str(local_feed), encoding="utf-8")
    monkeypatch.setenv("RAADSBODE_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        refused = CliRunner().invoke(cli_app, ["newsletter", "feed", "import", tenant.slug, str(pointer)])
        imported = CliRunner().invoke(cli_app, ["newsletter", "feed", "import", tenant.slug, str(local_feed)])
    finally:
        get_settings.cache_clear()
    assert refused.exit_code == 1 and "geen geldige feed" in refused.output, refused.output
    assert imported.exit_code == 0 and "1 bericht" in imported.output, imported.output
    assert _titles(session_factory_, tenant.association_id) == ["Bestand van de server"]
