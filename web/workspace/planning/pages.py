"""Year planning (/werkruimte/jaarplanning, secretary or admin): the board meetings and ALVs of a year with
their workflows (start one, or all), and a form to plan the whole year in one go (all or nothing)."""
from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from models.tables.meetings import Meeting, MeetingKind, MeetingStatus
from models.tables.types import utcnow
from raadsbode.store.associations import AssociationError
from raadsbode.services.meeting.actions import MeetingError
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, require_role, workspace_page
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.common.forms import field_text
from web.links.data import off_loop
from web.workspace.meetings.data import KIND_LABELS, STATUS_LABELS, venue_ids, venues
from web.workspace.planning.form import ROW_KINDS, PlanRow, check_rows, create_all, default_rows, rows_from_form
from web.workspace.meetings.status import RUNNING, WORKFLOW_LABELS, client_or_none, start_workflow, workflow_state

BASE = "/werkruimte/jaarplanning"
router = APIRouter(prefix=BASE, dependencies=[require_role("secretary")])
PLANNED_KINDS = (MeetingKind.board, MeetingKind.alv, MeetingKind.extra_alv)
NOTICES = {"gepland": "De vergaderingen zijn aangemaakt. Start hieronder hun begeleiding.",
           "gestart": "De begeleiding van de vergadering is gestart.",
           "alles": "De begeleiding van alle komende vergaderingen is gestart."}


def _year(raw: str, tz: str) -> int:
    today = datetime.now(ZoneInfo(tz)).date()
    default = today.year if today.month <= 9 else today.year + 1  # from October on, plan the next year
    return int(raw) if raw.isdigit() and today.year - 5 <= int(raw) <= today.year + 5 else default


def _meetings(session: Session, association_id: int, year: int, tz: str) -> list[Meeting]:
    zone = ZoneInfo(tz)
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    return list(session.exec(select(Meeting).where(
        Meeting.association_id == association_id, col(Meeting.kind).in_(PLANNED_KINDS),
        col(Meeting.starts_at) >= start, col(Meeting.starts_at) < end).order_by(col(Meeting.starts_at))).all())


def _context(session: Session, staff: StaffContext, year: int, tz: str) -> dict:
    places = venues(session, staff.association_id)
    return {"meetings": _meetings(session, staff.association_id, year, tz), "venue_names": {v.id: v.name for v in places},
            "venue_options": [(str(v.id), v.name) for v in places], "defaults": default_rows(year, places, date.today())}


async def _page(request: Request, session: Session, renderer, staff: StaffContext, year: int, tz: str, *,
                rows: list[PlanRow] | None = None, notice: str = "", error: str = "", status_code: int = 200):
    ctx = await off_loop(session, _context, staff, year, tz)
    defaults = ctx.pop("defaults")
    client = await client_or_none(request)
    states = await asyncio.gather(*(workflow_state(client, m.id) for m in ctx["meetings"]))
    return workspace_page(renderer, "web/ws_planning.html.j2", staff, status_code=status_code, nav="jaarplanning",
                          year=year, rows=defaults if rows is None else rows, running=RUNNING,
                          states={m.id: state for m, state in zip(ctx["meetings"], states)}, state_labels=WORKFLOW_LABELS,
                          kinds=KIND_LABELS, statuses=STATUS_LABELS, row_kinds=list(ROW_KINDS.items()), now=utcnow(),
                          notice=notice, error=error, **ctx)


@router.get("", response_class=HTMLResponse)
async def planning(request: Request, staff: StaffDep, session: SessionDep, renderer: RendererDep, settings: SettingsDep,
                   jaar: str = "", melding: str = "") -> HTMLResponse:
    return await _page(request, session, renderer, staff, _year(jaar, settings.timezone), settings.timezone,
                       notice=NOTICES.get(melding, ""))


def _create(session: Session, staff: StaffContext, rows: list[PlanRow], tz: str) -> list[int] | None:
    items = check_rows(rows, venue_ids(session, staff.association_id), tz, utcnow())
    if items is None:
        return None
    try:
        ids = create_all(session, staff.association_id, items)
    except (MeetingError, AssociationError) as err:
        session.rollback()
        rows[0].errors["form"] = str(err)
        return None
    session.commit()
    return ids


@router.post("", response_class=HTMLResponse)
async def plan_year(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep, settings: SettingsDep):
    form = await request.form()
    year, rows = _year(field_text(form, "jaar", 4), settings.timezone), rows_from_form(form)
    if not any(row.include for row in rows):
        return await _page(request, session, renderer, staff, year, settings.timezone, rows=rows, status_code=422,
                           error="Vink ten minste één vergadering aan.")
    if await off_loop(session, _create, staff, rows, settings.timezone) is None:
        form_error = rows[0].errors.pop("form", "") if rows else ""
        return await _page(request, session, renderer, staff, year, settings.timezone, rows=rows, status_code=422,
                           error=form_error or "Er is niets aangemaakt: verbeter de gemarkeerde regels.")
    return RedirectResponse(f"{BASE}?jaar={year}&melding=gepland", status_code=303)


def _startable(session: Session, staff: StaffContext, meeting_ids: list[int]) -> list[tuple[int, str]]:
    """(id, kind) of the given meetings that may start: ours, not cancelled, still ahead."""
    meetings = [owned_or_404(session, Meeting, meeting_id, staff) for meeting_id in meeting_ids]
    return [(m.id, str(m.kind)) for m in meetings if m.status != MeetingStatus.cancelled and m.starts_at > utcnow()]


@router.post("/starten", response_class=HTMLResponse)
async def start_one(request: Request, staff: CsrfDep, session: SessionDep, settings: SettingsDep):
    form = await request.form()
    raw, year = field_text(form, "meeting_id", 20), _year(field_text(form, "jaar", 4), settings.timezone)
    for meeting_id, kind in await off_loop(session, _startable, staff, [int(raw) if raw.isdigit() else -1]):
        await start_workflow(await get_temporal(request), settings, meeting_id, kind, staff.association_slug)
    return RedirectResponse(f"{BASE}?jaar={year}&melding=gestart", status_code=303)


def _year_ids(session: Session, staff: StaffContext, year: int, tz: str) -> list[int]:
    return [m.id for m in _meetings(session, staff.association_id, year, tz)]


@router.post("/alles-starten", response_class=HTMLResponse)
async def start_all(request: Request, staff: CsrfDep, session: SessionDep, settings: SettingsDep):
    year = _year(field_text(await request.form(), "jaar", 4), settings.timezone)
    ids = await off_loop(session, _year_ids, staff, year, settings.timezone)
    startable = await off_loop(session, _startable, staff, ids)
    client = await get_temporal(request)
    await asyncio.gather(*(start_workflow(client, settings, meeting_id, kind, staff.association_slug)
                           for meeting_id, kind in startable))
    return RedirectResponse(f"{BASE}?jaar={year}&melding=alles", status_code=303)
