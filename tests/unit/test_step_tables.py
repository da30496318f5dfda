"""Each meeting workflow dispatches its steps from a table keyed by its step enum (workflows/common/step_loop.py):
a step the timeline can name but the table lacks would fail the run loop at that moment, so the table covers the
enum exactly."""
from __future__ import annotations

from enum import StrEnum

import pytest

from models.messages.alv import AlvInput
from models.messages.meeting import MeetingInput
from models.messages.network import NetworkInput
from workflows.alv.schedule import AlvStep
from workflows.alv.workflow import AlvWorkflow
from workflows.meeting.schedule import MeetingStep
from workflows.meeting.workflow import MeetingWorkflow
from workflows.network.workflow import NetworkMeetingWorkflow, NetworkStep


@pytest.mark.parametrize("workflow_class, inp, steps", [
    (MeetingWorkflow, MeetingInput(1, "test"), MeetingStep),
    (AlvWorkflow, AlvInput(1, "test"), AlvStep),
    (NetworkMeetingWorkflow, NetworkInput(1, "test"), NetworkStep),
])
def test_the_step_table_covers_every_step(workflow_class: type, inp: object, steps: type[StrEnum]) -> None:
    table = workflow_class(inp)._step_table()
    assert set(table) == set(steps)
    assert all(callable(run) for run in table.values())
