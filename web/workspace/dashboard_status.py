"""What the dashboard asks the running workflows: each meeting's phase, next deadline and what it waits
for, and each running newsletter send's progress. Asked concurrently with a short timeout: a workflow
that does not answer (not started, no worker, server away) shows as "onbekend", never an error page."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from temporalio.client import Client

from raadsbode.domain.phases import ALV_PHASE_LABELS, NETWORK_PHASE_LABELS
from models.messages.meeting import PHASE_LABELS, SIGNER_ROLE_LABELS, StatusQuery
from models.tables.meetings import Meeting, MeetingKind
from models.tables.newsletter import NewsletterIssue
from raadsbode.services.newsletter import control as newsletter_control
from raadsbode.services.meeting.actions import meeting_handle
from raadsbode.services.alv.actions import alv_handle
from raadsbode.services.network import network_handle
from workflows.alv.workflow import AlvWorkflow
from workflows.meeting.workflow import MeetingWorkflow
from workflows.network.workflow import NetworkMeetingWorkflow

log = logging.getLogger(__name__)
QUERY_TIMEOUT = 2.0  # seconds; the dashboard must come up even when Temporal is slow
UNKNOWN = "onbekend"
ALV_KINDS = (MeetingKind.alv, MeetingKind.extra_alv)


@dataclass(frozen=True)
class MeetingLine:
    meeting_id: int
    title: str
    kind: str
    starts_at: datetime
    phase: str = UNKNOWN
    next_deadline: datetime | None = None
    waiting_on: str = UNKNOWN
    answered: bool = False


@dataclass(frozen=True)
class SendLine:
    issue_id: int
    period: str
    subject: str
    state: str = UNKNOWN
    total: int = 0
    sent: int = 0
    failed: int = 0
    remaining: int = 0
    answered: bool = False

    @property
    def percent(self) -> int:
        return int(100 * (self.sent + self.failed) / self.total) if self.total else 0


def _deadline(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def _body_line(base: dict, view: Any) -> MeetingLine:
    """A board or committee meeting (both MeetingWorkflow): its phase and whose signature it still waits for."""
    open_signers = [f"{s.name} ({SIGNER_ROLE_LABELS.get(s.role, s.role)})" for s in view.signers if not s.signed]
    waiting = view.next_step + (f"; nog niet getekend: {', '.join(open_signers)}" if open_signers else "")
    return MeetingLine(**base, phase=PHASE_LABELS.get(view.phase, view.phase),
                       next_deadline=_deadline(view.next_deadline_iso), waiting_on=waiting, answered=True)


def _alv_line(base: dict, view: Any) -> MeetingLine:
    return MeetingLine(**base, phase=ALV_PHASE_LABELS.get(view.phase, view.phase),
                       next_deadline=_deadline(view.next_deadline_iso), waiting_on=view.next_step, answered=True)


def _network_line(base: dict, view: Any) -> MeetingLine:
    places = f"{view.registered} aangemeld" + (f" van {view.capacity}" if view.capacity else "")
    waiting = places + (f", {view.waiting} op de wachtlijst" if view.waiting else "")
    return MeetingLine(**base, phase=NETWORK_PHASE_LABELS.get(view.phase, view.phase),
                       next_deadline=_deadline(view.next_deadline_iso), waiting_on=waiting, answered=True)


async def _meeting_line(client: Client | None, meeting: Meeting) -> MeetingLine:
    base = {"meeting_id": meeting.id, "title": meeting.title, "kind": str(meeting.kind), "starts_at": meeting.starts_at}
    if client is None:
        return MeetingLine(**base)
    try:
        if meeting.kind in ALV_KINDS:
            view = await alv_handle(client, meeting.id).query(AlvWorkflow.status, StatusQuery())
            return _alv_line(base, view)
        if meeting.kind == MeetingKind.network:
            view = await network_handle(client, meeting.id).query(NetworkMeetingWorkflow.status, StatusQuery())
            return _network_line(base, view)
        view = await meeting_handle(client, meeting.id).query(MeetingWorkflow.status, StatusQuery())
        return _body_line(base, view)
    except Exception:  # whatever went wrong, this line says "onbekend"; the log has it
        log.info("status query of meeting %s failed", meeting.id, exc_info=True)
        return MeetingLine(**base)


async def _send_line(client: Client | None, slug: str, issue: NewsletterIssue) -> SendLine:
    base = {"issue_id": issue.id, "period": issue.period, "subject": issue.subject}
    if client is None:
        return SendLine(**base)
    try:
        p = await newsletter_control.progress(client, slug, issue.period)
    except Exception:
        log.info("progress query of newsletter %s %s failed", slug, issue.period, exc_info=True)
        return SendLine(**base)
    return SendLine(**base, state=newsletter_control.STATE_LABELS.get(p.state, p.state), total=p.total, sent=p.sent,
                    failed=p.failed, remaining=p.remaining, answered=True)


async def _bounded(coro: Any, fallback: Any) -> Any:
    try:
        return await asyncio.wait_for(coro, QUERY_TIMEOUT)
    except TimeoutError:
        return fallback


async def gather_status(client: Client | None, slug: str, meetings: list[Meeting],
                        issues: list[NewsletterIssue]) -> tuple[list[MeetingLine], list[SendLine]]:
    """All queries at once, each cut off after QUERY_TIMEOUT."""
    meeting_jobs = [_bounded(_meeting_line(client, m), MeetingLine(m.id, m.title, str(m.kind), m.starts_at))
                    for m in meetings]
    send_jobs = [_bounded(_send_line(client, slug, i), SendLine(i.id, i.period, i.subject)) for i in issues]
    results = await asyncio.gather(*meeting_jobs, *send_jobs)
    return list(results[:len(meetings)]), list(results[len(meetings):])
