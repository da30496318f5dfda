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

import re
import secrets
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel

from models.tables import (AgendaItem, AgendaVersion, Attendance, Body, BodyKind, Meeting, MeetingKind, Membership,
                    MemberRole, Minutes, Motion, PlanningEntry)
from models.tables.newsletter import BlogPost, NewsletterIssue, Subscriber, Suppression
from models.tables.types import utcnow
from raadsbode.db import SessionFactory, session_scope
from raadsbode.settings import Settings
from tests.workspace_support import Tenant, add_meeting, client_for, make_tenant, signed_in_session
from web.app import create_app

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
PERIOD = "2031-05"


def workspace_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every /werkruimte route, also those of routers included in routers."""
    found = set()
    for route in app.routes:
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for ctx in contexts:
            path = getattr(ctx, "path", "")
            if path == "/werkruimte" or path.startswith("/werkruimte/"):
                found.update((method, path) for method in (getattr(ctx, "methods", None) or ()) if method != "HEAD")
    return sorted(found)


ROUTES = workspace_routes(create_app(Settings(environment="dev", database_url="sqlite://")))
WITH_PARAMS = [r for r in ROUTES if PARAM.search(r[1])]
LISTS = [path for method, path in ROUTES if method == "GET" and not PARAM.search(path)]


def test_the_walk_finds_the_workspace_routes():
    assert ("GET", "/werkruimte") in ROUTES and ("POST", "/werkruimte/leden/personen/{person_id}") in ROUTES
    assert ("GET", "/werkruimte/leden/bestuur/{seat_id}") in WITH_PARAMS


def make_objects(sessions: SessionFactory, tenant: Tenant) -> dict[str, object]:
    """One object of every kind a workspace page may address, in `tenant`; keyed by path parameter name."""
    meeting_id = add_meeting(sessions, tenant, f"Vergadering van {tenant.slug}")
    with session_scope(sessions) as s:
        version = AgendaVersion(meeting_id=meeting_id, version=1)
        s.add(version)
        s.flush()
        item = AgendaItem(agenda_version_id=version.id, position=1, number="1", title="Opening")
        seat = s.exec(sa_select(Membership).where(Membership.body_id == tenant.board_id)).scalars().first()
        attendance = Attendance(meeting_id=meeting_id, person_id=tenant.people["contact0"])
        minutes = Minutes(meeting_id=meeting_id, version=1, text="Verslag")
        alv = _alv(tenant)
        committee = Body(association_id=tenant.association_id, kind=BodyKind.committee, name="Commissie Financiën")
        s.add_all([item, attendance, minutes, alv, committee])
        s.flush()
        committee_seat = Membership(body_id=committee.id, person_id=tenant.people["contact0"], role=MemberRole.chair)
        s.add(committee_seat)
        s.flush()
        rows = {
            "motion": Motion(association_id=tenant.association_id, meeting_id=alv.id, person_id=tenant.people["contact0"],
                             municipality_id=tenant.municipality_ids[0], title="Motie"),
            "entry": PlanningEntry(association_id=tenant.association_id, title="ALV", starts_at=alv.starts_at,
                                   ends_at=alv.ends_at, venue_id=tenant.venue_id, meeting_id=alv.id),
            "issue": NewsletterIssue(association_id=tenant.association_id, period=PERIOD,
                                     subject_ref=f"newsletter-{tenant.slug}-{PERIOD}"),
            "post": BlogPost(association_id=tenant.association_id, guid=uuid.uuid4().hex, title="Nieuws",
                             published_at=utcnow()),
            "subscriber": Subscriber(association_id=tenant.association_id, email=f"lezer@{tenant.slug}.test"),
            "suppression": Suppression(association_id=tenant.association_id, email=f"weg@{tenant.slug}.test",
                                       reason="manual"),
        }
        s.add_all(rows.values())
        s.flush()
        ids = {name: row.id for name, row in rows.items()}
        objects = {
            "person": tenant.people["contact0"], "staff": tenant.people["editor"], "seat": seat.id,
            "membership": seat.id, "municipality": tenant.municipality_ids[0], "venue": tenant.venue_id,
            "body": tenant.board_id, "meeting": meeting_id, "alv": alv.id, "agenda_version": version.id,
            "item": item.id, "agenda_item": item.id, "attendance": attendance.id, "minutes": minutes.id,
            "planning": ids["entry"], "planning_entry": ids["entry"], "blog_post": ids["post"],
            "committee": committee.id, "committee_seat": committee_seat.id, **ids,
        }
    values: dict[str, object] = {f"{name}_id": value for name, value in objects.items()}
    values.update({"version": 1, "period": PERIOD, "slug": tenant.slug, "association_id": tenant.association_id})
    return values


def _alv(tenant: Tenant) -> Meeting:
    starts = utcnow().replace(microsecond=0) + timedelta(days=60)
    return Meeting(id=10**9 + secrets.randbelow(10**9), association_id=tenant.association_id, body_id=tenant.board_id,
                   kind=MeetingKind.alv, title="ALV", starts_at=starts, ends_at=starts + timedelta(hours=2),
                   ical_uid=f"{uuid.uuid4()}@raadsbode.test")


def fill(path: str, values: dict[str, object]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(f"{path}: no test object for path parameter '{name}'; add one to make_objects() in "
                        f"tests/test_workspace_isolation.py")
        return str(values[name])
    return PARAM.sub(one, path)


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
def app(settings, temporal_env):
    return create_app(settings, temporal_env.client)


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
