"""The ALV workflow (id meeting-<id>, one per general meeting): save the date, motions, agenda sign-off,
convocation, registration, reminder, attendance list, decision list.

Its updates carry the board workflow's names and types where they mean the same (submit_agenda, decide,
rsvp, submit_minutes, reschedule, cancel), so the existing link pages and the inbox work on an ALV unchanged.
Like the board's, it holds the step loop and the sign-off rounds (workflows/common/); sign-off reuses the
board's activities (sign-off requests, decisions), audience-wide emails go in batches through AlvActivities.
"""
from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.alv.activities import AlvActivities
    from activities.meeting.activities import MeetingActivities
    from models.messages.alv import (AlvBatch, AlvInput, AlvNotice, AlvRegistration, AlvRegistrationRecord,
                                     AlvRegistrationResult, AlvResult, AlvState, AlvStatusView, Publish, StoreDecisions,
                                     SubmitDecisions)
    from models.messages.meeting_activity import MeetingRef, RescheduleOutcome, StoreAgenda
    from models.messages.meeting_info import MeetingInfo
    from models.messages.meeting import (CancelMeeting, ChangeResult, Reschedule, RsvpInput, RsvpResult,
                                         SignoffDecision, SignoffDecisionResult, StatusQuery, SubmitAgenda,
                                         SubmitAgendaResult, SubmitMinutes)
    from models.messages.meeting_state import SignoffRound
    from raadsbode.domain.decisions import entries_from_lines
    from raadsbode.domain.alv_policy import AlvPolicy
    from workflows.alv import checks as alv_checks
    from workflows.alv import schedule
    from workflows.alv.schedule import AlvStep
    from workflows.common.activity_calls import ActivityCalls
    from workflows.common.signoff import SignoffRounds
    from workflows.common.step_loop import REGISTRATION_WAKE_PATCH, StepLoop, StepTable
    from workflows.meeting import checks


@workflow.defn
class AlvWorkflow:
    @workflow.init
    def __init__(self, inp: AlvInput) -> None:
        # A continued run answers updates with the last run's facts until it has loaded its own (see MeetingWorkflow).
        self.inp, self.s, self.alv = inp, inp.state or AlvState(), inp.alv
        self.policy = AlvPolicy.from_layers(inp.alv.policy, inp.policy, strict_last=False) if inp.alv else AlvPolicy()
        self.calls = ActivityCalls(inp.meeting_id)
        self.loop = StepLoop(self, self.s, self.calls, log_name="ALV", noun="vergadering")
        self.rounds = SignoffRounds(self.calls, self.loop, self.s, lambda: self.info)

    @workflow.run
    async def run(self, inp: AlvInput) -> AlvResult:
        alv = await self.calls.db(AlvActivities.load_alv, MeetingRef(inp.meeting_id))
        self.policy = AlvPolicy.from_layers(alv.policy, inp.policy, strict_last=False)
        if not self.s.starts_at_iso:
            self.s.starts_at_iso, self.s.ends_at_iso = alv.meeting.starts_at_iso, alv.meeting.ends_at_iso
        self.alv = alv
        await self.loop.run_until_done(self._step_table())
        return AlvResult(inp.meeting_id, schedule.phase(self.s))

    @property
    def info(self) -> MeetingInfo | None:
        return self.alv.meeting if self.alv else None

    # --- what the step loop asks (workflows/common/step_loop.py, Flow) ----------------------------

    def due_step(self, now: datetime) -> str | None:
        return schedule.due_step(self.s, self.policy, now)

    def next_moment(self, now: datetime) -> tuple[datetime, str] | None:
        return schedule.next_moment(self.s, self.policy, now)

    def finished(self) -> bool:
        return (self.s.cancelled or self.s.closed) and not self.rounds.unfiled()

    def continued_input(self) -> AlvInput:
        i = self.inp
        return AlvInput(i.meeting_id, i.association_slug, i.policy, i.batch_size, self.s, self.alv)

    async def send_move(self, sequence: int, reason: str) -> None:
        if self.s.save_the_date_sent:  # everyone invited has it in their calendar: same UID, new SEQUENCE
            await self._batched("moved", sequence)

    async def send_cancellation(self, sequence: int, reason: str) -> int:
        return await self._batched("cancel", sequence) if self.s.save_the_date_sent else 0

    # --- the scheduled steps, in the order of the meeting ------------------------------------------

    def _step_table(self) -> StepTable:
        s, rounds = self.s, self.rounds
        return {
            AlvStep.FILE_DECISION: rounds.file_next,
            AlvStep.SAVE_THE_DATE: self._save_the_date,
            AlvStep.MOTIONS_CLOSED: self._motions_closed,
            AlvStep.AGENDA_ROUND: self._agenda_round,
            AlvStep.AGENDA_REMINDER: lambda: rounds.remind(s.agenda_round),
            AlvStep.CONVOCATION: self._convocation,
            AlvStep.REMINDER: self._reminder,
            AlvStep.ATTENDANCE_LIST: self._attendance_list,
            AlvStep.HELD: self.loop.held,
            AlvStep.DECISIONS_REQUEST: self._decisions_request,
            AlvStep.DECISIONS_ROUND: self._decisions_round,
            AlvStep.DECISIONS_REMINDER: lambda: rounds.remind(s.decisions_round),
            AlvStep.DECISIONS_RELEASE: self._decisions_release,
        }

    async def _batched(self, kind: str, version: int) -> int:
        """Send an audience-wide email in batches: a few activities, whatever the audience's size."""
        after, sent = 0, 0
        while True:
            result = await self.calls.send(AlvActivities.send_alv_batch,
                                           AlvBatch(self.inp.meeting_id, kind, version, after, self.inp.batch_size))
            sent, after = sent + result.sent, result.last_person_id
            if result.done:
                return sent

    async def _notice(self, kind: str, version: int = 0) -> None:
        await self.calls.send(AlvActivities.send_alv_notice, AlvNotice(self.inp.meeting_id, kind, version))

    async def _save_the_date(self) -> None:
        await self._batched("save-the-date", 0)
        self.s.save_the_date_sent = True

    async def _motions_closed(self) -> None:
        await self._notice("motions-closed")
        self.s.motions_closed = True

    async def _agenda_round(self) -> None:
        self.s.agenda_round = await self.rounds.open("agenda-signoff", self.s.agenda_version,
                                                     self.rounds.officer_slots())

    async def _convocation(self) -> None:
        version = self.s.agenda_round.version
        await self.calls.db(AlvActivities.publish_alv, Publish(self.inp.meeting_id, "agenda", version))
        await self._batched("convocation", version)
        self.s.convened_version = version

    async def _reminder(self) -> None:
        await self._batched("reminder", 0)
        self.s.reminder_sent = True

    async def _attendance_list(self) -> None:
        await self._notice("attendance-list")
        self.s.attendance_list_sent = True

    async def _decisions_request(self) -> None:
        if not self.s.decisions_version:
            await self._notice("decisions-request")
        self.s.decisions_request_sent = True

    async def _decisions_round(self) -> None:
        self.s.decisions_round = await self.rounds.open("minutes-signoff", self.s.decisions_version,
                                                        self.rounds.officer_slots())

    async def _decisions_release(self) -> None:
        version = self.s.decisions_round.version
        await self.calls.db(AlvActivities.publish_alv, Publish(self.inp.meeting_id, "decisions", version))
        await self._batched("decisions", version)
        self.s.closed = True

    # --- agenda, decision list and their sign-off ------------------------------------------------------

    @workflow.update
    async def submit_agenda(self, inp: SubmitAgenda) -> SubmitAgendaResult:
        return await self.rounds.store_draft(MeetingActivities.store_agenda, StoreAgenda(self.inp.meeting_id, inp),
                                             self._agenda_stored)

    @submit_agenda.validator
    def _validate_agenda(self, inp: SubmitAgenda) -> None:
        checks.check_agenda(checks.require_ready(self.info, self.s), self.s, workflow.now(), inp)

    def _agenda_stored(self, version: int) -> None:
        self.s.agenda_version = max(self.s.agenda_version, version)

    @workflow.update
    async def submit_decisions(self, inp: SubmitDecisions) -> SubmitAgendaResult:
        return await self._submit_decisions(inp)

    async def _submit_decisions(self, inp: SubmitDecisions) -> SubmitAgendaResult:
        return await self.rounds.store_draft(AlvActivities.store_decisions, StoreDecisions(self.inp.meeting_id, inp),
                                             self._decisions_stored)

    @submit_decisions.validator
    def _validate_decisions(self, inp: SubmitDecisions) -> None:
        alv_checks.check_decisions(checks.require_ready(self.info, self.s), self.s, workflow.now(), inp)

    def _decisions_stored(self, version: int) -> None:
        self.s.decisions_version = max(self.s.decisions_version, version)

    @workflow.update
    async def submit_minutes(self, inp: SubmitMinutes) -> SubmitAgendaResult:
        """The minutes-draft link page's form: one decision per line."""
        entries, _ = entries_from_lines(inp.decisions)
        return await self._submit_decisions(SubmitDecisions(inp.submitted_by_person_id, entries, inp.minutes_text))

    @submit_minutes.validator
    def _validate_minutes(self, inp: SubmitMinutes) -> None:
        entries, errors = entries_from_lines(inp.decisions)
        if errors:
            raise ValueError(" ".join(errors))
        self._validate_decisions(SubmitDecisions(inp.submitted_by_person_id, entries, inp.minutes_text))

    @workflow.update
    async def decide(self, d: SignoffDecision) -> SignoffDecisionResult:
        return self.rounds.decide(self._round(d.purpose), d)

    @decide.validator
    def _validate_decide(self, d: SignoffDecision) -> None:
        info = checks.require_ready(self.info, self.s)
        checks.check_decision(info, self.s, workflow.now(), d, self._round(d.purpose))

    def _round(self, purpose: str) -> SignoffRound:
        if purpose == "agenda-signoff":
            return self.s.agenda_round
        if purpose == "minutes-signoff":
            return self.s.decisions_round
        raise ValueError("Onbekend soort ondertekening.")

    # --- registration --------------------------------------------------------------------------

    @workflow.update
    async def register(self, reg: AlvRegistration) -> AlvRegistrationResult:
        return await self._register(reg)

    async def _register(self, reg: AlvRegistration) -> AlvRegistrationResult:
        result = await self.calls.db(AlvActivities.record_registration, AlvRegistrationRecord(self.inp.meeting_id, reg))
        if result.recorded:
            self.s.rsvp[str(reg.person_id)] = reg.response
        self.loop.wake_for_new_run(REGISTRATION_WAKE_PATCH)  # the rsvp update comes through here too
        return result

    @register.validator
    def _validate_register(self, reg: AlvRegistration) -> None:
        alv_checks.check_registration(checks.require_ready(self.info, self.s), self.s, self.policy, workflow.now(), reg)

    @workflow.update
    async def rsvp(self, inp: RsvpInput) -> RsvpResult:
        """The board's registration update (link page, calendar replies): attending / not attending."""
        result = await self._register(AlvRegistration(inp.person_id, inp.response, None, inp.token_id, inp.source))
        return RsvpResult(recorded=result.recorded, response=result.response)

    @rsvp.validator
    def _validate_rsvp(self, inp: RsvpInput) -> None:
        self._validate_register(AlvRegistration(inp.person_id, inp.response, None, inp.token_id, inp.source))

    # --- changes and status --------------------------------------------------------------------

    @workflow.update
    async def reschedule(self, inp: Reschedule) -> ChangeResult:
        return await self.loop.reschedule(inp, self._moved)

    @reschedule.validator
    def _validate_reschedule(self, inp: Reschedule) -> None:
        checks.require_ready(self.info, self.s)
        checks.check_reschedule(self.s, workflow.now(), inp)

    def _moved(self, out: RescheduleOutcome) -> None:
        self.s.starts_at_iso, self.s.ends_at_iso = out.starts_at_iso, out.ends_at_iso
        self.s.reminder_sent = self.s.attendance_list_sent = False  # due again relative to the new time

    @workflow.update
    async def cancel(self, inp: CancelMeeting) -> ChangeResult:
        return await self.loop.cancel(inp, before=self.rounds.file_before_cancel)

    @cancel.validator
    def _validate_cancel(self, inp: CancelMeeting) -> None:
        checks.require_ready(self.info, self.s)
        checks.require_before_start(self.s, workflow.now())

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
        return AlvStatusView(self.inp.meeting_id, schedule.phase(s), s.agenda_version, s.decisions_version,
                             deadline.isoformat() if deadline else None, step, counts)
