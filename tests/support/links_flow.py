"""Drive a real meeting workflow to the sign-off (or convened) phase through the emails and link pages."""
from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from sqlmodel import select

from models.tables import ActionToken, Meeting, Person
from raadsbode.db import SessionFactory, session_scope
from raadsbode.services.meeting.actions import meeting_handle, start_meeting_workflow
from raadsbode.store.tokens import hash_token
from tests.support.links import Board, csrf_of, form_fields, make_board

LINK = re.compile(r"/l/([A-Za-z0-9_-]{20,})")
# The agenda request is due at once; the convocation goes out as soon as both have signed.
FAST_POLICY = {"agenda_request_before": "60d", "convocation_before": "60d"}


@dataclass
class Flow:
    board: Board
    links: dict[tuple[str, str], str] = field(default_factory=dict)  # (role, purpose) -> raw token


def email_of(sessions: SessionFactory, person_id: int) -> str:
    with sessions() as s:
        return s.get(Person, person_id).email


def _texts(message) -> list[str]:
    return [part.get_content() for part in message.walk() if part.get_content_type() in ("text/plain", "text/html")]


def _purpose(sessions: SessionFactory, raw: str) -> str | None:
    with sessions() as s:
        return s.exec(select(ActionToken.purpose).where(ActionToken.token_hash == hash_token(raw))).first()


async def wait_for_link(sink, sessions: SessionFactory, board: Board, role: str, purpose: str,
                        timeout: float = 20) -> str:
    """The raw token of the newest `purpose` link in the emails to `role`."""
    address = email_of(sessions, board.people[role])
    for _ in range(int(timeout * 10)):
        found = [raw for message in sink.to(address) for text in _texts(message) for raw in LINK.findall(text)]
        matching = [raw for raw in dict.fromkeys(found) if _purpose(sessions, raw) == purpose]
        if matching:
            return matching[-1]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {purpose} link reached the {role} within {timeout} s")


async def start_flow(sessions: SessionFactory, settings, client, starts_in: timedelta = timedelta(days=30),
                     policy: dict[str, str] | None = None) -> Flow:
    board = make_board(sessions, starts_in=starts_in)
    with session_scope(sessions) as s:
        s.get(Meeting, board.meeting_id).policy_json = json.dumps(policy or FAST_POLICY)
    await start_meeting_workflow(client, settings, board.meeting_id, board.slug)
    return Flow(board)


async def submit_standing_agenda(flow: Flow, web: httpx.AsyncClient, sink, sessions: SessionFactory) -> None:
    """The secretary opens the agenda-draft link from the email and saves the standing items."""
    raw = await wait_for_link(sink, sessions, flow.board, "secretary", "agenda-draft")
    flow.links["secretary", "agenda-draft"] = raw
    form = form_fields((await web.get(f"/l/{raw}")).text)
    saved = await web.post(f"/l/{raw}", data=form | {"action": "submit"})
    assert saved.status_code == 200 and "Versie 1 van de agenda is opgeslagen" in saved.text, saved.text


async def to_signoff(flow: Flow, web: httpx.AsyncClient, sink, sessions: SessionFactory) -> None:
    await submit_standing_agenda(flow, web, sink, sessions)
    for role in ("chair", "secretary"):
        flow.links[role, "agenda-signoff"] = await wait_for_link(sink, sessions, flow.board, role, "agenda-signoff")


async def approve(web: httpx.AsyncClient, raw: str) -> httpx.Response:
    page = (await web.get(f"/l/{raw}")).text
    return await web.post(f"/l/{raw}", data={"csrf": csrf_of(page), "decision": "approve"})


async def wait_filed(sessions: SessionFactory, raw: str, timeout: float = 15) -> None:
    """Until the workflow has filed the decision made with this link (token claimed, audit event written):
    the update answers first, the run loop files it a moment later (workflows/common/signoff.py)."""
    for _ in range(int(timeout / 0.05)):
        with sessions() as s:
            if s.exec(select(ActionToken.used_at).where(ActionToken.token_hash == hash_token(raw))).one() is not None:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the decision was not filed")


async def history_length(client, board: Board) -> int:
    return len((await meeting_handle(client, board.meeting_id).fetch_history()).events)


async def settled_history_length(client, board: Board, quiet: float = 0.5) -> int:
    """The history length once the workflow has gone quiet (an email arrives before its activity completes)."""
    length = await history_length(client, board)
    for _ in range(40):
        await asyncio.sleep(quiet)
        again = await history_length(client, board)
        if again == length:
            return length
        length = again
    raise AssertionError("the workflow did not go quiet")
