"""A Temporal dev server that suggests continue-as-new early, and reading every run of a meeting's workflow.

The meeting workflows continue as new when the server suggests it (workflows/common/step_loop.py); the server
does so once a run's history holds `limit.historyCount.suggestContinueAsNew` events (4096 by default).
With a low threshold every run continues as new at its first quiet moment after an update or a timer, so
one meeting goes through many runs: each must carry the state, the pending decisions and the timers on.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlmodel import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from models.tables import AuditEvent
from raadsbode.db import SessionFactory, session_scope
from raadsbode.search_attributes import SEARCH_ATTRIBUTES
from raadsbode.store.staff import add_staff, start_session
from raadsbode.dev.temporal_server import temporal_binary
from web.common.auth import SESSION_COOKIE

# A fresh run's history holds about 11 events when it first sleeps (start, a task, the load activity, a task,
# a timer): just above, so a run never continues before it has loaded, and any update or timer after that tips it.
SUGGEST_AFTER_EVENTS = 12


async def start_eager_server() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_log_level="error",
        dev_server_extra_args=["--dynamic-config-value",
                               f"limit.historyCount.suggestContinueAsNew={SUGGEST_AFTER_EVENTS}"],
    )


@dataclass
class Runs:
    inputs: list[Any]  # each run's input, the first run's first (the state each continued run started from)
    activities: Counter  # activity type -> how often scheduled, over all runs
    histories: list[WorkflowHistory]  # to replay: each run's history must replay with the code as it is


async def runs_of(client: Client, workflow_id: str, input_type: type) -> Runs:
    """Follow the chain of continue-as-new back from the newest run."""
    run_id = (await client.get_workflow_handle(workflow_id).describe()).run_id
    inputs, activities, histories = [], Counter(), []
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        histories.append(history)
        started = history.events[0].workflow_execution_started_event_attributes
        [inp] = await client.data_converter.decode(started.input.payloads, [input_type])
        inputs.append(inp)
        activities.update(e.activity_task_scheduled_event_attributes.activity_type.name for e in history.events
                          if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        run_id = started.continued_execution_run_id
    return Runs(inputs[::-1], activities, histories[::-1])


async def current_input(client: Client, workflow_id: str, input_type: type, condition: Callable[[Any], Any],
                        timeout: float = 15) -> Any:
    """The input of the workflow's current run, once a run started from an input meeting `condition`."""
    for _ in range(int(timeout / 0.1)):
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
        [inp] = await client.data_converter.decode(started.input.payloads, [input_type])
        if condition(inp):
            return inp
        await asyncio.sleep(0.1)
    raise AssertionError(f"no run of {workflow_id} started from the expected state within {timeout} s")


async def replay_runs(workflow: type, runs: Runs) -> None:
    """Every run's history replays with the code as it is (a continued run starts from its carried input)."""
    replayer = Replayer(workflows=[workflow])
    for history in runs.histories:
        if any(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED for e in history.events):
            await replayer.replay_workflow(history)  # (a run that has not had a task yet has nothing to replay)


@dataclass
class StatusWatch:
    """Asks a workflow's status query over and over while a test drives it: every answer and every failure."""

    ask: Callable[[], Awaitable[Any]]
    answers: list[Any] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)

    async def run(self, every: float = 0.15) -> None:
        while True:
            try:
                self.answers.append(await self.ask())
            except Exception as err:  # noqa: BLE001 - collected: the test asserts there are none
                self.failures.append(err)
            await asyncio.sleep(every)

    def phases(self) -> list[str]:
        """The phases seen, each once, in the order first seen."""
        return list(dict.fromkeys(view.phase for view in self.answers))


def staff_client(app, sessions: SessionFactory, association_id: int, email: str) -> httpx.AsyncClient:
    """A web client signed in to the workspace as a secretary of the association (made one if need be)."""
    with session_scope(sessions) as s:
        role = add_staff(s, association_id, email, "secretary", name="Staf Secretariaat")
        raw, _ = start_session(s, role.person_id, association_id)
    web = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 4711)),
                            base_url="http://raadsbode.test")
    web.cookies.set(SESSION_COOKIE, raw, domain="raadsbode.test")
    return web


def audit_actions(sessions: SessionFactory, association_id: int) -> Counter:
    with sessions() as s:
        return Counter(s.exec(select(AuditEvent.action).where(AuditEvent.association_id == association_id)).all())


def mails(sink, address: str, subject_part: str) -> int:
    return len([m for m in sink.to(address) if subject_part in str(m["Subject"])])
