"""Network meetings on the web: the public registration form `/openbaar/{slug}/netwerk/{id}` (anyone may
register: name, email, organisation; when full they go on the waiting list) and the personal cancel link
`/netwerk/afmelden/{token}` from the confirmation email. GET/HEAD only show; the POSTs go to the
NetworkMeetingWorkflow's updates. The cancel link passes web/links/changes.py's gate (a cancelled sign-up is
answered without an update; one update id per cancellation; a per-link limit)."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from activities.network.mail import CANCEL_PURPOSE
from models.tables.alv import NetworkSignup, SignupStatus
from models.messages.network import NetworkCancelSignup, NetworkSignupInput
from models.tables.meetings import Meeting, MeetingKind
from models.tables.org import Association, normalise_email
from raadsbode.store.associations import email_problem
from raadsbode.services.network import network_handle
from raadsbode.store.tokens import TokenRefused, csrf_for, hash_token, look_up
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.common.forms import field_text, header_field_error
from web.links.actions import run_update
from web.links.changes import Standing, gate
from web.links.data import meeting_facts, meeting_id_of
from web.common.link_security import post_allowed, render_page
from web.links.views import refused
from web.common.public_csrf import AGAIN, form_token, post_ok, with_cookie
from web.common.rate_limit import client_ip, limits_of, link_limits_of, link_too_many_text, too_many_text
from workflows.network.checks import LABELS as SIGNUP_LABELS
from workflows.network.workflow import NetworkMeetingWorkflow
from raadsbode.store.meetings import meeting_details

router = APIRouter()
FORM = "network-signup"  # the public CSRF's purpose and the rate limit's form


def _network(session: Session, slug: str, meeting_id: int) -> Meeting | None:
    meeting = session.get(Meeting, meeting_id)
    association = session.get(Association, meeting.association_id) if meeting else None
    ok = meeting is not None and association is not None and association.slug == slug and meeting.kind == MeetingKind.network
    return meeting if ok else None


def _refused(renderer) -> HTMLResponse:
    page = refused()
    return render_page(renderer, page.template, page.status, **page.ctx)


def _form(request, session, renderer, settings, meeting: Meeting, error: str = "", status: int = 200,
          **values) -> HTMLResponse:
    details = meeting_details(session, meeting.id)
    token = form_token(request, settings, FORM, str(meeting.id))
    page = render_page(renderer, "network_signup.html.j2", status, meeting=meeting_facts(session, meeting),
                       details=details, error=error, values=values, csrf=token.value)
    return with_cookie(page, token, settings)


@router.get("/openbaar/{slug}/netwerk/{meeting_id}", response_class=HTMLResponse)
def signup_form(slug: str, meeting_id: int, request: Request, session: SessionDep, renderer: RendererDep,
                settings: SettingsDep) -> HTMLResponse:
    meeting = _network(session, slug, meeting_id)
    return _refused(renderer) if meeting is None else _form(request, session, renderer, settings, meeting)


@router.post("/openbaar/{slug}/netwerk/{meeting_id}", response_class=HTMLResponse)
async def signup_submit(slug: str, meeting_id: int, request: Request, session: SessionDep, renderer: RendererDep,
                        settings: SettingsDep) -> HTMLResponse:
    meeting = _network(session, slug, meeting_id)
    if meeting is None:
        return _refused(renderer)
    form = await request.form()
    values = {"name": field_text(form, "name", 300), "email": normalise_email(field_text(form, "email", 300)),
              "organisation": field_text(form, "organisation", 300)}
    refusal = _precheck(request, settings, meeting.id, field_text(form, "csrf", 200), values)
    if refusal:
        return _form(request, session, renderer, settings, meeting, *refusal, **values)
    client = await get_temporal(request)
    result, refusal = await run_update(network_handle(client, meeting.id).execute_update(
        NetworkMeetingWorkflow.register, NetworkSignupInput(**values), id=f"signup-{meeting.id}-{uuid.uuid4().hex}"))
    if refusal:
        limits_of(request).give_back(FORM, client_ip(request), values["email"])  # no sign-up, no mail
        return _form(request, session, renderer, settings, meeting, refusal, 409, **values)
    waiting = result.status == SignupStatus.waiting.value
    text = (f"U staat op de wachtlijst (plaats {result.position}). Komt er een plaats vrij, dan krijgt u een e-mail."
            if waiting else f"{result.message} U krijgt een bevestiging per e-mail.")
    return render_page(renderer, "link_message.html.j2", meeting=meeting_facts(session, meeting),
                       heading="De bijeenkomst is vol" if waiting else "U bent aangemeld", text=text)


def _precheck(request: Request, settings, meeting_id: int, csrf: str,
              values: dict[str, str]) -> tuple[str, int] | None:
    """Why this post may not go to the workflow (message, status); None when it may."""
    if not post_ok(request, settings, FORM, str(meeting_id), csrf):
        return AGAIN, 403
    problem = _check(values)
    if problem:
        return problem, 400
    wait = limits_of(request).take(FORM, client_ip(request), values["email"])  # registered or waiting: a mail goes out
    return (too_many_text(wait), 429) if wait else None


def _check(values: dict[str, str]) -> str:
    if not values["name"] or len(values["name"]) > 200:
        return "Vul uw naam in (hoogstens 200 tekens)."
    problem = email_problem(values["email"])
    if problem:
        return f"Vul een geldig e-mailadres in ({problem})."
    if len(values["organisation"]) > 200:
        return "Uw organisatie mag hoogstens 200 tekens zijn."
    return next(filter(None, (header_field_error(values[name], label) for name, label in SIGNUP_LABELS)), "")


def _signup_for(session: Session, raw: str) -> tuple[Meeting, NetworkSignup, int] | None:
    """The link's meeting, sign-up and token id, or None for every kind of unusable link (no oracle)."""
    try:
        grant = look_up(session, raw, {CANCEL_PURPOSE})
    except TokenRefused:
        return None
    meeting_id = meeting_id_of(grant.subject_ref)
    meeting = session.get(Meeting, meeting_id) if meeting_id else None
    signup = session.get(NetworkSignup, grant.version)
    if meeting is None or meeting.association_id != grant.association_id or signup is None or signup.meeting_id != meeting.id:
        return None
    return meeting, signup, grant.token_id


@router.get("/netwerk/afmelden/{token}", response_class=HTMLResponse)
def cancel_form(token: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    found = _signup_for(session, token)
    if found is None:
        return _refused(renderer)
    meeting, signup, _ = found
    return render_page(renderer, "network_cancel.html.j2", meeting=meeting_facts(session, meeting), signup_name=signup.name,
                       cancelled=signup.status == SignupStatus.cancelled,
                       csrf=csrf_for(settings.secret_key, hash_token(token)))


@router.post("/netwerk/afmelden/{token}", response_class=HTMLResponse)
async def cancel_submit(token: str, request: Request, session: SessionDep, renderer: RendererDep,
                        settings: SettingsDep) -> HTMLResponse:
    found = _signup_for(session, token)
    if found is None:
        return _refused(renderer)
    meeting, signup, token_id = found
    facts = meeting_facts(session, meeting)
    form = await request.form()
    if not post_allowed(request, settings, hash_token(token), field_text(form, "csrf", 200)):
        return render_page(renderer, "link_message.html.j2", 403, meeting=facts, heading="Niet gelukt",
                           text="Open de link uit uw e-mail opnieuw en probeer het nog eens.")
    # A sign-up made again after a cancellation gets a new created_at: its cancellation is a new update.
    verdict = gate(link_limits_of(request), "signup-cancel", token_id, SignupStatus.cancelled.value,
                   Standing(str(signup.status), signup.created_at))
    if verdict.unchanged:
        return render_page(renderer, "link_message.html.j2", meeting=facts, heading="U bent afgemeld",
                           text="U was al afgemeld.")
    if verdict.wait_minutes:
        return render_page(renderer, "link_message.html.j2", 429, meeting=facts, heading="Niet gelukt",
                           text=link_too_many_text(verdict.wait_minutes))
    client = await get_temporal(request)
    result, refusal = await run_update(network_handle(client, meeting.id).execute_update(
        NetworkMeetingWorkflow.cancel_signup, NetworkCancelSignup(signup.id), id=verdict.update_id))
    if refusal:
        return render_page(renderer, "link_message.html.j2", 409, meeting=facts, heading="Niet gelukt", text=refusal)
    return render_page(renderer, "link_message.html.j2", meeting=facts, heading="U bent afgemeld",
                       text=f"{result.message} Bedankt voor het doorgeven; uw plaats gaat naar wie op de wachtlijst staat.")
