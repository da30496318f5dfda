"""`raadsbode dev` as a real process: it comes up, says where to look, stops cleanly on Ctrl-C, resumes."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client, WorkflowExecutionStatus

from models.messages.meeting import MeetingInput
from tests.support.env import TEST_SECRET_KEY, free_port
from workflows.inbox import INBOX_WORKFLOW_ID
from workflows.meeting.workflow import MeetingWorkflow

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


class CliProcess:
    """One `raadsbode ...` run (default: the dev stack) with its output collected by a thread."""

    def __init__(self, cwd: Path, env: dict[str, str], args: tuple[str, ...] = ("dev", "--no-demo")) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "raadsbode.cli", *args], cwd=cwd, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_until(self, condition, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not condition():
            if self.proc.poll() is not None:
                pytest.fail(f"raadsbode exited ({self.proc.returncode}) before {what}:\n{self.output}")
            if time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail(f"no {what} within {START_TIMEOUT} s:\n{self.output}")
            time.sleep(0.1)

    def children_named(self, name: str) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                comm = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.proc.pid and name in comm:
                pids.append(int(stat.parent.name))
        return pids

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"raadsbode did not stop within {STOP_TIMEOUT} s after SIGINT:\n{self.output}")


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def dev_env(tmp_path) -> dict[str, str]:
    ports = {name: str(free_port()) for name in ("WEB_PORT", "TEMPORAL_PORT", "TEMPORAL_UI_PORT", "SINK_PORT")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAADSBODE_")}
    env.update({f"RAADSBODE_{k}": v for k, v in ports.items()})
    env.update(RAADSBODE_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1", COLUMNS="200")
    return env


def _start(tmp_path: Path, env: dict[str, str]) -> CliProcess:
    web = f"http://127.0.0.1:{env['RAADSBODE_WEB_PORT']}"
    dev = CliProcess(tmp_path, env)
    dev.wait_until(lambda: _healthy(web), "/health")
    dev.wait_until(lambda: "Maildir" in dev.output, "banner")
    assert _port_open(int(env["RAADSBODE_TEMPORAL_PORT"]))
    return dev


def _stop(dev: CliProcess, temporal_port: int) -> None:
    temporal_pids = dev.children_named("temporal")
    assert temporal_pids, "the temporal dev server should be a child process"
    assert dev.interrupt() == 0, dev.output
    assert "Dev stack stopped." in dev.output
    assert not [pid for pid in temporal_pids if Path(f"/proc/{pid}").exists()], "temporal left behind"
    assert not _port_open(temporal_port)


async def test_dev_stack_starts_stops_and_resumes(tmp_path, dev_env):
    web = f"http://127.0.0.1:{dev_env['RAADSBODE_WEB_PORT']}"
    temporal_port = int(dev_env["RAADSBODE_TEMPORAL_PORT"])
    address = f"127.0.0.1:{temporal_port}"
    workflow_id = f"smoke-{uuid.uuid4().hex[:8]}"

    dev = _start(tmp_path, dev_env)
    try:
        banner = dev.output
        for expected in (web, f"{web}/dev/outbox", f"{web}/werkruimte", f"http://127.0.0.1:{dev_env['RAADSBODE_TEMPORAL_UI_PORT']}",
                         str(tmp_path / "var" / "mail")):
            assert expected in banner, banner
        assert httpx.get(f"{web}/dev/outbox", timeout=5).status_code == 200
        client = await Client.connect(address)
        # Calendar replies (Accept in Outlook) are read by the inbox workflow: the stack must have started it.
        assert (await client.get_workflow_handle(INBOX_WORKFLOW_ID).describe()).status == WorkflowExecutionStatus.RUNNING
        # A queue nobody polls: the workflow waits in the persisted server until the next run.
        await client.start_workflow(MeetingWorkflow.run, MeetingInput(meeting_id=1, association_slug="smoke"),
                                    id=workflow_id, task_queue="smoke-nobody-polls")
    finally:
        _stop(dev, temporal_port)
    assert (tmp_path / "var" / "temporal.db").exists()

    dev = _start(tmp_path, dev_env)
    try:
        client = await Client.connect(address)
        described = await client.get_workflow_handle(workflow_id).describe()
        assert described.status == WorkflowExecutionStatus.RUNNING
        await client.get_workflow_handle(workflow_id).terminate("smoke test done")
    finally:
        _stop(dev, temporal_port)


async def test_worker_starts_the_inbox_and_stops_cleanly_on_sigterm(tmp_path, temporal_env):
    """The worker makes sure the inbox (calendar replies) runs on its queue; `docker stop` sends SIGTERM: the
    production worker shuts down and exits 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAADSBODE_")}
    env.update(RAADSBODE_TEMPORAL_ADDRESS=temporal_env.client.service_client.config.target_host,
               RAADSBODE_DATABASE_URL=f"sqlite:///{tmp_path / 'worker.db'}",
               RAADSBODE_TEMPORAL_TASK_QUEUE=f"smoke-{uuid.uuid4().hex[:8]}", PYTHONUNBUFFERED="1",
               RAADSBODE_ENVIRONMENT="dev", RAADSBODE_SECRET_KEY=TEST_SECRET_KEY)
    worker = CliProcess(tmp_path, env, ("worker",))
    worker.wait_until(lambda: "worker polling task queue" in worker.output, "worker start")
    inbox = temporal_env.client.get_workflow_handle(INBOX_WORKFLOW_ID)
    try:
        described = await inbox.describe()
        assert (described.status, described.task_queue) == (WorkflowExecutionStatus.RUNNING,
                                                            env["RAADSBODE_TEMPORAL_TASK_QUEUE"])
    finally:  # the session's Temporal server outlives this worker's queue
        await inbox.terminate("smoke test done")
    worker.proc.send_signal(signal.SIGTERM)
    assert worker.proc.wait(STOP_TIMEOUT) == 0, worker.output
    assert "Worker stopped." in worker.output
