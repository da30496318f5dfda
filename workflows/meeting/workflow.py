"""The board meeting workflow (id meeting-<id>): agenda, sign-off, convocation, changes, attendance, minutes.

The run loop (workflows/common/meeting_base.py) executes whichever scheduled step is due (workflows/meeting/schedule.py)
and otherwise sleeps until the next moment or until an update changes the state. Updates validate before anything
reaches history (workflows/meeting/checks.py); their handlers do the work through activities.
"""
from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.meeting.activities import MeetingActivities
    from models.messages.meeting_activity import CalendarChange, RescheduleOutcome, RsvpRecord, StoreMinutes
    from models.messages.meeting import (
        MeetingInput, MeetingResult, MeetingStatusView, RsvpInput, RsvpResult, SignerState, StatusQuery,
        SubmitAgendaResult, SubmitMinutes,
    )
    from models.messages.meeting_state import CHAIR_SLOT, MeetingState, SignoffRound
    from workflows.meeting import checks
    from workflows.meeting import schedule
    from workflows.meeting.steps import MeetingSteps
    from raadsbode.domain.policy import MeetingPolicy
    from workflows.common.step_loop import REGISTRATION_WAKE_PATCH


@workflow.defn
class MeetingWorkflow(MeetingSteps):
    @workflow.init
    def __init__(self, inp: MeetingInput) -> None:
        self.inp = inp
        self.s = inp.state or MeetingState()
        # A continued run answers updates with the last run's facts until it has loaded its own: refusing them
        # ("wordt nog klaargezet") would hit whoever clicks just after a continue-as-new.
        self.info = inp.info
        self.policy = MeetingPolicy.from_overrides(inp.info.policy, inp.policy) if inp.info else MeetingPolicy()
        self._start_runtime()

    @workflow.run
    async def run(self, inp: MeetingInput) -> MeetingResult:
        info = await self._load()
        self.policy = MeetingPolicy.from_overrides(info.policy, inp.policy)
        if not self.s.starts_at_iso:
            self.s.starts_at_iso, self.s.ends_at_iso = info.starts_at_iso, info.ends_at_iso
            self.s.ical_sequence = info.ical_sequence
        self.info = info
        await self._run_until_done()
        return MeetingResult(meeting_id=inp.meeting_id, final_phase=schedule.phase(self.s))

    def _due_step(self, now: datetime) -> str | None:
        return schedule.due_step(self.s, self.policy, self._info(), now)

    def _next_moment(self, now: datetime) -> tuple[datetime, str] | None:
        return schedule.next_moment(self.s, self.policy, self._info(), now)

    def _continued_input(self) -> MeetingInput:
        return MeetingInput(self.inp.meeting_id, self.inp.association_slug, self.inp.policy, self.s, self.info)

    # --- agenda (submit_agenda and decide: workflows/common/meeting_base.py) and minutes ---------------

    @workflow.update
    async def submit_minutes(self, inp: SubmitMinutes) -> SubmitAgendaResult:
        return await self._store_draft(MeetingActivities.store_minutes, StoreMinutes(self._mid, inp), "minutes_version")

    @submit_minutes.validator
    def _validate_minutes(self, inp: SubmitMinutes) -> None:
        checks.check_minutes(checks.require_ready(self.info, self.s), self.s, workflow.now(), inp)

    def _round(self, purpose: str) -> SignoffRound:
        if purpose == "agenda-signoff":
            return self.s.agenda_round
        if purpose == "minutes-signoff":
            return self.s.minutes_round
        raise ValueError("Onbekend soort ondertekening.")

    # --- attendance and changes ----------------------------------------------------------------

    @workflow.update
    async def rsvp(self, inp: RsvpInput) -> RsvpResult:
        result = await self._db(MeetingActivities.record_rsvp, RsvpRecord(self._mid, inp))
        if result.recorded:
            self.s.rsvp[str(inp.person_id)] = result.response
        self._wake_for_new_run(REGISTRATION_WAKE_PATCH)
        return result

    @rsvp.validator
    def _validate_rsvp(self, inp: RsvpInput) -> None:
        checks.check_rsvp(checks.require_ready(self.info, self.s), self.s, workflow.now(), inp)

    def _moved(self, out: RescheduleOutcome) -> None:  # the reschedule update: meeting_base.py
        self.s.ical_sequence = out.ical_sequence
        self.s.overview_sent = self.s.reminder_sent = False  # due again relative to the new time

    async def _send_move(self, sequence: int, reason: str) -> None:  # the notice step: workflows/common/step_loop.py
        if self.s.convened_version:  # before the convocation, the convocation carries the new time
            await self._send(MeetingActivities.send_calendar_change, CalendarChange(self._mid, "REQUEST", reason))

    async def _send_cancellation(self, sequence: int, reason: str) -> int:  # the notice step: workflows/common/step_loop.py
        self.s.ical_sequence = sequence
        sent = await self._send(MeetingActivities.send_calendar_change, CalendarChange(self._mid, "CANCEL", reason))
        return sent.sent

    # --- status ----------------------------------------------------------------------------------

    @workflow.query
    def status(self, _: StatusQuery) -> MeetingStatusView:
        s, info = self.s, self.info
        held = s.held
        r = s.minutes_round if held else s.agenda_round
        upcoming = schedule.next_moment(s, self.policy, info, workflow.now()) if info and s.starts_at_iso else None
        due = schedule.due_step(s, self.policy, info, workflow.now()) if info and s.starts_at_iso else None
        # Only the meeting itself ahead: the flow waits on a person, so say whom rather than "the meeting starts".
        human = not due and (upcoming is None or upcoming[1] == "held")
        # not `human`: a step is due or one is upcoming
        step = schedule.waiting_for(s) if human else schedule.STEP_LABELS.get(due or upcoming[1], schedule.waiting_for(s))  # type: ignore[index]
        return MeetingStatusView(
            meeting_id=self._mid, phase=schedule.phase(s), agenda_version=s.agenda_version,
            signers=self._signers(r) if info else [], next_deadline_iso=upcoming[0].isoformat() if upcoming else None,
            next_step=step, rsvp=self._rsvp_counts(),
        )

    def _signers(self, r: SignoffRound) -> list[SignerState]:
        info = self._info()
        signers = []
        for slot in r.slots:
            person = r.signed_by.get(slot) or self._person(slot)
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
