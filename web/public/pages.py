"""The public side of an association: `/openbaar/{slug}` (upcoming and past public meetings with agenda,
documents and decision list) and `/openbaar/{slug}/vergaderingen.ics`, a subscribable calendar feed.

Nothing here needs a login or changes anything; only published material is shown.
"""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models.tables.org import Association
from raadsbode.services.public import calendar_feed, public_meetings, split_upcoming
from raadsbode.store.associations import UnknownAssociation, get_association_by_slug
from raadsbode.settings import Settings
from web.deps import RendererDep, SessionDep, SettingsDep
from web.common.pages import render_page

router = APIRouter(prefix="/openbaar")
FEED_CACHE = "public, max-age=900"  # calendar clients poll; a quarter of an hour is fresh enough


def _association(session: Session, slug: str) -> Association:
    try:
        return get_association_by_slug(session, slug)
    except UnknownAssociation:
        raise HTTPException(404, "Deze vereniging is niet bekend.") from None


def page_url(settings: Settings, slug: str) -> str:
    return f"{settings.public_base_url}/openbaar/{slug}"


def webcal_url(settings: Settings, slug: str) -> str:
    """The feed address with webcal:// so a click opens the calendar app's subscribe dialog."""
    https_url = f"{page_url(settings, slug)}/vergaderingen.ics"
    return "webcal://" + https_url.split("://", 1)[1]


@router.get("/{slug}", response_class=HTMLResponse)
def public_page(slug: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    association = _association(session, slug)
    upcoming, past = split_upcoming(public_meetings(session, association.id))
    return render_page(renderer, "web/public_page.html.j2", association=association, upcoming=upcoming, past=past,
                       feed_url=f"/openbaar/{slug}/vergaderingen.ics", webcal_url=webcal_url(settings, slug),
                       headers={"Cache-Control": "public, max-age=300"})


@router.get("/{slug}/vergaderingen.ics")
def public_feed(slug: str, session: SessionDep, settings: SettingsDep) -> Response:
    association = _association(session, slug)
    body = calendar_feed(association, public_meetings(session, association.id), page_url(settings, slug))
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": FEED_CACHE, "Content-Disposition": f'inline; filename="{slug}.ics"'})
