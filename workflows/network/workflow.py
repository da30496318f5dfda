"""A network meeting (netwerkbijeenkomst), workflow id meeting-<id>: the lighter flow of a public meeting.
Announcement with an invitation (batched), open registration with a capacity and a waiting list (a
cancellation moves the first waiting person up and tells them), a reminder to the registered, no sign-off.

Sign-ups go through this workflow's updates one at a time (a lock), so the last place is never given twice."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.network.activities import NetworkActivities
    from models.messages.meeting_activity import MeetingRef
    from models.messages.meeting import CancelMeeting, ChangeResult, StatusQuery
    from models.messages.network import (NetworkBatch, NetworkCancelRecord, NetworkCancelSignup, NetworkInput, NetworkResult,
                                         NetworkSignupInput, NetworkSignupRecord, NetworkSignupResult, NetworkState,
                                         NetworkStatusView, SignupMail)
    from raadsbode.domain.alv_policy import NetworkPolicy
    from workflows.network.checks import check_signup
    from workflows.meeting.schedule import earliest_after, first_due, parse_time
    from workflows.common.activity_calls import ActivityCalls
    from workflows.common.step_loop import StepLoop, StepTable


# Sign-ups and cancellations wake the run loop for continue-as-new (StepLoop.wake_for_new_run).
WAKE_FOR_NEW_RUN_PATCH = "network-signups-wake-for-continue-as-new"


class NetworkStep(StrEnum):
    """The network meeting's steps: the keys of its step table (NetworkMeetingWorkflow._step_table)."""

    ANNOUNCE = "announce"
    REMINDER = "reminder"
    HELD = "held"


@workflow.defn
class NetworkMeetingWorkflow:
    @workflow.init
    def __init__(self, inp: NetworkInput) -> None:
        # A continued run checks sign-ups against the last run's facts until it has loaded its own (MeetingWorkflow).
        self.inp, self.s, self.info = inp, inp.state or NetworkState(), inp.info
        self.policy = NetworkPolicy.from_layers(inp.info.policy, inp.policy, strict_last=False) if inp.info else NetworkPolicy()
        self.capacity = inp.info.capacity if inp.info else None
        self.calls = ActivityCalls(inp.meeting_id)
        self.loop = StepLoop(self, self.s, self.calls, log_name="network meeting", noun="bijeenkomst")

    @workflow.run
    async def run(self, inp: NetworkInput) -> NetworkResult:
        info = await self.calls.db(NetworkActivities.load_network, MeetingRef(inp.meeting_id))
        self.info, self.policy = info, NetworkPolicy.from_layers(info.policy, inp.policy, strict_last=False)
        self.capacity, self.s.starts_at_iso = info.capacity, self.s.starts_at_iso or info.starts_at_iso
        self.s.registered, self.s.waiting = info.registered, info.waiting
        await self.loop.run_until_done(self._step_table())
        return NetworkResult(inp.meeting_id, self._phase(), self.s.registered)

    # --- what the step loop asks (workflows/common/step_loop.py, Flow) -----------------------------------

    def finished(self) -> bool:
        return self.s.cancelled or self.s.held

    def _timeline(self) -> list[tuple[datetime, str]]:
        starts, p, s = parse_time(self.s.starts_at_iso), self.policy, self.s
        steps: list[tuple[datetime, str]] = [] if s.announced else [(starts - p.announce_before, NetworkStep.ANNOUNCE)]
        if s.announced and not s.reminder_sent:
            steps.append((starts - p.reminder_before, NetworkStep.REMINDER))
        return steps + [(starts, NetworkStep.HELD)]

    def due_step(self, now: datetime) -> str | None:
        return first_due(self._timeline(), now)

    def next_moment(self, now: datetime) -> tuple[datetime, str] | None:
        return earliest_after(self._timeline(), now)

    def continued_input(self) -> NetworkInput:  # many sign-ups: a fresh history, same state
        i = self.inp
        return NetworkInput(i.meeting_id, i.association_slug, i.policy, i.batch_size, self.s, self.info)

    async def send_move(self, sequence: int, reason: str) -> None:
        raise NotImplementedError("a network meeting is not moved: it is cancelled and planned again")

    async def send_cancellation(self, sequence: int, reason: str) -> int:
        sent = await self._batched("cancel", sequence) if self.s.announced else 0
        await self._batched("meeting-cancelled")  # and to everyone who signed up
        return sent

    # --- the scheduled steps -----------------------------------------------------------------------

    def _step_table(self) -> StepTable:
        return {NetworkStep.ANNOUNCE: self._announce, NetworkStep.REMINDER: self._reminder,
                NetworkStep.HELD: self.loop.held}

    async def _batched(self, kind: str, version: int = 0) -> int:
        after, sent = 0, 0
        while True:
            r = await self.calls.send(NetworkActivities.send_network_batch,
                                      NetworkBatch(self.inp.meeting_id, kind, version, after, self.inp.batch_size))
            sent, after = sent + r.sent, r.last_id
            if r.done:
                return sent

    async def _announce(self) -> None:
        await self._batched("announcement")
        self.s.announced = True

    async def _reminder(self) -> None:
        await self._batched("reminder")
        self.s.reminder_sent = True

    # --- registration ------------------------------------------------------------------------------

    @workflow.update
    async def register(self, inp: NetworkSignupInput) -> NetworkSignupResult:
        async with self.loop.lock:
            result = await self.calls.db(NetworkActivities.record_signup, NetworkSignupRecord(self.inp.meeting_id, inp))
            self._count(result)
            if result.changed:
                await self.calls.send(NetworkActivities.send_signup_mail,
                                      SignupMail(self.inp.meeting_id, result.signup_id, result.status))
            self.loop.wake_for_new_run(WAKE_FOR_NEW_RUN_PATCH)
            return result

    @register.validator
    def _validate_register(self, inp: NetworkSignupInput) -> None:
        check_signup(inp)
        self._require_open(workflow.now())

    @workflow.update
    async def cancel_signup(self, inp: NetworkCancelSignup) -> NetworkSignupResult:
        async with self.loop.lock:
            result = await self.calls.db(NetworkActivities.cancel_signup,
                                         NetworkCancelRecord(self.inp.meeting_id, inp.signup_id))
            self._count(result)
            if result.promoted_id:
                await self.calls.send(NetworkActivities.send_signup_mail,
                                      SignupMail(self.inp.meeting_id, result.promoted_id, "promoted"))
            self.loop.wake_for_new_run(WAKE_FOR_NEW_RUN_PATCH)
            return result

    @cancel_signup.validator
    def _validate_cancel_signup(self, inp: NetworkCancelSignup) -> None:
        if self.s.cancelled or not self.s.starts_at_iso or workflow.now() >= parse_time(self.s.starts_at_iso):
            raise ValueError("Afmelden kan niet meer: de bijeenkomst is begonnen of geannuleerd.")

    def _require_open(self, now: datetime) -> None:
        if self.s.cancelled:
            raise ValueError("Deze bijeenkomst is geannuleerd.")
        if not self.s.announced:
            raise ValueError("Aanmelden voor deze bijeenkomst kan nog niet.")
        if now >= parse_time(self.s.starts_at_iso) - self.policy.registration_closes_before:
            raise ValueError("De aanmelding voor deze bijeenkomst is gesloten.")

    def _count(self, result: NetworkSignupResult) -> None:
        self.s.registered, self.s.waiting = result.registered, result.waiting

    # --- cancellation and status -------------------------------------------------------------------

    @workflow.update
    async def cancel(self, inp: CancelMeeting) -> ChangeResult:
        return await self.loop.cancel(inp)

    @cancel.validator
    def _validate_cancel(self, inp: CancelMeeting) -> None:
        if self.s.starts_at_iso and workflow.now() >= parse_time(self.s.starts_at_iso):
            raise ValueError("De bijeenkomst is al begonnen.")

    @workflow.query
    def status(self, _: StatusQuery) -> NetworkStatusView:
        upcoming = [at for at, _ in self._timeline()] if self.s.starts_at_iso else []
        return NetworkStatusView(self.inp.meeting_id, self._phase(), self.capacity, self.s.registered, self.s.waiting,
                                 min(upcoming).isoformat() if upcoming else None)

    def _phase(self) -> str:
        s = self.s
        return "cancelled" if s.cancelled else "held" if s.held else "open" if s.announced else "planned"
