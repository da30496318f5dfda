"""The committed workflow histories (tests/histories/*.json) that tests/replay/test_replay.py replays.

A test that drives a workflow to a recordable end calls record(); under RAADSBODE_RECORD_HISTORY=1 the history
is written out. Record only for a deliberate change, under a new file name, and keep the older files: each
is a workflow that may still be running under the code of its time.
"""
from __future__ import annotations

import json
import os

from temporalio.client import WorkflowHistory

from tests.support.paths import HISTORIES

RECORD = os.environ.get("RAADSBODE_RECORD_HISTORY") == "1"


def record(history: WorkflowHistory, name: str) -> None:
    if RECORD:
        (HISTORIES / f"{name}.json").write_text(history.to_json())


def workflow_type(history: WorkflowHistory) -> str:
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


def patches(history: WorkflowHistory) -> set[str]:
    """The patch ids the run took: the core_patch markers workflow.patched() recorded."""
    found = set()
    for event in history.events:
        if event.HasField("marker_recorded_event_attributes"):
            marker = event.marker_recorded_event_attributes
            if marker.marker_name == "core_patch":
                found.add(json.loads(marker.details["patch-data"].payloads[0].data)["id"])
    return found


def record_run_with_patch(histories: list[WorkflowHistory], patch: str, name: str) -> None:
    """Of a workflow's runs, the first that took `patch` (so its branch has a committed history)."""
    if RECORD:
        record(next(h for h in histories if patch in patches(h)), name)
