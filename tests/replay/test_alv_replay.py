"""The recorded history of a full ALV cycle replays against today's AlvWorkflow code (determinism check).

Each file is a cycle recorded under the code of its time (alv_cycle.json before the sign-off filing's quiet
period, _v2 after it). Record the newest after an intended change: RAADSBODE_RECORD_HISTORY=1 pytest
tests/test_alv_cycle.py; keep the older ones.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.alv.workflow import AlvWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("alv_cycle*.json"))


@pytest.mark.parametrize("recorded", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_alv_history_replays(recorded: Path):
    history = WorkflowHistory.from_json("meeting-replay", recorded.read_text())
    result = await Replayer(workflows=[AlvWorkflow]).replay_workflow(history)
    assert result.replay_failure is None
