"""Benchmark: one newsletter issue to N subscribers through the real worker and Temporal, against a
plain aiosmtplib loop sending the same N pre-built messages (no Temporal, no ledger).

    .venv/bin/python -m bench.newsletter [--n 10000] [--scale] [--db postgresql+psycopg://...]

Everything is local and real: a Temporal dev server persisted to SQLite (WAL, synchronous=normal, as
`raadsbode dev`), the worker as its own process (`raadsbode worker`: its CPU and RSS are its own), the
database (a fresh SQLite file unless --db), and a discarding aiosmtpd sink in a third process.
Prints messages/second for both, their ratio, the worker's CPU per message and peak RSS, and the
largest history of any run of the issue's workflow. Not a test. Files go to bench/out/ (gitignored).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.newsletter_parts import DiscardSink, ProcStats, baseline
from bench.newsletter_setup import approve_when_proofed, issue_copies, make_subscribers, run_lengths, watch
from models.messages.newsletter import NewsletterPolicy
from raadsbode.services.newsletter import control
from raadsbode.dev.temporal_server import TemporalDevServer
from tests.support.env import free_port

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MAIL_FROM = "nieuwsbrief@vng-flevoland.test"


@dataclass
class Figures:
    n: int
    workflow_seconds: float
    sink_window: float
    baseline_n: int
    baseline_seconds: float
    worker_cpu: float
    worker_peak_mb: float
    histories: list[int]
    connections: int
    baseline_cpu: float  # the baseline sender's own CPU seconds
    others: dict[str, float]  # CPU seconds of the Temporal server and the sink during the workflow send

    def lines(self) -> list[str]:
        wf, base = self.n / self.workflow_seconds, self.baseline_n / self.baseline_seconds
        return [
            f"subscribers                {self.n}",
            f"SMTP connections           {self.connections} (both senders)",
            f"workflow send              {wf:8.0f} msg/s  ({self.workflow_seconds:.1f} s approve -> workflow done;"
            f" sink window {self.n / self.sink_window:.0f} msg/s)",
            f"baseline (aiosmtplib)      {base:8.0f} msg/s  ({self.baseline_n} pre-built messages in {self.baseline_seconds:.1f} s)",
            f"ratio workflow/baseline    {wf / base:8.0%}   (target >= 80 %)",
            f"worker CPU per message     {self.worker_cpu / self.n * 1e6:8.0f} us  ({self.worker_cpu:.1f} s CPU; baseline sender"
            f" {self.baseline_cpu / self.baseline_n * 1e6:.0f} us)",
            "CPU during workflow send   " + ", ".join(f"{k} {v:.1f} s" for k, v in self.others.items()),
            f"worker peak RSS            {self.worker_peak_mb:8.0f} MB  (target < 300 MB)",
            f"largest workflow history   {max(self.histories):8d} events over {len(self.histories)} run(s)"
            f" (target < 10,000)",
        ]


def worker_env(args: argparse.Namespace, address: str, db_url: str, sink_port: int, queue: str, var: Path) -> dict:
    return {**os.environ, "RAADSBODE_TEMPORAL_ADDRESS": address, "RAADSBODE_DATABASE_URL": db_url,
            "RAADSBODE_SMTP_HOST": "127.0.0.1", "RAADSBODE_SMTP_PORT": str(sink_port),
            "RAADSBODE_MAIL_FROM": MAIL_FROM, "RAADSBODE_PUBLIC_BASE_URL": "https://raadsbode.test",
            "RAADSBODE_TEMPORAL_TASK_QUEUE": queue, "RAADSBODE_VAR_DIR": str(var)}


async def run(args: argparse.Namespace) -> Figures:
    run_dir = OUT / f"newsletter-{int(time.time())}"
    run_dir.mkdir(parents=True)
    db_url = args.db or f"sqlite:///{run_dir / 'raadsbode.db'}"
    server = TemporalDevServer(run_dir / "temporal.db", free_port(), free_port(), run_dir / "temporal.log")
    sink, worker = DiscardSink(free_port()), None
    server.start()
    try:
        client = await server.wait_ready()
        association_id, slug = make_subscribers(db_url, args.n)
        env = worker_env(args, server.address, db_url, sink.port, "bench-newsletter", run_dir)
        with (run_dir / "worker.log").open("wb") as log:
            worker = subprocess.Popen([str(Path(sys.executable).parent / "raadsbode"), "worker"], env=env,
                                      stdout=log, stderr=subprocess.STDOUT, cwd=run_dir)
        stats, temporal, sink_stats = ProcStats(worker.pid), ProcStats(server.process.pid), ProcStats(sink.process.pid)
        policy = NewsletterPolicy(batch_size=args.batch_size, parallel_batches=args.parallel, connections=args.connections)
        handle = await control.start_issue(client, "bench-newsletter", association_id, slug, "2026-11", [],
                                           "Benchmark.", policy)
        await approve_when_proofed(handle)
        spy = _py_spy(worker.pid, run_dir) if args.profile else None
        cpu0, t0 = stats.cpu_seconds(), time.perf_counter()
        others0 = temporal.cpu_seconds(), sink_stats.cpu_seconds()
        await watch(handle, args.n)
        seconds, cpu = time.perf_counter() - t0, stats.cpu_seconds() - cpu0
        others = {"temporal server": temporal.cpu_seconds() - others0[0], "sink": sink_stats.cpu_seconds() - others0[1]}
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
        window, peak = sink.window(), stats.peak_rss_mb()
        histories = await run_lengths(client, handle.id)
        copies = issue_copies(db_url, association_id, min(args.n, args.baseline_max))
        sink.reset()
        base_cpu0 = time.process_time()
        base_seconds = await baseline(sink.port, copies, args.parallel * args.connections, MAIL_FROM)
        base_cpu = time.process_time() - base_cpu0
        assert sink.count.value == len(copies), "the baseline lost messages"
        return Figures(args.n, seconds, window, len(copies), base_seconds, cpu, peak, histories,
                       args.parallel * args.connections, base_cpu, others)
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(20)
        sink.stop()
        server.stop()


def _py_spy(pid: int, run_dir: Path) -> subprocess.Popen:
    """Sample the worker during the send (collapsed stacks, for `--profile`; pip install py-spy)."""
    spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen([str(spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "250", "--nonblocking", "--gil",
                             "-o", str(run_dir / "worker.pyspy.txt")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="subscribers (default 10,000)")
    parser.add_argument("--scale", action="store_true", help="100,000 subscribers")
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--parallel", type=int, default=2, help="batches at once")
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections per batch")
    parser.add_argument("--profile", action="store_true", help="sample the worker with py-spy during the send")
    parser.add_argument("--baseline-max", type=int, default=20_000, help="pre-built messages held in memory at most")
    args = parser.parse_args()
    if args.scale:
        args.n = 100_000
    figures = asyncio.run(run(args))
    machine = f"{os.cpu_count()} cores, {sys.platform}, Python {sys.version.split()[0]}"
    text = "\n".join([f"newsletter benchmark ({machine}; db {'sqlite' if not args.db else args.db.split(':')[0]})",
                      *figures.lines()])
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "newsletter.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
