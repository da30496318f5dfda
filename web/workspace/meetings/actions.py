"""What the secretary does to a running meeting from its workspace page: move it, cancel it, submit the
minutes, resend a sign-off link, and give their own approval. Each is one typed workflow update (or, for
the resend, one ledgered email); a rejection comes back on the page in Dutch, in place."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from models.messages.meeting import CancelMeeting, SubmitMinutes
from models.tables.meetings import Meeting, MeetingKind
from models.tables.minutes import Minutes
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle
from raadsbode.services.meeting.actions import meeting_handle
from raadsbode.services.meeting.resend import ResendRequest
from web.common.auth import CsrfDep, StaffContext, owned_or_404, require_role
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.common.forms import field_text, minutes_from_form
from web.links.actions import run_update, submission_id_of
from web.links.data import off_loop
from web.workspace.meetings.forms import meeting_form_from, reschedule_from
from web.workspace.meetings.data import venue_ids
from web.workspace.meetings.pages import BASE, BODY_MEETING_KINDS, render_meeting
from web.workspace.meetings.shared_actions import approve_as_self, cancel_form, send_link_again
from web.workspace.meetings.status import ALV_KINDS, board_status
from workflows.alv.workflow import AlvWorkflow
from workflows.meeting.workflow import MeetingWorkflow
from raadsbode.domain.vocabulary import TokenPurpose

router = APIRouter(prefix=BASE, dependencies=[require_role("secretary")])


def _meeting(session: Session, meeting_id: int, staff: StaffContext) -> Meeting:
    return owned_or_404(session, Meeting, meeting_id, staff)


async def _body_meeting(session: Session, meeting_id: int, staff: StaffContext) -> Meeting:
    """A board or committee meeting (both run MeetingWorkflow); 409 for an ALV or network meeting."""
    meeting = await off_loop(session, _meeting, meeting_id, staff)
    if meeting.kind not in BODY_MEETING_KINDS:
        raise HTTPException(409, detail="Dit kan alleen bij een bestuurs- of commissievergadering.")
    return meeting


async def _done(request, session, renderer, staff, meeting_id, result, problem, forms):
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
    # The form's own id: a double submit moves the meeting once. The ALV's workflow has the same update.
    result, problem = await run_update(handle.execute_update(
        MeetingWorkflow.reschedule, change, id=f"reschedule-{meeting_id}-{submission_id_of(form)}"))
    return await _done(request, session, renderer, staff, meeting_id, result, problem, {"reschedule": mf})


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
    if purpose == TokenPurpose.agenda_signoff:
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
    wanted = TokenPurpose.minutes_signoff if status.phase in ("held", "minutes_signoff") else TokenPurpose.agenda_signoff
    signer = next((s for s in status.signers if s.person_id == person_id and not s.signed), None)
    if purpose != wanted or signer is None or status.phase not in ("agenda_signoff", "minutes_signoff"):
        return "Deze persoon hoeft nu niet (meer) te ondertekenen."
    return await off_loop(session, _round_version, meeting_id, purpose, status.agenda_version), signer.role


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
