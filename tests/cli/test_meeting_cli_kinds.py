"""`raadsbode meeting start --kind ...` and `raadsbode meeting status` for every kind of meeting: an (extra)
ALV is started as `raadsbode alv start` would, a network meeting is pointed to `raadsbode network start`,
and the status of an ALV or network meeting comes from its own workflow."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from models.messages.meeting import CancelMeeting, StatusQuery
from models.tables.meetings import Meeting
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle
from raadsbode.db import session_scope
from raadsbode.services.network import network_handle
from tests.support.alv import make_association
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow
from workflows.network.workflow import NetworkMeetingWorkflow


def _local(delta: timedelta) -> str:
    return (utcnow() + delta).astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%Y-%m-%d %H:%M")


def _meetings(sessions, association_id: int) -> list[Meeting]:
    with session_scope(sessions) as s:
        return list(s.exec(select(Meeting).where(Meeting.association_id == association_id)).all())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_meeting_start_refuses_what_it_cannot_start(cli, session_factory_):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Urk"])
    when = _local(timedelta(days=40))
    no_reason = await cli("meeting", "start", "--association", a.slug, "--start", when, "--kind", "extra-alv")
    assert no_reason.exit_code == 1 and "Geef bij een extra ALV de reden op." in no_reason.output, no_reason.output
    network = await cli("meeting", "start", "--association", a.slug, "--start", when, "--kind", "network")
    assert network.exit_code == 1 and "raadsbode network start" in network.output, network.output
    unknown = await cli("meeting", "start", "--association", a.slug, "--start", when, "--kind", "feest")
    assert unknown.exit_code == 1 and "Onbekende soort vergadering" in unknown.output, unknown.output
    alv_body = await cli("meeting", "start", "--association", a.slug, "--start", when, "--body", "general_meeting")
    assert alv_body.exit_code == 1 and "--kind alv" in alv_body.output, alv_body.output
    assert _meetings(session_factory_, a.association_id) == []  # nothing half-written


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_extra_alv_through_meeting_start_and_status_of_every_kind(cli, temporal_env, settings, session_factory_):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Urk"])
    client = temporal_env.client
    async with build_worker(client, settings):
        started = await cli("meeting", "start", "--association", a.slug, "--start", _local(timedelta(days=40)),
                            "--kind", "extra-alv", "--reason", "Besluit over de gemeenschappelijke regeling")
        assert started.exit_code == 0 and "Extra Algemene Ledenvergadering" in started.output, started.output
        alv, = _meetings(session_factory_, a.association_id)
        assert str(alv.kind) == "extra_alv"
        await alv_handle(client, alv.id).query(AlvWorkflow.status, StatusQuery())  # an ALV workflow runs

        shown = await cli("meeting", "status", str(alv.id))
        assert shown.exit_code == 0 and f"ALV {alv.id}" in shown.output and "Besluitenlijst" in shown.output, shown.output

        network = await cli("network", "start", "-a", a.slug, "--title", "Netwerkbijeenkomst griffiers",
                            "--date", _local(timedelta(days=50)), "--capacity", "10")
        assert network.exit_code == 0, network.output
        meeting = next(m for m in _meetings(session_factory_, a.association_id) if str(m.kind) == "network")
        shown = await cli("meeting", "status", str(meeting.id))
        assert shown.exit_code == 0 and "Netwerkbijeenkomst" in shown.output and "Wachtlijst" in shown.output, shown.output

        missing = await cli("meeting", "status", "987654321")
        assert missing.exit_code == 1 and "Onbekende vergadering" in missing.output
        await alv_handle(client, alv.id).execute_update(AlvWorkflow.cancel, CancelMeeting("test klaar"))
        await network_handle(client, meeting.id).execute_update(NetworkMeetingWorkflow.cancel, CancelMeeting("test klaar"))

