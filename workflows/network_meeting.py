"""A network meeting (netwerkbijeenkomst), workflow id meeting-<id>: the lighter flow of a public meeting.
Announcement with an invitation (batched), open registration with a capacity and a waiting list (a
cancellation moves the first waiting person up and tells them), a reminder to the registered, no sign-off.

Sign-ups go through this workflow's updates one at a time (a lock), so the last place is never given twice."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.meeting_activities import MeetingActivities
    from activities.network_activities import NetworkActivities
    from models.alv_messages import (NetworkBatch, NetworkCancelRecord, NetworkCancelSignup, NetworkInput, NetworkResult,
                                     NetworkSignupInput, NetworkSignupRecord, NetworkSignupResult, NetworkState,
                                     NetworkStatusView, SignupMail)
    from models.meeting_activity_messages import CancelRequest, MeetingRef, StatusChange
    from models.meeting_messages import CancelMeeting, ChangeResult, StatusQuery
    from raadsbode.alv_policy import NetworkPolicy
    from workflows.activity_calls import ActivityCalls
    from workflows.meeting_schedule import first_due, parse_time


@workflow.defn
class NetworkMeetingWorkflow(ActivityCalls):
    @workflow.init
    def __init__(self, inp: NetworkInput) -> None:
        self.inp, self.s = inp, inp.state or NetworkState()
        self.policy, self.capacity = NetworkPolicy(), None
        self._lock, self._wake = asyncio.Lock(), False

    @workflow.run
    async def run(self, inp: NetworkInput) -> NetworkResult:
        info = await self._db(NetworkActivities.load_network, MeetingRef(inp.meeting_id))
        self.policy = NetworkPolicy.from_layers(info.policy, inp.policy, strict_last=False)
        self.capacity, self.s.starts_at_iso = info.capacity, self.s.starts_at_iso or info.starts_at_iso
        self.s.registered, self.s.waiting = info.registered, info.waiting
        while not (self.s.cancelled or self.s.held):
            step = self._due(workflow.now())
            if step:
                async with self._lock:
                    if not self.s.cancelled:
                        await getattr(self, f"_step_{step}")()
                continue
            if workflow.info().is_continue_as_new_suggested():  # many sign-ups: a fresh history, same state
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(NetworkInput(inp.meeting_id, inp.association_slug, inp.policy, inp.batch_size, self.s))
            await self._sleep(workflow.now())
        await workflow.wait_condition(workflow.all_handlers_finished)
        return NetworkResult(inp.meeting_id, self._phase(), self.s.registered)

    # --- timeline ----------------------------------------------------------------------------------

    def _timeline(self) -> list[tuple[datetime, str]]:
        starts, p, s = parse_time(self.s.starts_at_iso), self.policy, self.s
        steps = [] if s.announced else [(starts - p.announce_before, "announce")]
        if s.announced and not s.reminder_sent:
            steps.append((starts - p.reminder_before, "reminder"))
        return steps + [(starts, "held")]

    def _due(self, now: datetime) -> str | None:
        return first_due(self._timeline(), now)

    async def _sleep(self, now: datetime) -> None:
        upcoming = min(at for at, _ in self._timeline())
        self._wake = False
        try:
            await workflow.wait_condition(lambda: self._wake, timeout=max(upcoming - now, timedelta(seconds=1)))
        except asyncio.TimeoutError:
            pass

    async def _batched(self, kind: str, version: int = 0) -> int:
        after, sent = 0, 0
        while True:
            r = await self._send(NetworkActivities.send_network_batch,
                                 NetworkBatch(self.inp.meeting_id, kind, version, after, self.inp.batch_size))
            sent, after = sent + r.sent, r.last_id
            if r.done:
                return sent

    async def _step_announce(self) -> None:
        await self._batched("announcement")
        self.s.announced = True

    async def _step_reminder(self) -> None:
        await self._batched("reminder")
        self.s.reminder_sent = True

    async def _step_held(self) -> None:
        await self._db(MeetingActivities.set_meeting_status, StatusChange(self.inp.meeting_id, "held"))
        self.s.held = True

    # --- registration ------------------------------------------------------------------------------

    @workflow.update
    async def register(self, inp: NetworkSignupInput) -> NetworkSignupResult:
        async with self._lock:
            result = await self._db(NetworkActivities.record_signup, NetworkSignupRecord(self.inp.meeting_id, inp))
            self._count(result)
            if result.changed:
                await self._send(NetworkActivities.send_signup_mail,
                                 SignupMail(self.inp.meeting_id, result.signup_id, result.status))
            return result

    @register.validator
    def _validate_register(self, inp: NetworkSignupInput) -> None:
        if not inp.name.strip() or "@" not in inp.email:
            raise ValueError("Vul uw naam en e-mailadres in.")
        self._require_open(workflow.now())

    @workflow.update
    async def cancel_signup(self, inp: NetworkCancelSignup) -> NetworkSignupResult:
        async with self._lock:
            result = await self._db(NetworkActivities.cancel_signup, NetworkCancelRecord(self.inp.meeting_id, inp.signup_id))
            self._count(result)
            if result.promoted_id:
                await self._send(NetworkActivities.send_signup_mail,
                                 SignupMail(self.inp.meeting_id, result.promoted_id, "promoted"))
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
        async with self._lock:
            if self.s.cancelled:
                return ChangeResult(False, "Deze bijeenkomst was al geannuleerd.")
            out = await self._db(MeetingActivities.cancel_meeting, CancelRequest(self.inp.meeting_id, inp))
            self.s.cancelled, self._wake = True, True
            sent = await self._batched("cancel", out.ical_sequence) if self.s.announced else 0
            await self._batched("meeting-cancelled")
            return ChangeResult(True, f"De bijeenkomst is geannuleerd; {sent} genodigden kregen een annulering.")

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
