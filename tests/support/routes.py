"""Every route of the app, walked from the app (so a new router is covered without touching a test), and one
test object of every kind a workspace page may address, to fill each path parameter."""
from __future__ import annotations

import re
import secrets
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select as sa_select

from models.tables import (AgendaItem, AgendaVersion, Attendance, Body, BodyKind, Meeting, MeetingKind, Membership,
                           MemberRole, Minutes, Motion, PlanningEntry)
from models.tables.newsletter import BlogPost, NewsletterIssue, Subscriber, Suppression
from models.tables.types import utcnow
from raadsbode.db import SessionFactory, session_scope
from raadsbode.settings import Settings
from tests.support.workspace import Tenant, add_meeting
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
                        f"tests/support/routes.py")
        return str(values[name])
    return PARAM.sub(one, path)


def app_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route, also those of routers included in routers (HEAD goes with GET). A route
    without methods (a mount, a websocket) shows as method '?': this file cannot check it, so it may not slip by."""
    found = set()
    for route in app.routes:
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for ctx in contexts:
            path, methods = getattr(ctx, "path", ""), getattr(ctx, "methods", None)
            found.update((method, path) for method in (methods or ("?",)) if method != "HEAD")
    return sorted(found)
