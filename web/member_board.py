"""The board's seats (/werkruimte/leden/bestuur/...): change a member's role and portfolio, add a person
of the association to the board, take a seat away. Mounted by web/member_pages.py (role: secretary)."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from models.org import Body, Membership, Person
from web.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, workspace_page
from web.deps import RendererDep, SessionDep
from web.forms import field_text
from web.member_data import actor_of, board_of
from web.member_forms import FormState, audit, role_options, save_seat, seat_form, seat_form_of

router = APIRouter(prefix="/bestuur")
DONE = "/werkruimte/leden?opgeslagen=bestuur"


def _board_or_404(session: Session, staff: StaffContext) -> Body:
    board = board_of(session, staff.association_id)
    if board is None:
        raise HTTPException(404, detail="Deze vereniging heeft (nog) geen dagelijks bestuur.")
    return board


def _seat_or_404(session: Session, staff: StaffContext, seat_id: int) -> tuple[Membership, Person]:
    seat = owned_or_404(session, Membership, seat_id, staff)
    if seat.body_id != _board_or_404(session, staff).id:
        raise HTTPException(404)  # a general meeting membership is not a board seat
    return seat, session.get(Person, seat.person_id)


def _candidates(session: Session, staff: StaffContext, body_id: int) -> list[tuple[str, str]]:
    seated = select(Membership.person_id).where(Membership.body_id == body_id)
    people = session.exec(select(Person).where(Person.association_id == staff.association_id,
                                               col(Person.id).not_in(seated)).order_by(Person.name)).all()
    return [(str(p.id), f"{p.name} ({p.email})") for p in people]


def _form_page(renderer, staff: StaffContext, session: Session, form: FormState, seat=None, person=None,
               status_code: int = 200) -> HTMLResponse:  # noqa: ANN001
    candidates = [] if seat else _candidates(session, staff, _board_or_404(session, staff).id)
    return workspace_page(renderer, "web/members_board_form.html.j2", staff, status_code=status_code, nav="leden",
                          form=form, seat=seat, person=person, roles=role_options(), candidates=candidates)


@router.get("/nieuw", response_class=HTMLResponse)
def new_seat(staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    return _form_page(renderer, staff, session, FormState(values={"role": "member"}))


@router.post("/nieuw", response_class=HTMLResponse)
async def add_seat(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    board = _board_or_404(session, staff)
    form = seat_form(await request.form())
    if save_seat(session, staff.association_id, board.id, form, actor_of(session, staff)) is None:
        session.rollback()
        return _form_page(renderer, staff, session, form, status_code=422)
    session.commit()
    return RedirectResponse(DONE, status_code=303)


@router.get("/{seat_id}", response_class=HTMLResponse)
def edit_seat(seat_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    seat, person = _seat_or_404(session, staff, seat_id)
    return _form_page(renderer, staff, session, seat_form_of(seat), seat, person)


@router.post("/{seat_id}", response_class=HTMLResponse)
async def update_seat(seat_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    seat, person = _seat_or_404(session, staff, seat_id)
    form = seat_form(await request.form())
    form.values["person_id"] = str(seat.person_id)  # the person of a seat does not change here
    if save_seat(session, staff.association_id, seat.body_id, form, actor_of(session, staff), seat) is None:
        session.rollback()
        seat, person = _seat_or_404(session, staff, seat_id)
        return _form_page(renderer, staff, session, form, seat, person, status_code=422)
    session.commit()
    return RedirectResponse(DONE, status_code=303)


@router.post("/{seat_id}/verwijderen", response_class=HTMLResponse)
async def remove_seat(seat_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    seat, person = _seat_or_404(session, staff, seat_id)
    if field_text(await request.form(), "confirm", 10) != "ja":
        form = seat_form_of(seat)
        form.errors["confirm"] = "Vink aan dat u deze persoon echt uit het bestuur wilt halen."
        return _form_page(renderer, staff, session, form, seat, person, status_code=422)
    audit(session, staff.association_id, actor_of(session, staff), "membership-removed", f"person-{person.id}",
          {"role": str(seat.role)})
    session.delete(seat)
    session.commit()
    return RedirectResponse(DONE, status_code=303)
