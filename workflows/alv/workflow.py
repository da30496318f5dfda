"""The ALV workflow (id meeting-<id>, one per general meeting): save the date, motions, agenda sign-off,
convocation, registration, reminder, attendance list, decision list.

Its updates carry the board workflow's names and types where they mean the same (submit_agenda, decide,
rsvp, submit_minutes, cancel), so the existing link pages and the inbox work on an ALV unchanged.
"""
from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.alv.activities import AlvActivities
    from models.messages.alv import (AlvInput, AlvRegistration, AlvRegistrationRecord, AlvRegistrationResult, AlvResult,
                                     AlvState, AlvStatusView, StoreDecisions, SubmitDecisions)
    from models.messages.meeting_activity import MeetingRef, RescheduleOutcome
    from models.messages.meeting import RsvpInput, RsvpResult, StatusQuery, SubmitAgendaResult, SubmitMinutes
    from models.messages.meeting_state import SignoffRound
    from raadsbode.services.alv.decisions import entries_from_lines
    from raadsbode.domain.alv_policy import AlvPolicy
    from workflows.alv import checks as alv_checks
    from workflows.alv import schedule
    from workflows.meeting import checks
    from workflows.alv.steps import AlvSteps
    from workflows.common.step_loop import REGISTRATION_WAKE_PATCH


@workflow.defn
class AlvWorkflow(AlvSteps):
    @workflow.init
    def __init__(self, inp: AlvInput) -> None:
        # A continued run answers updates with the last run's facts until it has loaded its own (see MeetingWorkflow).
        self.inp, self.s, self.alv = inp, inp.state or AlvState(), inp.alv
        self.policy = AlvPolicy.from_layers(inp.alv.policy, inp.policy, strict_last=False) if inp.alv else AlvPolicy()
        self._start_runtime()

    @workflow.run
    async def run(self, inp: AlvInput) -> AlvResult:
        alv = await self._db(AlvActivities.load_alv, MeetingRef(inp.meeting_id))
        self.policy = AlvPolicy.from_layers(alv.policy, inp.policy, strict_last=False)
        if not self.s.starts_at_iso:
            self.s.starts_at_iso, self.s.ends_at_iso = alv.meeting.starts_at_iso, alv.meeting.ends_at_iso
        self.alv = alv
        await self._run_until_done()
        return AlvResult(inp.meeting_id, schedule.phase(self.s))

    def _due_step(self, now: datetime) -> str | None:
        return schedule.due_step(self.s, self.policy, now)

    def _next_moment(self, now: datetime) -> tuple[datetime, str] | None:
        return schedule.next_moment(self.s, self.policy, now)

    def _continued_input(self) -> AlvInput:
        i = self.inp
        return AlvInput(i.meeting_id, i.association_slug, i.policy, i.batch_size, self.s, self.alv)

    # --- decision list and its sign-off (submit_agenda and decide: workflows/common/meeting_base.py) ---

    @workflow.update
    async def submit_decisions(self, inp: SubmitDecisions) -> SubmitAgendaResult:
        return await self._store_draft(AlvActivities.store_decisions, StoreDecisions(self._mid, inp), "decisions_version")

    @submit_decisions.validator
    def _validate_decisions(self, inp: SubmitDecisions) -> None:
        alv_checks.check_decisions(checks.require_ready(self.info, self.s), self.s, workflow.now(), inp)

    @workflow.update
    async def submit_minutes(self, inp: SubmitMinutes) -> SubmitAgendaResult:
        """The minutes-draft link page's form: one decision per line."""
        entries, _ = entries_from_lines(inp.decisions)
        # temporalio types an update method as unbound; called on self it is the handler's body
        return await self.submit_decisions(SubmitDecisions(inp.submitted_by_person_id, entries, inp.minutes_text))  # type: ignore[call-arg, arg-type, misc, no-any-return]

    @submit_minutes.validator
    def _validate_minutes(self, inp: SubmitMinutes) -> None:
        entries, errors = entries_from_lines(inp.decisions)
        if errors:
            raise ValueError(" ".join(errors))
        self._validate_decisions(SubmitDecisions(inp.submitted_by_person_id, entries, inp.minutes_text))

    def _round(self, purpose: str) -> SignoffRound:
        if purpose == "agenda-signoff":
            return self.s.agenda_round
        if purpose == "minutes-signoff":
            return self.s.decisions_round
        raise ValueError("Onbekend soort ondertekening.")

    # --- registration --------------------------------------------------------------------------

    @workflow.update
    async def register(self, reg: AlvRegistration) -> AlvRegistrationResult:
        result = await self._db(AlvActivities.record_registration, AlvRegistrationRecord(self._mid, reg))
        if result.recorded:
            self.s.rsvp[str(reg.person_id)] = reg.response
        self._wake_for_new_run(REGISTRATION_WAKE_PATCH)  # the rsvp update comes through here too
        return result

    @register.validator
    def _validate_register(self, reg: AlvRegistration) -> None:
        alv_checks.check_registration(checks.require_ready(self.info, self.s), self.s, self.policy, workflow.now(), reg)

    @workflow.update
    async def rsvp(self, inp: RsvpInput) -> RsvpResult:
        """The board's registration update (link page, calendar replies): attending / not attending."""
        # temporalio types an update method as unbound; called on self it is the handler's body
        result = await self.register(AlvRegistration(inp.person_id, inp.response, None, inp.token_id, inp.source))  # type: ignore[call-arg, arg-type, misc]
        return RsvpResult(recorded=result.recorded, response=result.response)

    @rsvp.validator
    def _validate_rsvp(self, inp: RsvpInput) -> None:
        self._validate_register(AlvRegistration(inp.person_id, inp.response, None, inp.token_id, inp.source))

    # --- cancellation and status -------------------------------------------------------------

    def _moved(self, out: RescheduleOutcome) -> None:  # the reschedule update: meeting_base.py
        self.s.reminder_sent = self.s.attendance_list_sent = False  # due again relative to the new time

    async def _send_move(self, sequence: int, reason: str) -> None:  # the notice step: workflows/common/step_loop.py
        if self.s.save_the_date_sent:  # everyone invited has it in their calendar: same UID, new SEQUENCE
            await self._batched("moved", sequence)

    async def _send_cancellation(self, sequence: int, reason: str) -> int:  # the notice step: workflows/common/step_loop.py
        return await self._batched("cancel", sequence) if self.s.save_the_date_sent else 0

    @workflow.query
    def status(self, _: StatusQuery) -> AlvStatusView:
        now, s = workflow.now(), self.s
        ready = self.alv is not None and bool(s.starts_at_iso)
        upcoming = schedule.next_moment(s, self.policy, now) if ready else None
        due = schedule.due_step(s, self.policy, now) if ready else None
        step = schedule.STEP_LABELS.get(due or (upcoming[1] if upcoming else ""), "Wacht op de secretaris")
        answers = list(s.rsvp.values())
        counts = {k: answers.count(k) for k in ("attending", "not_attending", "represented")}
        counts["none"] = max(0, (self.alv.audience_size if self.alv else 0) - sum(counts.values()))
        deadline = now if due else (upcoming[0] if upcoming else None)  # a due step is about to run: now
        return AlvStatusView(self._mid, schedule.phase(s), s.agenda_version, s.decisions_version,
                             deadline.isoformat() if deadline else None, step, counts)
