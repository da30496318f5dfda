"""Admin: staff (/werkruimte/beheer/medewerkers): who has which role, give a role, take one away.

Reuses raadsbode/store/staff.py; the form's checks run first so every problem is shown at its field.
"""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from models.tables.org import Person, normalise_email
from models.tables.staff import StaffRole
from raadsbode.store.associations import email_problem
from raadsbode.store.staff import ROLE_NAMES, roles_of
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, workspace_page
from web.deps import RendererDep, SessionDep
from web.common.forms import check_header_fields, field_text
from web.common.listing import page_number, paginate, search, search_text
from web.workspace.members.data import actor_of
from web.workspace.members.forms import FormState
from raadsbode.services.admin import do_give_staff_role, do_take_staff_role

BASE = "/werkruimte/beheer/medewerkers"
ROLE_LABELS = {"secretary": "Secretariaat (vergaderingen, leden)", "editor": "Redactie (nieuwsbrief)",
               "admin": "Beheerder (alles, ook medewerkers en instellingen)"}
router = APIRouter(prefix=BASE)


def _staff_query(association_id: int):
    with_role = select(StaffRole.person_id).where(StaffRole.association_id == association_id)
    return select(Person).where(Person.association_id == association_id, col(Person.id).in_(with_role))


def _page(renderer, staff: StaffContext, session: Session, form: FormState, *, zoek: str = "", pagina: str = "",
          status_code: int = 200, notice: str = "", refusal: str = "") -> HTMLResponse:
    query = search(_staff_query(staff.association_id), zoek, Person.name, Person.email)
    page = paginate(query.order_by(col(Person.name), col(Person.id)), page_number(pagina), session=session)
    roles = {p.id: sorted(roles_of(session, staff.association_id, p.id)) for p in page.items}
    return workspace_page(renderer, "web/ws_admin_staff.html.j2", staff, status_code=status_code, nav="beheer",
                          page=page, roles=roles, labels=ROLE_LABELS, form=form, zoek=search_text(zoek),
                          notice=notice, refusal=refusal)


@router.get("", response_class=HTMLResponse)
def staff_list(staff: StaffDep, session: SessionDep, renderer: RendererDep, zoek: str = "", pagina: str = "",
               opgeslagen: str = "") -> HTMLResponse:
    notice = {"rol": "De rol is gegeven.", "weg": "De rol is ingetrokken."}.get(opgeslagen, "")
    return _page(renderer, staff, session, FormState(values={"role": "secretary"}), zoek=zoek, pagina=pagina,
                 notice=notice)


def check_grant(session: Session, association_id: int, form: FormState) -> None:
    """Field errors for 'give a role': a known role, a valid address, a name when the person is new."""
    values = form.values
    values["email"] = normalise_email(values.get("email", ""))
    if values.get("role") not in ROLE_NAMES:
        form.errors["role"] = "Kies een rol uit de lijst."
    problem = email_problem(values["email"])
    if problem:
        form.errors["email"] = f"Vul een geldig e-mailadres in ({problem})."
        return
    known = session.exec(select(Person.id).where(Person.association_id == association_id,
                                                 Person.email == values["email"])).first()
    if known is None and not values.get("name"):
        form.errors["name"] = "Er is nog geen persoon met dit e-mailadres: vul ook een naam in."
    if len(values.get("name", "")) > 200:
        form.errors["name"] = "Te lang: hoogstens 200 tekens."
    check_header_fields(values, form.errors, {"name": "De naam"})


@router.post("", response_class=HTMLResponse)
async def grant_role(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    data = await request.form()
    form = FormState(values={name: field_text(data, name, 400) for name in ("email", "name", "role")})
    check_grant(session, staff.association_id, form)
    if not form.ok:
        return _page(renderer, staff, session, form, status_code=422)
    do_give_staff_role(session, staff.association_id, actor_of(session, staff), form.values["email"],
                       form.values["role"], form.values["name"])
    session.commit()
    return RedirectResponse(f"{BASE}?opgeslagen=rol", status_code=303)


def removal_problem(session: Session, staff: StaffContext, person_id: int, role: str) -> str:
    """Why this role may not be taken away (Dutch), or ''."""
    if role not in roles_of(session, staff.association_id, person_id):
        return "Deze persoon heeft die rol niet (meer)."
    if role == "admin" and person_id == staff.person_id:
        return ("U kunt uw eigen beheerdersrol niet intrekken: dan kan niemand u meer terugzetten. "
                "Vraag een andere beheerder om dat te doen.")
    return ""


@router.post("/{staff_id}/intrekken", response_class=HTMLResponse)
async def take_role(staff_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    person = owned_or_404(session, Person, staff_id, staff)
    if not roles_of(session, staff.association_id, person.id):
        raise HTTPException(404)
    role = field_text(await request.form(), "role", 40)
    problem = removal_problem(session, staff, person.id, role)
    if problem:
        return _page(renderer, staff, session, FormState(values={"role": "secretary"}), status_code=422,
                     refusal=f"{person.name}: {problem}")
    do_take_staff_role(session, staff.association_id, actor_of(session, staff), person.id, role)
    session.commit()
    return RedirectResponse(f"{BASE}?opgeslagen=weg", status_code=303)
