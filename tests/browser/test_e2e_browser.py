"""End-to-end walks in headless Chromium against uvicorn, a worker on the Temporal dev server and the SMTP sink:
a secretary signs in, plans a board meeting, drafts and submits its agenda and approves it; the chair approves
through the emailed link; the convocation goes out and an RSVP arrives. An editor takes a newsletter issue to a
finished send. Screenshots of the main pages (desktop and phone) go to tests/artifacts/screenshots/."""
from __future__ import annotations

import asyncio
from datetime import date

import pytest

from tests.support.browser import NEEDS_CHROMIUM, PHONE, shoot, sign_in
from tests.support.e2e import board_tenant, link_of, meeting_day, wait_for_mail
from tests.support.newsletter import add_readers
from tests.support.workspace import make_tenant
from worker import build_worker

pytestmark = NEEDS_CHROMIUM


async def reload_until(page, text: str, timeout: float = 30) -> None:
    for _ in range(int(timeout * 2)):
        if text in await page.content():
            return
        await asyncio.sleep(0.5)
        await page.reload()
    raise AssertionError(f"'{text}' did not appear on {page.url}")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_secretary_plans_drafts_and_convenes(served, browser, settings, session_factory_, temporal_env, sink):
    tenant = board_tenant(session_factory_)
    base = served.public_base_url
    async with build_worker(temporal_env.client, settings):
        page = await sign_in(browser, base, sink, tenant.email("secretary"))
        await page.get_by_role("link", name="Vergaderingen", exact=True).click()
        await page.get_by_role("link", name="Bestuursvergadering plannen").click()
        await page.get_by_label("Titel").fill("Bestuursvergadering juni")
        await page.get_by_label("Datum").fill(meeting_day(30))
        await page.get_by_label("Locatie").select_option(label="Gemeentehuis Dronten")
        await page.get_by_label("Oproeptermijn in dagen").fill("60")
        await shoot(page, "meeting_new")
        await page.get_by_role("button", name="Vergadering plannen en begeleiding starten").click()
        await page.get_by_text("De vergadering is aangemaakt").wait_for()

        await page.get_by_role("link", name="Agenda opstellen").click()
        await page.get_by_role("button", name="+ Agendapunt toevoegen").click()
        await page.locator("#veld-title_5").fill("Begroting 2027")
        await page.locator("#veld-kind_5").select_option("decision")
        await page.locator("#veld-documents_5").fill("Begroting | https://example.org/begroting.pdf")
        await page.get_by_role("button", name="Omhoog (agendapunt 6)").click()
        assert await page.locator("#veld-title_4").input_value() == "Begroting 2027"
        await shoot(page, "agenda_editor")
        await page.get_by_role("button", name="Agenda indienen ter ondertekening").click()
        await page.get_by_text("De agenda is ingediend").wait_for()
        await reload_until(page, "Zelf goedkeuren")
        await page.get_by_role("button", name="Zelf goedkeuren").click()
        await page.get_by_text("U heeft de agenda goedgekeurd").wait_for()

        chair_mail = (await wait_for_mail(sink, tenant.email("chair"), "Agenda ter ondertekening"))[-1]
        phone = await (await browser.new_context(viewport=PHONE, locale="nl-NL")).new_page()
        await phone.goto(f"{base}/l/{link_of(chair_mail)}")
        await phone.get_by_role("button", name="Goedkeuren").click()
        await phone.get_by_text("goedgekeurd").first.wait_for()

        invitation = (await wait_for_mail(sink, tenant.email("contact0"), "Uitnodiging vergadering"))[-1]
        await phone.goto(f"{base}/l/{link_of(invitation)}")
        await phone.get_by_role("button", name="Ik kom", exact=True).click()
        await reload_until(page, "1 komen")
        assert "Uitnodiging met agenda verstuurd" in await page.content()
        await shoot(page, "meeting")
        for name, link in (("dashboard", "Overzicht"), ("meetings", "Vergaderingen"), ("planning", "Jaarplanning")):
            await page.get_by_role("link", name=link, exact=True).click()
            await shoot(page, name)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_editor_takes_an_issue_to_a_finished_send(served, browser, settings, session_factory_, temporal_env, sink):
    tenant = make_tenant(session_factory_)
    readers = add_readers(session_factory_, tenant)
    base = served.public_base_url
    async with build_worker(temporal_env.client, settings):
        page = await sign_in(browser, base, sink, tenant.email("editor"))
        await page.get_by_role("link", name="Nieuwsbrief", exact=True).click()
        await page.get_by_role("link", name="Blogberichten en feed").click()
        await page.get_by_role("link", name="Bericht toevoegen").click()
        await page.get_by_label("Titel").fill("Gemeenten werken samen aan de energietransitie")
        await page.get_by_label("Samenvatting").fill("Zes gemeenten tekenden een convenant.")
        await page.get_by_role("button", name="Opslaan").click()
        await page.get_by_role("link", name="Nieuwsbrief", exact=True).click()
        await page.locator("#veld-period").fill(date.today().strftime("%Y-%m"))
        await page.get_by_label("Inleiding (optioneel)").fill("Beste lezer, hier is het nieuws van deze maand.")
        await page.get_by_role("button", name="Samenstellen").click()
        await reload_until(page, "Goedkeuren en versturen")
        await page.frame_locator("iframe.preview").get_by_text("energietransitie").first.wait_for()
        await shoot(page, "newsletter_issue")
        await page.get_by_role("button", name="Goedkeuren en versturen").click()
        await reload_until(page, "Status: <strong>verzonden</strong>")
        await shoot(page, "newsletter_sent")
        for href, name in (("/werkruimte/nieuwsbrief", "newsletter"), ("/werkruimte/nieuwsbrief/abonnees", "subscribers")):
            await page.goto(base + href)
            await shoot(page, name)
    for reader in readers:
        assert len(sink.to(reader)) == 1
