"""The yearly ALV cycle: default dates, idempotent planning, and the Schedule against the real dev server:
created by the CLI (spring and autumn, Europe/Amsterdam), triggered, the ALV exists and its workflow sends
the save the date; a second firing creates nothing new."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from models.tables.alv import PlanningEntry
from models.messages.alv import AlvCycleResult
from models.messages.meeting import CancelMeeting
from models.tables.meetings import Meeting
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle
from raadsbode.services.alv.cycle import cycle_handle
from raadsbode.services.alv.planning import add_planning_entry, default_alv_start, plan_next_alv
from raadsbode.cli import app
from raadsbode.db import session_scope
from raadsbode.settings import get_settings
from tests.support.alv import make_association
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow
from workflows.alv.cycle import AlvCycleWorkflow

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def cli(db_url, settings, temporal_env, monkeypatch):
    monkeypatch.setenv("RAADSBODE_DATABASE_URL", db_url)
    monkeypatch.setenv("RAADSBODE_TEMPORAL_TASK_QUEUE", settings.temporal_task_queue)
    monkeypatch.setenv("RAADSBODE_TEMPORAL_ADDRESS", temporal_env.client.service_client.config.target_host)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield lambda *args: asyncio.to_thread(CliRunner().invoke, app, ["cycle", "alv", *args])
    get_settings.cache_clear()


def test_default_dates_are_the_second_thursday_of_june_and_november():
    assert default_alv_start(datetime(2026, 3, 1, 9, tzinfo=AMS)) == datetime(2026, 6, 11, 19, 30, tzinfo=AMS)
    assert default_alv_start(datetime(2026, 6, 11, 19, 30, tzinfo=AMS)) == datetime(2026, 11, 12, 19, 30, tzinfo=AMS)
    assert default_alv_start(datetime(2026, 12, 1, tzinfo=AMS)) == datetime(2027, 6, 10, 19, 30, tzinfo=AMS)


def test_a_firing_without_planning_takes_the_default_date_once(session_factory_):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Urk"])
    fired = datetime(2031, 9, 1, 9, tzinfo=AMS)
    with session_scope(session_factory_) as s:
        first = plan_next_alv(s, a.association_id, fired, {})
    with session_scope(session_factory_) as s:
        again = plan_next_alv(s, a.association_id, fired + timedelta(days=20), {})
        meeting = s.get(Meeting, first.meeting_id)
        assert (meeting.starts_at.astimezone(AMS), meeting.venue_id, meeting.is_public) == \
               (datetime(2031, 11, 13, 19, 30, tzinfo=AMS), a.venue_id, True)
    assert (first.created, first.source, again.created, again.meeting_id) == (True, "default", False, first.meeting_id)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_the_schedule_fires_creates_the_alv_and_its_save_the_date_goes_out(cli, temporal_env, settings,
                                                                                 session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere", "Urk"])
    with session_scope(session_factory_) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(days=1)  # save the date (2 days before) is due at once
        entry_id = add_planning_entry(s, a.association_id, starts, starts + timedelta(hours=2), a.venue_id).id
    created = await cli("create", "-a", a.slug, "--save-the-date-before", "2d", "--batch-size", "2")
    assert created.exit_code == 0 and "1 maart 09:00 en 1 september 09:00" in created.output, created.output
    described = await cycle_handle(temporal_env.client, a.slug).describe()
    assert described.schedule.spec.time_zone_name == "Europe/Amsterdam"
    assert {t.astimezone(AMS).month for t in described.info.next_action_times[:2]} == {3, 9}
    async with build_worker(temporal_env.client, settings):
        assert (await cli("trigger", "-a", a.slug)).exit_code == 0
        first = await _firing_result(temporal_env.client, a.slug, 1)
        contacts = [f"contact0@almere.{a.slug}.test", f"contact0@urk.{a.slug}.test", f"chair@{a.slug}.test"]
        await _wait(lambda: all(_subjects(sink, c) for c in contacts), "save the date to every member")
        await cli("trigger", "-a", a.slug)
        second = await _firing_result(temporal_env.client, a.slug, 2)
        await alv_handle(temporal_env.client, first.meeting_id).execute_update(AlvWorkflow.cancel, CancelMeeting("test"))
    assert (first.created, first.started, second.created, second.started) == (True, True, False, False)
    assert second.meeting_id == first.meeting_id and first.workflow_id == f"meeting-{first.meeting_id}"
    with session_scope(session_factory_) as s:
        assert s.get(PlanningEntry, entry_id).meeting_id == first.meeting_id
        assert len(s.exec(select(Meeting).where(Meeting.association_id == a.association_id)).all()) == 1
    assert len([x for x in _subjects(sink, contacts[0]) if "Save the date" in x]) == 1
    await _pause_show_delete(cli, a.slug)


async def _pause_show_delete(cli, slug: str) -> None:
    assert (await cli("pause", "-a", slug)).exit_code == 0
    shown = await cli("show", "-a", slug)
    assert "gepauzeerd" in shown.output and "voorjaar: 1 maart 09:00" in shown.output and "Gepland" in shown.output
    assert "hervat" in (await cli("unpause", "-a", slug)).output
    assert (await cli("delete", "-a", slug)).exit_code == 0
    missing = await cli("show", "-a", slug)
    assert missing.exit_code == 1 and "bestaat niet" in missing.output
    assert (await cli("create", "-a", slug, "--spring-month", "3", "--autumn-month", "3")).exit_code == 1
    assert (await cli("create", "-a", slug, "--notice-period", "2w")).exit_code == 1  # unknown duration key
    assert (await cli("delete", "-a", "bestaat-niet")).exit_code == 1


async def _firing_result(client, slug: str, n: int) -> AlvCycleResult:
    """The n-th firing's AlvCycleWorkflow result (the schedule appends the fire time to its id)."""
    async def started() -> list[str]:
        actions = (await cycle_handle(client, slug).describe()).info.recent_actions
        return [getattr(x.action, "workflow_id", "") for x in actions]
    for _ in range(80):
        ids = await started()
        if len(ids) >= n:
            return await client.get_workflow_handle_for(AlvCycleWorkflow.run, ids[n - 1]).result()
        await asyncio.sleep(0.25)
    raise AssertionError(f"the schedule did not fire {n} times")


def _subjects(sink, address: str) -> list[str]:
    return [str(m["Subject"]) for m in sink.to(address)]


async def _wait(predicate, what: str, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.25)):
        if predicate():
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")
