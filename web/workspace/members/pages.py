"""Members and board (/werkruimte/leden): municipalities, contact persons (paginated, searchable),
add and edit a person, the board's seats, the committees, and the CSV import. For secretaries (and admins)."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from models.tables.org import Municipality, Person
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, require_role, workspace_page
from web.deps import RendererDep, SessionDep
from web.common.listing import page_number, paginate, search, search_text
from web.workspace.members.board import router as board_router
from web.workspace.members.committees import router as committee_router
from web.workspace.members.data import actor_of, board_of, board_seats, committees_of, municipalities, municipality_counts
from web.workspace.members.forms import FormState, person_form, person_form_of, role_options, save_person
from web.workspace.members.imports import router as import_router

BASE = "/werkruimte/leden"
router = APIRouter(prefix=BASE, dependencies=[require_role("secretary")])


@router.get("", response_class=HTMLResponse)
def overview(staff: StaffDep, session: SessionDep, renderer: RendererDep, opgeslagen: str = "") -> HTMLResponse:
    board = board_of(session, staff.association_id)
    seats = board_seats(session, board.id) if board else []
    return workspace_page(renderer, "web/members.html.j2", staff, nav="leden", towns=municipality_counts(
        session, staff.association_id), board=board, seats=seats, roles=dict(role_options()), saved=opgeslagen[:40],
        committees=committees_of(session, staff.association_id))


@router.get("/personen", response_class=HTMLResponse)
def people(staff: StaffDep, session: SessionDep, renderer: RendererDep, zoek: str = "", pagina: str = "",
           gemeente: str = "", opgeslagen: str = "") -> HTMLResponse:
    query = (select(Person, Municipality.name).outerjoin(Municipality, Municipality.id == Person.municipality_id)
             .where(Person.association_id == staff.association_id))
    town = int(gemeente) if gemeente.isdigit() else None
    if town is not None:
        query = query.where(Person.municipality_id == town)
    query = search(query, zoek, Person.name, Person.email, Person.function, Municipality.name)
    page = paginate(query.order_by(col(Person.name), col(Person.id)), page_number(pagina), session=session)
    return workspace_page(renderer, "web/members_people.html.j2", staff, nav="leden", page=page, zoek=search_text(zoek),
                          gemeente=str(town or ""), towns=municipalities(session, staff.association_id),
                          saved=bool(opgeslagen))


def _person_page(renderer, staff: StaffContext, session: Session, form: FormState, person: Person | None = None,
                 status_code: int = 200, saved: bool = False) -> HTMLResponse:
    towns = [(str(m.id), m.name) for m in municipalities(session, staff.association_id)]
    return workspace_page(renderer, "web/members_person_form.html.j2", staff, status_code=status_code, nav="leden",
                          form=form, person=person, towns=towns, saved=saved)


@router.get("/personen/nieuw", response_class=HTMLResponse)
def new_person(staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    return _person_page(renderer, staff, session, FormState())


@router.post("/personen/nieuw", response_class=HTMLResponse)
async def create_person(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    form = person_form(await request.form())
    person = save_person(session, staff.association_id, form, actor_of(session, staff))
    if person is None:
        session.rollback()
        return _person_page(renderer, staff, session, form, status_code=422)
    session.commit()
    return RedirectResponse(f"{BASE}/personen?{urlencode({'zoek': person.email, 'opgeslagen': 1})}", status_code=303)


@router.get("/personen/{person_id}", response_class=HTMLResponse)
def edit_person(person_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep,
                opgeslagen: str = "") -> HTMLResponse:
    person = owned_or_404(session, Person, person_id, staff)
    return _person_page(renderer, staff, session, person_form_of(person), person, saved=bool(opgeslagen))


@router.post("/personen/{person_id}", response_class=HTMLResponse)
async def update_person(person_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    person = owned_or_404(session, Person, person_id, staff)
    form = person_form(await request.form())
    if save_person(session, staff.association_id, form, actor_of(session, staff), person) is None:
        session.rollback()
        return _person_page(renderer, staff, session, form, session.get(Person, person_id), status_code=422)
    session.commit()
    return RedirectResponse(f"{BASE}/personen/{person_id}?opgeslagen=1", status_code=303)


# The board, committee and import pages share this router's prefix and role check.
router.include_router(board_router)
router.include_router(committee_router)
router.include_router(import_router)
