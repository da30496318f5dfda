"""Benchmark: chairs approving agendas through their link pages, against a bare Temporal update.

    .venv/bin/python -m bench.approval [--chairs 20] [--timers 100,1000]

Everything is local and real: a Temporal dev server (SQLite-persisted, like `make run`), `raadsbode worker`
and `raadsbode web` as their own processes (so the RSS is the worker's own), HTTP, SQLite, the SMTP sink.
1. `--chairs` meetings are driven to the sign-off phase; the chairs' links are read from the emails.
2. All chairs at once GET their page and POST "Goedkeuren": p50/p99 of GET -> page and POST -> answer
   (and, for scale, the same GET one at a time).
3. Baseline, same server: the same number of concurrent bare update round trips on a no-op workflow.
4. Worker RSS with N meetings in flight, each waiting on a timer (start weeks away).
Not a test; prints a table. Output files go to bench/out/ (gitignored).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from bench.approval_setup import drive_to_signoff, start_waiting_meetings, wait_until_waiting
from bench.http_client import Connection
from raadsbode.db import make_engine, migrate, session_factory
from raadsbode.dev.demo import seed_demo
from raadsbode.settings import Settings
from raadsbode.dev.sink import start_sink
from raadsbode.dev.temporal_server import TemporalDevServer
from tests.support.env import free_port

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@dataclass
class Ping:
    n: int


@workflow.defn
class EchoWorkflow:
    """The baseline: an update that does nothing but answer."""

    def __init__(self) -> None:
        self.done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.done)

    @workflow.update
    async def ping(self, p: Ping) -> Ping:
        return p


def pct(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
    return f"p50 {statistics.median(ms):7.1f} ms   p99 {p99:7.1f} ms   (n={len(ms)})"


def worker_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int, children: bool = True) -> float:
    """CPU time of the process and, unless told not to, its live children (`raadsbode web` forks its servers)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    if not children:
        return own
    kids = [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    return own + sum(cpu_seconds(kid) for kid in kids)


async def timed_get(browser: Connection, raw: str) -> float:
    t0 = time.perf_counter()
    await browser.get(f"/l/{raw}")
    return time.perf_counter() - t0


async def chair_round(browser: Connection, raw: str) -> tuple[float, float, bool]:
    t0 = time.perf_counter()
    _, page = await browser.get(f"/l/{raw}")
    t1 = time.perf_counter()
    status, answer = await browser.post_form(f"/l/{raw}", {"csrf": CSRF.search(page).group(1), "decision": "approve"})
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, status == 200 and "goedgekeurd" in answer


async def burst(base_url: str, links: list[str], pids: dict[str, int]) -> tuple[list[float], list, dict[str, float]]:
    """One connection per chair (as each chair's browser would have), opened before timing; the CPU each
    process spent during the burst."""
    browsers = [await Connection(base_url).open() for _ in links]
    try:
        alone = [await timed_get(browsers[0], links[0]) for _ in links]  # a GET changes nothing
        own = os.getpid()  # this script started the others: its own CPU only
        before = {name: cpu_seconds(pid, pid != own) for name, pid in pids.items()}
        results = await asyncio.gather(*(chair_round(b, raw) for b, raw in zip(browsers, links)))
        return alone, results, {name: cpu_seconds(pid, pid != own) - before[name] for name, pid in pids.items()}
    finally:
        for browser in browsers:
            await browser.close()


async def baseline(client: Client, concurrency: int, rounds: int = 5) -> list[float]:
    queue = "bench-echo"
    # Unsandboxed: this module runs as __main__, and the baseline should be the bare minimum anyway.
    async with Worker(client, task_queue=queue, workflows=[EchoWorkflow], workflow_runner=UnsandboxedWorkflowRunner()):
        handles = [await client.start_workflow(EchoWorkflow.run, id=f"echo-{os.getpid()}-{i}", task_queue=queue)
                   for i in range(concurrency)]
        await asyncio.gather(*(h.execute_update(EchoWorkflow.ping, Ping(0)) for h in handles))  # warm up

        async def timed(handle, n: int) -> float:
            t0 = time.perf_counter()
            await handle.execute_update(EchoWorkflow.ping, Ping(n))
            return time.perf_counter() - t0

        samples: list[float] = []
        for r in range(rounds):
            samples += await asyncio.gather(*(timed(h, r) for h in handles))
        for h in handles:
            await h.terminate()
    return samples


def settings_for(run_dir: Path, temporal: TemporalDevServer, sink_port: int, web_port: int) -> Settings:
    return Settings(environment="dev", var_dir=run_dir, database_url=f"sqlite:///{run_dir / 'bench.db'}",
                    temporal_address=temporal.address, temporal_task_queue="bench-raadsbode",
                    smtp_host="127.0.0.1", smtp_port=sink_port, mail_from="secretariaat@bench.example",
                    public_base_url=f"http://127.0.0.1:{web_port}")


def start_process(command: str, settings: Settings, log_file: Path) -> subprocess.Popen:
    """`raadsbode worker` or `raadsbode web`, as in production: its own process, settings from the env."""
    env = os.environ | {f"RAADSBODE_{k.upper()}": str(v) for k, v in {
        "database_url": settings.database_url, "temporal_address": settings.temporal_address,
        "temporal_task_queue": settings.temporal_task_queue, "smtp_host": settings.smtp_host,
        "smtp_port": settings.smtp_port, "public_base_url": settings.public_base_url,
        "mail_from": settings.mail_from, "var_dir": settings.var_dir, "web_host": "127.0.0.1",
        "web_port": settings.public_base_url.rsplit(":", 1)[1]}.items()}
    return subprocess.Popen([str(Path(sys.executable).parent / "raadsbode"), command], cwd=ROOT, env=env,
                            stdout=log_file.open("wb"), stderr=subprocess.STDOUT)


async def wait_for_web(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as web:
        for _ in range(100):
            try:
                if (await web.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"the web app did not answer on {base}")


async def main(chairs: int, timer_counts: list[int]) -> None:
    run_dir = OUT / f"run-{int(time.time())}"
    run_dir.mkdir(parents=True)
    temporal = TemporalDevServer(run_dir / "temporal.db", free_port(), free_port(), run_dir / "temporal.log")
    temporal.start()
    sink_controller, sink = start_sink("127.0.0.1", free_port())
    settings = settings_for(run_dir, temporal, sink_controller.port, free_port())
    migrate(settings.database_url)
    sessions = session_factory(make_engine(settings.database_url))
    seed_demo(sessions)
    worker = start_process("worker", settings, run_dir / "worker.log")
    web = start_process("web", settings, run_dir / "web.log")
    try:
        client = await temporal.wait_ready()
        await wait_for_web(settings.public_base_url)
        handles, links = await drive_to_signoff(client, settings, sessions, sink, chairs)
        await wait_until_waiting(handles)  # measure a quiet system, not the tail of the sign-off emails
        pids = {"web": web.pid, "worker": worker.pid, "temporal server": temporal.process.pid, "this client": os.getpid()}
        alone, results, cpu = await burst(settings.public_base_url, links, pids)
        assert all(ok for _, _, ok in results), "not every approval was accepted"
        base = await baseline(client, chairs)
        print(f"machine: {os.cpu_count()} cores, {sys.platform}, Python {sys.version.split()[0]}")
        print(f"GET link page, alone   {pct(alone)}")
        print(f"GET link page          {pct([g for g, _, _ in results])}")
        print(f"POST approve -> answer {pct([p for _, p, _ in results])}")
        print(f"bare update round trip {pct(base)}")
        print(f"CPU during the {chairs} chairs' GET+POST: " + ", ".join(f"{name} {sec:.2f} s" for name, sec in cpu.items()))
        print(f"worker RSS after sign-off run: {worker_rss_mb(worker.pid):.0f} MB")
        waiting: list = []
        for count in timer_counts:
            waiting += await start_waiting_meetings(client, settings, sessions, count - len(waiting), len(waiting))
            seconds = await wait_until_waiting(waiting)
            print(f"worker RSS with {count:5d} meetings waiting on timers: {worker_rss_mb(worker.pid):.0f} MB "
                  f"(settled in {seconds:.0f} s)")
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(30)
        sink_controller.stop()
        temporal.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chairs", type=int, default=20)
    parser.add_argument("--timers", default="100,1000", help="meeting counts at which to read the worker's RSS")
    args = parser.parse_args()
    asyncio.run(main(args.chairs, [int(n) for n in args.timers.split(",") if n]))
