"""Members and board in the workspace: lists, search, paging, person and seat forms, committees, CSRF, roles, CSV import."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.tables import AuditEvent, Body, BodyKind, Meeting, Membership, MemberRole, Person
from raadsbode.store.associations import BOARD_NAME
from raadsbode.db import session_scope
from tests.support.workspace import add_meeting, client_for, csrf_of, make_tenant, session_cookie, signed_in_session


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
            "/werkruimte/leden/bestuur/nieuw", "/werkruimte/leden/import", "/werkruimte/leden/commissies/nieuw")]
    assert [a.status_code for a in answers] == [403] * 5
    assert (people_of(session_factory_, tenant), seats_of(session_factory_, tenant)) == before
    assert committees_of(session_factory_, tenant) == {}


async def test_editor_cannot_see_or_edit_members(app, session_factory_):
    tenant = make_tenant(session_factory_)
    before = people_of(session_factory_, tenant)
    async with client_for(app, session_cookie(session_factory_, tenant, "editor")) as client:
        home = await client.get("/werkruimte")
        page = await client.get("/werkruimte/leden")
        committee = await client.get("/werkruimte/leden/commissies/nieuw")
        posted = await client.post("/werkruimte/leden/personen/nieuw", data={
            "csrf_token": csrf_of(home.text), "name": "X", "email": "x@example.test"})
    assert home.status_code == 200 and committee.status_code == 403
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


COMMITTEES = "/werkruimte/leden/commissies"


def committees_of(sessions, tenant) -> dict[str, dict[int, tuple]]:
    """Committee name -> {person id: (role, portfolio)}."""
    with sessions() as s:
        bodies = s.exec(select(Body).where(Body.association_id == tenant.association_id,
                                           Body.kind == BodyKind.committee)).all()
        return {b.name: {m.person_id: (str(m.role), m.portfolio)
                         for m in s.exec(select(Membership).where(Membership.body_id == b.id)).all()} for b in bodies}


def committee_id(sessions, tenant, name: str) -> int:
    with sessions() as s:
        return s.exec(select(Body.id).where(Body.association_id == tenant.association_id, Body.name == name)).one()


def seat_id_of(sessions, body_id: int, person_id: int) -> int:
    with sessions() as s:
        return s.exec(select(Membership.id).where(Membership.body_id == body_id, Membership.person_id == person_id)).one()


async def test_a_committee_is_added_renamed_and_composed(app, session_factory_):
    tenant = make_tenant(session_factory_)
    client, csrf = await signed_in(app, session_factory_, tenant)
    async with client:
        before = await client.get("/werkruimte/leden")
        form = await client.get(f"{COMMITTEES}/nieuw")
        empty = await client.post(f"{COMMITTEES}/nieuw", data={"csrf_token": csrf, "name": "  "})
        taken = await client.post(f"{COMMITTEES}/nieuw", data={"csrf_token": csrf, "name": BOARD_NAME.upper()})
        created = await client.post(f"{COMMITTEES}/nieuw", data={"csrf_token": csrf, "name": " Commissie  Financiën "})
        body = committee_id(session_factory_, tenant, "Commissie Financiën")
        seats = f"{COMMITTEES}/{body}/leden"
        seat_form = await client.get(f"{seats}/nieuw")
        for key, role in (("contact0", "chair"), ("secretary", "secretary"), ("contact1", "member")):
            added = await client.post(f"{seats}/nieuw", data={"csrf_token": csrf, "person_id": str(tenant.people[key]),
                                                              "role": role, "portfolio": "Begroting" * (key == "contact0")})
            assert added.status_code == 303 and added.headers["location"] == f"{COMMITTEES}/{body}?opgeslagen=1"
        deputy = await client.post(f"{seats}/nieuw", data={"csrf_token": csrf, "person_id": str(tenant.people["contact2"]),
                                                           "role": "deputy_chair", "portfolio": "Typte ik"})
        twice = await client.post(f"{seats}/nieuw", data={"csrf_token": csrf, "person_id": str(tenant.people["contact1"]),
                                                          "role": "member"})
        member = seat_id_of(session_factory_, body, tenant.people["contact1"])
        second_chair = await client.post(f"{seats}/{member}", data={"csrf_token": csrf, "role": "chair"})
        advisor = await client.post(f"{seats}/{member}", data={"csrf_token": csrf, "role": "advisor", "portfolio": "Fiscaal"})
        edit = await client.get(f"{seats}/{member}")
        board_seat = seat_id_of(session_factory_, tenant.board_id, tenant.people["chair"])
        crossed = [await client.get(f"{seats}/{board_seat}"), await client.get(f"/werkruimte/leden/bestuur/{member}"),
                   await client.get(f"{COMMITTEES}/{tenant.board_id}")]
        unconfirmed = await client.post(f"{seats}/{member}/verwijderen", data={"csrf_token": csrf})
        removed = await client.post(f"{seats}/{member}/verwijderen", data={"csrf_token": csrf, "confirm": "ja"})
        await client.post(f"{COMMITTEES}/nieuw", data={"csrf_token": csrf, "name": "Commissie Sociaal"})
        clash = await client.post(f"{COMMITTEES}/{body}", data={"csrf_token": csrf, "name": "commissie sociaal"})
        renamed = await client.post(f"{COMMITTEES}/{body}", data={"csrf_token": csrf, "name": "Commissie Geld"})
        page = await client.get(f"{COMMITTEES}/{body}")
        after = await client.get("/werkruimte/leden")
    assert "Nog geen commissies" in before.text and f'href="{COMMITTEES}/nieuw"' in before.text
    assert form.status_code == 200 and 'aria-current="page">Leden en bestuur' in form.text
    assert empty.status_code == 422 and 'id="fout-name"' in empty.text
    assert taken.status_code == 422 and "al een commissie of ander orgaan met deze naam" in taken.text
    assert f'value="{BOARD_NAME.upper()}"' in taken.text
    assert created.status_code == 303 and created.headers["location"] == f"{COMMITTEES}/{body}?opgeslagen=1"
    assert seat_form.status_code == 200 and "Iemand aan Commissie Financiën toevoegen" in seat_form.text
    assert 'value="deputy_chair"' not in seat_form.text and 'value="advisor"' in seat_form.text
    assert deputy.status_code == 422 and 'id="fout-role"' in deputy.text and 'value="Typte ik"' in deputy.text
    assert twice.status_code == 422 and "Contact 001 zit al in de commissie" in twice.text
    assert second_chair.status_code == 422 and "Contact 000 is al voorzitter" in second_chair.text
    assert "de commissie heeft er precies één" in second_chair.text
    assert advisor.status_code == 303 and "Rol van Contact 001 in Commissie Financiën" in edit.text
    assert 'value="Fiscaal"' in edit.text and "Uit de commissie halen" in edit.text
    assert [r.status_code for r in crossed] == [404] * 3
    assert unconfirmed.status_code == 422 and 'id="fout-confirm"' in unconfirmed.text and removed.status_code == 303
    assert clash.status_code == 422 and 'value="commissie sociaal"' in clash.text and renamed.status_code == 303
    assert committees_of(session_factory_, tenant) == {"Commissie Sociaal": {}, "Commissie Geld": {
        tenant.people["contact0"]: ("chair", "Begroting"), tenant.people["secretary"]: ("secretary", "")}}
    assert "<h1>Commissie Geld</h1>" in page.text and "Contact 000" in page.text and "Begroting" in page.text
    assert f'href="/werkruimte/vergaderingen/nieuw?orgaan={body}"' in page.text
    assert f'href="{COMMITTEES}/{body}">Commissie Geld</a></td><td>2</td><td>0</td>' in after.text
    with session_factory_() as s:
        actions = set(s.exec(select(AuditEvent.action).where(AuditEvent.association_id == tenant.association_id)).all())
    assert {"committee-added", "committee-membership-changed", "committee-membership-removed",
            "committee-renamed"} <= actions


async def test_a_committee_with_meetings_stays_an_empty_one_can_be_deleted(app, session_factory_):
    tenant = make_tenant(session_factory_)
    with session_scope(session_factory_) as s:
        kept, empty = (Body(association_id=tenant.association_id, kind=BodyKind.committee, name=n)
                       for n in ("Commissie Financiën", "Commissie Sociaal"))
        s.add_all([kept, empty])
        s.flush()
        s.add(Membership(body_id=empty.id, person_id=tenant.people["contact0"], role=MemberRole.chair))
        kept_id, empty_id = kept.id, empty.id
    meeting = add_meeting(session_factory_, tenant, "Vergadering Commissie Financiën")
    with session_scope(session_factory_) as s:
        s.get(Meeting, meeting).body_id = kept_id
    client, csrf = await signed_in(app, session_factory_, tenant)
    async with client:
        page = await client.get(f"{COMMITTEES}/{kept_id}")
        refused = await client.post(f"{COMMITTEES}/{kept_id}/verwijderen", data={"csrf_token": csrf, "confirm": "ja"})
        unconfirmed = await client.post(f"{COMMITTEES}/{empty_id}/verwijderen", data={"csrf_token": csrf})
        deleted = await client.post(f"{COMMITTEES}/{empty_id}/verwijderen", data={"csrf_token": csrf, "confirm": "ja"})
        overview = await client.get(deleted.headers["location"])
        gone = await client.get(f"{COMMITTEES}/{empty_id}")
    assert "heeft 1 vergadering en kan daarom niet worden verwijderd" in page.text
    assert f'action="{COMMITTEES}/{kept_id}/verwijderen"' not in page.text
    assert refused.status_code == 409 and "heeft vergaderingen en kan daarom niet worden verwijderd" in refused.text
    assert unconfirmed.status_code == 422 and 'id="fout-confirm"' in unconfirmed.text
    assert deleted.status_code == 303 and "De commissie is verwijderd" in overview.text and gone.status_code == 404
    assert committees_of(session_factory_, tenant) == {"Commissie Financiën": {}}
    with session_factory_() as s:
        assert s.exec(select(Membership).where(Membership.body_id == empty_id)).all() == []
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.association_id == tenant.association_id)).all()
    assert "committee-deleted" in actions
