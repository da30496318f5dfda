"""ALV services for the CLI, the yearly cycle and the tests: create an ALV (or extra ALV) and start its
workflow `meeting-<id>` (idempotent), and the typed handle."""
from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from models.alv import MeetingDetails
from models.alv_messages import AlvInput, AlvResult
from models.meetings import Meeting
from models.org import BodyKind
from raadsbode.alv_policy import EXTRA_ALV, normalise_alv_overrides
from raadsbode.associations import body_of_kind
from raadsbode.meetings import MeetingError, create_meeting, meeting_workflow_id
from raadsbode.search_attributes import ASSOCIATION, MEETING_ID
from raadsbode.settings import Settings
from workflows.alv import AlvWorkflow

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
        overrides = normalise_alv_overrides({**(EXTRA_ALV if kind == "extra_alv" else {}), **(policy or {})})
    except ValueError as exc:
        raise MeetingError(str(exc)) from None
    body = body_of_kind(session, association_id, BodyKind.general_meeting)
    meeting = create_meeting(session, association_id=association_id, body_id=body.id, kind=kind,
                             title=title or TITLES[kind], starts_at=starts_at, ends_at=ends_at, venue_id=venue_id, policy={})
    meeting.is_public = True
    session.add(meeting)
    if not _has_details(session, meeting.id):
        session.add(MeetingDetails(meeting_id=meeting.id, reason=reason.strip()[:2000], policy_json=json.dumps(overrides)))
    session.flush()
    return meeting


def _has_details(session: Session, meeting_id: int) -> bool:
    from sqlmodel import select

    return session.exec(select(MeetingDetails.id).where(MeetingDetails.meeting_id == meeting_id)).first() is not None


async def start_alv_workflow(client: Client, settings: Settings, meeting_id: int, association_slug: str,
                             batch_size: int = 100) -> str:
    """Start the ALV's workflow once; a second call (running or finished) changes nothing."""
    workflow_id = meeting_workflow_id(meeting_id)
    try:
        await client.start_workflow(
            AlvWorkflow.run, AlvInput(meeting_id=meeting_id, association_slug=association_slug, batch_size=batch_size),
            id=workflow_id, task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes([SearchAttributePair(ASSOCIATION, association_slug),
                                                     SearchAttributePair(MEETING_ID, meeting_id)]))
    except WorkflowAlreadyStartedError:
        pass
    return workflow_id


def alv_handle(client: Client, meeting_id: int) -> WorkflowHandle[AlvWorkflow, AlvResult]:
    return client.get_workflow_handle_for(AlvWorkflow.run, meeting_workflow_id(meeting_id))
