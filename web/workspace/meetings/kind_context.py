"""What a meeting's workspace page shows beyond the board's, for an ALV and a network meeting.

An ALV: its status query (phase, next step or whom it waits for, registrations) and the sign-off round out
now (web/workspace/meetings/alv_data.py). A network meeting: its status query's phase and, from the database, its places,
description and every registration. render_meeting (web/workspace/meetings/pages.py) adds `kind_context(...)` to the
page: the keys `alv` and `network` (None for other kinds). Every query is bounded, like the board's."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select
from temporalio.client import Client

from activities.network.store import counts
from models.tables.alv import NetworkSignup
from raadsbode.domain.phases import ALV_PHASE_LABELS, NETWORK_PHASE_LABELS
from models.messages.alv import AlvStatusView
from models.messages.meeting import StatusQuery
from models.tables.meetings import Meeting, MeetingKind
from models.messages.network import NetworkStatusView
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle
from raadsbode.services.network import network_handle
from web.links.data import off_loop
from web.workspace.meetings.alv_data import SIGNING_PHASES, AlvRound, round_purpose, signoff_round
from web.workspace.meetings.status import ALV_KINDS, RUNNING, TIMEOUT
from workflows.alv.workflow import AlvWorkflow
from workflows.network.workflow import NetworkMeetingWorkflow
from raadsbode.store.meetings import meeting_details

log = logging.getLogger(__name__)
SIGNUP_LABELS = {"registered": "aangemeld", "waiting": "op de wachtlijst", "cancelled": "afgemeld"}
MAX_SIGNUPS_SHOWN = 1000


@dataclass(frozen=True)
class AlvPage:
    status: AlvStatusView | None  # None: the workflow is not running or did not answer
    phase_label: str
    deadline: datetime | None
    signoff: AlvRound | None
    signing: bool  # the round waits for signatures now: links may be resent, the secretary may sign here
    held: bool  # the meeting has begun: the decision list may be submitted


@dataclass(frozen=True)
class NetworkPage:
    status: NetworkStatusView | None
    phase_label: str
    capacity: int | None  # the database's: the workflow's status keeps the value it started with
    description: str
    next_moment: datetime | None = None  # the workflow's next step (announcement, reminder, the meeting)
    counts: dict[str, int] = field(default_factory=dict)  # registered / waiting / cancelled
    signups: list[dict] = field(default_factory=list)


async def _query(handle: Any, query: Any) -> Any:
    try:
        return await asyncio.wait_for(handle.query(query, StatusQuery()), TIMEOUT)
    except Exception:  # the page shows the workflow's state as unknown; the log has why
        log.info("status query of %s failed", handle.id, exc_info=True)
        return None


async def kind_context(client: Client | None, session: Session, meeting: Meeting, state: str) -> dict:
    running = client is not None and state == RUNNING
    if meeting.kind in ALV_KINDS:
        status = await _query(alv_handle(client, meeting.id), AlvWorkflow.status) if running else None
        return {"alv": await off_loop(session, alv_page, meeting, status), "network": None}
    if meeting.kind == MeetingKind.network:
        status = await _query(network_handle(client, meeting.id), NetworkMeetingWorkflow.status) if running else None
        return {"alv": None, "network": await off_loop(session, network_page, meeting.id, status)}
    return {"alv": None, "network": None}


def alv_page(session: Session, meeting: Meeting, status: AlvStatusView | None) -> AlvPage:
    phase = status.phase if status else None
    purpose = round_purpose(phase, meeting.starts_at <= utcnow())
    deadline = datetime.fromisoformat(status.next_deadline_iso) if status and status.next_deadline_iso else None
    return AlvPage(status, ALV_PHASE_LABELS.get(phase, phase) if phase else "", deadline,
                   signoff_round(session, meeting, purpose), phase == SIGNING_PHASES[purpose],
                   meeting.starts_at <= utcnow())


def network_page(session: Session, meeting_id: int, status: NetworkStatusView | None) -> NetworkPage:
    row = meeting_details(session, meeting_id)
    rows = session.exec(select(NetworkSignup).where(NetworkSignup.meeting_id == meeting_id)
                        .order_by(col(NetworkSignup.created_at), col(NetworkSignup.id)).limit(MAX_SIGNUPS_SHOWN)).all()
    signups = [{"name": r.name, "organisation": r.organisation, "email": r.email, "at": r.created_at,
                "status": str(r.status), "status_label": SIGNUP_LABELS.get(str(r.status), str(r.status))} for r in rows]
    phase = status.phase if status else ""
    upcoming = datetime.fromisoformat(status.next_deadline_iso) if status and status.next_deadline_iso else None
    return NetworkPage(status, NETWORK_PHASE_LABELS.get(phase, phase), row.capacity if row else None,
                       row.description if row else "", upcoming, counts(session, meeting_id), signups)
