"""Browser walks in Debian's Chromium (Playwright drives it; it never downloads a browser): signing in, and
desktop and phone screenshots of the main pages into tests/artifacts/screenshots/."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.e2e import wait_for_mail
from tests.support.paths import ARTIFACTS
from tests.support.workspace import signin_link

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: `apt-get install chromium` "
                                                                  "(or `make browser`) to run the browser tests")
SHOTS = ARTIFACTS / "screenshots"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


async def shoot(page, name: str) -> None:
    """Desktop and phone screenshots of the page; on a phone nothing may scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size(DESKTOP)
    await page.screenshot(path=str(SHOTS / f"{name}_desktop.png"), full_page=True)
    await page.set_viewport_size(PHONE)
    await asyncio.sleep(0.3)  # let a framed preview lay out again
    await page.screenshot(path=str(SHOTS / f"{name}_phone.png"), full_page=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name
    await page.set_viewport_size(DESKTOP)


async def sign_in(browser, base: str, sink, email: str):
    context = await browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = await context.new_page()
    await page.goto(f"{base}/inloggen")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_role("button", name="Stuur mij een inloglink").click()
    await wait_for_mail(sink, email, "Inloggen")
    await page.goto(base + signin_link(sink, email))
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(f"{base}/werkruimte")
    return page
