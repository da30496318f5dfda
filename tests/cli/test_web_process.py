"""`raadsbode web` as production runs it: one process per core by default, serving, and stopping on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from raadsbode.db import migrate
from tests.support.env import TEST_SECRET_KEY, free_port


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def test_web_serves_with_a_process_per_core_and_stops_cleanly(tmp_path):
    url, port = f"sqlite:///{tmp_path / 'web.db'}", free_port()
    migrate(url)
    env = os.environ | {"RAADSBODE_DATABASE_URL": url, "RAADSBODE_WEB_PORT": str(port), "RAADSBODE_WEB_HOST": "127.0.0.1",
                        "RAADSBODE_TEMPORAL_ADDRESS": "127.0.0.1:1", "RAADSBODE_VAR_DIR": str(tmp_path),
                        "RAADSBODE_ENVIRONMENT": "dev", "RAADSBODE_SECRET_KEY": TEST_SECRET_KEY}
    env.pop("RAADSBODE_WEB_WORKERS", None)
    web = subprocess.Popen([str(Path(sys.executable).parent / "raadsbode"), "web"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("raadsbode web did not answer")
        if min(4, len(os.sched_getaffinity(0))) > 1:  # uvicorn's supervisor forks one server per core
            assert len(_children(web.pid)) >= 2
    finally:
        web.send_signal(signal.SIGTERM)
        assert web.wait(20) == 0
