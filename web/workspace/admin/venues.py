"""Admin: venues (/werkruimte/beheer/vereniging/zalen): list (paginated, searchable), add, edit name, address
and municipality, delete. A venue's name is unique within the association; a venue a meeting or a year-planning
row names cannot be deleted (the page says how many use it)."""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from models.tables.alv import PlanningEntry
from models.tables.meetings import Meeting
from models.tables.org import Municipality, Venue
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, workspace_page
from web.deps import RendererDep, SessionDep
from web.common.forms import check_header_fields, field_text
from web.common.listing import page_number, paginate, search, search_text
from web.workspace.members.data import actor_of, municipalities
from raadsbode.services.admin import do_delete_venue, do_save_venue
from web.workspace.members.forms import FormState

BASE = "/werkruimte/beheer/vereniging/zalen"
router = APIRouter(prefix=BASE)


@router.get("", response_class=HTMLResponse)
def venue_list(staff: StaffDep, session: SessionDep, renderer: RendererDep, zoek: str = "", pagina: str = "",
               opgeslagen: str = "", verwijderd: str = "") -> HTMLResponse:
    query = (select(Venue, Municipality.name).outerjoin(Municipality, Municipality.id == Venue.municipality_id)
             .where(Venue.association_id == staff.association_id))
    query = search(query, zoek, Venue.name, Venue.address, Municipality.name)
    page = paginate(query.order_by(col(Venue.name), col(Venue.id)), page_number(pagina), session=session)
    return workspace_page(renderer, "web/ws_admin_venues.html.j2", staff, nav="beheer", page=page,
                          zoek=search_text(zoek), saved=bool(opgeslagen), deleted=bool(verwijderd))


def venue_form(data: Mapping) -> FormState:
    return FormState(values={name: field_text(data, name, 400) for name in ("name", "address", "municipality_id")})


def check_venue(session: Session, association_id: int, form: FormState, venue_id: int | None) -> None:
    values = form.values
    if not values.get("name"):
        form.errors["name"] = "Vul de naam van de locatie in."
    elif len(values["name"]) > 200:
        form.errors["name"] = "Te lang: hoogstens 200 tekens."
    else:
        clash = session.exec(select(Venue.id).where(Venue.association_id == association_id,
                                                    Venue.name == values["name"])).first()
        if clash is not None and clash != venue_id:
            form.errors["name"] = "Er is al een locatie met deze naam."
    if len(values.get("address", "")) > 300:
        form.errors["address"] = "Te lang: hoogstens 300 tekens."
    check_header_fields(values, form.errors, {"name": "De naam", "address": "Het adres"})  # invitations' LOCATION
    raw = values.get("municipality_id", "")
    town = session.get(Municipality, int(raw)) if raw.isdigit() else None
    if raw and (town is None or town.association_id != association_id):
        form.errors["municipality_id"] = "Kies een gemeente uit de lijst."


def _form_page(renderer, staff: StaffContext, session: Session, form: FormState, venue: Venue | None = None,
               status_code: int = 200, saved: bool = False, removal: FormState | None = None) -> HTMLResponse:
    towns = [(str(m.id), m.name) for m in municipalities(session, staff.association_id)]
    in_use = in_use_text(*venue_use(session, venue.id)) if venue else ""
    return workspace_page(renderer, "web/ws_admin_venue_form.html.j2", staff, status_code=status_code, nav="beheer",
                          form=form, venue=venue, towns=towns, saved=saved, in_use=in_use, removal=removal or FormState())


def in_use_text(meetings: int, planned: int) -> str:
    """'2 vergaderingen en 1 regel van de jaarplanning' (empty when nothing uses the venue)."""
    parts = [f"{meetings} vergadering{'en' if meetings != 1 else ''}"] if meetings else []
    parts += [f"{planned} regel{'s' if planned != 1 else ''} van de jaarplanning"] if planned else []
    return " en ".join(parts)


def _save(session: Session, staff: StaffContext, form: FormState, venue: Venue | None) -> Venue | None:
    check_venue(session, staff.association_id, form, venue.id if venue else None)
    if not form.ok:
        return None
    raw = form.values.get("municipality_id", "")
    return do_save_venue(session, staff.association_id, actor_of(session, staff), venue, form.values["name"],
                         form.values.get("address", ""), int(raw) if raw else None)


@router.get("/nieuw", response_class=HTMLResponse)
def new_venue(staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    return _form_page(renderer, staff, session, FormState())


@router.post("/nieuw", response_class=HTMLResponse)
async def create_venue(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    form = venue_form(await request.form())
    if _save(session, staff, form, None) is None:
        session.rollback()
        return _form_page(renderer, staff, session, form, status_code=422)
    session.commit()
    return RedirectResponse(f"{BASE}?opgeslagen=1", status_code=303)


@router.get("/{venue_id}", response_class=HTMLResponse)
def edit_venue(venue_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep,
               opgeslagen: str = "") -> HTMLResponse:
    venue = owned_or_404(session, Venue, venue_id, staff)
    return _form_page(renderer, staff, session, _edit_form(venue), venue, saved=bool(opgeslagen))


@router.post("/{venue_id}", response_class=HTMLResponse)
async def update_venue(venue_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    venue = owned_or_404(session, Venue, venue_id, staff)
    form = venue_form(await request.form())
    if _save(session, staff, form, venue) is None:
        session.rollback()
        return _form_page(renderer, staff, session, form, session.get(Venue, venue_id), status_code=422)
    session.commit()
    return RedirectResponse(f"{BASE}/{venue_id}?opgeslagen=1", status_code=303)


def _edit_form(venue: Venue) -> FormState:
    return FormState(values={"name": venue.name, "address": venue.address,
                             "municipality_id": str(venue.municipality_id or "")})


@router.post("/{venue_id}/verwijderen", response_class=HTMLResponse)
async def delete_venue(venue_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    """Delete an unused venue after the confirmation box; in use: refused with how many meetings use it."""
    venue = owned_or_404(session, Venue, venue_id, staff)
    removal = FormState(values={"confirm": field_text(await request.form(), "confirm", 10)})
    in_use = in_use_text(*venue_use(session, venue_id))
    if in_use:
        removal.errors["confirm"] = f"Deze locatie kan niet worden verwijderd: ze is in gebruik bij {in_use}."
    elif removal.values["confirm"] != "ja":
        removal.errors["confirm"] = "Vink aan dat u deze locatie echt wilt verwijderen."
    if not removal.ok:
        return _form_page(renderer, staff, session, _edit_form(venue), venue, status_code=409 if in_use else 422,
                          removal=removal)
    do_delete_venue(session, staff.association_id, actor_of(session, staff), venue)
    session.commit()
    return RedirectResponse(f"{BASE}?verwijderd=1", status_code=303)


def venue_use(session: Session, venue_id: int) -> tuple[int, int]:
    """How many meetings (any status) and year-planning rows name the venue."""
    meetings = session.exec(select(func.count()).select_from(Meeting).where(Meeting.venue_id == venue_id)).one()
    planned = session.exec(select(func.count()).select_from(PlanningEntry).where(PlanningEntry.venue_id == venue_id)).one()
    return int(meetings), int(planned)
