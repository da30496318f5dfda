"""Every committed history (tests/histories/*.json) must replay on today's workflow code.

A change to a workflow that would break the ones already running (non-determinism) fails here. Each file is a
workflow recorded under the code of its time; the workflow class is the one the worker registers for the
history's workflow type. What each file holds, and how to record one: tests/histories/README.md.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from raadsbode.registry import workflows
from tests.support.histories import workflow_type
from tests.support.paths import HISTORIES

RECORDED = sorted(HISTORIES.glob("*.json"))
# The workflow types no test records yet, each with why; a new workflow type must get a history or a line here.
NOT_RECORDED: dict[str, str] = {}


def by_type() -> dict[str, type]:
    # temporalio has no public accessor for a class's workflow type name; _Definition is what its worker reads.
    return {workflow._Definition.must_from_class(cls).name: cls for cls in workflows()}


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


@pytest.mark.parametrize("recorded", RECORDED, ids=[p.stem for p in RECORDED])
async def test_history_replays(recorded: Path):
    history = load(recorded)
    cls = by_type()[workflow_type(history)]
    result = await Replayer(workflows=[cls]).replay_workflow(history)
    assert result.replay_failure is None


def test_every_workflow_type_has_a_history():
    recorded = {workflow_type(load(p)) for p in RECORDED}
    assert set(by_type()) - recorded == set(NOT_RECORDED), "record a history of the new workflow type"
