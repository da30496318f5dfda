"""Admin pages: staff roles, association settings and venues; admins only, field errors keep what was typed."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.tables.staff import StaffRole
from tests.support.workspace import client_for, make_tenant, signed_in_session

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)

STAFF = "/werkruimte/beheer/medewerkers"
SETTINGS = "/werkruimte/beheer/vereniging"
VENUES = "/werkruimte/beheer/vereniging/zalen"


def roles_in(sessions, tenant) -> set[tuple[int, str]]:
    with sessions() as s:
        rows = s.exec(select(StaffRole).where(StaffRole.association_id == tenant.association_id)).all()
        return {(r.person_id, str(r.role)) for r in rows}


async def test_admin_pages_refuse_a_secretary_and_hide_the_menu(app, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as client:
        home = await client.get("/werkruimte")
        pages = [await client.get(path) for path in (STAFF, SETTINGS, VENUES)]
        post = await client.post(STAFF, data={"csrf_token": csrf, "email": "x@y.test", "name": "X", "role": "admin"})
    assert ">Beheer<" not in home.text
    assert all(page.status_code == 403 for page in pages) and post.status_code == 403
    assert (tenant.people["secretary"], "admin") not in roles_in(session_factory_, tenant)


async def test_admin_gives_and_takes_roles(app, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    async with client_for(app, cookie) as client:
        listing = await client.get(STAFF)
        existing = await client.post(STAFF, data={"csrf_token": csrf, "email": tenant.email("contact0").upper(),
                                                  "name": "", "role": "editor"})
        new = await client.post(STAFF, data={"csrf_token": csrf, "email": "nieuw@example.test",
                                             "name": "Nieuwe Redacteur", "role": "editor"})
        taken = await client.post(f"{STAFF}/{tenant.people['editor']}/intrekken", data={"csrf_token": csrf,
                                                                                       "role": "editor"})
        after = await client.get(taken.headers["location"])
    assert listing.status_code == 200 and ">Beheer<" in listing.text and tenant.email("secretary") in listing.text
    assert existing.status_code == 303 and new.status_code == 303 and taken.status_code == 303
    roles = roles_in(session_factory_, tenant)
    assert (tenant.people["contact0"], "editor") in roles and (tenant.people["editor"], "editor") not in roles
    assert "nieuw@example.test" in after.text and "De rol is ingetrokken." in after.text


async def test_grant_errors_keep_typed_values_and_write_nothing(app, session_factory_):
    tenant = make_tenant(session_factory_)
    before = roles_in(session_factory_, tenant)
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    async with client_for(app, cookie) as client:
        bad_mail = await client.post(STAFF, data={"csrf_token": csrf, "email": "geen-adres", "name": "Typed Naam",
                                                  "role": "secretary"})
        no_name = await client.post(STAFF, data={"csrf_token": csrf, "email": "onbekend@example.test", "name": "",
                                                 "role": "koning"})
    assert bad_mail.status_code == 422 and 'id="fout-email"' in bad_mail.text and 'value="Typed Naam"' in bad_mail.text
    assert no_name.status_code == 422 and 'id="fout-name"' in no_name.text and 'id="fout-role"' in no_name.text
    assert 'value="onbekend@example.test"' in no_name.text
    assert roles_in(session_factory_, tenant) == before


async def test_admin_cannot_take_away_own_admin_role(app, session_factory_):
    tenant = make_tenant(session_factory_)
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    async with client_for(app, cookie) as client:
        refused = await client.post(f"{STAFF}/{tenant.people['admin']}/intrekken", data={"csrf_token": csrf,
                                                                                        "role": "admin"})
    assert refused.status_code == 422 and "eigen beheerdersrol" in refused.text
    assert (tenant.people["admin"], "admin") in roles_in(session_factory_, tenant)


def association_row(sessions, tenant):
    from models.tables.org import Association, Body

    with sessions() as s:
        association = s.get(Association, tenant.association_id)
        bodies = s.exec(select(Body).where(Body.association_id == tenant.association_id)).all()
        return association.name, association.mailbox_email, {str(b.kind): b.policy_json for b in bodies}


async def test_settings_validate_in_place_and_store_normalised_durations(app, session_factory_):
    tenant = make_tenant(session_factory_)
    before = association_row(session_factory_, tenant)
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    form = {"csrf_token": csrf, "name": "VNG Nieuwland", "mailbox_email": "kapot", "board__convocation_before": "een week",
            "alv__convocation_before": "5w"}
    async with client_for(app, cookie) as client:
        refused = await client.post(SETTINGS, data=form)
        assert association_row(session_factory_, tenant) == before
        saved = await client.post(SETTINGS, data=form | {"mailbox_email": " Post@Nieuwland.Test ",
                                                         "board__convocation_before": "168h"})
        shown = await client.get(saved.headers["location"])
    assert refused.status_code == 422 and 'id="fout-mailbox_email"' in refused.text
    assert 'id="fout-board__convocation_before"' in refused.text and 'value="een week"' in refused.text
    assert 'value="VNG Nieuwland"' in refused.text and 'value="5w"' in refused.text
    name, mailbox, policies = association_row(session_factory_, tenant)
    assert (name, mailbox) == ("VNG Nieuwland", "post@nieuwland.test")
    assert '"convocation_before": "1w"' in policies["board"] and '"convocation_before": "5w"' in policies["general_meeting"]
    assert saved.status_code == 303 and "De instellingen zijn opgeslagen." in shown.text and 'value="1w"' in shown.text


async def test_venues_list_add_and_edit(app, session_factory_):
    tenant, other = make_tenant(session_factory_), make_tenant(session_factory_, name="Andere vereniging")
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    async with client_for(app, cookie) as client:
        clash = await client.post(f"{VENUES}/nieuw", data={"csrf_token": csrf, "name": "Stadhuis Almere",
                                                           "address": "Stadhuisplein 1", "municipality_id": ""})
        foreign_town = await client.post(f"{VENUES}/nieuw", data={"csrf_token": csrf, "name": "Zaal",
                                                                  "municipality_id": str(other.municipality_ids[0])})
        added = await client.post(f"{VENUES}/nieuw", data={"csrf_token": csrf, "name": "Gemeentehuis Dronten",
                                                           "address": "De Rede 1", "municipality_id": str(tenant.municipality_ids[1])})
        edited = await client.post(f"{VENUES}/{tenant.venue_id}", data={"csrf_token": csrf, "name": "Stadhuis Almere, raadzaal",
                                                                         "address": "Stadhuisplein 1", "municipality_id": ""})
        listing = await client.get(VENUES)
    assert clash.status_code == 422 and "al een locatie met deze naam" in clash.text and "Stadhuisplein 1" in clash.text
    assert foreign_town.status_code == 422 and 'id="fout-municipality_id"' in foreign_town.text
    assert added.status_code == 303 and edited.status_code == 303
    assert "Gemeentehuis Dronten" in listing.text and "Stadhuis Almere, raadzaal" in listing.text and "Dronten" in listing.text
    assert "1–2 van 2" in listing.text


def add_body(sessions, tenant, kind: str, name: str) -> int:
    from models.tables.org import Body

    with sessions() as s:
        body = Body(association_id=tenant.association_id, kind=kind, name=name)
        s.add(body)
        s.commit()
        return body.id


async def test_settings_give_each_committee_and_the_network_meetings_their_own_durations(app, session_factory_):
    tenant = make_tenant(session_factory_)
    committee = add_body(session_factory_, tenant, "committee", "Commissie Financiën")
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    field = f"commissie{committee}__convocation_before"
    form = {"csrf_token": csrf, "name": tenant.name, "mailbox_email": f"secretariaat@{tenant.slug}.test"}
    async with client_for(app, cookie) as client:
        page = await client.get(SETTINGS)
        refused = await client.post(SETTINGS, data=form | {field: "twee weken", "netwerk__announce_before": "4w"})
        only_committee = await client.post(SETTINGS, data=form | {field: "14d"})
        assert "network" not in association_row(session_factory_, tenant)[2]  # no network body for blank fields
        both = await client.post(SETTINGS, data=form | {field: "14d", "netwerk__announce_before": "28d"})
        shown = await client.get(both.headers["location"])
    assert "Termijnen Commissie Financiën" in page.text and "Termijnen Netwerkbijeenkomsten" in page.text
    assert 'name="netwerk__registration_closes_before"' in page.text and "Standaard: 6w" in page.text
    assert refused.status_code == 422 and f'id="fout-{field}"' in refused.text and 'value="twee weken"' in refused.text
    assert 'value="4w"' in refused.text
    assert only_committee.status_code == 303 and both.status_code == 303
    policies = association_row(session_factory_, tenant)[2]
    assert policies["committee"] == '{"convocation_before": "2w"}' and policies["network"] == '{"announce_before": "4w"}'
    assert policies["board"] == "{}"
    assert 'value="2w"' in shown.text and 'value="4w"' in shown.text


async def test_a_venue_is_deleted_only_when_confirmed_and_unused(app, session_factory_):
    from tests.support.workspace import add_meeting

    tenant, other = make_tenant(session_factory_), make_tenant(session_factory_, name="Andere vereniging")
    add_meeting(session_factory_, tenant, "Bestuursvergadering")  # at the tenant's venue
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    async with client_for(app, cookie) as client:
        added = await client.post(f"{VENUES}/nieuw", data={"csrf_token": csrf, "name": "Zaaltje", "municipality_id": ""})
        spare = _venue_id(session_factory_, tenant, "Zaaltje")
        edit = await client.get(f"{VENUES}/{spare}")
        unconfirmed = await client.post(f"{VENUES}/{spare}/verwijderen", data={"csrf_token": csrf})
        used = await client.post(f"{VENUES}/{tenant.venue_id}/verwijderen", data={"csrf_token": csrf, "confirm": "ja"})
        foreign = await client.post(f"{VENUES}/{other.venue_id}/verwijderen", data={"csrf_token": csrf, "confirm": "ja"})
        no_csrf = await client.post(f"{VENUES}/{spare}/verwijderen", data={"confirm": "ja"})
        deleted = await client.post(f"{VENUES}/{spare}/verwijderen", data={"csrf_token": csrf, "confirm": "ja"})
        after = await client.get(deleted.headers["location"])
    assert added.status_code == 303 and "Locatie verwijderen" in edit.text and "Geen vergadering" in edit.text
    assert unconfirmed.status_code == 422 and 'id="fout-confirm"' in unconfirmed.text
    assert used.status_code == 409 and "ze is in gebruik bij 1 vergadering." in used.text
    assert foreign.status_code == 404 and no_csrf.status_code == 403 and deleted.status_code == 303
    assert "De locatie is verwijderd." in after.text and "Zaaltje" not in after.text
    assert _venue_id(session_factory_, tenant, "Zaaltje") is None
    assert _venue_id(session_factory_, tenant, "Stadhuis Almere") == tenant.venue_id
    assert _venue_id(session_factory_, other, "Stadhuis Almere") == other.venue_id


def _venue_id(sessions, tenant, name: str) -> int | None:
    from models.tables.org import Venue

    with sessions() as s:
        return s.exec(select(Venue.id).where(Venue.association_id == tenant.association_id, Venue.name == name)).first()


def test_the_network_bodys_durations_reach_its_meetings_under_their_own(session_factory_):
    """What the settings page stores on the network body is read by the network workflow's first activity,
    under what the meeting itself overrides."""
    from datetime import timedelta

    from activities.network.store import load_network_info
    from models.tables.types import utcnow
    from raadsbode.services.network import create_network_meeting, network_body

    tenant = make_tenant(session_factory_)
    starts = utcnow().replace(microsecond=0) + timedelta(days=40)
    with session_factory_() as s:
        body = network_body(s, tenant.association_id)
        body.policy_json = '{"announce_before": "4w", "reminder_before": "3d"}'
        meeting = create_network_meeting(s, association_id=tenant.association_id, title="Netwerkmiddag",
                                         starts_at=starts, ends_at=starts + timedelta(hours=2),
                                         policy={"reminder_before": "1d"})
        s.commit()
        info = load_network_info(s, meeting.id)
    assert info.policy == {"announce_before": "4w", "reminder_before": "1d"}
