"""`raadsbode alv start` for an extra ALV: refused without a reason or in the past; with a reason it runs
with the shorter EXTRA_ALV policy and the members read why it is called."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from models.tables.alv import MeetingDetails
from models.messages.meeting import CancelMeeting
from models.tables.meetings import Meeting
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle
from raadsbode.domain.alv_policy import EXTRA_ALV
from raadsbode.db import session_scope
from tests.support.alv import make_association, text_of
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow


def _local(delta: timedelta) -> str:
    return (utcnow() + delta).astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_extra_alv_needs_a_reason_and_runs_with_the_short_policy(cli, temporal_env, settings, session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Zeewolde"])
    # The save the date (4 weeks before an extra ALV) is due at once; 19:30 so that "--end 21:00" is after the start
    # whatever time of day the test runs (it failed after 21:00).
    when = _local(timedelta(days=20))[:10] + " 19:30"
    refused = await cli("alv", "start", "-a", a.slug, "--date", when)
    assert refused.exit_code == 1 and "Geef bij een extra ALV de reden op." in refused.output, refused.output
    past = await cli("alv", "start", "-a", a.slug, "--date", _local(-timedelta(days=1)), "--reason", "x")
    assert past.exit_code == 1 and "verleden" in past.output
    wrong_kind = await cli("alv", "start", "-a", a.slug, "--date", when, "--reason", "x", "--kind", "bestuur")
    assert wrong_kind.exit_code == 1 and "Kies alv of extra-alv." in wrong_kind.output, wrong_kind.output
    with session_scope(session_factory_) as s:
        assert not s.exec(select(Meeting).where(Meeting.association_id == a.association_id)).all()  # nothing half-written
    async with build_worker(temporal_env.client, settings):
        started = await cli("alv", "start", "-a", a.slug, "--date", when, "--end", "21:00", "--reason",
                            "Besluit over de regionale energiestrategie", "--venue", "Stadhuis Lelystad")
        assert started.exit_code == 0 and "Extra Algemene Ledenvergadering" in started.output, started.output
        contact = f"contact0@zeewolde.{a.slug}.test"
        for _ in range(80):
            if sink.to(contact):
                break
            await asyncio.sleep(0.25)
        [save] = sink.to(contact)
        with session_scope(session_factory_) as s:
            meeting = s.exec(select(Meeting).where(Meeting.association_id == a.association_id)).one()
            details = s.exec(select(MeetingDetails).where(MeetingDetails.meeting_id == meeting.id)).one()
            meeting_id, kind, venue = meeting.id, str(meeting.kind), meeting.venue_id
        shown = await cli("alv", "status", str(meeting_id))
        await alv_handle(temporal_env.client, meeting_id).execute_update(AlvWorkflow.cancel, CancelMeeting("test"))
    assert (kind, venue, details.reason) == ("extra_alv", a.venue_id, "Besluit over de regionale energiestrategie")
    assert json.loads(details.policy_json)["save_the_date_before"] == EXTRA_ALV["save_the_date_before"] == "4w"
    assert "Aanleiding: Besluit over de regionale energiestrategie" in text_of(save)
    assert "Extra Algemene Ledenvergadering" in str(save["Subject"])
    assert shown.exit_code == 0 and "Fase" in shown.output and "geen antwoord 4" in shown.output, shown.output
