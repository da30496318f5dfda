"""The seats of a body, for the board's and the committees' pages alike: one form (web/members_board_form.html.j2)
to add a person of the association, change a seat's role and portfolio, or take the seat away. A `SeatPlace`
says which body, where its form lives and how the page names it; the routes are in web/workspace/members/board.py and
web/workspace/members/committees.py. Callers commit nothing: these handlers do, after the form checked out."""
from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from models.tables.org import Body, Membership, Person
from web.common.auth import StaffContext, owned_or_404, workspace_page
from web.common.forms import field_text
from web.workspace.members.data import actor_of
from web.workspace.members.forms import FormState, SeatRules, role_options, save_seat, seat_form, seat_form_of
from raadsbode.store.audit import record_audit


@dataclass(frozen=True)
class SeatPlace:
    body: Body
    rules: SeatRules
    base: str  # the form's address: <base>/nieuw, <base>/<seat id>
    done: str  # where a saved change goes
    back: tuple[str, str]  # (address, label) of the page the form belongs to
    new_title: str
    edit_title: str  # with {name}: the person's
    role_hint: str
    audit_detail: dict = field(default_factory=dict)  # extra audit detail, e.g. the committee's name


def seat_or_404(session: Session, staff: StaffContext, place: SeatPlace, seat_id: int) -> tuple[Membership, Person]:
    seat = owned_or_404(session, Membership, seat_id, staff)
    if seat.body_id != place.body.id:
        raise HTTPException(404)  # a seat in another body of the association is not addressed here
    return seat, session.get(Person, seat.person_id)


def _candidates(session: Session, staff: StaffContext, body_id: int) -> list[tuple[str, str]]:
    seated = select(Membership.person_id).where(Membership.body_id == body_id)
    people = session.exec(select(Person).where(Person.association_id == staff.association_id,
                                               col(Person.id).not_in(seated)).order_by(Person.name)).all()
    return [(str(p.id), f"{p.name} ({p.email})") for p in people]


def seat_page(renderer, staff: StaffContext, session: Session, place: SeatPlace, form: FormState,
              seat: Membership | None = None, person: Person | None = None, status_code: int = 200) -> HTMLResponse:
    candidates = [] if seat else _candidates(session, staff, place.body.id)
    title = place.edit_title.replace("{name}", person.name) if seat and person else place.new_title
    return workspace_page(renderer, "web/members_board_form.html.j2", staff, status_code=status_code, nav="leden",
                          form=form, seat=seat, person=person, roles=role_options(place.rules), candidates=candidates,
                          place=place, title=title)


async def add_seat(request: Request, staff: StaffContext, session: Session, renderer, place: SeatPlace):
    form = seat_form(await request.form())
    if save_seat(session, staff.association_id, place.body.id, form, actor_of(session, staff),
                 rules=place.rules, detail=place.audit_detail) is None:
        session.rollback()
        return seat_page(renderer, staff, session, place, form, status_code=422)
    session.commit()
    return RedirectResponse(place.done, status_code=303)


async def update_seat(request: Request, staff: StaffContext, session: Session, renderer,
                      place: SeatPlace, seat_id: int):
    seat, person = seat_or_404(session, staff, place, seat_id)
    form = seat_form(await request.form())
    form.values["person_id"] = str(seat.person_id)  # the person of a seat does not change here
    if save_seat(session, staff.association_id, seat.body_id, form, actor_of(session, staff), seat,
                 rules=place.rules, detail=place.audit_detail) is None:
        session.rollback()
        seat, person = seat_or_404(session, staff, place, seat_id)
        return seat_page(renderer, staff, session, place, form, seat, person, status_code=422)
    session.commit()
    return RedirectResponse(place.done, status_code=303)


async def remove_seat(request: Request, staff: StaffContext, session: Session, renderer,
                      place: SeatPlace, seat_id: int):
    seat, person = seat_or_404(session, staff, place, seat_id)
    if field_text(await request.form(), "confirm", 10) != "ja":
        form = seat_form_of(seat)
        form.errors["confirm"] = f"Vink aan dat u deze persoon echt uit {place.rules.noun} wilt halen."
        return seat_page(renderer, staff, session, place, form, seat, person, status_code=422)
    record_audit(session, staff.association_id, f"{place.rules.audit_prefix}membership-removed",
                 subject_ref=f"person-{person.id}", actor=actor_of(session, staff),
                 detail={"role": str(seat.role), **place.audit_detail}, source="werkruimte")
    session.delete(seat)
    session.commit()
    return RedirectResponse(place.done, status_code=303)
