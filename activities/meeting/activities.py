"""Meeting workflow activities: thin wrappers that run DB work in a session and send through the ledger.

Sending is one activity per batch (Mailer.deliver_many over a few SMTP connections). A temporary
failure for any recipient makes the activity retry; the ledger skips whoever already got the email.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from temporalio import activity

from activities.meeting import notices
from activities.meeting import store
from activities.deps import Deps
from raadsbode.mail.mailer import Mailer
from activities.meeting.decisions import claim_decision, decision_emails
from activities.meeting.shared import attempt_key, deliver_all, in_transaction
from activities.meeting.mail import MeetingMail
from models.messages.meeting_activity import (
    CalendarChange, CancelOutcome, CancelRequest, ConvocationRequest, DecisionRecord, MeetingRef, Notice,
    RescheduleOutcome, RescheduleRequest, RsvpRecord, SendSummary, SignoffRequest, StatusChange, StoreAgenda,
    StoreMinutes, VersionStored,
)
from models.messages.meeting_info import MeetingInfo
from models.messages.meeting import RsvpResult, SignoffDecisionResult
from models.messages.mail import OutboundEmail

T = TypeVar("T")


class MeetingActivities:
    ACTIVITY_NAMES: tuple[str, ...] = (
        "load_meeting", "store_agenda", "store_minutes", "record_rsvp", "reschedule_meeting", "cancel_meeting",
        "set_meeting_status", "record_decision", "send_signoff_requests", "send_notice", "send_convocation",
        "send_calendar_change",
    )

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.mailer = Mailer(deps.settings, deps.sessions)

    def _tx(self, fn: Callable[..., T], *args: object) -> T:
        return in_transaction(self.deps.sessions, fn, *args)

    def _compose(self, meeting_id: int, build: Callable[[MeetingMail], list[OutboundEmail]]) -> list[OutboundEmail]:
        """Build the emails (issuing their links) and commit, so every link works before it is sent."""
        return self._tx(lambda session: build(MeetingMail(self.deps, session, meeting_id)))

    async def _deliver(self, meeting_id: int, build: Callable[[MeetingMail], list[OutboundEmail]]) -> SendSummary:
        outs = await asyncio.to_thread(self._compose, meeting_id, build)
        return await deliver_all(self.mailer, f"meeting {meeting_id}", outs)

    # --- database ------------------------------------------------------------------------------

    @activity.defn
    def load_meeting(self, ref: MeetingRef) -> MeetingInfo:
        return self._tx(store.load_info, ref.meeting_id)

    @activity.defn
    def store_agenda(self, inp: StoreAgenda) -> VersionStored:
        return VersionStored(self._tx(store.store_agenda, inp.meeting_id, inp.submit, attempt_key()))

    @activity.defn
    def store_minutes(self, inp: StoreMinutes) -> VersionStored:
        return VersionStored(self._tx(store.store_minutes, inp.meeting_id, inp.submit, attempt_key()))

    @activity.defn
    def record_rsvp(self, inp: RsvpRecord) -> RsvpResult:
        self._tx(store.record_rsvp, inp.meeting_id, inp.rsvp)
        return RsvpResult(recorded=True, response=inp.rsvp.response)

    @activity.defn
    def reschedule_meeting(self, inp: RescheduleRequest) -> RescheduleOutcome:
        def move(session) -> RescheduleOutcome:
            meeting = store.reschedule(session, inp.meeting_id, inp.change, attempt_key())
            if isinstance(meeting, str):
                return RescheduleOutcome(False, meeting)
            when = self.deps.renderer.render_string("{{ d|nl_datetime }}", d=meeting.starts_at)
            return RescheduleOutcome(True, f"De vergadering is verplaatst naar {when}.", meeting.starts_at.isoformat(),
                                     meeting.ends_at.isoformat(), meeting.ical_sequence)
        return self._tx(move)

    @activity.defn
    def cancel_meeting(self, inp: CancelRequest) -> CancelOutcome:
        return CancelOutcome(self._tx(store.cancel, inp.meeting_id, inp.change.reason))

    @activity.defn
    def set_meeting_status(self, inp: StatusChange) -> StatusChange:
        self._tx(store.set_status, inp.meeting_id, inp.status)
        return inp

    # --- decisions and emails ------------------------------------------------------------------

    @activity.defn
    async def record_decision(self, rec: DecisionRecord) -> SignoffDecisionResult:
        """File a decision the workflow has recorded: claim the token, audit, then the emails it triggers."""
        accepted, message = await asyncio.to_thread(self._tx, claim_decision, rec)
        if accepted:
            await self._deliver(rec.meeting_id, lambda mm: decision_emails(mm, rec))
        else:
            activity.logger.warning("meeting %s: token %s not claimed: %s", rec.meeting_id, rec.decision.token_id, message)
        return SignoffDecisionResult(accepted=accepted, message=message)

    @activity.defn
    async def send_signoff_requests(self, req: SignoffRequest) -> SendSummary:
        return await self._deliver(req.meeting_id, lambda mm: notices.signoff_requests(mm, req))

    @activity.defn
    async def send_notice(self, notice: Notice) -> SendSummary:
        build = notices.BUILDERS[notice.kind]

        def compose(mm: MeetingMail) -> list[OutboundEmail]:
            if notice.kind == "minutes":  # the chair approved: record it before the board reads it
                store.approve_minutes(mm.session, notice.meeting_id, notice.version)
            return build(mm, notice.version)
        return await self._deliver(notice.meeting_id, compose)

    @activity.defn
    async def send_convocation(self, req: ConvocationRequest) -> SendSummary:
        def compose(mm: MeetingMail) -> list[OutboundEmail]:
            if not req.amended:
                store.set_status(mm.session, req.meeting_id, "convened")
            return notices.convocation(mm, req.agenda_version, req.amended)
        return await self._deliver(req.meeting_id, compose)

    @activity.defn
    async def send_calendar_change(self, change: CalendarChange) -> SendSummary:
        return await self._deliver(change.meeting_id, lambda mm: notices.calendar_change(mm, change.method, change.reason))
