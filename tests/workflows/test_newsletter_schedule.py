"""The monthly Schedule's firing: the kickoff workflow starts newsletter-<slug>-<yyyy-mm> once, with
the scheduled slot (not the moment a worker got round to it) as the issue's slot."""
from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from models.messages.newsletter import KickoffResult, NewsletterInput
from raadsbode.services.newsletter import control
from tests.support.histories import RECORD, record
from tests.support.newsletter import FAST, make_tenant, wait_for_state
from worker import build_worker
from workflows.newsletter.workflow import SCHEDULED_START


async def _action(schedule, number: int, timeout: float = 30):
    """The schedule's number-th firing (1-based), once it has happened."""
    deadline = asyncio.get_running_loop().time() + timeout
    while len(actions := (await schedule.describe()).info.recent_actions) < number:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"the schedule never fired {number} time(s)")
        await asyncio.sleep(0.2)
    return actions[number - 1]


async def test_the_schedule_firing_starts_the_issue_of_its_month(temporal_env, settings, session_factory_, sink):
    client = temporal_env.client
    association_id, slug, _ = make_tenant(session_factory_, 0)
    slot = control.MonthlySlot(editors=["redactie@vng-flevoland.test"])
    async with build_worker(client, settings):
        schedule = client.get_schedule_handle(await control.upsert_schedule(
            client, settings.temporal_task_queue, association_id, slug, slot, FAST))
        try:
            await schedule.trigger()
            action = await _action(schedule, 1)
            kickoff = client.get_workflow_handle(action.action.workflow_id, result_type=KickoffResult)
            period = action.scheduled_at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%Y-%m")
            assert (await asyncio.wait_for(kickoff.result(), 20)).workflow_id == f"newsletter-{slug}-{period}"
            if RECORD:
                record(await kickoff.fetch_history(), "newsletter_kickoff")
            issue = control.handle(client, slug, period)
            await wait_for_state(issue, {"proof"})
            started_run = (await issue.describe()).run_id
            started = (await issue.fetch_history()).events[0].workflow_execution_started_event_attributes
            [inp] = await client.data_converter.decode(started.input.payloads, [NewsletterInput])
            scheduled = (await kickoff.describe()).typed_search_attributes.get(SCHEDULED_START)
            assert scheduled is not None and datetime.fromisoformat(inp.slot_at) == scheduled
            assert inp.editors == slot.editors and inp.policy == FAST
            await schedule.trigger()  # fired again in the same month: the issue is not started twice
            again = await _action(schedule, 2)
            second = client.get_workflow_handle(again.action.workflow_id, result_type=KickoffResult)
            assert (await asyncio.wait_for(second.result(), 20)).workflow_id == issue.id
            assert (await issue.describe()).run_id == started_run
            assert (await control.command(client, slug, period, "cancel")).ok
            assert (await asyncio.wait_for(issue.result(), 20)).final_state == "cancelled"
        finally:
            await schedule.delete()
