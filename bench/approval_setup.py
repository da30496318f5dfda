"""Setting the benchmark's meetings up: some waiting for the chair's sign-off, many waiting on a timer."""
from __future__ import annotations

import asyncio
import re
import time
from datetime import timedelta

from sqlmodel import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError

from models.tables import ActionToken, Membership, MemberRole, Person, Venue
from models.messages.meeting import SubmitAgenda
from models.tables.types import utcnow
from raadsbode.services.meeting.agenda import standing_items
from raadsbode.store.associations import body_of_kind, get_association_by_slug
from raadsbode.db import SessionFactory, session_scope
from raadsbode.dev.demo import DEMO_SLUG
from raadsbode.services.meeting.actions import create_meeting, meeting_handle, start_meeting_workflow
from raadsbode.settings import Settings
from raadsbode.store.tokens import hash_token
from models.tables.org import BodyKind
from workflows.meeting.workflow import MeetingWorkflow

LINK = re.compile(r"/l/([A-Za-z0-9_-]{20,})")
SIGNOFF_POLICY = {"agenda_request_before": "60d", "convocation_before": "7d"}


def _board(sessions: SessionFactory) -> tuple[int, int, int, dict[MemberRole, Person]]:
    with sessions() as s:
        association = get_association_by_slug(s, DEMO_SLUG)
        body = body_of_kind(s, association.id, BodyKind.board)
        venue = s.exec(select(Venue).where(Venue.association_id == association.id)).first()
        people = {m.role: s.get(Person, m.person_id) for m in
                  s.exec(select(Membership).where(Membership.body_id == body.id)).all()}
        return association.id, body.id, venue.id, people


async def _start_meetings(client: Client, settings: Settings, sessions: SessionFactory, count: int,
                          first_hour: int, policy: dict[str, str]) -> list[WorkflowHandle]:
    association_id, body_id, venue_id, _ = _board(sessions)
    base = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=60)
    ids = []
    with session_scope(sessions) as s:
        for hour in range(first_hour, first_hour + count):
            starts = base + timedelta(hours=hour)
            meeting = create_meeting(s, association_id=association_id, body_id=body_id, kind="board",
                                     title=f"Benchmarkvergadering {hour}", starts_at=starts,
                                     ends_at=starts + timedelta(hours=1), venue_id=venue_id, policy=policy)
            ids.append(meeting.id)
    limit = asyncio.Semaphore(50)

    async def start(meeting_id: int) -> WorkflowHandle:
        async with limit:
            await start_meeting_workflow(client, settings, meeting_id, DEMO_SLUG)
        return meeting_handle(client, meeting_id)

    return list(await asyncio.gather(*(start(i) for i in ids)))


async def _submit_agenda(handle: WorkflowHandle, secretary_id: int) -> None:
    for _ in range(300):
        try:
            await handle.execute_update(MeetingWorkflow.submit_agenda, SubmitAgenda(secretary_id, standing_items(None)))
            return
        except WorkflowUpdateFailedError as err:  # "nog klaargezet": the workflow is still loading its meeting
            if "klaargezet" not in str(err.cause):
                raise
            await asyncio.sleep(0.1)
    raise TimeoutError("the workflow never became ready for an agenda")


def _chair_links(sink, sessions: SessionFactory, chair: Person) -> dict[str, str]:
    """subject_ref -> raw agenda-signoff token, from the emails the chair received."""
    found: dict[str, str] = {}
    texts = [part.get_content() for message in sink.to(chair.email) for part in message.walk()
             if part.get_content_type() == "text/plain"]
    with sessions() as s:
        for raw in {raw for text in texts for raw in LINK.findall(text)}:
            token = s.exec(select(ActionToken).where(ActionToken.token_hash == hash_token(raw))).first()
            if token is not None and token.purpose == "agenda-signoff":
                found[token.subject_ref] = raw
    return found


async def drive_to_signoff(client: Client, settings: Settings, sessions: SessionFactory, sink,
                           count: int) -> tuple[list[WorkflowHandle], list[str]]:
    """`count` meetings whose agenda awaits the chair: their handles and the chairs' raw link tokens."""
    _, _, _, people = _board(sessions)
    handles = await _start_meetings(client, settings, sessions, count, 0, SIGNOFF_POLICY)
    await asyncio.gather(*(_submit_agenda(h, people[MemberRole.secretary].id) for h in handles))
    for _ in range(600):
        links = _chair_links(sink, sessions, people[MemberRole.chair])
        if len(links) >= count:
            return handles, list(links.values())
        await asyncio.sleep(0.1)
    raise TimeoutError(f"only {len(links)} of {count} sign-off emails reached the chair")


async def start_waiting_meetings(client: Client, settings: Settings, sessions: SessionFactory, count: int,
                                 offset: int) -> list[WorkflowHandle]:
    """Meetings two months away with the default policy: each workflow sleeps until its agenda request."""
    return await _start_meetings(client, settings, sessions, count, 1000 + offset, {})


async def wait_until_waiting(handles: list[WorkflowHandle], timeout: float = 600) -> float:
    """Seconds until every workflow's newest history event is a started timer (loaded and asleep)."""
    t0 = time.monotonic()
    pending = list(handles)
    while pending and time.monotonic() - t0 < timeout:
        last = await asyncio.gather(*(h.fetch_history() for h in pending))
        pending = [h for h, history in zip(pending, last)
                   if not history.events or history.events[-1].event_type != EventType.EVENT_TYPE_TIMER_STARTED]
        if pending:
            await asyncio.sleep(1)
    if pending:
        raise TimeoutError(f"{len(pending)} workflows not yet waiting on a timer")
    return time.monotonic() - t0
