"""ALV workflow activities. Audience-wide emails go one batch per activity (never one activity per
recipient); the ledger skips whoever already got an email, so a retried batch sends nothing twice."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from temporalio import activity

from activities.alv import store
from activities.alv.mail import BATCH_BUILDERS, NOTICE_BUILDERS, secretary
from activities.deps import Deps
from raadsbode.mail.mailer import Mailer
from activities.meeting.mail import MeetingMail
from activities.meeting.shared import attempt_key, deliver_all, in_transaction
from activities.meeting.store import get_meeting
from models.messages.alv import (AlvBatch, AlvBatchResult, AlvInfo, AlvNotice, AlvRegistrationRecord,
                                 AlvRegistrationResult, Publish, StoreDecisions)
from models.messages.meeting_activity import MeetingRef, SendSummary, VersionStored
from models.messages.mail import OutboundEmail

T = TypeVar("T")


class AlvActivities:
    ACTIVITY_NAMES: tuple[str, ...] = ("load_alv", "record_registration", "store_decisions", "publish_alv",
                                       "send_alv_batch", "send_alv_notice")

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.mailer = Mailer(deps.settings, deps.sessions)

    def _tx(self, fn: Callable[..., T], *args: object) -> T:
        return in_transaction(self.deps.sessions, fn, *args)

    @activity.defn
    def load_alv(self, ref: MeetingRef) -> AlvInfo:
        return self._tx(store.load_alv_info, ref.meeting_id)

    @activity.defn
    def record_registration(self, rec: AlvRegistrationRecord) -> AlvRegistrationResult:
        return self._tx(store.record_registration, rec.meeting_id, rec.registration)

    @activity.defn
    def store_decisions(self, inp: StoreDecisions) -> VersionStored:
        return VersionStored(self._tx(store.store_decisions, inp.meeting_id, inp.submit, attempt_key()))

    @activity.defn
    def publish_alv(self, inp: Publish) -> Publish:
        self._tx(store.publish, inp.meeting_id, inp.what, inp.version)
        return inp

    @activity.defn
    async def send_alv_batch(self, batch: AlvBatch) -> AlvBatchResult:
        outs, skipped, last, done = await asyncio.to_thread(self._tx, self._compose_batch, batch)
        summary = await deliver_all(self.mailer, f"ALV {batch.meeting_id}", outs)
        return AlvBatchResult(summary.sent, skipped, summary.failed, last, done)

    @activity.defn
    async def send_alv_notice(self, notice: AlvNotice) -> SendSummary:
        outs = await asyncio.to_thread(self._tx, self._compose_notice, notice)
        return await deliver_all(self.mailer, f"ALV {notice.meeting_id}", outs)

    def _compose_notice(self, session, notice: AlvNotice) -> list[OutboundEmail]:
        """The secretary's email, unless the ledger shows it went out (a retry then issues no new link)."""
        mm = MeetingMail(self.deps, session, notice.meeting_id)
        if mm.already_sent(f"alv-{notice.kind}", notice.version, secretary(mm)):
            return []
        return NOTICE_BUILDERS[notice.kind](mm, notice.version)

    def _compose_batch(self, session, batch: AlvBatch) -> tuple[list[OutboundEmail], int, int, bool]:
        meeting = get_meeting(session, batch.meeting_id)
        people = store.audience_batch(session, meeting, batch.after_person_id, batch.limit)
        mm, build = MeetingMail(self.deps, session, batch.meeting_id), BATCH_BUILDERS[batch.kind]
        answered = store.attendance_by_person(session, meeting.id) if batch.kind == "reminder" else {}
        outs, skipped = [], 0
        for person in people:
            row = answered.get(person.id)
            if mm.already_sent(f"alv-{batch.kind}", batch.version, person) or (row and str(row.response) != "none"):
                skipped += 1
                continue
            outs.append(build(mm, person, batch.version))
        last = people[-1].id if people else batch.after_person_id
        return outs, skipped, last, len(people) < batch.limit
