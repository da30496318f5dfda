"""Motions and agenda proposals through a member's personal link, `/motie/{token}`: GET shows the form, only the
POST stores. The secretary sees and admits them in the workspace (web/workspace/meetings/motions.py)."""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from models.tables.types import utcnow
from web.links.alv_links import AlvLink, resolve_alv_link
from raadsbode.services.alv.motions import (KIND_LABELS, MotionError, MotionForm, check_form, closing_at, motion_views,
                                   municipalities, submit_motion)
from raadsbode.store.tokens import csrf_for, hash_token
from web.deps import RendererDep, SessionDep, SettingsDep
from web.common.forms import field_text
from web.common.link_security import post_allowed, render_page
from web.links.views import refused
from raadsbode.domain.vocabulary import TokenPurpose

router = APIRouter()
PURPOSE = TokenPurpose.motion_submit


def _form_from(form: Mapping) -> MotionForm:
    def number(value: object) -> int | None:
        return int(value) if isinstance(value, str) and value.isdigit() else None
    cosigners = [n for n in (number(v) for v in form.getlist("cosigners")) if n is not None]  # type: ignore[attr-defined]
    return MotionForm(kind=field_text(form, "kind", 40), title=field_text(form, "title", 400),
                      text=field_text(form, "text", 25_000), municipality_id=number(field_text(form, "municipality", 12)),
                      cosigner_ids=cosigners)


def _form_page(session, renderer, settings, link: AlvLink, mf: MotionForm, errors: list[str], status: int = 200):
    closes = closing_at(session, link.meeting)
    mine = [m for m in motion_views(session, link.meeting.id) if m["submitter"] == link.person.name]
    return render_page(renderer, "motion_form.html.j2", status, meeting=link.facts, form=mf, errors=errors,
                       closes=closes, closed=utcnow() >= closes, kinds=KIND_LABELS, person=link.person.name,
                       municipalities=municipalities(session, link.meeting.association_id), mine=mine,
                       csrf=csrf_for(settings.secret_key, hash_token(link.raw)))


@router.get("/motie/{token}", response_class=HTMLResponse)
def motion_form(token: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    link = resolve_alv_link(session, token, PURPOSE)
    if link is None:
        page = refused()
        return render_page(renderer, page.template, page.status, **page.ctx)
    return _form_page(session, renderer, settings, link, MotionForm(municipality_id=link.person.municipality_id), [])


@router.post("/motie/{token}", response_class=HTMLResponse)
async def motion_submit(token: str, request: Request, session: SessionDep, renderer: RendererDep,
                        settings: SettingsDep) -> HTMLResponse:
    link = resolve_alv_link(session, token, PURPOSE)
    if link is None:
        page = refused()
        return render_page(renderer, page.template, page.status, **page.ctx)
    form = await request.form()
    if not post_allowed(request, settings, hash_token(token), field_text(form, "csrf", 200)):
        return render_page(renderer, "link_message.html.j2", 403, meeting=link.facts, heading="Formulier niet geaccepteerd",
                           text="Open de link uit uw e-mail opnieuw en probeer het nog eens.")
    mf = _form_from(form)
    errors = check_form(session, link.meeting, link.person, mf)
    if errors:
        return _form_page(session, renderer, settings, link, mf, errors, 409 if utcnow() >= closing_at(session, link.meeting) else 400)
    try:
        motion = submit_motion(session, link.meeting, link.person, mf)
        session.commit()
    except MotionError as err:
        return _form_page(session, renderer, settings, link, mf, [str(err)], 400)
    return render_page(renderer, "link_message.html.j2", meeting=link.facts, heading="Dank u wel",
                       text=f"Uw {KIND_LABELS[str(motion.kind)].lower()} '{motion.title}' is ingediend. "
                            "De secretaris beoordeelt hem en zet hem zo nodig op de agenda.")

