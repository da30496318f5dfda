"""Meetings of other kinds from the workspace (secretary or admin): an extra ALV (/werkruimte/vergaderingen/nieuw-alv,
with the EXTRA_ALV short-notice policy and a required reason) and a network meeting (/nieuw-netwerk). Both are
created through raadsbode.services.alv.actions / raadsbode.services.network, then their workflow starts at once (as `raadsbode alv start`
and `raadsbode network start` do)."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from models.tables.meetings import Meeting
from models.tables.types import utcnow
from raadsbode.services.alv.actions import create_alv
from raadsbode.services.meeting.actions import MeetingError
from raadsbode.services.network import create_network_meeting
from raadsbode.settings import Settings
from web.workspace.meetings import data
from web.common.auth import CsrfDep, StaffContext, StaffDep, require_role, workspace_page
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.common.forms import field_text
from web.links.data import off_loop
from web.workspace.meetings.forms import MeetingForm, MeetingTimes, check_when_where, meeting_form_from
from web.workspace.meetings.status import start_workflow

BASE = "/werkruimte/vergaderingen"
router = APIRouter(prefix=BASE, dependencies=[require_role("secretary")])
MAX_CAPACITY = 100_000


def _page(session: Session, renderer, staff: StaffContext, kind: str, form: MeetingForm, extra: dict[str, str],
          status_code: int = 200) -> HTMLResponse:
    venues = [(str(v.id), v.name) for v in data.venues(session, staff.association_id)]
    return workspace_page(renderer, f"web/ws_new_{kind}.html.j2", staff, status_code=status_code,
                          nav="vergaderingen", form=form, extra=extra, venues=venues)


def _times(session: Session, staff: StaffContext, settings: Settings, form: MeetingForm) -> MeetingTimes | None:
    return check_when_where(form, settings.timezone, utcnow(), data.venue_ids(session, staff.association_id))


def _commit(session: Session, form: MeetingForm, create: Callable[[], Meeting]) -> int | None:
    """Create the meeting (Dutch MeetingError onto the form) and commit; None when nothing was written."""
    try:
        meeting = create()
    except MeetingError as err:
        session.rollback()
        form.errors["form"] = str(err)
        return None
    session.commit()
    return meeting.id


def _create_alv(session: Session, staff: StaffContext, settings: Settings, form: MeetingForm) -> int | None:
    times = _times(session, staff, settings, form)
    if not form.reason:
        form.errors["reason"] = "Geef de reden voor deze extra ALV op; die staat in de uitnodiging."
    elif len(form.reason) > 2000:
        form.errors["reason"] = "De reden is te lang (hoogstens 2000 tekens)."
    if form.errors or times is None:
        return None
    return _commit(session, form, lambda: create_alv(
        session, association_id=staff.association_id, starts_at=times.starts_at, ends_at=times.ends_at,
        venue_id=times.venue_id, title=form.title, kind="extra_alv", reason=form.reason))


def _capacity(form: MeetingForm, raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_CAPACITY:
        form.errors["capacity"] = "Vul een aantal plaatsen in (een heel getal vanaf 1), of laat het leeg voor onbeperkt."
        return None
    return int(raw)


def _create_network(session: Session, staff: StaffContext, settings: Settings, form: MeetingForm,
                    extra: dict[str, str]) -> int | None:
    times = _times(session, staff, settings, form)
    if not form.title:
        form.errors["title"] = "Geef de bijeenkomst een titel."
    capacity = _capacity(form, extra["capacity"])
    if len(extra["description"]) > 4000:
        form.errors["description"] = "De beschrijving is te lang (hoogstens 4000 tekens)."
    if form.errors or times is None:
        return None
    return _commit(session, form, lambda: create_network_meeting(
        session, association_id=staff.association_id, title=form.title, starts_at=times.starts_at,
        ends_at=times.ends_at, venue_id=times.venue_id, capacity=capacity, description=extra["description"]))


@router.get("/nieuw-alv", response_class=HTMLResponse)
def new_alv(staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    return _page(session, renderer, staff, "alv", MeetingForm(start="19:30", end="21:30"), {})


@router.post("/nieuw-alv", response_class=HTMLResponse)
async def create_extra_alv(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep,
                           settings: SettingsDep):
    form = meeting_form_from(await request.form())
    meeting_id = await off_loop(session, _create_alv, staff, settings, form)
    if meeting_id is None:
        return await off_loop(session, _page, renderer, staff, "alv", form, {}, 422)
    await start_workflow(await get_temporal(request), settings, meeting_id, "extra_alv", staff.association_slug)
    return RedirectResponse(f"{BASE}/{meeting_id}?melding=gestart", status_code=303)


@router.get("/nieuw-netwerk", response_class=HTMLResponse)
def new_network(staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    return _page(session, renderer, staff, "network", MeetingForm(start="15:00", end="17:00"),
                 {"capacity": "", "description": ""})


@router.post("/nieuw-netwerk", response_class=HTMLResponse)
async def create_network(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep,
                         settings: SettingsDep):
    posted = await request.form()
    form = meeting_form_from(posted)
    extra = {"capacity": field_text(posted, "capacity", 20), "description": field_text(posted, "description", 4001)}
    meeting_id = await off_loop(session, _create_network, staff, settings, form, extra)
    if meeting_id is None:
        return await off_loop(session, _page, renderer, staff, "network", form, extra, 422)
    await start_workflow(await get_temporal(request), settings, meeting_id, "network", staff.association_slug)
    return RedirectResponse(f"{BASE}/{meeting_id}?melding=gestart", status_code=303)
