"""Admin: the association's settings (/werkruimte/beheer/vereniging): name, mailbox address, and the default
durations (notice periods etc.) of the board, the general meeting, every committee and the network meetings,
stored in their Body.policy_json (web.workspace.admin.policies).

A blank duration means "the default"; keys of other flows already in a body's policy_json are kept.
"""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from models.tables.org import Association, normalise_email
from raadsbode.store.associations import email_problem
from web.common.auth import CsrfDep, StaffContext, StaffDep, workspace_page
from web.deps import RendererDep, SessionDep
from web.common.forms import check_header_fields, field_text
from web.workspace.members.data import actor_of
from web.workspace.members.forms import FormState
from web.workspace.admin.policies import LABELS, PolicySection, save_policies, sections, stored_values
from raadsbode.domain.policy import parse_duration
from raadsbode.services.admin import do_change_association

BASE = "/werkruimte/beheer/vereniging"
router = APIRouter(prefix=BASE)


def form_of(association: Association, found: list[PolicySection]) -> FormState:
    values = {"name": association.name, "mailbox_email": association.mailbox_email}
    return FormState(values=values | stored_values(found))


def form_from(data: Mapping, found: list[PolicySection]) -> FormState:
    names = ["name", "mailbox_email"] + [name for section in found for name in section.names()]
    return FormState(values={name: field_text(data, name, 300) for name in names})


def check(form: FormState) -> None:
    values = form.values
    values["mailbox_email"] = normalise_email(values.get("mailbox_email", ""))
    if not values.get("name"):
        form.errors["name"] = "Vul de naam van de vereniging in."
    elif len(values["name"]) > 200:
        form.errors["name"] = "Te lang: hoogstens 200 tekens."
    problem = email_problem(values["mailbox_email"])
    if problem:
        form.errors["mailbox_email"] = f"Vul een geldig e-mailadres in ({problem})."
    check_header_fields(values, form.errors, {"name": "De naam", "mailbox_email": "Het e-mailadres"})  # From
    for name, value in values.items():
        if "__" in name and value:
            try:
                parse_duration(value)
            except ValueError as exc:
                form.errors[name] = str(exc)


def _page(renderer, staff: StaffContext, form: FormState, found: list[PolicySection], status_code: int = 200,
          saved: bool = False):
    shown = [(section.prefix, section.heading, section.defaults()) for section in found]
    return workspace_page(renderer, "web/ws_admin_settings.html.j2", staff, status_code=status_code, nav="beheer",
                          form=form, sections=shown, labels=LABELS, saved=saved)


@router.get("", response_class=HTMLResponse)
def settings_page(staff: StaffDep, session: SessionDep, renderer: RendererDep, opgeslagen: str = "") -> HTMLResponse:
    association = session.get(Association, staff.association_id)
    found = sections(session, staff.association_id)
    return _page(renderer, staff, form_of(association, found), found, saved=bool(opgeslagen))


def _save(session: Session, staff: StaffContext, form: FormState, found: list[PolicySection]) -> None:
    do_change_association(session, staff.association_id, actor_of(session, staff), form.values["name"],
                          form.values["mailbox_email"])
    save_policies(session, staff.association_id, found, form.values)
    session.commit()


@router.post("", response_class=HTMLResponse)
async def save_settings(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    found = sections(session, staff.association_id)
    form = form_from(await request.form(), found)
    check(form)
    if not form.ok:
        return _page(renderer, staff, form, found, status_code=422)
    _save(session, staff, form, found)
    return RedirectResponse(f"{BASE}?opgeslagen=1", status_code=303)
