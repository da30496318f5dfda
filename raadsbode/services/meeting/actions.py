"""Meeting services shared by the CLI, the secretary's web pages and the tests.

create_meeting writes the Meeting row (idempotent per body and start time); start_meeting_workflow
starts its workflow `meeting-<id>` (idempotent too); meeting_handle gives the typed handle.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session, select
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from models.messages.meeting import MeetingInput, MeetingResult, RsvpInput, RsvpResult
from models.tables.meetings import Meeting, MeetingKind, MeetingStatus
from models.tables.org import Association, Body, Venue
from raadsbode.domain.header_text import header_text_problem
from raadsbode.search_attributes import ASSOCIATION, MEETING_ID
from raadsbode.settings import Settings
from workflows.meeting.workflow import MeetingWorkflow
from raadsbode.domain.policy import normalise_overrides
from raadsbode.domain.workflow_ids import meeting_workflow_id


class MeetingError(ValueError):
    """A problem the secretary can fix; the Dutch message is meant to be shown as it is."""


def create_meeting(
    session: Session, *, association_id: int, body_id: int, kind: str, title: str, starts_at: datetime,
    ends_at: datetime, venue_id: int | None, policy: dict[str, str],
) -> Meeting:
    """Add a meeting, or return the existing (not cancelled) one of this body at this start time. Caller commits."""
    _check_times(starts_at, ends_at)
    body = session.get(Body, body_id)
    if body is None or body.association_id != association_id:
        raise MeetingError("Onbekend orgaan voor deze vereniging.")
    existing = session.exec(select(Meeting).where(
        Meeting.body_id == body_id, Meeting.starts_at == starts_at, Meeting.status != MeetingStatus.cancelled,
    )).first()
    if existing is not None:
        return existing
    meeting = Meeting(
        association_id=association_id, body_id=body_id, kind=_kind(kind), title=_title(title, body),
        starts_at=starts_at, ends_at=ends_at, venue_id=_venue_id(session, association_id, venue_id),
        ical_uid=_new_uid(session, association_id), policy_json=json.dumps(_policy(policy)),
    )
    session.add(meeting)
    session.flush()
    return meeting


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise MeetingError("Begin- en eindtijd moeten een tijdzone hebben.")
    if ends_at <= starts_at:
        raise MeetingError("De eindtijd moet na de begintijd liggen.")


def _kind(kind: str) -> MeetingKind:
    try:
        return MeetingKind(kind)
    except ValueError:
        raise MeetingError(f"Onbekende soort vergadering '{kind}'.") from None


def _title(title: str, body: Body) -> str:
    title = (title or "").strip() or f"Vergadering {body.name}"
    if len(title) > 300:
        raise MeetingError("De titel is langer dan 300 tekens.")
    problem = header_text_problem(title, None)  # every path that makes a meeting comes here; the title is a Subject
    if problem:
        raise MeetingError(f"De titel {problem}.")
    return title


def _venue_id(session: Session, association_id: int, venue_id: int | None) -> int | None:
    if venue_id is None:
        return None
    venue = session.get(Venue, venue_id)
    if venue is None or venue.association_id != association_id:
        raise MeetingError("Onbekende vergaderlocatie voor deze vereniging.")
    return venue_id


def _new_uid(session: Session, association_id: int) -> str:
    """Permanent iCalendar UID: random, under the association's mail domain."""
    association = session.get(Association, association_id)
    if association is None:
        raise MeetingError("Onbekende vereniging.")
    domain = association.mailbox_email.rpartition("@")[2] or "raadsbode.invalid"
    return f"{uuid.uuid4()}@{domain}"


def _policy(policy: dict[str, str]) -> dict[str, str]:
    try:
        return normalise_overrides(policy or {})
    except ValueError as exc:
        raise MeetingError(str(exc)) from None


async def start_meeting_workflow(client: Client, settings: Settings, meeting_id: int, association_slug: str) -> str:
    """Start the board meeting's workflow once; a second call (running or finished) changes nothing."""
    inp = MeetingInput(meeting_id=meeting_id, association_slug=association_slug)
    return await start_workflow_once(client, settings, MeetingWorkflow.run, inp)


async def start_workflow_once(client: Client, settings: Settings, run: Callable[..., Awaitable[Any]], inp: Any) -> str:
    """Start a meeting's workflow (`run` of the board, ALV or network workflow; `inp` names the meeting and
    its association) as `meeting-<id>`, once: a second call, running or finished, changes nothing."""
    workflow_id = meeting_workflow_id(inp.meeting_id)
    try:
        await client.start_workflow(
            run, inp, id=workflow_id, task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes([
                SearchAttributePair(ASSOCIATION, inp.association_slug), SearchAttributePair(MEETING_ID, inp.meeting_id),
            ]),
        )
    except WorkflowAlreadyStartedError:
        pass  # the meeting's workflow already ran to its end; starting again must not redo it
    return workflow_id


def meeting_handle(client: Client, meeting_id: int) -> WorkflowHandle[MeetingWorkflow, MeetingResult]:
    return client.get_workflow_handle_for(MeetingWorkflow.run, meeting_workflow_id(meeting_id))


async def forward_rsvp(client: Client, meeting_id: int, rsvp: RsvpInput, update_id: str) -> RsvpResult:
    """A calendar reply to the meeting, as the same `rsvp` update the registration link sends (the inbox activity)."""
    return await meeting_handle(client, meeting_id).execute_update(MeetingWorkflow.rsvp, rsvp, id=update_id)
