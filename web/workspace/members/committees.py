"""Committees (/werkruimte/leden/commissies/...): add one (a name, unique among the association's bodies), rename
it, manage who sits on it with which role and portfolio (the board's seat form, web/workspace/members/seats.py), and delete
an empty one; a committee that has meetings stays, for their history. Mounted by web/workspace/members/pages.py
(role: secretary)."""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func
from sqlmodel import Session, select

from models.tables.org import Body, BodyKind, Membership
from web.workspace.members import seats
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, workspace_page
from web.deps import RendererDep, SessionDep
from web.common.forms import check_header_fields, field_text
from web.workspace.members.data import actor_of, board_seats, meeting_count
from web.workspace.members.forms import COMMITTEE_SEATS, LIMITS, FormState, role_options, seat_form_of
from raadsbode.store.audit import record_audit

router = APIRouter(prefix="/commissies")
BASE = "/werkruimte/leden/commissies"
HAS_MEETINGS = ("{name} heeft vergaderingen en kan daarom niet worden verwijderd: die vergaderingen en hun "
                "verslagen horen bij de commissie. U kunt de commissie wel een andere naam geven of de leden "
                "eruit halen.")


def _committee_or_404(session: Session, staff: StaffContext, committee_id: int) -> Body:
    body = owned_or_404(session, Body, committee_id, staff)
    if body.kind != BodyKind.committee:
        raise HTTPException(404)  # the board and the general meeting are not managed here
    return body


def _place(body: Body) -> seats.SeatPlace:
    page = f"{BASE}/{body.id}"
    return seats.SeatPlace(
        body=body, rules=COMMITTEE_SEATS, base=f"{page}/leden", done=f"{page}?opgeslagen=1", back=(page, body.name),
        new_title=f"Iemand aan {body.name} toevoegen", edit_title=f"Rol van {{name}} in {body.name}",
        role_hint=("De commissie heeft precies één voorzitter en één secretaris; zij tekenen de agenda van haar "
                   "vergaderingen."),
        audit_detail={"committee": body.name})


def _name_form(session: Session, association_id: int, data: Mapping, body_id: int | None = None) -> FormState:
    """The name, checked: filled in, not too long, not the name of another body of the association."""
    typed = field_text(data, "name", 400)
    form = FormState(values={"name": " ".join(typed.split())})
    name = form.values["name"]
    clash = session.exec(select(Body.id).where(Body.association_id == association_id,
                                               func.lower(Body.name) == name.lower())).first()
    if not name:
        form.errors["name"] = "Vul een naam in, bijvoorbeeld Commissie Financiën."
    elif len(name) > LIMITS["name"]:
        form.errors["name"] = f"Te lang: hoogstens {LIMITS['name']} tekens."
    elif clash is not None and clash != body_id:
        form.errors["name"] = "Er is al een commissie of ander orgaan met deze naam."
    # What was typed, not the tidied name: a line break or tab is refused, not quietly made a space.
    check_header_fields({"name": typed}, form.errors, {"name": "De naam"})
    return form


def _page(renderer, staff: StaffContext, session: Session, form: FormState,
          committee: Body | None = None, *, delete_errors: dict | None = None, saved: bool = False,
          status_code: int = 200) -> HTMLResponse:
    return workspace_page(renderer, "web/members_committee.html.j2", staff, status_code=status_code, nav="leden",
                          form=form, committee=committee, saved=saved, delete_errors=delete_errors or {},
                          seats=board_seats(session, committee.id) if committee else [],
                          meetings=meeting_count(session, committee.id) if committee else 0,
                          roles=dict(role_options(COMMITTEE_SEATS)))


@router.get("/nieuw", response_class=HTMLResponse)
def new_committee(staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    return _page(renderer, staff, session, FormState())


@router.post("/nieuw", response_class=HTMLResponse)
async def create_committee(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    form = _name_form(session, staff.association_id, await request.form())
    if not form.ok:
        return _page(renderer, staff, session, form, status_code=422)
    body = Body(association_id=staff.association_id, kind=BodyKind.committee, name=form.values["name"])
    session.add(body)
    session.flush()
    record_audit(session, staff.association_id, "committee-added", subject_ref=f"body-{body.id}",
                 actor=actor_of(session, staff), detail={"name": body.name}, source="werkruimte")
    session.commit()
    return RedirectResponse(f"{BASE}/{body.id}?opgeslagen=1", status_code=303)


@router.get("/{committee_id}", response_class=HTMLResponse)
def committee_page(committee_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep,
                   opgeslagen: str = "") -> HTMLResponse:
    body = _committee_or_404(session, staff, committee_id)
    return _page(renderer, staff, session, FormState(values={"name": body.name}), body, saved=bool(opgeslagen))


@router.post("/{committee_id}", response_class=HTMLResponse)
async def rename_committee(committee_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                           renderer: RendererDep):
    body = _committee_or_404(session, staff, committee_id)
    form = _name_form(session, staff.association_id, await request.form(), body.id)
    if not form.ok:
        return _page(renderer, staff, session, form, body, status_code=422)
    record_audit(session, staff.association_id, "committee-renamed", subject_ref=f"body-{body.id}",
                 actor=actor_of(session, staff), detail={"name": form.values["name"], "previous_name": body.name},
                 source="werkruimte")
    body.name = form.values["name"]
    session.add(body)
    session.commit()
    return RedirectResponse(f"{BASE}/{body.id}?opgeslagen=1", status_code=303)


@router.post("/{committee_id}/verwijderen", response_class=HTMLResponse)
async def delete_committee(committee_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                           renderer: RendererDep):
    body = _committee_or_404(session, staff, committee_id)
    confirmed = field_text(await request.form(), "confirm", 10) == "ja"
    problem = {"form": HAS_MEETINGS.format(name=body.name)} if meeting_count(session, body.id) else \
        {} if confirmed else {"confirm": "Vink aan dat u de commissie echt wilt verwijderen."}
    if problem:
        return _page(renderer, staff, session, FormState(values={"name": body.name}), body, delete_errors=problem,
                     status_code=409 if "form" in problem else 422)
    record_audit(session, staff.association_id, "committee-deleted", subject_ref=f"body-{body.id}",
                 actor=actor_of(session, staff), detail={"name": body.name}, source="werkruimte")
    for seat in session.exec(select(Membership).where(Membership.body_id == body.id)).all():
        session.delete(seat)
    session.flush()  # the seats go before the body they point at
    session.delete(body)
    session.commit()
    return RedirectResponse("/werkruimte/leden?opgeslagen=commissie", status_code=303)


@router.get("/{committee_id}/leden/nieuw", response_class=HTMLResponse)
def new_seat(committee_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    place = _place(_committee_or_404(session, staff, committee_id))
    return seats.seat_page(renderer, staff, session, place, FormState(values={"role": "member"}))


@router.post("/{committee_id}/leden/nieuw", response_class=HTMLResponse)
async def add_seat(committee_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    place = _place(_committee_or_404(session, staff, committee_id))
    return await seats.add_seat(request, staff, session, renderer, place)


@router.get("/{committee_id}/leden/{committee_seat_id}", response_class=HTMLResponse)
def edit_seat(committee_id: int, committee_seat_id: int, staff: StaffDep, session: SessionDep,
              renderer: RendererDep) -> HTMLResponse:
    place = _place(_committee_or_404(session, staff, committee_id))
    seat, person = seats.seat_or_404(session, staff, place, committee_seat_id)
    return seats.seat_page(renderer, staff, session, place, seat_form_of(seat), seat, person)


@router.post("/{committee_id}/leden/{committee_seat_id}", response_class=HTMLResponse)
async def update_seat(committee_id: int, committee_seat_id: int, request: Request, staff: CsrfDep,
                      session: SessionDep, renderer: RendererDep):
    place = _place(_committee_or_404(session, staff, committee_id))
    return await seats.update_seat(request, staff, session, renderer, place, committee_seat_id)


@router.post("/{committee_id}/leden/{committee_seat_id}/verwijderen", response_class=HTMLResponse)
async def remove_seat(committee_id: int, committee_seat_id: int, request: Request, staff: CsrfDep,
                      session: SessionDep, renderer: RendererDep):
    place = _place(_committee_or_404(session, staff, committee_id))
    return await seats.remove_seat(request, staff, session, renderer, place, committee_seat_id)
