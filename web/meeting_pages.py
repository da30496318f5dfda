"""The secretary's pages under /secretariaat: start a meeting, follow it, move or cancel it.

No login yet (a later issue adds it). Forms carry a CSRF field and must come from our own origin.
"""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from models.meeting_messages import CancelMeeting
from models.meetings import Meeting
from models.org import Association, Body, Venue
from models.types import utcnow
from raadsbode.associations import AssociationError, get_association_by_slug, list_associations
from raadsbode.meetings import MeetingError, create_meeting, meeting_handle, start_meeting_workflow
from raadsbode.settings import Settings
from raadsbode.tokens import csrf_for
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.forms import field_text
from web.link_actions import run_update, submission_id_of
from web.link_data import meeting_facts, off_loop
from web.link_security import SECRETARY_CSRF_LABEL, post_allowed, render_page
from web.meeting_forms import (MEETING_KIND_OF_BODY, MeetingForm, meeting_form_from, notice_days, parse_times,
                               reschedule_from)
from web.meeting_status import load_status
from workflows.meeting import MeetingWorkflow

router = APIRouter(prefix="/secretariaat")
# Board and committee meetings run MeetingWorkflow, which this form starts. An ALV or a network meeting has
# its own workflow, started elsewhere (the year planning, the ALV and network commands).
FORM_BODY_KINDS = ("board", "committee")
OTHER_BODY_KINDS = {
    "general_meeting": "Een algemene ledenvergadering plant u in de jaarplanning (/werkruimte/jaarplanning); "
                       "een extra ALV start het secretariaat met 'raadsbode alv start'.",
    "network": "Een netwerkbijeenkomst start het secretariaat met 'raadsbode network start'.",
}
# No token in these URLs, so the Referer may go to our own origin (and the browser sends a real Origin).
REFERRER_POLICY = "same-origin"


def _page(renderer, template: str, status_code: int = 200, **ctx) -> HTMLResponse:
    return render_page(renderer, template, status_code, referrer_policy=REFERRER_POLICY, **ctx)


def _csrf(settings: Settings) -> str:
    return csrf_for(settings.secret_key, SECRETARY_CSRF_LABEL)


async def _checked_form(request: Request, settings: Settings):
    form = await request.form()
    ok = post_allowed(request, settings, SECRETARY_CSRF_LABEL, field_text(form, "csrf", 200), allow_null_origin=False)
    return form if ok else None


def _forbidden(renderer) -> HTMLResponse:
    return _page(renderer, "meeting_message.html.j2", 403, heading="Formulier niet geaccepteerd",
                 text="Dit formulier is niet vanaf deze website verstuurd. Open de pagina opnieuw en probeer het nog eens.")


@router.get("/vergaderingen", response_class=HTMLResponse)
def list_meetings(session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    rows = session.exec(select(Meeting, Association.name, Body.name)
                        .join(Association, Association.id == Meeting.association_id)
                        .join(Body, Body.id == Meeting.body_id)
                        .order_by(Meeting.starts_at.desc()).limit(200)).all()  # type: ignore[attr-defined]
    return _page(renderer, "meeting_list.html.j2", meetings=rows)


def _new_form_page(session: Session, renderer, settings: Settings, mf: MeetingForm, status_code: int = 200):
    association = None
    if mf.association:
        try:
            association = get_association_by_slug(session, mf.association)
        except AssociationError as err:
            mf.errors["association"] = str(err)
    bodies = venues = []
    if association is not None:  # this form starts board and committee meetings only (see _create)
        bodies = session.exec(select(Body).where(Body.association_id == association.id,
                                                 col(Body.kind).in_(FORM_BODY_KINDS)).order_by(Body.name)).all()
        venues = session.exec(select(Venue).where(Venue.association_id == association.id).order_by(Venue.name)).all()
    return _page(renderer, "meeting_new.html.j2", status_code, form=mf, csrf=_csrf(settings),
                 associations=list_associations(session), association=association, bodies=bodies, venues=venues)


@router.get("/vergaderingen/nieuw", response_class=HTMLResponse)
def new_meeting_form(session: SessionDep, renderer: RendererDep, settings: SettingsDep,
                     vereniging: str = "") -> HTMLResponse:
    return _new_form_page(session, renderer, settings, MeetingForm(association=vereniging[:64]))


def _create(session: Session, settings: Settings, mf: MeetingForm) -> tuple[Meeting, str] | None:
    """The meeting row (committed), or None with the errors on the form."""
    association = get_association_by_slug(session, mf.association)
    body = session.get(Body, int(mf.body_id)) if mf.body_id.isdigit() else None
    if body is None or body.association_id != association.id:
        mf.errors["body_id"] = "Kies een orgaan van deze vereniging."
    elif str(body.kind) not in FORM_BODY_KINDS:  # an ALV or network meeting runs another workflow
        mf.errors["body_id"] = OTHER_BODY_KINDS.get(str(body.kind), "Kies het dagelijks bestuur of een commissie.")
    days = notice_days(mf)
    times = parse_times(mf, settings.timezone, utcnow())
    if mf.errors or times is None or body is None:
        return None
    meeting = create_meeting(session, association_id=association.id, body_id=body.id,
                             kind=MEETING_KIND_OF_BODY.get(str(body.kind), "board"), title=mf.title,
                             starts_at=times.starts_at, ends_at=times.ends_at, venue_id=times.venue_id,
                             policy={"convocation_before": f"{days}d"})
    session.commit()
    return meeting, association.slug


@router.post("/vergaderingen", response_class=HTMLResponse)
async def start_meeting(request: Request, session: SessionDep, renderer: RendererDep, settings: SettingsDep):
    form = await _checked_form(request, settings)
    if form is None:
        return _forbidden(renderer)
    mf = meeting_form_from(form)
    try:
        created = await off_loop(session, _create, settings, mf)
    except (AssociationError, MeetingError) as err:
        mf.errors["form"], created = str(err), None
    if created is None:
        return await off_loop(session, _new_form_page, renderer, settings, mf, 400)
    meeting, slug = created
    await start_meeting_workflow(await get_temporal(request), settings, meeting.id, slug)
    return RedirectResponse(f"/secretariaat/vergaderingen/{meeting.id}", status_code=303)


def _meeting_context(session: Session, meeting_id: int) -> dict | None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    venues = session.exec(select(Venue).where(Venue.association_id == meeting.association_id).order_by(Venue.name)).all()
    return {"meeting": meeting_facts(session, meeting), "venues": list(venues)}


async def _status_page(request: Request, session: Session, renderer, settings: Settings, meeting_id: int,
                       form: MeetingForm | None = None, notice: str = "", error: str = "", status_code: int = 200):
    ctx = await off_loop(session, _meeting_context, meeting_id)
    if ctx is None:
        return _page(renderer, "meeting_message.html.j2", 404, heading="Onbekende vergadering",
                     text="Deze vergadering bestaat niet.")
    return _page(renderer, "meeting_status.html.j2", status_code, status=await load_status(request, meeting_id),
                 form=form or MeetingForm(), notice=notice, error=error, csrf=_csrf(settings),
                 submission_id=uuid.uuid4().hex, **ctx)


@router.get("/vergaderingen/{meeting_id}", response_class=HTMLResponse)
async def meeting_status(meeting_id: int, request: Request, session: SessionDep, renderer: RendererDep,
                         settings: SettingsDep) -> HTMLResponse:
    return await _status_page(request, session, renderer, settings, meeting_id)


@router.post("/vergaderingen/{meeting_id}/verplaatsen", response_class=HTMLResponse)
async def reschedule_meeting(meeting_id: int, request: Request, session: SessionDep, renderer: RendererDep,
                             settings: SettingsDep) -> HTMLResponse:
    form = await _checked_form(request, settings)
    if form is None:
        return _forbidden(renderer)
    mf = meeting_form_from(form)
    change = reschedule_from(mf, settings.timezone, utcnow())
    if change is None or not await off_loop(session, _exists, meeting_id):
        return await _status_page(request, session, renderer, settings, meeting_id, mf, status_code=400)
    handle = meeting_handle(await get_temporal(request), meeting_id)
    # The form's own id: a double submit moves the meeting once (same update id).
    result, problem = await run_update(handle.execute_update(
        MeetingWorkflow.reschedule, change, id=f"reschedule-{meeting_id}-{submission_id_of(form)}"))
    return await _after_change(request, session, renderer, settings, meeting_id, mf, result, problem)


def _exists(session: Session, meeting_id: int) -> bool:
    return session.get(Meeting, meeting_id) is not None


async def _after_change(request, session, renderer, settings, meeting_id, mf, result, problem) -> HTMLResponse:
    if problem or not result.accepted:
        return await _status_page(request, session, renderer, settings, meeting_id, mf,
                                  error=problem or result.message, status_code=409)
    return await _status_page(request, session, renderer, settings, meeting_id, notice=result.message)


@router.post("/vergaderingen/{meeting_id}/annuleren", response_class=HTMLResponse)
async def cancel_meeting(meeting_id: int, request: Request, session: SessionDep, renderer: RendererDep,
                         settings: SettingsDep) -> HTMLResponse:
    form = await _checked_form(request, settings)
    if form is None:
        return _forbidden(renderer)
    mf = meeting_form_from(form)
    if field_text(form, "confirm", 10) != "ja":
        mf.errors["confirm"] = "Vink aan dat u de vergadering echt wilt annuleren."
    if len(mf.reason) > 1000:
        mf.errors["reason"] = "De toelichting is te lang (hoogstens 1000 tekens)."
    if mf.errors or not await off_loop(session, _exists, meeting_id):
        return await _status_page(request, session, renderer, settings, meeting_id, mf, status_code=400)
    handle = meeting_handle(await get_temporal(request), meeting_id)
    result, problem = await run_update(handle.execute_update(
        MeetingWorkflow.cancel, CancelMeeting(reason=mf.reason), id=f"cancel-{meeting_id}"))
    return await _after_change(request, session, renderer, settings, meeting_id, mf, result, problem)
