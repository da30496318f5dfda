"""The admin and new-meeting pages in headless Chromium, signed in as the demo's admin (who is also its secretary
and the secretary of its committee): plan a committee meeting, call an extra ALV and plan a network meeting
(each first refused with the error in place), give the committee its own notice period, and add and delete
venues (an unused one goes, one a meeting uses is refused). One browser, one stack; screenshots (desktop and
phone) go to tests/artifacts/screenshots/."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.tables import Meeting
from raadsbode.dev.demo import DEMO_COMMITTEE, seed_demo
from tests.support.e2e import meeting_day
from tests.support.browser import NEEDS_CHROMIUM, shoot, sign_in
from worker import build_worker

ADMIN = "t.dekker@vngflevoland.example"
USED, SPARE = "Provinciehuis Lelystad", "Zaal De Schouw"
pytestmark = NEEDS_CHROMIUM


async def add_venue(page, name: str) -> None:
    await page.goto(page.url.split("/werkruimte")[0] + "/werkruimte/beheer/vereniging/zalen")
    await page.get_by_role("link", name="Locatie toevoegen").click()
    await page.get_by_label("Naam").fill(name)
    await page.get_by_label("Gemeente").select_option(label="Lelystad")
    await page.get_by_role("button", name="Locatie toevoegen").click()
    await page.get_by_text("De locatie is opgeslagen.").wait_for()


async def delete_venue(page, name: str) -> None:
    await page.goto(page.url.split("/werkruimte")[0] + "/werkruimte/beheer/vereniging/zalen")
    await page.get_by_role("link", name=name, exact=True).click()
    await page.get_by_label(f"Ja, verwijder {name} definitief").check()
    await page.get_by_role("button", name="Locatie verwijderen").click()


async def plan_committee_meeting(page) -> None:
    await page.get_by_role("link", name="Vergaderingen", exact=True).click()
    await page.get_by_role("link", name="Commissievergadering plannen").click()
    assert await page.locator("#veld-body_id option:checked").inner_text() == DEMO_COMMITTEE
    await page.get_by_label("Datum").fill(meeting_day(45))
    await page.get_by_label("Locatie").select_option(label=USED)
    await shoot(page, "meeting_new_committee")
    await page.get_by_role("button", name="Vergadering plannen en begeleiding starten").click()
    await page.get_by_text("De vergadering is aangemaakt").wait_for()
    assert f"Vergadering {DEMO_COMMITTEE}" in await page.locator("h1").inner_text()
    assert "Begeleiding: loopt" in await page.locator("main").inner_text()


async def call_extra_alv(page) -> None:
    await page.get_by_role("link", name="Vergaderingen", exact=True).click()
    await page.get_by_role("link", name="Extra ALV bijeenroepen").click()
    await page.get_by_label("Titel").fill("Extra ALV over de fusie")
    await page.get_by_label("Datum").fill(meeting_day(50))
    await page.get_by_role("button", name="Extra ALV bijeenroepen en begeleiding starten").click()
    await page.locator("#fout-reason").wait_for()
    assert await page.get_by_label("Titel").input_value() == "Extra ALV over de fusie"
    await shoot(page, "meeting_new_alv_error")
    await page.get_by_label("Reden").fill("Besluit over de fusie met VNG Noord.")
    await page.get_by_role("button", name="Extra ALV bijeenroepen en begeleiding starten").click()
    await page.get_by_text("De vergadering is aangemaakt").wait_for()


async def plan_network_meeting(page) -> None:
    await page.get_by_role("link", name="Vergaderingen", exact=True).click()
    await page.get_by_role("link", name="Netwerkbijeenkomst plannen").click()
    await page.get_by_label("Titel").fill("Netwerkmiddag energie")
    await page.get_by_label("Datum").fill(meeting_day(60))
    await page.get_by_label("Aantal plaatsen").fill("veel")
    await page.get_by_role("button", name="Bijeenkomst plannen en begeleiding starten").click()
    await page.locator("#fout-capacity").wait_for()
    await shoot(page, "meeting_new_network_error")
    await page.get_by_label("Aantal plaatsen").fill("40")
    await page.get_by_role("button", name="Bijeenkomst plannen en begeleiding starten").click()
    await page.get_by_text("De vergadering is aangemaakt").wait_for()


async def set_committee_notice(page) -> None:
    await page.goto(page.url.split("/werkruimte")[0] + "/werkruimte/beheer/vereniging")
    committee = page.locator("fieldset", has_text=f"Termijnen {DEMO_COMMITTEE}")
    await committee.get_by_label("Oproeptermijn (uitnodiging vooraf)").fill("10d")
    await page.get_by_role("button", name="Instellingen opslaan").click()
    await page.get_by_text("De instellingen zijn opgeslagen.").wait_for()
    assert await committee.get_by_label("Oproeptermijn (uitnodiging vooraf)").input_value() == "10d"
    assert await page.locator("fieldset", has_text="Termijnen Dagelijks bestuur").get_by_label(
        "Oproeptermijn (uitnodiging vooraf)").input_value() == ""
    await shoot(page, "admin_settings")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_admin_plans_meetings_and_keeps_settings_and_venues(served, browser, settings, session_factory_,
                                                                  temporal_env, sink):
    association_id = seed_demo(session_factory_)
    base = served.public_base_url
    async with build_worker(temporal_env.client, settings):
        page = await sign_in(browser, base, sink, ADMIN)
        await add_venue(page, USED)
        await add_venue(page, SPARE)
        await plan_committee_meeting(page)
        await call_extra_alv(page)
        await plan_network_meeting(page)
        await set_committee_notice(page)
        await delete_venue(page, SPARE)
        await page.get_by_text("De locatie is verwijderd.").wait_for()
        assert await page.get_by_role("link", name=SPARE, exact=True).count() == 0
        await shoot(page, "admin_venues")
        await delete_venue(page, USED)
        await page.get_by_text("ze is in gebruik bij 1 vergadering").first.wait_for()
        await shoot(page, "admin_venue_in_use")
    with session_factory_() as s:
        kinds = {str(kind) for kind in s.exec(select(Meeting.kind).where(Meeting.association_id == association_id)).all()}
    assert {"committee", "extra_alv", "network"} <= kinds
