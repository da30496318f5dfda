"""The one inbox workflow that reads calendar replies (RSVPs from Outlook, Gmail, Apple) for every association."""
from __future__ import annotations

import logging

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from activities.inbox.sources import trusted_authserv_ids
from models.messages.inbox import InboxInput
from raadsbode.settings import Settings
from workflows.inbox import INBOX_WORKFLOW_ID, InboxWorkflow

log = logging.getLogger(__name__)


async def ensure_inbox_running(client: Client, settings: Settings) -> None:
    """Every worker asks on start; the business id makes all but the first ask a no-op. Without it an
    "Accept" pressed in Outlook would reach the mailbox and never be read."""
    await client.start_workflow(
        InboxWorkflow.run, InboxInput(poll_seconds=settings.inbox_poll_seconds), id=INBOX_WORKFLOW_ID,
        task_queue=settings.temporal_task_queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    log.info("inbox for calendar replies is running (workflow %s)", INBOX_WORKFLOW_ID)
    if not trusted_authserv_ids(settings):
        log.warning("RAADSBODE_TRUSTED_AUTHSERV_ID is empty: calendar replies are kept as unverified and not applied "
                    "until it names the receiving mail server's authserv-id")
