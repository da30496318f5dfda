"""The board's seats (/werkruimte/leden/bestuur/...): change a member's role and portfolio, add a person
of the association to the board, take a seat away. Mounted by web/workspace/members/pages.py (role: secretary); the
form and its handling are shared with the committees' seats (web/workspace/members/seats.py)."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from web.workspace.members import seats
from web.common.auth import CsrfDep, StaffContext, StaffDep
from web.deps import RendererDep, SessionDep
from web.workspace.members.data import board_of
from web.workspace.members.forms import BOARD_SEATS, FormState, seat_form_of

router = APIRouter(prefix="/bestuur")
BASE = "/werkruimte/leden/bestuur"


def _board_place(session: Session, staff: StaffContext) -> seats.SeatPlace:
    board = board_of(session, staff.association_id)
    if board is None:
        raise HTTPException(404, detail="Deze vereniging heeft (nog) geen dagelijks bestuur.")
    return seats.SeatPlace(
        body=board, rules=BOARD_SEATS, base=BASE, done="/werkruimte/leden?opgeslagen=bestuur",
        back=("/werkruimte/leden", "Leden en bestuur"), new_title="Iemand aan het bestuur toevoegen",
        edit_title="Bestuursrol van {name}",
        role_hint=("Het bestuur heeft precies één voorzitter, één loco-voorzitter en één secretaris; "
                   "zij tekenen de agenda."))


@router.get("/nieuw", response_class=HTMLResponse)
def new_seat(staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    return seats.seat_page(renderer, staff, session, _board_place(session, staff), FormState(values={"role": "member"}))


@router.post("/nieuw", response_class=HTMLResponse)
async def add_seat(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    return await seats.add_seat(request, staff, session, renderer, _board_place(session, staff))


@router.get("/{seat_id}", response_class=HTMLResponse)
def edit_seat(seat_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    place = _board_place(session, staff)
    seat, person = seats.seat_or_404(session, staff, place, seat_id)
    return seats.seat_page(renderer, staff, session, place, seat_form_of(seat), seat, person)


@router.post("/{seat_id}", response_class=HTMLResponse)
async def update_seat(seat_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    return await seats.update_seat(request, staff, session, renderer, _board_place(session, staff), seat_id)


@router.post("/{seat_id}/verwijderen", response_class=HTMLResponse)
async def remove_seat(seat_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    return await seats.remove_seat(request, staff, session, renderer, _board_place(session, staff), seat_id)
