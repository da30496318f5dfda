"""How the meeting workflows (board, ALV, network) call activities: every call with an explicit
start-to-close timeout and a bounded retry policy, one for database work and one for sending mail."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

T = TypeVar("T")
A = TypeVar("A")
DB_TIMEOUT = timedelta(seconds=30)
DB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30), maximum_attempts=8)
SEND_TIMEOUT = timedelta(minutes=5)
SEND_RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=5), maximum_attempts=12)


class _MeetingInput(Protocol):
    meeting_id: int


class ActivityCalls:
    """A base class of a workflow whose input names the meeting (`inp.meeting_id`)."""

    inp: _MeetingInput

    async def _db(self, fn: Callable[[Any, A], T], arg: A) -> T:
        return await workflow.execute_activity_method(fn, arg, start_to_close_timeout=DB_TIMEOUT, retry_policy=DB_RETRY)

    async def _send(self, fn: Callable[[Any, A], Awaitable[T]], arg: A) -> T:
        return await workflow.execute_activity_method(fn, arg, start_to_close_timeout=SEND_TIMEOUT, retry_policy=SEND_RETRY)

    @property
    def _mid(self) -> int:
        return self.inp.meeting_id
