"""An ALV's motions and agenda proposals in the workspace (/werkruimte/vergaderingen/{id}/moties, secretary or
admin): read what members submitted through their personal links, and admit each to the agenda or not.

Moved here from /secretariaat (which had no sign-in); the member's own form stays at /motie/{token}."""
from __future__ import annotations

import functools

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from models.tables.meetings import Meeting
from raadsbode.services.alv.motions import MotionError, closing_at, motion_views, set_motion_status
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, require_role, workspace_page
from web.deps import RendererDep, SessionDep
from web.common.forms import field_text
from web.links.data import off_loop
from web.workspace.members.data import actor_of
from web.workspace.meetings.pages import BASE
from web.workspace.meetings.status import ALV_KINDS

router = APIRouter(prefix=BASE, dependencies=[require_role("secretary")])
STATUS_LABELS = {"submitted": "ingediend", "admitted": "op de agenda", "not_admitted": "niet toegelaten",
                 "withdrawn": "ingetrokken"}
NOTICES = {"beoordeeld": "De beoordeling is opgeslagen."}


def _context(session: Session, meeting_id: int, staff: StaffContext) -> dict:
    meeting = owned_or_404(session, Meeting, meeting_id, staff)
    is_alv = meeting.kind in ALV_KINDS
    return {"meeting": meeting, "is_alv": is_alv, "statuses": STATUS_LABELS,
            "motions": motion_views(session, meeting_id) if is_alv else [],
            "closes": closing_at(session, meeting) if is_alv else None}


def _page(session: Session, renderer, staff: StaffContext, meeting_id: int, *, notice: str = "",
          error: str = "", status_code: int = 200) -> HTMLResponse:
    return workspace_page(renderer, "web/motion_list.html.j2", staff, status_code=status_code, nav="vergaderingen",
                          notice=notice, error=error, **_context(session, meeting_id, staff))


@router.get("/{meeting_id}/moties", response_class=HTMLResponse)
def motions_overview(meeting_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep,
                     melding: str = "") -> HTMLResponse:
    return _page(session, renderer, staff, meeting_id, notice=NOTICES.get(melding, ""))


def _judge(session: Session, staff: StaffContext, meeting_id: int, motion_id: str, status: str,
           source: str) -> tuple[int, str]:
    """Store the judgement (audited by set_motion_status): (0, "") or (HTTP status, Dutch problem)."""
    meeting = owned_or_404(session, Meeting, meeting_id, staff)
    if meeting.kind not in ALV_KINDS:
        return 422, "Moties horen bij een algemene ledenvergadering."
    if status not in STATUS_LABELS or not motion_id.isdigit():
        return 422, "Kies een motie en een beoordeling."
    try:
        set_motion_status(session, meeting_id, int(motion_id), status, actor=actor_of(session, staff), source=source)
        session.commit()
    except MotionError as err:
        session.rollback()
        return 404, str(err)
    return 0, ""


@router.post("/{meeting_id}/moties", response_class=HTMLResponse)
async def judge_motion(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                       renderer: RendererDep):
    """Admit a motion to the agenda, or not (or set it back); another association's meeting answers 404."""
    form = await request.form()
    status, motion_id = field_text(form, "status", 20), field_text(form, "motion", 12)
    source = f"werkruimte {request.client.host}" if request.client else "werkruimte"
    code, problem = await off_loop(session, _judge, staff, meeting_id, motion_id, status, source)
    if problem:
        return await off_loop(session, functools.partial(_page, renderer=renderer, staff=staff, meeting_id=meeting_id,
                                                         error=problem, status_code=code))
    return RedirectResponse(f"{BASE}/{meeting_id}/moties?melding=beoordeeld", status_code=303)
