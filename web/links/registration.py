"""`/aanmelden/{token}`: a member's personal ALV registration page. GET/HEAD only show it; the POST
goes to the ALV workflow's `register` update (attending, not attending, or represented by a colleague
of the same municipality), changeable until the registration deadline. The POST passes web/links/changes.py's
gate: the same answer again sends no update, a change has one update id, changes per link are limited."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from models.messages.alv import AlvRegistration
from raadsbode.services.alv.actions import alv_handle
from web.links.alv_links import AlvLink, colleagues, current_registration, resolve_alv_link
from raadsbode.store.tokens import csrf_for, hash_token
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.common.forms import field_text
from web.links.actions import run_update
from web.links.changes import Standing, gate
from web.common.link_security import post_allowed, render_page
from web.links.views import refused
from web.common.rate_limit import link_limits_of, link_too_many_text
from workflows.alv.workflow import AlvWorkflow
from raadsbode.domain.vocabulary import TokenPurpose, response_labels

router = APIRouter()
PURPOSE = TokenPurpose.alv_registration
LABELS = response_labels("to_member")


def _page(session, renderer, settings, link: AlvLink, error: str | None = None, status: int = 200,
          chosen: tuple[str, int | None] | None = None) -> HTMLResponse:
    """The form; `chosen` (answer, representative) is what the person sent and keeps its choice on a refusal."""
    row = current_registration(session, link.meeting.id, link.person.id)
    current = str(row.response) if row else "none"
    answer, deputy = chosen or (current, row.represented_by_id if row else None)
    return render_page(renderer, "registration_form.html.j2", status, meeting=link.facts, person=link.person.name,
                       current=current, current_label=LABELS.get(current, LABELS["none"]), error=error,
                       chosen=answer, represented_by=deputy, colleagues=colleagues(session, link),
                       csrf=csrf_for(settings.secret_key, hash_token(link.raw)))


def _standing(session, link: AlvLink) -> Standing:
    """The stored answer (a representation with its representative) and when it last changed."""
    row = current_registration(session, link.meeting.id, link.person.id)
    return Standing(_answer(str(row.response), row.represented_by_id), row.updated_at) if row else Standing()


def _answer(response: str, deputy_id: int | None) -> str:
    return f"{response}:{deputy_id}" if response == "represented" else response


def _refused(renderer) -> HTMLResponse:
    page = refused()
    return render_page(renderer, page.template, page.status, **page.ctx)


@router.get("/aanmelden/{token}", response_class=HTMLResponse)
def registration_form(token: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    link = resolve_alv_link(session, token, PURPOSE)
    return _refused(renderer) if link is None else _page(session, renderer, settings, link)


@router.post("/aanmelden/{token}", response_class=HTMLResponse)
async def registration_submit(token: str, request: Request, session: SessionDep, renderer: RendererDep,
                              settings: SettingsDep) -> HTMLResponse:
    link = resolve_alv_link(session, token, PURPOSE)
    if link is None:
        return _refused(renderer)
    form = await request.form()
    if not post_allowed(request, settings, hash_token(token), field_text(form, "csrf", 200)):
        return _page(session, renderer, settings, link, "Open de link uit uw e-mail opnieuw en probeer het nog eens.", 403)
    response, deputy = field_text(form, "response", 20), field_text(form, "represented_by", 12)
    if response not in LABELS or response == "none":
        return _page(session, renderer, settings, link, "Kies een van de mogelijkheden.", 400)
    deputy_id = int(deputy) if response == "represented" and deputy.isdigit() else None
    if response == "represented" and deputy_id not in {p.id for p in colleagues(session, link)}:
        return _page(session, renderer, settings, link, "Kies als vervanger iemand van uw eigen gemeente.", 400)
    chosen = (response, deputy_id)
    verdict = gate(link_limits_of(request), "registration", link.grant.token_id, _answer(response, deputy_id),
                   _standing(session, link))
    if verdict.wait_minutes:
        return _page(session, renderer, settings, link, link_too_many_text(verdict.wait_minutes), 429, chosen)
    if not verdict.unchanged:
        client = await get_temporal(request)
        source = request.client.host if request.client else ""
        reg = AlvRegistration(link.person.id, response, deputy_id, link.grant.token_id, source)
        result, problem = await run_update(alv_handle(client, link.meeting.id).execute_update(
            AlvWorkflow.register, reg, id=verdict.update_id))
        if problem or not result.recorded:
            return _page(session, renderer, settings, link, problem or result.message, 409, chosen)
    return render_page(renderer, "link_message.html.j2", meeting=link.facts, heading="Uw antwoord is genoteerd",
                       text=f"{LABELS[response]}. U kunt uw antwoord tot de aanmeldtermijn sluit wijzigen via dezelfde link.")
