"""The ALV workflow's scheduled steps (a base class of AlvWorkflow). Sign-off reuses the board's
activities (sign-off requests, decisions); audience-wide emails go in batches through AlvActivities."""
from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.alv.activities import AlvActivities
    from models.messages.alv import AlvBatch, AlvInfo, AlvInput, AlvNotice, AlvState, Publish
    from models.messages.meeting_info import MeetingInfo
    from raadsbode.domain.alv_policy import AlvPolicy
    from workflows.common.meeting_base import ScheduledMeeting


class AlvSteps(ScheduledMeeting):
    inp: AlvInput
    s: AlvState
    alv: AlvInfo | None
    policy: AlvPolicy
    LOG_NAME = "ALV"

    @property  # derived from `alv` here, where the board's workflow stores it
    def info(self) -> MeetingInfo | None:  # type: ignore[override]
        return self.alv.meeting if self.alv else None

    async def _batched(self, kind: str, version: int) -> int:
        """Send an audience-wide email in batches: a few activities, whatever the audience's size."""
        after, sent = 0, 0
        while True:
            result = await self._send(AlvActivities.send_alv_batch,
                                      AlvBatch(self._mid, kind, version, after, self.inp.batch_size))
            sent, after = sent + result.sent, result.last_person_id
            if result.done:
                return sent

    async def _notice(self, kind: str, version: int = 0) -> None:
        await self._send(AlvActivities.send_alv_notice, AlvNotice(self._mid, kind, version))

    async def _step_save_the_date(self) -> None:
        await self._batched("save-the-date", 0)
        self.s.save_the_date_sent = True

    async def _step_motions_closed(self) -> None:
        await self._notice("motions-closed")
        self.s.motions_closed = True

    async def _step_agenda_round(self) -> None:
        self.s.agenda_round = await self._open_round("agenda-signoff", self.s.agenda_version, self._officer_slots())

    async def _step_agenda_reminder(self) -> None:
        await self._remind(self.s.agenda_round)

    async def _step_convocation(self) -> None:
        version = self.s.agenda_round.version
        await self._db(AlvActivities.publish_alv, Publish(self._mid, "agenda", version))
        await self._batched("convocation", version)
        self.s.convened_version = version

    async def _step_reminder(self) -> None:
        await self._batched("reminder", 0)
        self.s.reminder_sent = True

    async def _step_attendance_list(self) -> None:
        await self._notice("attendance-list")
        self.s.attendance_list_sent = True

    async def _step_decisions_request(self) -> None:
        if not self.s.decisions_version:
            await self._notice("decisions-request")
        self.s.decisions_request_sent = True

    async def _step_decisions_round(self) -> None:
        self.s.decisions_round = await self._open_round("minutes-signoff", self.s.decisions_version, self._officer_slots())

    async def _step_decisions_reminder(self) -> None:
        await self._remind(self.s.decisions_round)

    async def _step_decisions_release(self) -> None:
        version = self.s.decisions_round.version
        await self._db(AlvActivities.publish_alv, Publish(self._mid, "decisions", version))
        await self._batched("decisions", version)
        self.s.closed = True
