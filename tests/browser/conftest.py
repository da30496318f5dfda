"""The browser tests' fixtures: the app served by uvicorn on a port, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import threading

import pytest
import uvicorn

from raadsbode.settings import Settings
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.env import free_port
from web.app import create_app


@pytest.fixture
def served(settings: Settings, temporal_env):
    """The app on a free port in a thread with its own loop (and its own Temporal connection)."""
    port = free_port()
    target = temporal_env.client.service_client.config.target_host
    web_settings = settings.model_copy(update={"public_base_url": f"http://127.0.0.1:{port}",
                                               "temporal_address": target})
    server = uvicorn.Server(uvicorn.Config(create_app(web_settings), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        threading.Event().wait(0.05)
    yield web_settings
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()
