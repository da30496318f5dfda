"""The recorded history of a full ALV cycle replays against today's AlvWorkflow code (determinism check).

Re-record after an intended change of the workflow: RAADSBODE_RECORD_HISTORIES=1 pytest tests/test_alv_cycle.py
"""
from __future__ import annotations

from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.alv import AlvWorkflow

HISTORY = Path(__file__).parent / "histories" / "alv_cycle.json"


async def test_recorded_alv_history_replays():
    history = WorkflowHistory.from_json("meeting-replay", HISTORY.read_text())
    result = await Replayer(workflows=[AlvWorkflow]).replay_workflow(history)
    assert result.replay_failure is None
