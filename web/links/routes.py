"""`/l/{token}`: the page behind every link in an email.

GET and HEAD only look (no database write, no workflow update, not even a "last seen"); the POST
from the page's own form acts, through one typed update on the meeting workflow.
"""
from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from raadsbode.mail.render import Renderer
from raadsbode.settings import Settings
from raadsbode.store.tokens import TokenRefused, csrf_for, hash_token, look_up
from web.links import data
from web.links import views
from web.deps import RendererDep, SessionDep, SessionsDep, SettingsDep, get_temporal
from web.common.forms import field_text
from web.links.actions import ACTIONS
from web.common.link_security import post_allowed, render_page
from web.links.views import Link, Page
from web.common.rate_limit import link_limits_of
from raadsbode.domain.vocabulary import SIGNOFF_PURPOSES, TokenPurpose

log = logging.getLogger(__name__)
router = APIRouter()
PURPOSES = set(ACTIONS)
GET_VIEWS = {TokenPurpose.agenda_signoff: views.signoff, TokenPurpose.minutes_signoff: views.signoff,
             TokenPurpose.rsvp: views.rsvp, TokenPurpose.agenda_draft: views.agenda_form,
             TokenPurpose.minutes_draft: views.minutes_form}


def _refused_variant(session: Session, raw: str) -> Page:
    """A voided link of a superseded version, or a registration link after the start, is explained."""
    superseded = data.superseded_grant(session, raw)
    if superseded is not None:
        grant, meeting = superseded
        return views.superseded(data.meeting_facts(session, meeting), grant)
    closed = data.closed_rsvp_meeting(session, raw)
    if closed is not None:
        return views.registration_closed(data.meeting_facts(session, closed))
    return views.refused()


def resolve(session: Session, settings: Settings, raw: str) -> Link | Page:
    """The link, or the page to show instead of it."""
    try:
        grant = look_up(session, raw, PURPOSES)
    except TokenRefused:
        return _refused_variant(session, raw)
    context = data.link_context(session, grant)
    if context is None:
        return views.refused()
    facts, person = context
    if grant.purpose == TokenPurpose.rsvp and facts.status == "cancelled":
        return views.registration_closed(facts)
    return Link(raw, grant, facts, csrf_for(settings.secret_key, hash_token(raw)), person)


def _render(renderer: Renderer, page: Page) -> HTMLResponse:
    return render_page(renderer, page.template, page.status, **page.ctx)


def _link_page(session: Session, settings: Settings, raw: str) -> Page:
    link = resolve(session, settings, raw)
    return link if isinstance(link, Page) else GET_VIEWS[link.grant.purpose](session, link)


def _link_to_act_on(session: Session, settings: Settings, raw: str) -> Link | Page:
    """The link, or the page to show instead; a sign-off link of a superseded version acts on nothing."""
    link = resolve(session, settings, raw)
    if isinstance(link, Link) and link.grant.purpose in SIGNOFF_PURPOSES:
        return views.newer_version(session, link) or link
    return link


# Every member opens the link page of a mailing within minutes: four queries, no thread hop on SQLite.
@router.get("/l/{token}", response_class=HTMLResponse)
async def show_link(token: str, sessions: SessionsDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    return _render(renderer, await data.read_only(sessions(), _link_page, settings, token))


def forbidden() -> Page:
    return views.message(None, "Formulier niet geaccepteerd",
                         "Dit formulier is niet vanaf deze pagina verstuurd of is verlopen. "
                         "Open de link uit uw e-mail opnieuw en probeer het nog eens.", 403)


@router.post("/l/{token}", response_class=HTMLResponse)
async def act_on_link(token: str, request: Request, session: SessionDep, renderer: RendererDep,
                      settings: SettingsDep) -> HTMLResponse:
    link = await data.read_only(session, _link_to_act_on, settings, token)
    if isinstance(link, Page):
        return _render(renderer, link)
    form = await request.form()
    # The page is served with Referrer-Policy: no-referrer, so the browser's own POST says Origin: null.
    if not post_allowed(request, settings, hash_token(token), field_text(form, "csrf", 200)):
        return _render(renderer, forbidden())
    try:
        client = await get_temporal(request)
    except Exception:  # any connection failure means the same to the person
        log.exception("Temporal not reachable")
        return _render(renderer, views.message(link.meeting, "Even niet beschikbaar",
                                               "Probeer het over een paar minuten opnieuw.", 503))
    source = request.client.host if request.client else ""
    page = await ACTIONS[link.grant.purpose](session, client, link, form, source, link_limits_of(request))
    return _render(renderer, page)
