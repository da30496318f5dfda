"""Network meeting activities: sign-ups (one at a time, from the workflow's updates) and their emails.
Audience-wide emails go one batch per activity; the ledger skips whoever already got one."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from temporalio import activity

from activities.network import store
from activities.deps import Deps
from raadsbode.mail.mailer import Mailer
from activities.meeting.shared import attempt_key, deliver_all, in_transaction
from activities.meeting.mail import MeetingMail
from activities.meeting.store import get_meeting
from activities.network.mail import BATCH_BUILDERS, as_person, signup_email, signup_version
from models.tables.alv import NetworkSignup, SignupStatus
from models.messages.meeting_activity import MeetingRef, SendSummary
from models.messages.mail import OutboundEmail
from models.messages.network import (NetworkBatch, NetworkBatchResult, NetworkCancelRecord, NetworkInfo,
                                     NetworkSignupRecord, NetworkSignupResult, SignupMail)

T = TypeVar("T")
ACTIVE = (SignupStatus.registered, SignupStatus.waiting)


class NetworkActivities:
    ACTIVITY_NAMES: tuple[str, ...] = ("load_network", "record_signup", "cancel_signup", "send_network_batch",
                                       "send_signup_mail")

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.mailer = Mailer(deps.settings, deps.sessions)

    def _tx(self, fn: Callable[..., T], *args: object) -> T:
        return in_transaction(self.deps.sessions, fn, *args, missing=(LookupError,))  # a sign-up of another meeting too

    @activity.defn
    def load_network(self, ref: MeetingRef) -> NetworkInfo:
        return self._tx(store.load_network_info, ref.meeting_id)

    @activity.defn
    def record_signup(self, rec: NetworkSignupRecord) -> NetworkSignupResult:
        return self._tx(store.record_signup, rec.meeting_id, rec.signup, attempt_key())

    @activity.defn
    def cancel_signup(self, rec: NetworkCancelRecord) -> NetworkSignupResult:
        return self._tx(store.cancel_signup, rec.meeting_id, rec.signup_id, attempt_key())

    @activity.defn
    async def send_network_batch(self, batch: NetworkBatch) -> NetworkBatchResult:
        outs, last, done = await asyncio.to_thread(self._tx, self._compose_batch, batch)
        summary = await deliver_all(self.mailer, f"network meeting {batch.meeting_id}", outs)
        return NetworkBatchResult(summary.sent, summary.failed, last, done)

    @activity.defn
    async def send_signup_mail(self, inp: SignupMail) -> SendSummary:
        outs = await asyncio.to_thread(self._tx, self._compose_signup, inp)
        return await deliver_all(self.mailer, f"network meeting {inp.meeting_id}", outs)

    def _compose_batch(self, session, batch: NetworkBatch) -> tuple[list[OutboundEmail], int, bool]:
        mm = MeetingMail(self.deps, session, batch.meeting_id)
        if batch.kind in ("reminder", "meeting-cancelled"):  # to the sign-ups themselves
            statuses = (SignupStatus.registered,) if batch.kind == "reminder" else ACTIVE
            rows = store.signups_batch(session, batch.meeting_id, statuses, batch.after_id, batch.limit)
            outs = [signup_email(mm, r, batch.kind) for r in rows if not self._sent(mm, batch.kind, r)]
        else:
            rows = store.audience_batch(session, get_meeting(session, batch.meeting_id), batch.after_id, batch.limit)
            build = BATCH_BUILDERS[batch.kind]
            outs = [build(mm, p, batch.version) for p in rows
                    if not mm.already_sent(f"network-{batch.kind}", batch.version, p)]
        return outs, rows[-1].id if rows else batch.after_id, len(rows) < batch.limit

    def _compose_signup(self, session, inp: SignupMail) -> list[OutboundEmail]:
        mm = MeetingMail(self.deps, session, inp.meeting_id)
        row = session.get(NetworkSignup, inp.signup_id)
        if row is None or row.meeting_id != inp.meeting_id:
            raise LookupError(f"sign-up {inp.signup_id} is not one of meeting {inp.meeting_id}")
        return [] if self._sent(mm, inp.kind, row) else [signup_email(mm, row, inp.kind)]

    @staticmethod
    def _sent(mm: MeetingMail, kind: str, row: NetworkSignup) -> bool:
        return mm.already_sent(f"network-{kind}", signup_version(row), as_person(mm, row))
