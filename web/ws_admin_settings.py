"""Admin: the association's settings (/werkruimte/beheer/vereniging): name, mailbox address, and the default
durations (notice periods etc.) of the board and the general meeting, stored in their Body.policy_json.

A blank duration means "the default"; keys of other flows already in a body's policy_json are kept.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from models.org import Association, Body, BodyKind, normalise_email
from raadsbode.alv_policy import AlvPolicy
from raadsbode.associations import body_of_kind, email_problem
from web.auth import CsrfDep, StaffContext, StaffDep, workspace_page
from web.deps import RendererDep, SessionDep
from web.forms import field_text
from web.member_data import actor_of
from web.member_forms import FormState, audit
from workflows.policy import Durations, MeetingPolicy, normalise_overrides, parse_duration

BASE = "/werkruimte/beheer/vereniging"
# (form prefix, body kind, policy class, heading)
POLICIES = (("board", BodyKind.board, MeetingPolicy, "Dagelijks bestuur"),
            ("alv", BodyKind.general_meeting, AlvPolicy, "Algemene Ledenvergadering"))
LABELS = {
    "agenda_request_before": "Agenda opvragen, voor de vergadering", "signoff_reminder_after": "Herinnering aftekenen, na start ronde",
    "deputy_may_sign_after": "Loco-voorzitter mag tekenen, na start ronde", "convocation_before": "Oproeptermijn (uitnodiging vooraf)",
    "attendance_overview_before": "Aanwezigheidsoverzicht, vooraf", "reminder_before": "Herinnering aan deelnemers, vooraf",
    "minutes_request_after": "Verslag opvragen, na afloop", "minutes_link_valid": "Link voor het verslag geldig",
    "save_the_date_before": "Save the date, vooraf", "motions_close_before": "Sluiting moties, vooraf",
    "registration_deadline_before": "Aanmelden sluit, vooraf", "attendance_list_before": "Presentielijst, vooraf",
    "decisions_request_after": "Besluitenlijst opvragen, na afloop"}
router = APIRouter(prefix=BASE)


def _overrides(body: Body) -> dict[str, str]:
    try:
        stored = json.loads(body.policy_json or "{}")
    except ValueError:
        stored = {}
    return stored if isinstance(stored, dict) else {}


def form_of(session: Session, association: Association) -> FormState:
    values = {"name": association.name, "mailbox_email": association.mailbox_email}
    for prefix, kind, policy, _ in POLICIES:
        stored = _overrides(body_of_kind(session, association.id, kind))
        values.update({f"{prefix}__{key}": str(stored.get(key, "")) for key in policy.keys()})
    return FormState(values=values)


def form_from(data: Mapping) -> FormState:
    names = ["name", "mailbox_email"] + [f"{p}__{k}" for p, _, policy, _ in POLICIES for k in policy.keys()]
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
    for name, value in values.items():
        if "__" in name and value:
            try:
                parse_duration(value)
            except ValueError as exc:
                form.errors[name] = str(exc)


def _save_policy(body: Body, prefix: str, policy: type[Durations], values: Mapping[str, str]) -> None:
    typed = {key: values[f"{prefix}__{key}"] for key in policy.keys() if values.get(f"{prefix}__{key}")}
    kept = {key: value for key, value in _overrides(body).items() if key not in policy.keys()}
    body.policy_json = json.dumps(kept | normalise_overrides(typed, policy), sort_keys=True)


def _page(renderer, staff: StaffContext, form: FormState, status_code: int = 200, saved: bool = False):  # noqa: ANN001, ANN202
    sections = [(prefix, heading, policy().as_strings()) for prefix, _, policy, heading in POLICIES]
    return workspace_page(renderer, "web/ws_admin_settings.html.j2", staff, status_code=status_code, nav="beheer",
                          form=form, sections=sections, labels=LABELS, saved=saved)


@router.get("", response_class=HTMLResponse)
def settings_page(staff: StaffDep, session: SessionDep, renderer: RendererDep, opgeslagen: str = "") -> HTMLResponse:
    association = session.get(Association, staff.association_id)
    return _page(renderer, staff, form_of(session, association), saved=bool(opgeslagen))


@router.post("", response_class=HTMLResponse)
async def save_settings(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    form = form_from(await request.form())
    check(form)
    if not form.ok:
        return _page(renderer, staff, form, status_code=422)
    association = session.get(Association, staff.association_id)
    association.name, association.mailbox_email = form.values["name"], form.values["mailbox_email"]
    for prefix, kind, policy, _ in POLICIES:
        body = body_of_kind(session, staff.association_id, kind)
        _save_policy(body, prefix, policy, form.values)
        session.add(body)
    session.add(association)
    audit(session, staff.association_id, actor_of(session, staff), "association-changed",
          f"association-{association.id}", {"name": association.name, "mailbox": association.mailbox_email})
    session.commit()
    return RedirectResponse(f"{BASE}?opgeslagen=1", status_code=303)
