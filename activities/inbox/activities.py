"""The inbox activity: read a bounded batch of inbound mail, apply the calendar replies, remember each one.

A believed reply goes to the meeting's workflow as the same `rsvp` update the registration link uses,
so the workflow's own counts stay right; a meeting whose workflow is not running records nothing.
A From address is what anyone can write, so `_apply`, the one way to that update, first wants the
receiving server's Authentication-Results to vouch for the sender (raadsbode/mail/auth_results.py); without
that the message is remembered as unverified and nothing changes.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from activities.deps import Deps
from activities.inbox.sources import RawMessage, source_for, trusted_authserv_ids
from raadsbode.mail.itip import ItipReply, ReplyMatch, match_reply, parse_reply
from models.tables.alv import InboundMessage
from models.messages.inbox import InboundOutcome, InboxPoll, InboxReport
from models.messages.meeting import RsvpInput
from models.tables.org import Association
from raadsbode.mail.auth_results import check_sender
from raadsbode.db import session_scope

log = logging.getLogger(__name__)
# (client, meeting id, the reply as an RSVP, update id): sends the meeting workflow its `rsvp` update.
RsvpForwarder = Callable[[Client, int, RsvpInput, str], Awaitable[object]]


class InboxActivities:
    ACTIVITY_NAMES: tuple[str, ...] = ("process_inbox",)

    def __init__(self, deps: Deps, forward_rsvp: RsvpForwarder) -> None:
        """`forward_rsvp` is raadsbode.services.meeting.actions.forward_rsvp, handed in by the worker wiring:
        activities sit below the services and never import a workflow."""
        self.deps, self.forward_rsvp = deps, forward_rsvp

    @activity.defn
    async def process_inbox(self, poll: InboxPoll) -> InboxReport:
        """The database work runs in threads, off the worker's event loop."""
        source = source_for(self.deps.settings, await asyncio.to_thread(self._mailboxes))
        batch = await asyncio.to_thread(source.fetch, poll.batch_size, self._is_done)
        report = InboxReport(seen=len(batch))
        for raw in batch:
            activity.heartbeat(raw.ref)
            if await asyncio.to_thread(self._is_done, raw.key):
                continue
            outcome, detail, association_id, sender = await self._process(raw)
            setattr(report, outcome, getattr(report, outcome) + 1)
            await asyncio.to_thread(self._remember, raw, outcome, detail, association_id, sender)
        await asyncio.to_thread(source.mark_done, [m.ref for m in batch])
        return report

    def _mailboxes(self) -> set[str]:
        with self.deps.sessions() as session:
            return set(session.exec(select(Association.mailbox_email)).all())

    def _is_done(self, key: str) -> bool:
        with self.deps.sessions() as session:
            return session.exec(select(InboundMessage.id).where(InboundMessage.message_key == key)).first() is not None

    async def _process(self, raw: RawMessage) -> tuple[InboundOutcome, str, int | None, str]:
        reply = parse_reply(raw.data)
        if reply is None:
            return InboundOutcome.ignored, "no calendar reply in the message", None, ""
        match = await asyncio.to_thread(self._match, reply)
        if match.outcome != "record":
            log.info("calendar reply %s ignored: %s", raw.key, match.reason)
            return InboundOutcome.ignored, match.reason, match.association_id, reply.sender
        outcome, detail = await self._apply(raw, reply, match)
        return outcome, detail, match.association_id, reply.sender

    def _match(self, reply: ItipReply) -> ReplyMatch:
        with self.deps.sessions() as session:
            return match_reply(session, reply)

    async def _apply(self, raw: RawMessage, reply: ItipReply, match: ReplyMatch) -> tuple[InboundOutcome, str]:
        """The only way a calendar reply reaches a meeting: the sender it is matched on must be vouched for."""
        check = check_sender(raw.data, reply.sender, trusted_authserv_ids(self.deps.settings))
        if not check.verified:
            log.warning("calendar reply %r for meeting %s not applied, sender unverified: %s",
                        raw.key, match.meeting_id, check.reason)  # %r: the Message-ID is the stranger's text
            return InboundOutcome.unverified, f"sender unverified: {check.reason}"
        update_id = "itip-" + hashlib.sha256(raw.key.encode()).hexdigest()[:32]
        rsvp = RsvpInput(person_id=match.person_id, response=match.response, source=f"itip {raw.key}"[:200])
        try:
            await self.forward_rsvp(activity.client(), match.meeting_id, rsvp, update_id)
        except WorkflowUpdateFailedError as err:
            log.info("calendar reply %s refused by meeting %s: %s", raw.key, match.meeting_id, err.cause)
            return InboundOutcome.refused, str(getattr(err.cause, "message", err.cause))[:1000]
        except RPCError as err:  # no such workflow, or it has ended
            log.info("calendar reply %s: meeting %s not running: %s", raw.key, match.meeting_id, err)
            return InboundOutcome.ignored, "the meeting's workflow is not running"
        return InboundOutcome.recorded, f"person {match.person_id}: {match.response} ({check.reason})"

    def _remember(self, raw: RawMessage, outcome: InboundOutcome, detail: str, association_id: int | None,
                  sender: str) -> None:
        try:
            with session_scope(self.deps.sessions) as session:
                session.add(InboundMessage(association_id=association_id, message_key=raw.key, outcome=outcome.value,
                                           sender=sender[:254], detail=detail[:1000]))
        except IntegrityError:
            pass  # a retried attempt already remembered it
