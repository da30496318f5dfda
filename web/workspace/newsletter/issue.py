"""One newsletter issue in the workspace (editor or admin): its progress, the preview exactly as it will be
mailed (in a sandboxed iframe), approve or ask for changes, the explicit go after a late approval, and
pause / resume / cancel of a send. Every action is a typed update on the issue's workflow."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from activities.newsletter.mime import NAME_MARK, NO_NAME, UNSUB_MARK
from models.tables.newsletter import NewsletterIssue
from models.messages.newsletter import Decision, Progress
from models.tables.org import Association, Person
from raadsbode.services.newsletter import control as newsletter_control
from raadsbode.services.newsletter.content import render_issue
from web.common import pages
from web.common.auth import CSRF_FIELD, WORKSPACE_HEADERS, CsrfDep, StaffContext, StaffDep, owned_or_404
from web.deps import RendererDep, SessionDep, get_temporal
from web.common.forms import field_text
from web.links.actions import run_update
from web.links.data import off_loop
from web.workspace.meetings.status import client_or_none
from workflows.newsletter.workflow import NewsletterWorkflow

log = logging.getLogger(__name__)
BASE = "/werkruimte/nieuwsbrief"
router = APIRouter()  # included by web/workspace/newsletter/pages.py under BASE with its role check
# The issue page frames its own preview, nothing else; the preview may only be framed by us and runs nothing.
ISSUE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src 'self' data:; "
             "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
PREVIEW_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
                   "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                   "Referrer-Policy": "no-referrer"}
MAX_COMMENT = 2000
STARTED = "De nieuwsbrief wordt samengesteld; de proef komt zo in uw mailbox en hieronder."


def _issue(session: Session, issue_id: int, staff: StaffContext) -> NewsletterIssue:
    return owned_or_404(session, NewsletterIssue, issue_id, staff)


async def _progress(request: Request, staff: StaffContext, period: str) -> Progress | None:
    client = await client_or_none(request)
    if client is None:
        return None
    try:
        return await newsletter_control.progress(client, staff.association_slug, period)
    except Exception:  # the page says "onbekend"
        log.info("progress of newsletter %s %s failed", staff.association_slug, period, exc_info=True)
        return None


async def render_issue_page(request: Request, session: Session, renderer, staff: StaffContext, issue_id: int, *,
                            notice: str = "", error: str = "", comment: str = "", status_code: int = 200) -> HTMLResponse:
    issue = await off_loop(session, _issue, issue_id, staff)
    progress = await _progress(request, staff, issue.period)
    state = progress.state if progress else ""
    if notice == STARTED and state not in ("", "composing"):
        notice = ""  # the page was reloaded later: the proof is there
    return pages.render_page(
        renderer, "web/ws_newsletter_issue.html.j2", status_code=status_code,
        headers={**WORKSPACE_HEADERS, "Content-Security-Policy": ISSUE_CSP}, staff=staff, nav="nieuwsbrief",
        csrf_field=CSRF_FIELD, issue=issue, progress=progress, state=state,
        state_label=newsletter_control.STATE_LABELS.get(state, "onbekend"), notice=notice, error=error, comment=comment,
        percent=int(100 * (progress.sent + progress.failed) / progress.total) if progress and progress.total else 0)


@router.get("/uitgaven/{issue_id}", response_class=HTMLResponse)
async def issue_page(issue_id: int, request: Request, staff: StaffDep, session: SessionDep, renderer: RendererDep,
                     melding: str = "") -> HTMLResponse:
    return await render_issue_page(request, session, renderer, staff, issue_id, notice=STARTED if melding == "gestart" else "")


def _preview_html(session: Session, issue_id: int, staff: StaffContext, renderer) -> str:
    """The stored proof (what will be mailed); before the first proof, rendered now the same way."""
    issue = _issue(session, issue_id, staff)
    html = issue.html
    if not html:
        html = render_issue(renderer, session, session.get(Association, staff.association_id), issue.period, issue.intro).html
    return html.replace(NAME_MARK, NO_NAME).replace(UNSUB_MARK, "#afmelden")


@router.get("/uitgaven/{issue_id}/voorbeeld", response_class=HTMLResponse)
def preview(issue_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    return HTMLResponse(_preview_html(session, issue_id, staff, renderer), headers=PREVIEW_HEADERS)


def _editor_email(session: Session, staff: StaffContext) -> str:
    person = session.get(Person, staff.person_id)
    return person.email if person else staff.person_name


@router.post("/uitgaven/{issue_id}/beslissen", response_class=HTMLResponse)
async def decide(issue_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    form = await request.form()
    issue = await off_loop(session, _issue, issue_id, staff)
    by = await off_loop(session, _editor_email, staff)
    decision, comment = field_text(form, "decision", 20), field_text(form, "comment", MAX_COMMENT + 1)
    version = field_text(form, "version", 12)
    error = ""
    if decision not in ("approve", "changes"):
        error = "Kies goedkeuren of wijzigingen vragen."
    elif decision == "changes" and not comment:
        error = "Schrijf bij 'Wijzigingen vragen' wat er anders moet."
    elif len(comment) > MAX_COMMENT:
        error = f"De toelichting is te lang (hoogstens {MAX_COMMENT} tekens)."
    if error:
        return await render_issue_page(request, session, renderer, staff, issue_id, error=error, comment=comment, status_code=422)
    handle = newsletter_control.handle(await get_temporal(request), staff.association_slug, issue.period)
    ack, problem = await run_update(handle.execute_update(
        NewsletterWorkflow.decide, Decision(decision, by, comment, int(version) if version.isdigit() else None)))
    return await _after(request, session, renderer, staff, issue_id, ack, problem, comment)


async def _after(request, session, renderer, staff, issue_id, ack, problem, comment=""):
    if problem or not ack.ok:
        return await render_issue_page(request, session, renderer, staff, issue_id, error=problem or ack.message,
                                       comment=comment, status_code=409)
    return await render_issue_page(request, session, renderer, staff, issue_id, notice=ack.message)


async def _command(issue_id: int, what: str, request: Request, staff: StaffContext, session: Session, renderer) -> HTMLResponse:
    issue = await off_loop(session, _issue, issue_id, staff)
    by = await off_loop(session, _editor_email, staff)
    if what == "cancel" and field_text(await request.form(), "confirm", 4) != "ja":
        return await render_issue_page(request, session, renderer, staff, issue_id, status_code=422,
                                       error="Vink aan dat u de verzending echt wilt annuleren.")
    ack, problem = await run_update(newsletter_control.command(await get_temporal(request), staff.association_slug,
                                                               issue.period, what, by))
    return await _after(request, session, renderer, staff, issue_id, ack, problem)


@router.post("/uitgaven/{issue_id}/pauzeren", response_class=HTMLResponse)
async def pause(issue_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    return await _command(issue_id, "pause", request, staff, session, renderer)


@router.post("/uitgaven/{issue_id}/hervatten", response_class=HTMLResponse)
async def resume(issue_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    return await _command(issue_id, "resume", request, staff, session, renderer)


@router.post("/uitgaven/{issue_id}/annuleren", response_class=HTMLResponse)
async def cancel(issue_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    return await _command(issue_id, "cancel", request, staff, session, renderer)


@router.post("/uitgaven/{issue_id}/starten", response_class=HTMLResponse)
async def start_now(issue_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    return await _command(issue_id, "start_now", request, staff, session, renderer)
