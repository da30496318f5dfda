"""Worker wiring: register every workflow and activity. `raadsbode worker` runs it (with signal handling)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from activities.deps import Deps
from raadsbode import registry
from raadsbode.settings import Settings


def build_worker(client: Client, settings: Settings, deps: Deps | None = None) -> Worker:
    deps = deps or Deps.from_settings(settings)
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=registry.workflows(),
        activities=registry.activities(deps),
        # Sync DB activities run in threads; async SMTP activities on the loop. Few at once: in a burst of
        # sign-offs, 20 filings at once starved the updates the chairs were waiting on (bench/README.md).
        activity_executor=ThreadPoolExecutor(max_workers=settings.activity_slots),
        max_concurrent_activities=settings.activity_slots,
        # Let in-flight sends finish (and record them in the ledger) before a worker stops.
        graceful_shutdown_timeout=timedelta(seconds=10),
    )
