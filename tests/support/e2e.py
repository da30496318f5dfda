"""Test data for the workspace's meeting, planning and newsletter pages (and the browser walks): a tenant
whose staff secretary is also the board's secretary, board members to invite, and a few helpers."""
from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from email.message import EmailMessage

from sqlmodel import select

from models.tables import Meeting, Membership, MemberRole, OutboundMessage, Person, Venue
from raadsbode.db import SessionFactory, session_scope
from tests.support.workspace import Tenant, client_for, make_tenant, signed_in_session

LINK = re.compile(r"/l/([A-Za-z0-9_-]{20,})")


def board_tenant(sessions: SessionFactory, name: str = "VNG Testland") -> Tenant:
    """make_tenant plus: the staff secretary holds the board's secretary seat (so they may submit and sign the
    agenda), a deputy chair and two members (invitees), and a second venue."""
    tenant = make_tenant(sessions, name=name, people=2)
    with session_scope(sessions) as s:
        s.add(Membership(body_id=tenant.board_id, person_id=tenant.people["secretary"], role=MemberRole.secretary))
        for key in ("contact0", "contact1"):
            s.add(Membership(body_id=tenant.board_id, person_id=tenant.people[key], role=MemberRole.member))
        venue = Venue(association_id=tenant.association_id, municipality_id=tenant.municipality_ids[1],
                      name="Gemeentehuis Dronten", address="De Rede 1, Dronten")
        s.add(venue)
    return tenant


def meeting_day(days_ahead: int = 30) -> str:
    return (date.today() + timedelta(days=days_ahead)).isoformat()


def meetings_of(sessions: SessionFactory, tenant: Tenant) -> list[Meeting]:
    with sessions() as s:
        return list(s.exec(select(Meeting).where(Meeting.association_id == tenant.association_id)
                           .order_by(Meeting.starts_at)).all())


def venue_ids(sessions: SessionFactory, tenant: Tenant) -> list[int]:
    with sessions() as s:
        return list(s.exec(select(Venue.id).where(Venue.association_id == tenant.association_id).order_by(Venue.id)).all())


def sent_kinds(sessions: SessionFactory, meeting_id: int) -> list[str]:
    with sessions() as s:
        return list(s.exec(select(OutboundMessage.kind).where(OutboundMessage.subject_ref == f"meeting-{meeting_id}",
                                                              OutboundMessage.status == "sent")).all())


def texts(message: EmailMessage) -> str:
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_type() in ("text/plain", "text/html"))


async def wait_for_mail(sink, address: str, subject_part: str, count: int = 1, timeout: float = 30) -> list:
    for _ in range(int(timeout * 10)):
        found = [m for m in sink.to(address) if subject_part in str(m["Subject"])]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail '{subject_part}' to {address} within {timeout} s: "
                         f"{[str(m['Subject']) for m in sink.to(address)]}")


def link_of(message) -> str:
    found = LINK.findall(texts(message))
    assert found, texts(message)
    return found[-1]


async def wait_until(predicate, timeout: float = 30, what: str = "condition") -> None:
    for _ in range(int(timeout * 10)):
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout} s")


def person_name(sessions: SessionFactory, person_id: int) -> str:
    with sessions() as s:
        return s.get(Person, person_id).name


async def page_with(web, url: str, text: str, timeout: float = 20.0) -> str:
    """The page once it shows `text` (the workflow and its filed decisions catch up within moments)."""
    for _ in range(int(timeout / 0.25)):
        page = (await web.get(url)).text
        if text in page:
            return page
        await asyncio.sleep(0.25)
    raise AssertionError(f"'{text}' not on {url}")


BASE = "/werkruimte/vergaderingen"


def signed_in(app, sessions, tenant, role="secretary"):
    cookie, csrf = signed_in_session(sessions, tenant, role)
    return client_for(app, cookie), csrf


async def plan(web, csrf, **fields) -> object:
    data = {"csrf_token": csrf, "title": "Bestuursvergadering juni", "date": meeting_day(30), "start": "14:00",
            "end": "16:00", "venue_id": "", "notice_days": "60"} | fields
    return await web.post(f"{BASE}/nieuw", data=data)
