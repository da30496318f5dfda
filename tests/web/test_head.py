"""HEAD on any page is its GET without a body, and changes nothing (mail scanners HEAD every emailed link)."""
import httpx
import pytest
from sqlmodel import select

from models.tables import ActionToken
from tests.support.workspace import make_tenant, signin_link
from web.app import create_app

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)


async def test_head_of_an_emailed_signin_link_shows_and_spends_nothing(settings, session_factory_, sink):
    tenant = make_tenant(session_factory_)
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.public_base_url) as web:
        await web.post("/inloggen", data={"email": tenant.emails["secretary"], "next": ""})
        link = signin_link(sink, tenant.emails["secretary"])
        got, head = await web.get(link), await web.head(link)
        assert head.status_code == got.status_code == 200
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
        assert "Inloggen" in got.text  # the page still has its button: neither request spent the token
    with session_factory_() as s:
        tokens = s.exec(select(ActionToken).where(ActionToken.association_id == tenant.association_id)).all()
    assert tokens and all(t.used_at is None for t in tokens)


async def test_head_of_health_and_of_a_missing_page(settings):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://t") as web:
        assert (await web.head("/health")).status_code == 200
        missing = await web.head("/bestaat-niet")
        assert missing.status_code == 404 and missing.content == b""
