"""What the workspace asks a meeting's workflow: is it running, and (board meetings) its status with the
signers. Every call is bounded: a slow or absent Temporal shows as "onbekend", never as an error page."""
from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from models.messages.meeting import MeetingStatusView, StatusQuery
from models.tables.meetings import MeetingKind
from raadsbode.services.alv.actions import start_alv_workflow
from raadsbode.services.meeting.actions import meeting_handle, meeting_workflow_id, start_meeting_workflow
from raadsbode.services.network import start_network_workflow
from raadsbode.settings import Settings
from workflows.meeting.workflow import MeetingWorkflow

log = logging.getLogger(__name__)
TIMEOUT = 2.0
RUNNING, NOT_STARTED, FINISHED, UNKNOWN = "running", "not_started", "finished", "unknown"
WORKFLOW_LABELS = {RUNNING: "loopt", NOT_STARTED: "nog niet gestart", FINISHED: "afgerond", UNKNOWN: "onbekend"}
ALV_KINDS = (MeetingKind.alv, MeetingKind.extra_alv)


async def workflow_state(client: Client | None, meeting_id: int) -> str:
    if client is None:
        return UNKNOWN
    try:
        description = await asyncio.wait_for(client.get_workflow_handle(meeting_workflow_id(meeting_id)).describe(), TIMEOUT)
    except RPCError as err:
        return NOT_STARTED if err.status == RPCStatusCode.NOT_FOUND else UNKNOWN
    except Exception:  # the page says "onbekend"; the log has why
        log.info("describe of meeting %s failed", meeting_id, exc_info=True)
        return UNKNOWN
    return RUNNING if description.status == WorkflowExecutionStatus.RUNNING else FINISHED


async def board_status(client: Client | None, meeting_id: int) -> MeetingStatusView | None:
    if client is None:
        return None
    try:
        return await asyncio.wait_for(meeting_handle(client, meeting_id).query(MeetingWorkflow.status, StatusQuery()),
                                      TIMEOUT)
    except Exception:
        log.info("status query of meeting %s failed", meeting_id, exc_info=True)
        return None


async def start_workflow(client: Client, settings: Settings, meeting_id: int, kind: str, slug: str) -> str:
    """Start the right workflow for the meeting's kind (idempotent, like the CLI)."""
    if kind in ALV_KINDS:
        return await start_alv_workflow(client, settings, meeting_id, slug)
    if kind == MeetingKind.network:
        return await start_network_workflow(client, settings, meeting_id, slug)
    return await start_meeting_workflow(client, settings, meeting_id, slug)


async def client_or_none(request: Request) -> Client | None:
    """The Temporal client, or None when it cannot be reached quickly (the page then says "onbekend")."""
    from web.deps import get_temporal

    try:
        return await asyncio.wait_for(get_temporal(request), TIMEOUT)
    except Exception:
        log.warning("Temporal not reachable for the workspace", exc_info=True)
        return None
