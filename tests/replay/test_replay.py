"""The committed histories of a full meeting must replay on today's workflow code.

A change to MeetingWorkflow that would break meetings already running (non-determinism) fails here. Each
file is a meeting recorded under the code of its time: meeting_full_flow.json before the sign-off filing's
quiet period (workflows/common/signoff.py), _v2 after it, _v3 with the move announced by the run loop's notice step
(patch notices-as-steps, workflows/common/step_loop.py). Record the newest (RAADSBODE_RECORD_HISTORY=1 pytest
tests/test_meeting_flow.py) only for a deliberate change; keep the older ones.
"""
from pathlib import Path

import pytest

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.meeting.workflow import MeetingWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("meeting_full_flow*.json"))


@pytest.mark.parametrize("recorded", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_full_flow_history_replays(recorded: Path):
    history = WorkflowHistory.from_json("meeting-full-flow", recorded.read_text())
    result = await Replayer(workflows=[MeetingWorkflow]).replay_workflow(history)
    assert result.replay_failure is None
