"""The committed workflow histories (tests/histories/*.json) that tests/replay/test_replay.py replays.

A test that drives a workflow to a recordable end calls record(); under RAADSBODE_RECORD_HISTORY=1 the history
is written out. Record only for a deliberate change, under a new file name, and keep the older files: each
is a workflow that may still be running under the code of its time.
"""
from __future__ import annotations

import os

from temporalio.client import WorkflowHistory

from tests.support.paths import HISTORIES

RECORD = os.environ.get("RAADSBODE_RECORD_HISTORY") == "1"


def record(history: WorkflowHistory, name: str) -> None:
    if RECORD:
        (HISTORIES / f"{name}.json").write_text(history.to_json())


def workflow_type(history: WorkflowHistory) -> str:
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name
