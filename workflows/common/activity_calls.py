"""How the meeting workflows (board, ALV, network) call activities: every call with an explicit
start-to-close timeout and a bounded retry policy, one for database work and one for sending mail."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

T = TypeVar("T")
DB_TIMEOUT = timedelta(seconds=30)
DB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30), maximum_attempts=8)
SEND_TIMEOUT = timedelta(minutes=5)
SEND_RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=5), maximum_attempts=12)

# Activity methods as the SDK takes them, unbound: (self, one dataclass in) -> one dataclass out. The database's
# are synchronous (they run in the worker's thread pool), the senders are coroutines.
DbActivity = Callable[[Any, Any], T]
SendActivity = Callable[[Any, Any], Awaitable[T]]


class ActivityCalls:
    """The activity calls of one meeting's workflow; its object holds the meeting's id for the callers' inputs."""

    def __init__(self, meeting_id: int) -> None:
        self.meeting_id = meeting_id

    async def db(self, fn: DbActivity[T], arg: Any) -> T:
        # The module's policies are read at each call, so a test can shorten them (tests/test_notice_retry.py).
        return await workflow.execute_activity_method(fn, arg, start_to_close_timeout=DB_TIMEOUT, retry_policy=DB_RETRY)

    async def send(self, fn: SendActivity[T], arg: Any) -> T:
        return await workflow.execute_activity_method(fn, arg, start_to_close_timeout=SEND_TIMEOUT,
                                                      retry_policy=SEND_RETRY)
