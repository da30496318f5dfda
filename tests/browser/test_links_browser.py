"""The link pages in a real browser (Debian Chromium driven by Playwright), served by uvicorn on a port."""
from __future__ import annotations

import asyncio

import pytest

from tests.support.browser import NEEDS_CHROMIUM
from tests.support.paths import ARTIFACTS
from tests.support.links_flow import history_length, settled_history_length, start_flow, to_signoff, wait_filed
from tests.support.links import client_for, snapshot
from web.app import create_app
from worker import build_worker

PHONE = {"width": 390, "height": 844}
pytestmark = NEEDS_CHROMIUM


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_chair_approves_in_a_phone_browser(served, browser, settings, session_factory_, temporal_env, sink):
    async with build_worker(temporal_env.client, settings):
        flow = await start_flow(session_factory_, settings, temporal_env.client)
        async with client_for(create_app(settings, temporal_env.client)) as web:
            await to_signoff(flow, web, sink, session_factory_)
        url = f"{served.public_base_url}/l/{flow.links['chair', 'agenda-signoff']}"
        history = await settled_history_length(temporal_env.client, flow.board)
        before = snapshot(session_factory_, flow.board)

        context = await browser.new_context(viewport=PHONE, java_script_enabled=True, locale="nl-NL")
        page = await context.new_page()
        response = await page.goto(url)
        assert response.status == 200 and response.headers["referrer-policy"] == "no-referrer"
        await page.wait_for_load_state("networkidle")
        await asyncio.sleep(1)  # anything a script could do on load would have happened by now
        assert await history_length(temporal_env.client, flow.board) == history
        assert snapshot(session_factory_, flow.board) == before
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "link_signoff_phone.png"), full_page=True)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

        await page.get_by_role("button", name="Goedkeuren").click()
        await page.wait_for_load_state()
        assert "Dank u wel" in await page.content()
        await page.screenshot(path=str(ARTIFACTS / "link_signoff_done_phone.png"), full_page=True)
        await context.close()
        await wait_filed(session_factory_, flow.links["chair", "agenda-signoff"])  # after its quiet period
    after = snapshot(session_factory_, flow.board)
    assert [t for t in after["tokens"] if t[2] == "approve"], "the click recorded no approval"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_secretary_approves_without_javascript(served, browser, settings, session_factory_, temporal_env, sink):
    async with build_worker(temporal_env.client, settings):
        flow = await start_flow(session_factory_, settings, temporal_env.client)
        async with client_for(create_app(settings, temporal_env.client)) as web:
            await to_signoff(flow, web, sink, session_factory_)
        context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = await context.new_page()
        await page.goto(f"{served.public_base_url}/l/{flow.links['secretary', 'agenda-signoff']}")
        await page.get_by_role("button", name="Wijzigingen vragen").click()
        assert "wat er moet veranderen" in await page.content()  # the comment is required, said in Dutch
        await page.get_by_label("Wat moet er veranderen?").fill("Punt over de begroting toevoegen.")
        await page.get_by_role("button", name="Wijzigingen vragen").click()
        assert "Dank u wel" in await page.content()
        await context.close()
