"""The workspace dashboard (/werkruimte): upcoming meetings with their phase, next deadline and what they
wait for; running newsletter sends with progress; the association's recent audit events."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select
from temporalio.client import Client

from models.tables.ledger import AuditEvent
from models.tables.meetings import Meeting, MeetingStatus
from models.tables.newsletter import IssueStatus, NewsletterIssue
from models.tables.types import utcnow
from web.common.audit_labels import audit_action_label, audit_detail
from web.common.auth import WORKSPACE_PATH, StaffContext, StaffDep, workspace_page
from web.workspace.dashboard_status import QUERY_TIMEOUT, gather_status
from web.deps import RendererDep, SessionDep, get_temporal

log = logging.getLogger(__name__)
router = APIRouter()
RECENT_MEETINGS = timedelta(days=45)  # a held meeting stays on the dashboard while its minutes are pending
MAX_MEETINGS = 20
MAX_EVENTS = 15
RUNNING_SENDS = (IssueStatus.proof, IssueStatus.awaiting_go, IssueStatus.approved, IssueStatus.sending,
                 IssueStatus.paused)


def _meetings(session: Session, association_id: int) -> list[Meeting]:
    since = utcnow() - RECENT_MEETINGS
    return list(session.exec(select(Meeting).where(
        Meeting.association_id == association_id, Meeting.ends_at >= since,
        col(Meeting.status).not_in([MeetingStatus.cancelled, MeetingStatus.closed]),
    ).order_by(Meeting.starts_at).limit(MAX_MEETINGS)).all())


def _running_issues(session: Session, association_id: int) -> list[NewsletterIssue]:
    return list(session.exec(select(NewsletterIssue).where(
        NewsletterIssue.association_id == association_id, col(NewsletterIssue.status).in_(RUNNING_SENDS),
    ).order_by(col(NewsletterIssue.period).desc()).limit(5)).all())


def _events(session: Session, association_id: int) -> list[dict]:
    rows = session.exec(select(AuditEvent).where(AuditEvent.association_id == association_id)
                        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(MAX_EVENTS)).all()
    return [{"at": e.at, "actor": e.actor, "subject": e.subject_ref, "detail": audit_detail(e.detail_json),
             "action": audit_action_label(e.action)} for e in rows]


async def _client(request: Request) -> Client | None:
    try:
        return await asyncio.wait_for(get_temporal(request), QUERY_TIMEOUT)
    except Exception:  # no Temporal: the page shows "onbekend"
        log.warning("Temporal not reachable for the dashboard", exc_info=True)
        return None


@router.get(WORKSPACE_PATH, response_class=HTMLResponse)
async def dashboard(request: Request, staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    meetings = _meetings(session, staff.association_id)
    issues = _running_issues(session, staff.association_id)
    events = _events(session, staff.association_id)
    session.close()  # no pooled connection is held while the workflows are asked
    meeting_lines, send_lines = await gather_status(await _client(request), staff.association_slug, meetings, issues)
    return _render(renderer, staff, meeting_lines, send_lines, events)


def _render(renderer, staff: StaffContext, meetings, sends, events) -> HTMLResponse:
    return workspace_page(renderer, "web/dashboard.html.j2", staff, nav="overzicht", meetings=meetings,
                          sends=sends, events=events)
