"""The board meeting workflow (id meeting-<id>): agenda, sign-off, convocation, changes, attendance, minutes.

The workflow holds its shared behaviour as objects: the step loop (workflows/common/step_loop.py) runs
whichever scheduled step is due (workflows/meeting/schedule.py) from this class's step table and otherwise
sleeps until the next moment or until an update changes the state; the sign-off rounds
(workflows/common/signoff.py) send the requests and record and file the decisions. Updates validate before
anything reaches history (workflows/meeting/checks.py); their handlers do the work through activities.
"""
from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.meeting.activities import MeetingActivities
    from models.messages.meeting_activity import (CalendarChange, ConvocationRequest, MeetingRef, Notice,
                                                  RescheduleOutcome, RsvpRecord, StoreAgenda, StoreMinutes)
    from models.messages.meeting import (
        CancelMeeting, ChangeResult, MeetingInput, MeetingResult, MeetingStatusView, Reschedule, RsvpInput, RsvpResult,
        SignerState, SignoffDecision, SignoffDecisionResult, StatusQuery, SubmitAgenda, SubmitAgendaResult,
        SubmitMinutes,
    )
    from models.messages.meeting_state import CHAIR_SLOT, MeetingState, SignoffRound
    from workflows.common.activity_calls import ActivityCalls
    from workflows.common.signoff import SignoffRounds
    from workflows.common.step_loop import REGISTRATION_WAKE_PATCH, StepLoop, StepTable
    from workflows.meeting import checks
    from workflows.meeting import schedule
    from workflows.meeting.schedule import STEP_LABELS, MeetingStep
    from raadsbode.domain.policy import MeetingPolicy


@workflow.defn
class MeetingWorkflow:
    @workflow.init
    def __init__(self, inp: MeetingInput) -> None:
        self.inp = inp
        self.s = inp.state or MeetingState()
        # A continued run answers updates with the last run's facts until it has loaded its own: refusing them
        # ("wordt nog klaargezet") would hit whoever clicks just after a continue-as-new.
        self.info = inp.info
        self.policy = MeetingPolicy.from_overrides(inp.info.policy, inp.policy) if inp.info else MeetingPolicy()
        self.calls = ActivityCalls(inp.meeting_id)
        self.loop = StepLoop(self, self.s, self.calls, log_name="meeting", noun="vergadering")
        self.rounds = SignoffRounds(self.calls, self.loop, self.s, lambda: self.info)

    @workflow.run
    async def run(self, inp: MeetingInput) -> MeetingResult:
        info = await self.calls.db(MeetingActivities.load_meeting, MeetingRef(inp.meeting_id))
        self.policy = MeetingPolicy.from_overrides(info.policy, inp.policy)
        if not self.s.starts_at_iso:
            self.s.starts_at_iso, self.s.ends_at_iso = info.starts_at_iso, info.ends_at_iso
            self.s.ical_sequence = info.ical_sequence
        self.info = info
        await self.loop.run_until_done(self._step_table())
        return MeetingResult(meeting_id=inp.meeting_id, final_phase=schedule.phase(self.s))

    # --- what the step loop asks (workflows/common/step_loop.py, Flow) ----------------------------

    def due_step(self, now: datetime) -> str | None:
        return schedule.due_step(self.s, self.policy, self.rounds.info(), now)

    def next_moment(self, now: datetime) -> tuple[datetime, str] | None:
        return schedule.next_moment(self.s, self.policy, self.rounds.info(), now)

    def finished(self) -> bool:
        return (self.s.cancelled or self.s.closed) and not self.rounds.unfiled()

    def continued_input(self) -> MeetingInput:
        return MeetingInput(self.inp.meeting_id, self.inp.association_slug, self.inp.policy, self.s, self.info)

    async def send_move(self, sequence: int, reason: str) -> None:
        if self.s.convened_version:  # before the convocation, the convocation carries the new time
            await self.calls.send(MeetingActivities.send_calendar_change,
                                  CalendarChange(self.inp.meeting_id, "REQUEST", reason))

    async def send_cancellation(self, sequence: int, reason: str) -> int:
        self.s.ical_sequence = sequence
        sent = await self.calls.send(MeetingActivities.send_calendar_change,
                                     CalendarChange(self.inp.meeting_id, "CANCEL", reason))
        return sent.sent

    # --- the scheduled steps, in the order of the meeting ------------------------------------------

    def _step_table(self) -> StepTable:
        s, rounds = self.s, self.rounds
        return {
            MeetingStep.FILE_DECISION: rounds.file_next,
            MeetingStep.AGENDA_REQUEST: self._agenda_request,
            MeetingStep.AGENDA_ROUND: self._agenda_round,
            MeetingStep.AGENDA_REMINDER: lambda: rounds.remind(s.agenda_round),
            MeetingStep.AGENDA_DEPUTY: lambda: rounds.invite_deputy(s.agenda_round),
            MeetingStep.CONVOCATION: self._convocation,
            MeetingStep.AMENDED_AGENDA: self._amended_agenda,
            MeetingStep.OVERVIEW: self._overview,
            MeetingStep.REMINDER: self._reminder,
            MeetingStep.HELD: self.loop.held,
            MeetingStep.MINUTES_REQUEST: self._minutes_request,
            MeetingStep.MINUTES_ROUND: self._minutes_round,
            MeetingStep.MINUTES_REMINDER: lambda: rounds.remind(s.minutes_round),
            MeetingStep.MINUTES_DEPUTY: lambda: rounds.invite_deputy(s.minutes_round),
            MeetingStep.MINUTES_RELEASE: self._minutes_release,
        }

    async def _notice(self, kind: str, version: int = 0) -> None:
        await self.calls.send(MeetingActivities.send_notice, Notice(self.inp.meeting_id, kind, version))

    async def _agenda_request(self) -> None:
        if not self.s.agenda_version:  # a secretary who already drafted needs no request
            await self._notice("agenda-request")
        self.s.agenda_request_sent = True

    async def _agenda_round(self) -> None:
        self.s.agenda_round = await self.rounds.open("agenda-signoff", self.s.agenda_version,
                                                     self.rounds.officer_slots())

    async def _convocation(self) -> None:
        r = self.s.agenda_round
        await self.calls.send(MeetingActivities.send_convocation, ConvocationRequest(self.inp.meeting_id, r.version))
        self.s.convened_version = r.version
        notice_moment = schedule.parse_time(self.s.starts_at_iso) - self.policy.convocation_before
        if r.completed_at_iso and schedule.parse_time(r.completed_at_iso) > notice_moment:
            await self._notice("notice-missed")

    async def _amended_agenda(self) -> None:
        r = self.s.agenda_round
        await self.calls.send(MeetingActivities.send_convocation,
                              ConvocationRequest(self.inp.meeting_id, r.version, amended=True))
        self.s.convened_version = r.version

    async def _overview(self) -> None:
        await self._notice("attendance-overview", self.s.ical_sequence)
        self.s.overview_sent = True

    async def _reminder(self) -> None:
        await self._notice("attendance-reminder", self.s.ical_sequence)
        self.s.reminder_sent = True

    async def _minutes_request(self) -> None:
        if not self.s.minutes_version:
            await self._notice("minutes-request")
        self.s.minutes_request_sent = True

    async def _minutes_round(self) -> None:  # the board's minutes: the chair alone
        self.s.minutes_round = await self.rounds.open("minutes-signoff", self.s.minutes_version, [CHAIR_SLOT])

    async def _minutes_release(self) -> None:
        await self._notice("minutes", self.s.minutes_round.version)
        self.s.closed = True

    # --- agenda, minutes and their sign-off ----------------------------------------------------------

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
    async def submit_minutes(self, inp: SubmitMinutes) -> SubmitAgendaResult:
        return await self.rounds.store_draft(MeetingActivities.store_minutes, StoreMinutes(self.inp.meeting_id, inp),
                                             self._minutes_stored)

    @submit_minutes.validator
    def _validate_minutes(self, inp: SubmitMinutes) -> None:
        checks.check_minutes(checks.require_ready(self.info, self.s), self.s, workflow.now(), inp)

    def _minutes_stored(self, version: int) -> None:
        self.s.minutes_version = max(self.s.minutes_version, version)

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
            return self.s.minutes_round
        raise ValueError("Onbekend soort ondertekening.")

    # --- attendance and changes ----------------------------------------------------------------

    @workflow.update
    async def rsvp(self, inp: RsvpInput) -> RsvpResult:
        result = await self.calls.db(MeetingActivities.record_rsvp, RsvpRecord(self.inp.meeting_id, inp))
        if result.recorded:
            self.s.rsvp[str(inp.person_id)] = result.response
        self.loop.wake_for_new_run(REGISTRATION_WAKE_PATCH)
        return result

    @rsvp.validator
    def _validate_rsvp(self, inp: RsvpInput) -> None:
        checks.check_rsvp(checks.require_ready(self.info, self.s), self.s, workflow.now(), inp)

    @workflow.update
    async def reschedule(self, inp: Reschedule) -> ChangeResult:
        return await self.loop.reschedule(inp, self._moved)

    @reschedule.validator
    def _validate_reschedule(self, inp: Reschedule) -> None:
        checks.require_ready(self.info, self.s)
        checks.check_reschedule(self.s, workflow.now(), inp)

    def _moved(self, out: RescheduleOutcome) -> None:
        self.s.starts_at_iso, self.s.ends_at_iso = out.starts_at_iso, out.ends_at_iso
        self.s.ical_sequence = out.ical_sequence
        self.s.overview_sent = self.s.reminder_sent = False  # due again relative to the new time

    @workflow.update
    async def cancel(self, inp: CancelMeeting) -> ChangeResult:
        return await self.loop.cancel(inp, before=self.rounds.file_before_cancel)

    @cancel.validator
    def _validate_cancel(self, inp: CancelMeeting) -> None:
        checks.require_ready(self.info, self.s)
        checks.require_before_start(self.s, workflow.now())

    # --- status ----------------------------------------------------------------------------------

    @workflow.query
    def status(self, _: StatusQuery) -> MeetingStatusView:
        s, info = self.s, self.info
        held = s.held
        r = s.minutes_round if held else s.agenda_round
        upcoming = schedule.next_moment(s, self.policy, info, workflow.now()) if info and s.starts_at_iso else None
        due = schedule.due_step(s, self.policy, info, workflow.now()) if info and s.starts_at_iso else None
        upcoming_step = upcoming[1] if upcoming else None
        # Only the meeting itself ahead: the flow waits on a person, so say whom rather than "the meeting starts".
        human = not due and upcoming_step in (None, MeetingStep.HELD)
        waiting = schedule.waiting_for(s)
        step = waiting if human else STEP_LABELS.get(due or upcoming_step or "", waiting)
        return MeetingStatusView(
            meeting_id=self.inp.meeting_id, phase=schedule.phase(s), agenda_version=s.agenda_version,
            signers=self._signers(r) if info else [], next_deadline_iso=upcoming[0].isoformat() if upcoming else None,
            next_step=step, rsvp=self._rsvp_counts(),
        )

    def _signers(self, r: SignoffRound) -> list[SignerState]:
        info = self.rounds.info()
        signers = []
        for slot in r.slots:
            person = r.signed_by.get(slot) or self.rounds.person(slot)
            role = "chair" if slot == CHAIR_SLOT else "secretary"
            if slot == CHAIR_SLOT and person == info.deputy_id:
                role = "deputy_chair"
            name = info.names.get(str(person), "") if person else ""
            signers.append(SignerState(person_id=person or 0, name=name, role=role, signed=slot in r.signed_by))
        return signers

    def _rsvp_counts(self) -> dict[str, int]:
        answers = list(self.s.rsvp.values())
        total = len(self.info.recipient_ids) if self.info else len(answers)
        counts = {"attending": answers.count("attending"), "not_attending": answers.count("not_attending")}
        counts["none"] = max(0, total - sum(counts.values()))
        return counts
