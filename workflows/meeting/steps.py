"""The meeting workflow's scheduled steps and its activity calls (a base class of MeetingWorkflow).

A step's activities run through ScheduledMeeting (workflows/common/meeting_base.py): explicit timeouts, bounded
retries, and a step whose activity finally fails is tried again later.
"""
from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.meeting.activities import MeetingActivities
    from models.messages.meeting_activity import ConvocationRequest, MeetingRef, Notice, SignoffRequest
    from models.messages.meeting_info import MeetingInfo
    from models.messages.meeting import MeetingInput
    from models.messages.meeting_state import CHAIR_SLOT, MeetingState, SignoffRound
    from workflows.common.meeting_base import ScheduledMeeting
    from workflows.meeting.schedule import parse_time
    from raadsbode.domain.policy import MeetingPolicy


class MeetingSteps(ScheduledMeeting):
    inp: MeetingInput
    s: MeetingState
    policy: MeetingPolicy

    async def _notice(self, kind: str, version: int = 0) -> None:
        await self._send(MeetingActivities.send_notice, Notice(self._mid, kind, version))

    async def _step_agenda_request(self) -> None:
        if not self.s.agenda_version:  # a secretary who already drafted needs no request
            await self._notice("agenda-request")
        self.s.agenda_request_sent = True

    async def _step_agenda_round(self) -> None:
        self.s.agenda_round = await self._open_round("agenda-signoff", self.s.agenda_version, self._officer_slots())

    async def _step_minutes_round(self) -> None:  # the board's minutes: the chair alone
        self.s.minutes_round = await self._open_round("minutes-signoff", self.s.minutes_version, [CHAIR_SLOT])

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

    async def _step_minutes_request(self) -> None:
        if not self.s.minutes_version:
            await self._notice("minutes-request")
        self.s.minutes_request_sent = True

    async def _step_minutes_release(self) -> None:
        await self._notice("minutes", self.s.minutes_round.version)
        self.s.closed = True

    async def _load(self) -> MeetingInfo:
        return await self._db(MeetingActivities.load_meeting, MeetingRef(self._mid))
