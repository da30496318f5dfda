"""The meeting workflow's scheduled steps and its activity calls (a base class of MeetingWorkflow).

Every activity call has an explicit start-to-close timeout and a bounded retry policy. A step whose
activity finally fails is tried again later instead of failing the meeting's workflow.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.meeting_activities import MeetingActivities
    from models.meeting_activity_messages import ConvocationRequest, MeetingInfo, MeetingRef, Notice, SignoffRequest, StatusChange
    from models.meeting_messages import MeetingInput
    from models.meeting_state import CHAIR_SLOT, SECRETARY_SLOT, MeetingState, SignoffRound
    from workflows.meeting_schedule import parse_time
    from workflows.policy import MeetingPolicy
    from workflows.signoff import file_decision

T = TypeVar("T")
DB_TIMEOUT = timedelta(seconds=30)
DB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30), maximum_attempts=8)
SEND_TIMEOUT = timedelta(minutes=5)
SEND_RETRY = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=5), maximum_attempts=12)
STEP_RETRY_DELAY = timedelta(minutes=10)


class MeetingSteps:
    inp: MeetingInput
    s: MeetingState
    info: MeetingInfo | None
    policy: MeetingPolicy
    _lock: asyncio.Lock
    _retry_at: datetime | None

    async def _db(self, fn: Callable[[Any, Any], T], arg: Any) -> T:
        return await workflow.execute_activity_method(fn, arg, start_to_close_timeout=DB_TIMEOUT, retry_policy=DB_RETRY)

    async def _send(self, fn: Callable[[Any, Any], Awaitable[T]], arg: Any) -> T:
        return await workflow.execute_activity_method(fn, arg, start_to_close_timeout=SEND_TIMEOUT, retry_policy=SEND_RETRY)

    @property
    def _mid(self) -> int:
        return self.inp.meeting_id

    async def _run_step(self, step: str) -> None:
        async with self._lock:  # never interleave with a reschedule or cancellation in progress
            if self.s.cancelled:
                return
            try:
                await getattr(self, f"_step_{step}")()
                self._retry_at = None
            except ActivityError as err:
                workflow.logger.warning("meeting %s: step %s failed, retrying later: %s", self._mid, step, err)
                self._retry_at = workflow.now() + STEP_RETRY_DELAY

    def _info(self) -> MeetingInfo:
        assert self.info is not None
        return self.info

    async def _notice(self, kind: str, version: int = 0) -> None:
        await self._send(MeetingActivities.send_notice, Notice(self._mid, kind, version))

    async def _step_file_decision(self) -> None:
        await file_decision(self._send, self._mid, self.s.pending_decisions)

    async def _step_agenda_request(self) -> None:
        if not self.s.agenda_version:  # a secretary who already drafted needs no request
            await self._notice("agenda-request")
        self.s.agenda_request_sent = True

    async def _step_agenda_round(self) -> None:
        info = self._info()
        slots = ([CHAIR_SLOT] if info.chair_id else []) + ([SECRETARY_SLOT] if info.secretary_id else [])
        self.s.agenda_round = await self._open_round("agenda-signoff", self.s.agenda_version, slots)

    async def _step_minutes_round(self) -> None:
        self.s.minutes_round = await self._open_round("minutes-signoff", self.s.minutes_version, [CHAIR_SLOT])

    async def _open_round(self, purpose: str, version: int, slots: list[str]) -> SignoffRound:
        r = SignoffRound(purpose, version, workflow.now().isoformat(), slots)
        people = [self._person(slot) for slot in slots]
        await self._send(MeetingActivities.send_signoff_requests,
                         SignoffRequest(self._mid, purpose, version, [p for p in people if p]))
        return r

    def _person(self, slot: str) -> int | None:
        return self._info().chair_id if slot == CHAIR_SLOT else self._info().secretary_id

    def _unsigned(self, r: SignoffRound) -> list[int]:
        people = [self._person(slot) for slot in r.slots if slot not in r.signed_by]
        if r.deputy_invited and CHAIR_SLOT not in r.signed_by:
            people.append(self._info().deputy_id)
        return [p for p in people if p]

    async def _remind(self, r: SignoffRound) -> None:
        await self._send(MeetingActivities.send_signoff_requests,
                         SignoffRequest(self._mid, r.purpose, r.version, self._unsigned(r), reminder=True))
        r.reminder_sent = True

    async def _invite_deputy(self, r: SignoffRound) -> None:
        deputy = self._info().deputy_id
        assert deputy is not None
        await self._send(MeetingActivities.send_signoff_requests,
                         SignoffRequest(self._mid, r.purpose, r.version, [deputy], in_place_of_chair=True))
        r.deputy_invited = True

    async def _step_agenda_reminder(self) -> None:
        await self._remind(self.s.agenda_round)

    async def _step_minutes_reminder(self) -> None:
        await self._remind(self.s.minutes_round)

    async def _step_agenda_deputy(self) -> None:
        await self._invite_deputy(self.s.agenda_round)

    async def _step_minutes_deputy(self) -> None:
        await self._invite_deputy(self.s.minutes_round)

    async def _step_convocation(self) -> None:
        r = self.s.agenda_round
        await self._send(MeetingActivities.send_convocation, ConvocationRequest(self._mid, r.version))
        self.s.convened_version = r.version
        notice_moment = parse_time(self.s.starts_at_iso) - self.policy.convocation_before
        if r.completed_at_iso and parse_time(r.completed_at_iso) > notice_moment:
            self.s.notice_missed = True
            await self._notice("notice-missed")

    async def _step_amended_agenda(self) -> None:
        r = self.s.agenda_round
        await self._send(MeetingActivities.send_convocation, ConvocationRequest(self._mid, r.version, amended=True))
        self.s.convened_version = r.version

    async def _step_overview(self) -> None:
        await self._notice("attendance-overview", self.s.ical_sequence)
        self.s.overview_sent = True

    async def _step_reminder(self) -> None:
        await self._notice("attendance-reminder", self.s.ical_sequence)
        self.s.reminder_sent = True

    async def _step_held(self) -> None:
        await self._db(MeetingActivities.set_meeting_status, StatusChange(self._mid, "held"))
        self.s.held = True

    async def _step_minutes_request(self) -> None:
        if not self.s.minutes_version:
            await self._notice("minutes-request")
        self.s.minutes_request_sent = True

    async def _step_minutes_release(self) -> None:
        await self._notice("minutes", self.s.minutes_round.version)
        self.s.closed = True

    async def _load(self) -> MeetingInfo:
        return await self._db(MeetingActivities.load_meeting, MeetingRef(self._mid))
