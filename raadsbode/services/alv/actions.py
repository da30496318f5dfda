"""ALV services for the CLI, the yearly cycle and the tests: create an ALV (or extra ALV) and start its
workflow `meeting-<id>` (idempotent), and the typed handle."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, select
from temporalio.client import Client, WorkflowHandle

from models.tables.alv import MeetingDetails
from models.messages.alv import AlvInput, AlvResult
from models.tables.meetings import Meeting
from models.tables.org import BodyKind
from raadsbode.domain.alv_policy import EXTRA_ALV, AlvPolicy
from raadsbode.store.associations import body_of_kind
from raadsbode.services.meeting.actions import MeetingError, create_meeting, meeting_workflow_id, start_workflow_once
from raadsbode.settings import Settings
from workflows.alv.workflow import AlvWorkflow
from raadsbode.domain.policy import normalise_overrides

TITLES = {"alv": "Algemene Ledenvergadering", "extra_alv": "Extra Algemene Ledenvergadering"}


def create_alv(session: Session, *, association_id: int, starts_at: datetime, ends_at: datetime,
               venue_id: int | None = None, title: str = "", kind: str = "alv", reason: str = "",
               policy: dict[str, str] | None = None) -> Meeting:
    """A public general meeting of the association's general-meeting body, with its ALV policy. Caller commits."""
    kind = kind.replace("-", "_")
    if kind not in TITLES:
        raise MeetingError("Kies alv of extra-alv.")
    if kind == "extra_alv" and not reason.strip():
        raise MeetingError("Geef bij een extra ALV de reden op.")
    try:
        overrides = normalise_overrides({**(EXTRA_ALV if kind == "extra_alv" else {}), **(policy or {})}, AlvPolicy)
    except ValueError as exc:
        raise MeetingError(str(exc)) from None
    body = body_of_kind(session, association_id, BodyKind.general_meeting)
    details = MeetingDetails(reason=reason.strip()[:2000], policy_json=json.dumps(overrides))
    return create_public_meeting(session, details, association_id=association_id, body_id=body.id, kind=kind,
                                 title=title or TITLES[kind], starts_at=starts_at, ends_at=ends_at, venue_id=venue_id)


def create_public_meeting(session: Session, details: MeetingDetails, **meeting: Any) -> Meeting:
    """A public meeting (ALV, network meeting) with its details, both once: create_meeting returns the
    existing meeting of that body at that time, which keeps its details. Caller commits."""
    row = create_meeting(session, policy={}, **meeting)
    row.is_public = True
    session.add(row)
    if session.exec(select(MeetingDetails.id).where(MeetingDetails.meeting_id == row.id)).first() is None:
        details.meeting_id = row.id
        session.add(details)
    session.flush()
    return row


async def start_alv_workflow(client: Client, settings: Settings, meeting_id: int, association_slug: str,
                             batch_size: int = 100) -> str:
    """Start the ALV's workflow once; a second call (running or finished) changes nothing."""
    inp = AlvInput(meeting_id=meeting_id, association_slug=association_slug, batch_size=batch_size)
    return await start_workflow_once(client, settings, AlvWorkflow.run, inp)


def alv_handle(client: Client, meeting_id: int) -> WorkflowHandle[AlvWorkflow, AlvResult]:
    return client.get_workflow_handle_for(AlvWorkflow.run, meeting_workflow_id(meeting_id))
