"""Tenant isolation, checked over every registered /werkruimte route (walked from the app, so new pages
are covered without touching this file):

- with an id of another association in the path, every GET and POST answers 404 and changes nothing
  (and with the own association's ids a GET does not: the check is not vacuous);
- list pages never show another association's data;
- without a session every GET goes to the sign-in page and every other method gets 401.

Every other route of the app is checked in test_route_guard.py (public by design, or staff-protected).

A route with a path parameter this file cannot fill fails with a message saying where to add it.
"""
from __future__ import annotations


import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel

from raadsbode.db import SessionFactory
from tests.support.workspace import Tenant, client_for, make_tenant, signed_in_session
from tests.support.routes import PARAM, ROUTES, fill, make_objects

pytestmark = pytest.mark.sqlite_only
WITH_PARAMS = [r for r in ROUTES if PARAM.search(r[1])]
LISTS = [path for method, path in ROUTES if method == "GET" and not PARAM.search(path)]


def test_the_walk_finds_the_workspace_routes():
    assert ("GET", "/werkruimte") in ROUTES and ("POST", "/werkruimte/leden/personen/{person_id}") in ROUTES
    assert ("GET", "/werkruimte/leden/bestuur/{seat_id}") in WITH_PARAMS


def snapshot(sessions: SessionFactory, tenant: Tenant, values: dict[str, object]) -> dict[str, list]:
    """Every row of the tenant: tables with an association_id, and rows under its meetings and bodies."""
    meeting_ids = [values["meeting_id"], values["alv_id"]]
    out = {}
    with sessions() as s:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "staffsession":
                continue  # last_seen of a session moves by design
            columns = table.c
            if "association_id" in columns:
                where = columns.association_id == tenant.association_id
            elif "meeting_id" in columns:
                where = columns.meeting_id.in_(meeting_ids)
            elif "body_id" in columns:
                where = columns.body_id.in_([tenant.board_id, values["committee_id"]])
            else:
                continue
            out[table.name] = [tuple(row) for row in s.execute(sa_select(table).where(where).order_by(*table.primary_key))]
    return out


@pytest.fixture
def two_tenants(session_factory_):
    mine, theirs = make_tenant(session_factory_), make_tenant(session_factory_, name="Geheime Vereniging")
    return (mine, make_objects(session_factory_, mine)), (theirs, make_objects(session_factory_, theirs))


@pytest.mark.parametrize(("method", "path"), WITH_PARAMS)
async def test_objects_of_another_association_answer_404(app, session_factory_, two_tenants, method, path):
    (mine, my_values), (theirs, their_values) = two_tenants
    cookie, csrf = signed_in_session(session_factory_, mine, "admin")
    before = snapshot(session_factory_, theirs, their_values)
    async with client_for(app, cookie) as client:
        foreign = await client.request(method, fill(path, their_values),
                                       data={"csrf_token": csrf} if method != "GET" else None)
        own = await client.get(fill(path, my_values)) if method == "GET" else None
    assert foreign.status_code == 404, f"{method} {path} with another association's ids: {foreign.status_code}"
    assert theirs.name not in foreign.text
    assert snapshot(session_factory_, theirs, their_values) == before
    if own is not None:
        assert own.status_code != 404, f"GET {path} with the own association's ids answers 404: the check says nothing"


@pytest.mark.parametrize("path", LISTS)
async def test_pages_never_show_another_association(app, session_factory_, two_tenants, path):
    (mine, _), (theirs, _) = two_tenants
    cookie, _ = signed_in_session(session_factory_, mine, "admin")
    async with client_for(app, cookie) as client:
        page = await client.get(path)
    assert page.status_code == 200, f"GET {path}: {page.status_code}"
    assert theirs.slug not in page.text and theirs.name not in page.text


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_every_route_needs_a_session(app, session_factory_, two_tenants, method, path):
    (_mine, my_values), _ = two_tenants
    async with client_for(app) as client:
        answer = await client.request(method, fill(path, my_values), data={} if method != "GET" else None)
    if method == "GET":
        assert answer.status_code == 303 and answer.headers["location"].startswith("/inloggen?next=")
    else:
        assert answer.status_code == 401, f"{method} {path} without a session: {answer.status_code}"
