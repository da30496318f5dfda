"""What the secretary does to a running meeting from its workspace page: move it, cancel it, submit the
minutes, resend a sign-off link, and give their own approval. Each is one typed workflow update (or, for
the resend, one ledgered email); a rejection comes back on the page in Dutch, in place."""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from activities.deps import Deps
from activities.mailer import TemporarySendError
from models.ledger import ActionToken
from models.meeting_messages import CancelMeeting, SignoffDecision, SubmitMinutes
from models.meetings import Meeting, MeetingKind
from models.minutes import Minutes
from models.types import utcnow
from raadsbode.alv import alv_handle
from raadsbode.meetings import meeting_handle
from raadsbode.resend import ResendRequest, ResendTooSoon, resend_signoff_link
from web.auth import CsrfDep, StaffContext, owned_or_404, require_role
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.forms import field_text, minutes_from_form
from web.link_actions import run_update, submission_id_of
from web.link_data import off_loop
from web.meeting_forms import MeetingForm, meeting_form_from, reschedule_from
from web.ws_data import venue_ids
from web.ws_meetings import BASE, BODY_MEETING_KINDS, render_meeting
from web.ws_status import ALV_KINDS, board_status
from workflows.alv import AlvWorkflow
from workflows.meeting import MeetingWorkflow
from workflows.meeting_base import ScheduledMeeting

router = APIRouter(prefix=BASE, dependencies=[require_role("secretary")])
MAX_REASON = 1000


def _meeting(session: Session, meeting_id: int, staff: StaffContext) -> Meeting:
    return owned_or_404(session, Meeting, meeting_id, staff)


async def _body_meeting(session: Session, meeting_id: int, staff: StaffContext) -> Meeting:
    """A board or committee meeting (both run MeetingWorkflow); 409 for an ALV or network meeting."""
    meeting = await off_loop(session, _meeting, meeting_id, staff)
    if meeting.kind not in BODY_MEETING_KINDS:
        raise HTTPException(409, detail="Dit kan alleen bij een bestuurs- of commissievergadering.")
    return meeting


async def _done(request, session, renderer, staff, meeting_id, result, problem, forms):  # noqa: ANN001
    if problem or not result.accepted:
        return await render_meeting(request, session, renderer, staff, meeting_id, forms=forms,
                                    error=problem or result.message, status_code=409)
    return await render_meeting(request, session, renderer, staff, meeting_id, notice=result.message)


@router.post("/{meeting_id}/verplaatsen", response_class=HTMLResponse)
async def reschedule(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep,
                     settings: SettingsDep) -> HTMLResponse:
    meeting = await off_loop(session, _meeting, meeting_id, staff)
    if meeting.kind not in (*BODY_MEETING_KINDS, *ALV_KINDS):  # the board's and the ALV's shared update
        raise HTTPException(409, detail="Een netwerkbijeenkomst kan niet worden verplaatst; annuleer en plan opnieuw.")
    form = await request.form()
    mf = meeting_form_from(form)
    change = reschedule_from(mf, settings.timezone, utcnow(), await off_loop(session, venue_ids, staff.association_id))
    if change is None:
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"reschedule": mf}, status_code=422)
    handle = meeting_handle(await get_temporal(request), meeting_id)
    # The form's own id: a double submit moves the meeting once.
    result, problem = await run_update(handle.execute_update(
        ScheduledMeeting.reschedule, change, id=f"reschedule-{meeting_id}-{submission_id_of(form)}"))
    return await _done(request, session, renderer, staff, meeting_id, result, problem, {"reschedule": mf})


def cancel_form(form: Mapping, noun: str) -> MeetingForm:
    """The cancel form's reason and confirmation box, with the errors in place."""
    mf = meeting_form_from({})
    mf.reason = field_text(form, "cancel_reason", MAX_REASON + 1)
    if field_text(form, "confirm", 10) != "ja":
        mf.errors["confirm"] = f"Vink aan dat u de {noun} echt wilt annuleren."
    if len(mf.reason) > MAX_REASON:
        mf.errors["cancel_reason"] = f"De reden is te lang (hoogstens {MAX_REASON} tekens)."
    return mf


@router.post("/{meeting_id}/annuleren", response_class=HTMLResponse)
async def cancel(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    meeting = await off_loop(session, _meeting, meeting_id, staff)
    if meeting.kind == MeetingKind.network:
        raise HTTPException(409, detail="Een netwerkbijeenkomst annuleert u met 'raadsbode network'.")
    mf = cancel_form(await request.form(), "vergadering")
    if mf.errors:
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"cancel": mf}, status_code=422)
    client = await get_temporal(request)
    if meeting.kind in ALV_KINDS:
        call = alv_handle(client, meeting_id).execute_update(AlvWorkflow.cancel, CancelMeeting(mf.reason), id=f"cancel-{meeting_id}")
    else:
        call = meeting_handle(client, meeting_id).execute_update(MeetingWorkflow.cancel, CancelMeeting(mf.reason),
                                                                 id=f"cancel-{meeting_id}")
    result, problem = await run_update(call)
    return await _done(request, session, renderer, staff, meeting_id, result, problem, {"cancel": mf})


@router.post("/{meeting_id}/verslag", response_class=HTMLResponse)
async def submit_minutes(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                         renderer: RendererDep) -> HTMLResponse:
    await _body_meeting(session, meeting_id, staff)
    form = await request.form()
    minutes = minutes_from_form(form)
    if minutes.errors:
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"minutes": minutes}, status_code=422)
    handle = meeting_handle(await get_temporal(request), meeting_id)
    _, problem = await run_update(handle.execute_update(
        MeetingWorkflow.submit_minutes, SubmitMinutes(staff.person_id, minutes.text, minutes.decision_list()),
        id=f"minutes-{meeting_id}-{submission_id_of(form)}"))
    if problem:
        minutes.errors.append(problem)
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"minutes": minutes}, status_code=409)
    return RedirectResponse(f"{BASE}/{meeting_id}?melding=verslag", status_code=303)


def _round_version(session: Session, meeting_id: int, purpose: str, agenda_version: int) -> int:
    if purpose == "agenda-signoff":
        return agenda_version
    latest = session.exec(select(Minutes.version).where(Minutes.meeting_id == meeting_id)
                          .order_by(col(Minutes.version).desc())).first()
    return latest or 0


async def _open_signer(request: Request, session: Session, staff: StaffContext, meeting_id: int, person_id: int,
                       purpose: str) -> tuple[int, str] | str:
    """(round version, signer role) when `person_id` still has to sign; otherwise a Dutch reason."""
    await _body_meeting(session, meeting_id, staff)
    status = await board_status(await get_temporal(request), meeting_id)
    if status is None:
        return "Raadsbode kan de stand van deze vergadering nu niet opvragen. Probeer het over een minuut opnieuw."
    wanted = "minutes-signoff" if status.phase in ("held", "minutes_signoff") else "agenda-signoff"
    signer = next((s for s in status.signers if s.person_id == person_id and not s.signed), None)
    if purpose != wanted or signer is None or status.phase not in ("agenda_signoff", "minutes_signoff"):
        return "Deze persoon hoeft nu niet (meer) te ondertekenen."
    return await off_loop(session, _round_version, meeting_id, purpose, status.agenda_version), signer.role


async def send_link_again(request: Request, session: Session, renderer, staff: StaffContext,  # noqa: ANN001
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


@router.post("/{meeting_id}/ondertekening/opnieuw", response_class=HTMLResponse)
async def resend(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                 renderer: RendererDep) -> HTMLResponse:
    form = await request.form()
    raw_person, purpose = field_text(form, "person_id", 20), field_text(form, "purpose", 40)
    found = await _open_signer(request, session, staff, meeting_id, int(raw_person) if raw_person.isdigit() else -1, purpose)
    if isinstance(found, str):
        return await render_meeting(request, session, renderer, staff, meeting_id, error=found, status_code=409)
    version, role = found
    refused = await send_link_again(request, session, renderer, staff, ResendRequest(
        meeting_id, int(raw_person), purpose, version, in_place_of_chair=role == "deputy_chair", actor=staff.person_name))
    if refused is not None:
        return refused
    return RedirectResponse(f"{BASE}/{meeting_id}?melding=opnieuw", status_code=303)


def own_token(session: Session, meeting_id: int, person_id: int, purpose: str, version: int) -> int | None:
    """The staff member's own live sign-off link of this version (the one in their email)."""
    return session.exec(select(ActionToken.id).where(
        ActionToken.subject_ref == f"meeting-{meeting_id}", ActionToken.purpose == purpose,
        ActionToken.version == version, ActionToken.person_id == person_id, col(ActionToken.used_at).is_(None),
        ActionToken.revoked == False, ActionToken.expires_at > utcnow(),  # noqa: E712
    ).order_by(col(ActionToken.id).desc())).first()


async def approve_as_self(request: Request, session: Session, renderer, staff: StaffContext,  # noqa: ANN001
                          meeting_id: int, purpose: str, version: int) -> HTMLResponse | None:
    """The signed-in signer approves through their own link's update (board, committee or ALV: the shared `decide`):
    None when it was accepted, else the page saying why not."""
    token_id = await off_loop(session, own_token, meeting_id, staff.person_id, purpose, version)
    if token_id is None:
        return await render_meeting(request, session, renderer, staff, meeting_id, status_code=409,
                                    error="Uw ondertekenlink is nog niet aangemaakt. Probeer het over enkele seconden opnieuw.")
    handle = meeting_handle(await get_temporal(request), meeting_id)
    result, problem = await run_update(handle.execute_update(ScheduledMeeting.decide, SignoffDecision(
        token_id=token_id, person_id=staff.person_id, purpose=purpose, version=version, decision="approve",
        source="werkruimte"), id=f"token-{token_id}"))
    if problem or not result.accepted:
        return await render_meeting(request, session, renderer, staff, meeting_id, error=problem or result.message,
                                    status_code=409)
    return None


@router.post("/{meeting_id}/ondertekening/goedkeuren", response_class=HTMLResponse)
async def approve_self(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                       renderer: RendererDep) -> HTMLResponse:
    purpose = field_text(await request.form(), "purpose", 40)
    found = await _open_signer(request, session, staff, meeting_id, staff.person_id, purpose)
    if isinstance(found, str):
        return await render_meeting(request, session, renderer, staff, meeting_id, error=found, status_code=409)
    refused = await approve_as_self(request, session, renderer, staff, meeting_id, purpose, found[0])
    if refused is not None:
        return refused
    return RedirectResponse(f"{BASE}/{meeting_id}?melding=getekend", status_code=303)
