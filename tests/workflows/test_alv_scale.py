"""400 member contacts: the save the date goes out in a handful of batch activities and the ALV's
history stays far below 10,000 events."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from models.messages.meeting import CancelMeeting
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle, create_alv, start_alv_workflow
from raadsbode.db import session_scope
from tests.support.alv import make_association
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_400_contacts_keep_the_history_small(temporal_env, settings, session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=4, towns=[f"Gemeente {n:03d}" for n in range(100)])
    with session_scope(session_factory_) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(days=50)  # save the date (8 weeks before) is due at once
        meeting_id = create_alv(s, association_id=a.association_id, starts_at=starts,
                                ends_at=starts + timedelta(hours=3), venue_id=a.venue_id).id
    client = temporal_env.client
    async with build_worker(client, settings):
        await start_alv_workflow(client, settings, meeting_id, a.slug, batch_size=100)
        for _ in range(240):
            if len({r.lower() for m in sink.messages for r in m.rcpt_tos}) >= 403:
                break
            await asyncio.sleep(0.25)
        handle = alv_handle(client, meeting_id)
        await handle.execute_update(AlvWorkflow.cancel, CancelMeeting(reason="test"))
        await handle.result()
        history = await handle.fetch_history()
    recipients = {r.lower() for m in sink.messages for r in m.rcpt_tos}
    assert len(recipients) == 403  # 400 contacts and 3 board members; the secretary is staff
    assert sink.data_commands == 2 * 403  # one save the date and one cancellation each, nothing twice
    assert len(history.events) < 10_000
    assert len(history.events) < 200  # a few batches of 100, never an activity per recipient
