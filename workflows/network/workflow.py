"""A network meeting (netwerkbijeenkomst), workflow id meeting-<id>: the lighter flow of a public meeting.
Announcement with an invitation (batched), open registration with a capacity and a waiting list (a
cancellation moves the first waiting person up and tells them), a reminder to the registered, no sign-off.

Sign-ups go through this workflow's updates one at a time (a lock), so the last place is never given twice."""
from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.network.activities import NetworkActivities
    from models.messages.meeting_activity import MeetingRef
    from models.messages.meeting import StatusQuery
    from models.messages.network import (NetworkBatch, NetworkCancelRecord, NetworkCancelSignup, NetworkInput, NetworkResult,
                                         NetworkSignupInput, NetworkSignupRecord, NetworkSignupResult, NetworkState,
                                         NetworkStatusView, SignupMail)
    from raadsbode.domain.alv_policy import NetworkPolicy
    from workflows.network.checks import check_signup
    from workflows.meeting.schedule import earliest_after, first_due, parse_time
    from workflows.common.step_loop import StepLoop


# Sign-ups and cancellations wake the run loop for continue-as-new (StepLoop._wake_for_new_run).
WAKE_FOR_NEW_RUN_PATCH = "network-signups-wake-for-continue-as-new"


@workflow.defn
class NetworkMeetingWorkflow(StepLoop):
    inp: NetworkInput
    s: NetworkState
    LOG_NAME = "network meeting"
    NOUN = "bijeenkomst"

    @workflow.init
    def __init__(self, inp: NetworkInput) -> None:
        # A continued run checks sign-ups against the last run's facts until it has loaded its own (MeetingWorkflow).
        self.inp, self.s, self.info = inp, inp.state or NetworkState(), inp.info
        self.policy = NetworkPolicy.from_layers(inp.info.policy, inp.policy, strict_last=False) if inp.info else NetworkPolicy()
        self.capacity = inp.info.capacity if inp.info else None
        self._start_runtime()

    @workflow.run
    async def run(self, inp: NetworkInput) -> NetworkResult:
        info = await self._db(NetworkActivities.load_network, MeetingRef(inp.meeting_id))
        self.info, self.policy = info, NetworkPolicy.from_layers(info.policy, inp.policy, strict_last=False)
        self.capacity, self.s.starts_at_iso = info.capacity, self.s.starts_at_iso or info.starts_at_iso
        self.s.registered, self.s.waiting = info.registered, info.waiting
        await self._run_until_done()
        return NetworkResult(inp.meeting_id, self._phase(), self.s.registered)

    # --- the step loop's timeline (workflows/common/step_loop.py) -----------------------------------------

    def _finished(self) -> bool:
        return self.s.cancelled or self.s.held

    def _timeline(self) -> list[tuple[datetime, str]]:
        starts, p, s = parse_time(self.s.starts_at_iso), self.policy, self.s
        steps = [] if s.announced else [(starts - p.announce_before, "announce")]
        if s.announced and not s.reminder_sent:
            steps.append((starts - p.reminder_before, "reminder"))
        return steps + [(starts, "held")]

    def _due_step(self, now: datetime) -> str | None:
        return first_due(self._timeline(), now)

    def _next_moment(self, now: datetime) -> tuple[datetime, str] | None:
        return earliest_after(self._timeline(), now)

    def _continued_input(self) -> NetworkInput:  # many sign-ups: a fresh history, same state
        i = self.inp
        return NetworkInput(i.meeting_id, i.association_slug, i.policy, i.batch_size, self.s, self.info)

    async def _batched(self, kind: str, version: int = 0) -> int:
        after, sent = 0, 0
        while True:
            r = await self._send(NetworkActivities.send_network_batch,
                                 NetworkBatch(self._mid, kind, version, after, self.inp.batch_size))
            sent, after = sent + r.sent, r.last_id
            if r.done:
                return sent

    async def _step_announce(self) -> None:
        await self._batched("announcement")
        self.s.announced = True

    async def _step_reminder(self) -> None:
        await self._batched("reminder")
        self.s.reminder_sent = True

    # --- registration ------------------------------------------------------------------------------

    @workflow.update
    async def register(self, inp: NetworkSignupInput) -> NetworkSignupResult:
        async with self._lock:
            result = await self._db(NetworkActivities.record_signup, NetworkSignupRecord(self._mid, inp))
            self._count(result)
            if result.changed:
                await self._send(NetworkActivities.send_signup_mail,
                                 SignupMail(self._mid, result.signup_id, result.status))
            self._wake_for_new_run(WAKE_FOR_NEW_RUN_PATCH)
            return result

    @register.validator
    def _validate_register(self, inp: NetworkSignupInput) -> None:
        check_signup(inp)
        self._require_open(workflow.now())

    @workflow.update
    async def cancel_signup(self, inp: NetworkCancelSignup) -> NetworkSignupResult:
        async with self._lock:
            result = await self._db(NetworkActivities.cancel_signup, NetworkCancelRecord(self._mid, inp.signup_id))
            self._count(result)
            if result.promoted_id:
                await self._send(NetworkActivities.send_signup_mail,
                                 SignupMail(self._mid, result.promoted_id, "promoted"))
            self._wake_for_new_run(WAKE_FOR_NEW_RUN_PATCH)
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

    async def _send_cancellation(self, sequence: int, reason: str) -> int:  # the notice step: workflows/common/step_loop.py
        sent = await self._batched("cancel", sequence) if self.s.announced else 0
        await self._batched("meeting-cancelled")  # and to everyone who signed up
        return sent

    def _check_cancel(self) -> None:
        if self.s.starts_at_iso and workflow.now() >= parse_time(self.s.starts_at_iso):
            raise ValueError("De bijeenkomst is al begonnen.")

    @workflow.query
    def status(self, _: StatusQuery) -> NetworkStatusView:
        upcoming = [at for at, _ in self._timeline()] if self.s.starts_at_iso else []
        return NetworkStatusView(self._mid, self._phase(), self.capacity, self.s.registered, self.s.waiting,
                                 min(upcoming).isoformat() if upcoming else None)

    def _phase(self) -> str:
        s = self.s
        return "cancelled" if s.cancelled else "held" if s.held else "open" if s.announced else "planned"
