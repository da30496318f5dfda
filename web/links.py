"""`/l/{token}`: the page behind every link in an email.

GET and HEAD only look (no database write, no workflow update, not even a "last seen"); the POST
from the page's own form acts, through one typed update on the meeting workflow.
"""
from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from activities.render import Renderer
from raadsbode.settings import Settings
from raadsbode.tokens import TokenRefused, csrf_for, hash_token, look_up
from web import link_data as data
from web import link_views as views
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.forms import field_text
from web.link_actions import ACTIONS
from web.link_security import post_allowed, render_page
from web.link_views import Link, Page

log = logging.getLogger(__name__)
router = APIRouter()
PURPOSES = set(ACTIONS)
GET_VIEWS = {"agenda-signoff": views.signoff, "minutes-signoff": views.signoff, "rsvp": views.rsvp,
             "agenda-draft": views.agenda_form, "minutes-draft": views.minutes_form}


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
    meeting = data.meeting_for_grant(session, grant)
    if meeting is None:
        return views.refused()
    facts = data.meeting_facts(session, meeting)
    if grant.purpose == "rsvp" and facts.status == "cancelled":
        return views.registration_closed(facts)
    return Link(raw, grant, facts, csrf_for(settings.secret_key, hash_token(raw)))


def _render(renderer: Renderer, page: Page) -> HTMLResponse:
    return render_page(renderer, page.template, page.status, **page.ctx)


@router.get("/l/{token}", response_class=HTMLResponse)
def show_link(token: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    link = resolve(session, settings, token)
    if isinstance(link, Page):
        return _render(renderer, link)
    return _render(renderer, GET_VIEWS[link.grant.purpose](session, link))


def forbidden() -> Page:
    return views.message(None, "Formulier niet geaccepteerd",
                         "Dit formulier is niet vanaf deze pagina verstuurd of is verlopen. "
                         "Open de link uit uw e-mail opnieuw en probeer het nog eens.", 403)


@router.post("/l/{token}", response_class=HTMLResponse)
async def act_on_link(token: str, request: Request, session: SessionDep, renderer: RendererDep,
                      settings: SettingsDep) -> HTMLResponse:
    link = await data.off_loop(session, resolve, settings, token)
    if isinstance(link, Page):
        return _render(renderer, link)
    form = await request.form()
    # The page is served with Referrer-Policy: no-referrer, so the browser's own POST says Origin: null.
    if not post_allowed(request, settings, hash_token(token), field_text(form, "csrf", 200)):
        return _render(renderer, forbidden())
    try:
        client = await get_temporal(request)
    except Exception:  # noqa: BLE001 - any connection failure means the same to the person
        log.exception("Temporal not reachable")
        return _render(renderer, views.message(link.meeting, "Even niet beschikbaar",
                                               "Probeer het over een paar minuten opnieuw.", 503))
    source = request.client.host if request.client else ""
    page = await ACTIONS[link.grant.purpose](session, client, link, form, source)
    return _render(renderer, page)
