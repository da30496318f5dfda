"""A network meeting through many runs (a dev server that suggests continue-as-new after a few events): every
sign-up is taken once, the places and the waiting list hold across runs, and a continued run checks sign-ups
against the meeting's own registration deadline from the start (it carries the last run's facts)."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from models.messages.meeting import CancelMeeting
from models.messages.network import NetworkInput, NetworkSignupInput
from models.tables.types import utcnow
from raadsbode.db import session_scope
from raadsbode.services.network import create_network_meeting, network_handle, start_network_workflow
from tests.support.alv import make_association
from tests.support.continue_as_new import replay_runs, runs_of
from worker import build_worker
from workflows.network.workflow import NetworkMeetingWorkflow

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


async def test_sign_ups_across_runs_are_taken_once_and_keep_the_places(eager_env, settings, session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere"])
    with session_scope(session_factory_) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(days=3)
        meeting_id = create_network_meeting(s, association_id=a.association_id, title="Netwerk griffiers", starts_at=starts,
                                            ends_at=starts + timedelta(hours=2), venue_id=a.venue_id, capacity=3,
                                            policy={"announce_before": "4d", "registration_closes_before": "1d"}).id
    client = eager_env.client
    async with build_worker(client, settings):
        await start_network_workflow(client, settings, meeting_id, a.slug)
        handle = network_handle(client, meeting_id)
        answers = []
        for n in range(6):  # each sign-up tips a fresh run over the threshold
            for _ in range(100):  # until the announcement is out (sign-ups open)
                try:
                    answers.append(await handle.execute_update(NetworkMeetingWorkflow.register, NetworkSignupInput(
                        f"Deelnemer {n}", f"deelnemer{n}@almere.test")))
                    break
                except WorkflowUpdateFailedError as err:  # "kan nog niet" until the announcement is out
                    assert "nog niet" in str(err.cause), err
                    await asyncio.sleep(0.1)
        await handle.execute_update(NetworkMeetingWorkflow.cancel, CancelMeeting(reason="test"))
        await handle.result()
        runs = await runs_of(client, handle.id, NetworkInput)
    assert [r.status for r in answers] == ["registered"] * 3 + ["waiting"] * 3
    assert [r.position for r in answers[3:]] == [1, 2, 3]
    assert len(runs.inputs) >= 3, "the runs did not continue as new"
    continued = [i for i in runs.inputs[1:] if i.info is not None]
    assert continued and all(i.info.policy.get("registration_closes_before") == "1d" for i in continued)
    assert runs.activities["record_signup"] == 6 and runs.activities["send_signup_mail"] == 6
    await replay_runs(NetworkMeetingWorkflow, runs)
