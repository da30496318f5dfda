"""What the meeting pages of every kind share: the cancel form's check, sending a signer's link again, and the
signed-in signer's own approval (board, committee and ALV run the same `decide` update)."""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from activities.deps import Deps
from raadsbode.mail.mailer import TemporarySendError
from models.tables.ledger import ActionToken
from models.messages.meeting import SignoffDecision
from models.tables.types import utcnow
from raadsbode.services.meeting.actions import meeting_handle
from raadsbode.services.meeting.resend import ResendRequest, ResendTooSoon, resend_signoff_link
from web.common.auth import StaffContext
from web.deps import get_temporal
from web.common.forms import field_text
from web.links.actions import run_update
from web.links.data import off_loop
from web.workspace.meetings.forms import MeetingForm, meeting_form_from
from web.workspace.meetings.pages import render_meeting
from workflows.meeting.workflow import MeetingWorkflow

MAX_REASON = 1000


def cancel_form(form: Mapping, noun: str) -> MeetingForm:
    """The cancel form's reason and confirmation box, with the errors in place."""
    mf = meeting_form_from({})
    mf.reason = field_text(form, "cancel_reason", MAX_REASON + 1)
    if field_text(form, "confirm", 10) != "ja":
        mf.errors["confirm"] = f"Vink aan dat u de {noun} echt wilt annuleren."
    if len(mf.reason) > MAX_REASON:
        mf.errors["cancel_reason"] = f"De reden is te lang (hoogstens {MAX_REASON} tekens)."
    return mf


async def send_link_again(request: Request, session: Session, renderer, staff: StaffContext,
                          req: ResendRequest) -> HTMLResponse | None:
    """Send a signer's link again through the ledger: None when it went out, else the page saying why not."""
    state = request.app.state
    try:
        result = await resend_signoff_link(Deps(state.settings, state.sessions, state.renderer), req)
    except ResendTooSoon as refusal:
        return await render_meeting(request, session, renderer, staff, req.meeting_id, error=refusal.message,
                                    status_code=409)
    except TemporarySendError:
        result = None
    if result is None or result.status != "sent":
        return await render_meeting(request, session, renderer, staff, req.meeting_id, status_code=502,
                                    error="De e-mail kon nu niet worden verstuurd. Probeer het later opnieuw.")
    return None


def own_token(session: Session, meeting_id: int, person_id: int, purpose: str, version: int) -> int | None:
    """The staff member's own live sign-off link of this version (the one in their email)."""
    return session.exec(select(ActionToken.id).where(
        ActionToken.subject_ref == f"meeting-{meeting_id}", ActionToken.purpose == purpose,
        ActionToken.version == version, ActionToken.person_id == person_id, col(ActionToken.used_at).is_(None),
        ActionToken.revoked == False, ActionToken.expires_at > utcnow(),  # noqa: E712
    ).order_by(col(ActionToken.id).desc())).first()


async def approve_as_self(request: Request, session: Session, renderer, staff: StaffContext,
                          meeting_id: int, purpose: str, version: int) -> HTMLResponse | None:
    """The signed-in signer approves through their own link's update (board, committee or ALV: the shared `decide`):
    None when it was accepted, else the page saying why not."""
    token_id = await off_loop(session, own_token, meeting_id, staff.person_id, purpose, version)
    if token_id is None:
        return await render_meeting(request, session, renderer, staff, meeting_id, status_code=409,
                                    error="Uw ondertekenlink is nog niet aangemaakt. Probeer het over enkele seconden opnieuw.")
    handle = meeting_handle(await get_temporal(request), meeting_id)
    result, problem = await run_update(handle.execute_update(MeetingWorkflow.decide, SignoffDecision(
        token_id=token_id, person_id=staff.person_id, purpose=purpose, version=version, decision="approve",
        source="werkruimte"), id=f"token-{token_id}"))
    if problem or not result.accepted:
        return await render_meeting(request, session, renderer, staff, meeting_id, error=problem or result.message,
                                    status_code=409)
    return None
