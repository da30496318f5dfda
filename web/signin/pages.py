"""Staff sign-in by emailed link (/inloggen), and sign out (/uitloggen).

The link follows the rules of every link: its GET only shows a button (mail scanners open links),
the POST signs in. The request form always gives the same answer, so it tells nobody which
addresses belong to staff.
"""
from __future__ import annotations


from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from models.tables.org import Association, Person, normalise_email
from raadsbode.store.associations import email_problem
from raadsbode.settings import Settings
from raadsbode.store.staff import end_session, find_session, purge_expired, roles_of, start_session
from raadsbode.store.tokens import TokenGrant, TokenRefused, csrf_for, hash_token, look_up, mark_used
from web.common.auth import CSRF_FIELD, SIGNIN_PATH, clear_session_cookie, csrf_matches, safe_next, session_cookie_of, \
    set_session_cookie
from web.deps import RendererDep, SessionDep, SettingsDep
from web.common.forms import field_text
from web.common.link_security import post_allowed, render_page
from web.common.pages import error_page
from web.signin.mail import SIGNIN_PURPOSE, send_signin_links
from raadsbode.store.audit import record_audit

router = APIRouter()


def _form_page(renderer, status_code: int = 200, **ctx) -> HTMLResponse:
    ctx = {"email": "", "error": "", "next": "", "notice": ""} | ctx
    return render_page(renderer, "signin_form.html.j2", status_code, referrer_policy="same-origin", **ctx)


@router.get(SIGNIN_PATH, response_class=HTMLResponse)
def signin_form(renderer: RendererDep, next: str = "", uitgelogd: str = "") -> HTMLResponse:
    notice = "U bent uitgelogd." if uitgelogd else ""
    return _form_page(renderer, next=safe_next(next[:500], ""), notice=notice)


def _audit(session: Session, association_id: int, actor: str, action: str, subject: str, source: str) -> None:
    record_audit(session, association_id, action, subject_ref=subject, actor=actor, source=source)


@router.post(SIGNIN_PATH, response_class=HTMLResponse)
async def request_link(request: Request, renderer: RendererDep, settings: SettingsDep,
                       background: BackgroundTasks) -> HTMLResponse:
    form = await request.form()
    email = normalise_email(field_text(form, "email", 300))
    next_path = safe_next(field_text(form, "next", 500))
    problem = email_problem(email) if len(email) <= 254 else "te lang e-mailadres"
    if problem:
        return _form_page(renderer, 422, email=email, error=f"Vul een geldig e-mailadres in ({problem}).",
                          next=next_path)
    # Whether the address is staff is looked up after the answer (Starlette runs background tasks once the
    # response is sent): the same page, the same work and so the same time for every address.
    background.add_task(send_signin_links, request.app.state.sessions, settings, renderer, email, next_path)
    return render_page(renderer, "signin_sent.html.j2", referrer_policy="same-origin", email=email)


def _live_grant(session: Session, token: str) -> TokenGrant:
    grant = look_up(session, token, {SIGNIN_PURPOSE})
    if grant.used_at is not None or grant.person_id is None:
        raise TokenRefused()
    return grant


def _refused(renderer) -> HTMLResponse:
    return error_page(renderer, 410, "Deze inloglink is verlopen of al gebruikt. Vraag op de inlogpagina een nieuwe "
                                     "link aan.", headers={"Referrer-Policy": "no-referrer"})


@router.get(SIGNIN_PATH + "/{token}", response_class=HTMLResponse)
def confirm_page(token: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep,
                 next: str = "") -> HTMLResponse:
    """Shows who signs in where, and a button; changes nothing."""
    try:
        grant = _live_grant(session, token)
    except TokenRefused:
        return _refused(renderer)
    person = session.get(Person, grant.person_id)
    association = session.get(Association, grant.association_id)
    return render_page(renderer, "signin_confirm.html.j2", person_name=person.name, association_name=association.name,
                       csrf=csrf_for(settings.secret_key, hash_token(token)), next=safe_next(next[:500]))


def _sign_in(session: Session, settings: Settings, request: Request, token: str, presented_csrf: str) -> tuple[str, str]:
    """Claim the token and open a session: (raw session id, person's email). Raises TokenRefused."""
    grant = _live_grant(session, token)
    if not post_allowed(request, settings, hash_token(token), presented_csrf):
        raise TokenRefused()
    if not roles_of(session, grant.association_id, grant.person_id):
        raise TokenRefused()  # the role was taken away after the link was sent
    if not mark_used(session, grant.token_id, "signed-in"):
        raise TokenRefused()  # a second click or tab got there first
    previous = session_cookie_of(request)
    if previous:
        end_session(session, previous)
    purge_expired(session)  # sign-ins are rare: a cheap moment to clear old sessions
    raw, _ = start_session(session, grant.person_id, grant.association_id)
    person = session.get(Person, grant.person_id)
    _audit(session, grant.association_id, person.email, "staff-signin", f"person-{person.id}", f"token {grant.token_id}")
    session.commit()
    return raw, person.email


@router.post(SIGNIN_PATH + "/{token}")
async def sign_in(token: str, request: Request, session: SessionDep, renderer: RendererDep, settings: SettingsDep):
    form = await request.form()
    try:
        raw, _ = _sign_in(session, settings, request, token, field_text(form, "csrf", 200))
    except TokenRefused:
        session.rollback()
        return _refused(renderer)
    response = RedirectResponse(safe_next(field_text(form, "next", 500)), status_code=303)
    set_session_cookie(response, raw, settings)
    return response


@router.post("/uitloggen")
async def sign_out(request: Request, session: SessionDep, settings: SettingsDep):
    """Ends the session (the row goes, so a copied cookie is worthless too); needs the form's csrf_token."""
    raw = session_cookie_of(request)
    row = find_session(session, raw)
    if row is not None:
        form = await request.form()
        if not csrf_matches(field_text(form, CSRF_FIELD, 200), row.csrf_token):
            raise HTTPException(403, detail="Dit formulier is verlopen. Open de pagina opnieuw en probeer het nog eens.")
        person = session.get(Person, row.person_id)
        end_session(session, raw)
        _audit(session, row.association_id, person.email if person else "", "staff-signout", f"person-{row.person_id}", "web")
        session.commit()
    response = RedirectResponse(f"{SIGNIN_PATH}?uitgelogd=1", status_code=303)
    clear_session_cookie(response, settings)
    return response
