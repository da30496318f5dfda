"""Members and board in the workspace: lists, search, paging, person and seat forms, CSRF, roles, CSV import."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models import AuditEvent, Membership, MemberRole, Person
from raadsbode.db import session_scope
from tests.workspace_support import client_for, csrf_of, make_tenant, session_cookie, signed_in_session
from web.app import create_app


@pytest.fixture
def app(settings, temporal_env):
    return create_app(settings, temporal_env.client)


def people_of(sessions, tenant) -> dict[str, tuple]:
    with sessions() as s:
        rows = s.exec(select(Person).where(Person.association_id == tenant.association_id)).all()
        return {p.email: (p.name, p.function, p.municipality_id) for p in rows}


def seats_of(sessions, tenant) -> dict[int, tuple]:
    with sessions() as s:
        rows = s.exec(select(Membership).where(Membership.body_id == tenant.board_id)).all()
        return {m.person_id: (str(m.role), m.portfolio) for m in rows}


async def signed_in(app, sessions, tenant, role="secretary"):
    cookie, csrf = signed_in_session(sessions, tenant, role)
    return client_for(app, cookie), csrf


async def test_overview_lists_board_and_municipalities(app, session_factory_):
    tenant, other = make_tenant(session_factory_), make_tenant(session_factory_, name="Andere vereniging")
    client, _ = await signed_in(app, session_factory_, tenant)
    async with client:
        page = await client.get("/werkruimte/leden")
    assert page.status_code == 200 and 'aria-current="page">Leden en bestuur' in page.text
    assert "Mw. A. Voorzitter" in page.text and "Voorzitter" in page.text and "Lobby" in page.text
    assert "Almere" in page.text and "Dronten" in page.text
    assert other.email("chair") not in page.text


async def test_people_are_paginated_searchable_and_filtered(app, session_factory_):
    tenant = make_tenant(session_factory_, people=30)
    client, _ = await signed_in(app, session_factory_, tenant)
    async with client:
        first = await client.get("/werkruimte/leden/personen")
        second = await client.get("/werkruimte/leden/personen?pagina=2")
        beyond = await client.get("/werkruimte/leden/personen?pagina=99")
        found = await client.get("/werkruimte/leden/personen", params={"zoek": "CONTACT 007"})
        by_mail = await client.get("/werkruimte/leden/personen", params={"zoek": "contact12@"})
        wildcard = await client.get("/werkruimte/leden/personen", params={"zoek": "%"})
        town = await client.get("/werkruimte/leden/personen", params={"gemeente": tenant.municipality_ids[1]})
    total = 30 + 4  # contacts, chair, three staff
    assert f"1–25 van {total}" in first.text and "Pagina 1 van 2" in first.text and "pagina=2" in first.text
    assert f"26–{total} van {total}" in second.text and f"26–{total} van {total}" in beyond.text
    assert "Contact 007" in found.text and "1–1 van 1" in found.text
    assert "Contact 012" in by_mail.text and "1–1 van 1" in by_mail.text
    assert "Niets gevonden" in wildcard.text
    assert "1–15 van 15" in town.text and "Contact 001" in town.text and "Contact 000" not in town.text


async def test_add_person_validates_in_place_and_keeps_input(app, session_factory_):
    tenant, other = make_tenant(session_factory_), make_tenant(session_factory_)
    before = people_of(session_factory_, tenant)
    client, csrf = await signed_in(app, session_factory_, tenant)
    bad = {"csrf_token": csrf, "name": "", "email": "geen-adres", "function": "wethouder",
           "municipality_id": str(other.municipality_ids[0])}
    async with client:
        refused = await client.post("/werkruimte/leden/personen/nieuw", data=bad)
        taken = await client.post("/werkruimte/leden/personen/nieuw", data=bad | {
            "name": "Dubbel", "email": tenant.email("contact0").upper(), "municipality_id": ""})
        assert people_of(session_factory_, tenant) == before
        created = await client.post("/werkruimte/leden/personen/nieuw", data=bad | {
            "name": "Nieuwe Wethouder", "email": " Nieuw@Example.test ", "municipality_id": str(tenant.municipality_ids[1])})
        listed = await client.get(created.headers["location"])
    assert refused.status_code == 422
    for field in ("name", "email", "municipality_id"):
        assert f'id="fout-{field}"' in refused.text
    assert 'value="geen-adres"' in refused.text and 'value="wethouder"' in refused.text
    assert taken.status_code == 422 and "al een persoon met dit e-mailadres" in taken.text
    assert created.status_code == 303 and "Nieuwe Wethouder" in listed.text
    assert people_of(session_factory_, tenant)["nieuw@example.test"] == ("Nieuwe Wethouder", "wethouder",
                                                                         tenant.municipality_ids[1])
    with session_factory_() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.association_id == tenant.association_id)).all()
    assert "person-added" in actions


async def test_edit_person(app, session_factory_):
    tenant = make_tenant(session_factory_)
    client, csrf = await signed_in(app, session_factory_, tenant)
    url = f"/werkruimte/leden/personen/{tenant.people['contact1']}"
    async with client:
        form = await client.get(url)
        clash = await client.post(url, data={"csrf_token": csrf, "name": "Contact Een", "email": tenant.email("chair")})
        saved = await client.post(url, data={"csrf_token": csrf, "name": "Contact Een", "email": tenant.email("contact1"),
                                             "function": "griffier", "municipality_id": ""})
    assert form.status_code == 200 and f'value="{tenant.email("contact1")}"' in form.text
    assert clash.status_code == 422 and 'value="Contact Een"' in clash.text and 'id="fout-email"' in clash.text
    assert saved.status_code == 303
    assert people_of(session_factory_, tenant)[tenant.email("contact1")] == ("Contact Een", "griffier", None)


async def test_board_seats_roles_and_portfolios(app, session_factory_):
    tenant = make_tenant(session_factory_)
    client, csrf = await signed_in(app, session_factory_, tenant)
    async with client:
        added = await client.post("/werkruimte/leden/bestuur/nieuw", data={
            "csrf_token": csrf, "person_id": str(tenant.people["contact0"]), "role": "member", "portfolio": "Financiën"})
        with session_factory_() as s:
            seat_id = s.exec(select(Membership.id).where(Membership.body_id == tenant.board_id,
                                                         Membership.person_id == tenant.people["contact0"])).one()
        second_chair = await client.post(f"/werkruimte/leden/bestuur/{seat_id}", data={
            "csrf_token": csrf, "role": "chair", "portfolio": "Financiën en lobby"})
        twice = await client.post("/werkruimte/leden/bestuur/nieuw", data={
            "csrf_token": csrf, "person_id": str(tenant.people["contact0"]), "role": "member"})
        changed = await client.post(f"/werkruimte/leden/bestuur/{seat_id}", data={
            "csrf_token": csrf, "role": "deputy_chair", "portfolio": "Financiën en lobby"})
        unconfirmed = await client.post(f"/werkruimte/leden/bestuur/{seat_id}/verwijderen", data={"csrf_token": csrf})
        assert seats_of(session_factory_, tenant)[tenant.people["contact0"]] == ("deputy_chair", "Financiën en lobby")
        removed = await client.post(f"/werkruimte/leden/bestuur/{seat_id}/verwijderen",
                                    data={"csrf_token": csrf, "confirm": "ja"})
    assert added.status_code == 303
    assert second_chair.status_code == 422 and "Mw. A. Voorzitter is al voorzitter" in second_chair.text
    assert 'value="Financiën en lobby"' in second_chair.text
    assert twice.status_code == 422 and "zit al in het bestuur" in twice.text
    assert changed.status_code == 303 and unconfirmed.status_code == 422 and removed.status_code == 303
    assert tenant.people["contact0"] not in seats_of(session_factory_, tenant)
    assert seats_of(session_factory_, tenant)[tenant.people["chair"]] == (MemberRole.chair.value, "Lobby")


@pytest.mark.parametrize("csrf", [None, "", "verkeerd"])
async def test_missing_or_wrong_csrf_is_403_and_changes_nothing(app, session_factory_, csrf):
    tenant = make_tenant(session_factory_)
    before = people_of(session_factory_, tenant), seats_of(session_factory_, tenant)
    client, _ = await signed_in(app, session_factory_, tenant)
    data = {"name": "X", "email": "x@example.test", "role": "member", "person_id": str(tenant.people["contact0"])}
    if csrf is not None:
        data["csrf_token"] = csrf
    async with client:
        answers = [await client.post(url, data=data) for url in (
            "/werkruimte/leden/personen/nieuw", f"/werkruimte/leden/personen/{tenant.people['contact0']}",
            "/werkruimte/leden/bestuur/nieuw", "/werkruimte/leden/import")]
    assert [a.status_code for a in answers] == [403] * 4
    assert (people_of(session_factory_, tenant), seats_of(session_factory_, tenant)) == before


async def test_editor_cannot_see_or_edit_members(app, session_factory_):
    tenant = make_tenant(session_factory_)
    before = people_of(session_factory_, tenant)
    async with client_for(app, session_cookie(session_factory_, tenant, "editor")) as client:
        home = await client.get("/werkruimte")
        page = await client.get("/werkruimte/leden")
        posted = await client.post("/werkruimte/leden/personen/nieuw", data={
            "csrf_token": csrf_of(home.text), "name": "X", "email": "x@example.test"})
    assert home.status_code == 200
    assert page.status_code == 403 and "Geen toegang" in page.text
    assert posted.status_code == 403 and people_of(session_factory_, tenant) == before


GOOD_CSV = "Gemeente;Naam;E-mail;Functie\nAlmere;Nieuwe Raad;raad@almere.example;raadslid\nUrk;Kees Urk;kees@urk.example;wethouder\n"
BAD_CSV = "Gemeente;Naam;E-mail\nAlmere;Goed Mens;goed@almere.example\nAlmere;;geen-adres\nBestaatnietdorp;Iemand;iemand@x.example\n"


async def test_csv_import_reports_errors_in_the_page_and_writes_nothing(app, session_factory_):
    tenant = make_tenant(session_factory_)
    before = people_of(session_factory_, tenant)
    client, csrf = await signed_in(app, session_factory_, tenant)
    async with client:
        form = await client.get("/werkruimte/leden/import")
        bad = await client.post("/werkruimte/leden/import", data={"csrf_token": csrf},
                                files={"bestand": ("leden.csv", BAD_CSV.encode(), "text/csv")})
        nofile = await client.post("/werkruimte/leden/import", data={"csrf_token": csrf})
        assert people_of(session_factory_, tenant) == before
        dry = await client.post("/werkruimte/leden/import", data={"csrf_token": csrf, "alleen_controleren": "ja"},
                                files={"bestand": ("leden.csv", GOOD_CSV.encode("utf-8-sig"), "text/csv")})
        assert people_of(session_factory_, tenant) == before
        good = await client.post("/werkruimte/leden/import", data={"csrf_token": csrf},
                                 files={"bestand": ("leden.csv", GOOD_CSV.encode("utf-8-sig"), "text/csv")})
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    assert bad.status_code == 422 and "Er is niets geïmporteerd" in bad.text
    assert "<td>3</td><td>Naam</td>" in bad.text and "<td>3</td><td>E-mail</td>" in bad.text
    assert "<td>4</td><td>Gemeente</td>" in bad.text and "Bestaatnietdorp" in bad.text
    assert nofile.status_code == 422 and "Kies een CSV-bestand" in nofile.text
    assert dry.status_code == 200 and "nog niets opgeslagen" in dry.text and "2 nieuw" in dry.text
    assert good.status_code == 200 and "2 nieuw" in good.text
    after = people_of(session_factory_, tenant)
    assert after["raad@almere.example"][0] == "Nieuwe Raad" and "kees@urk.example" in after
