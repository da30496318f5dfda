"""Network meetings (netwerkbijeenkomsten) for the CLI and the tests: create one (public, with a capacity)
and start its workflow `meeting-<id>` once; the typed handle."""
from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, select
from temporalio.client import Client, WorkflowHandle

from models.tables.alv import MeetingDetails
from models.tables.meetings import Meeting
from models.messages.network import NetworkInput, NetworkResult
from models.tables.org import Body, BodyKind
from raadsbode.services.alv.actions import create_public_meeting
from raadsbode.domain.alv_policy import NetworkPolicy
from raadsbode.services.meeting.actions import MeetingError, meeting_workflow_id, start_workflow_once
from raadsbode.settings import Settings
from workflows.network.workflow import NetworkMeetingWorkflow
from raadsbode.domain.policy import normalise_overrides

NETWORK_BODY_NAME = "Netwerkbijeenkomsten"


def network_body(session: Session, association_id: int) -> Body:
    """The association's network body; made on first use (associations start with a board and an ALV)."""
    body = session.exec(select(Body).where(Body.association_id == association_id, Body.kind == BodyKind.network)
                        .order_by(Body.id)).first()
    if body is None:
        body = Body(association_id=association_id, kind=BodyKind.network, name=NETWORK_BODY_NAME)
        session.add(body)
        session.flush()
    return body


def create_network_meeting(session: Session, *, association_id: int, title: str, starts_at: datetime,
                           ends_at: datetime, venue_id: int | None = None, capacity: int | None = None,
                           description: str = "", policy: dict[str, str] | None = None) -> Meeting:
    """A public network meeting with its capacity (None: unlimited). Caller commits."""
    if not title.strip():
        raise MeetingError("Geef de bijeenkomst een titel.")
    if capacity is not None and capacity < 1:
        raise MeetingError("Het aantal plaatsen moet minstens 1 zijn.")
    try:
        overrides = normalise_overrides(policy or {}, NetworkPolicy)
    except ValueError as exc:
        raise MeetingError(str(exc)) from None
    body = network_body(session, association_id)
    details = MeetingDetails(capacity=capacity, description=description.strip()[:4000], policy_json=json.dumps(overrides))
    return create_public_meeting(session, details, association_id=association_id, body_id=body.id, kind="network",
                                 title=title, starts_at=starts_at, ends_at=ends_at, venue_id=venue_id)


async def start_network_workflow(client: Client, settings: Settings, meeting_id: int, association_slug: str,
                                 batch_size: int = 100) -> str:
    """Start the network meeting's workflow once; a second call changes nothing."""
    inp = NetworkInput(meeting_id, association_slug, batch_size=batch_size)
    return await start_workflow_once(client, settings, NetworkMeetingWorkflow.run, inp)


def network_handle(client: Client, meeting_id: int) -> WorkflowHandle[NetworkMeetingWorkflow, NetworkResult]:
    return client.get_workflow_handle_for(NetworkMeetingWorkflow.run, meeting_workflow_id(meeting_id))
