"""Public newsletter pages (/nieuwsbrief/...): subscribe, confirm (double opt-in), unsubscribe
(RFC 8058 one-click), and the editor's link page (approve, changes, go, pause, resume, cancel).

GET never changes anything (mail scanners open links); only POSTs act.
"""
from __future__ import annotations

import logging
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from raadsbode.mail.mailer import Mailer, TemporarySendError
from activities.newsletter.mail import confirmation_mail
from models.tables.newsletter import Subscriber
from models.tables.org import Association, normalise_email
from raadsbode.domain.unsubscribe_keys import subscriber_id_of_key
from raadsbode.services.newsletter import subscribers as subs
from raadsbode.store.associations import UnknownAssociation, get_association_by_slug
from raadsbode.store.tokens import TokenRefused, csrf_for, hash_token, look_up
from web.deps import RendererDep, SessionDep, SettingsDep, TemporalDep
from web.common.link_security import post_allowed, render_page
from web.links.newsletter_editor import editor_post, editor_view
from web.common.public_csrf import AGAIN, form_token, post_ok, with_cookie
from web.common.rate_limit import client_ip, limits_of, too_many_text

log = logging.getLogger(__name__)
router = APIRouter(prefix="/nieuwsbrief")
PAGE = "newsletter_page.html.j2"
SUBSCRIBE = "newsletter-subscribe"  # the public CSRF's purpose and the rate limit's form
REFUSED = "Deze link is niet (meer) geldig. Meld u opnieuw aan als u de nieuwsbrief wilt ontvangen."


def _page(renderer, status_code: int = 200, **ctx) -> HTMLResponse:
    ctx = {"association_name": "", "text": "", "error": "", "form": None, "done": False, "link": None} | ctx
    return render_page(renderer, PAGE, status_code=status_code, **ctx)


def _association(session, slug: str) -> Association:
    try:
        return get_association_by_slug(session, slug)
    except UnknownAssociation:
        from fastapi import HTTPException
        raise HTTPException(404) from None


def _subscribe_page(request: Request, renderer, settings, association: Association, status_code: int = 200,
                    error: str = "", name: str = "", email: str = "") -> HTMLResponse:
    """The subscription form with this visitor's CSRF token (web/common/public_csrf.py), keeping what was typed."""
    token = form_token(request, settings, SUBSCRIBE, str(association.id))
    page = _page(renderer, status_code, association_name=association.name, heading="Aanmelden voor de nieuwsbrief",
                 text="Na het aanmelden krijgt u een e-mail met een link om uw aanmelding te bevestigen.", error=error,
                 form={"subscribe": True, "button": "Aanmelden", "action": "", "name": name, "email": email,
                       "csrf": token.value})
    return with_cookie(page, token, settings)


@router.get("/{slug}/aanmelden", response_class=HTMLResponse)
def subscribe_form(slug: str, request: Request, session: SessionDep, renderer: RendererDep,
                   settings: SettingsDep) -> HTMLResponse:
    return _subscribe_page(request, renderer, settings, _association(session, slug))


@router.post("/{slug}/aanmelden", response_class=HTMLResponse)
async def subscribe_post(slug: str, request: Request, session: SessionDep, renderer: RendererDep,
                         settings: SettingsDep) -> HTMLResponse:
    association = _association(session, slug)
    form = await request.form()
    name, email = str(form.get("name", "")), str(form.get("email", ""))
    again = partial(_subscribe_page, request, renderer, settings, association, name=name, email=email)
    if not post_ok(request, settings, SUBSCRIBE, str(association.id), str(form.get("csrf", ""))):
        return again(403, AGAIN)
    limit = (SUBSCRIBE, client_ip(request), normalise_email(email))
    wait = limits_of(request).take(*limit)
    if wait:
        return again(429, too_many_text(wait))
    try:
        subscription = subs.subscribe(session, association.id, name, email)
        session.commit()
    except subs.SubscriberError as exc:
        session.rollback()
        limits_of(request).give_back(*limit)
        return again(422, str(exc))
    if not subscription.confirm_token:  # confirmed already, or mailed a moment ago: nothing goes out
        limits_of(request).give_back(*limit)
    elif not await _send_confirmation(request, settings, renderer, association, subscription):
        limits_of(request).give_back(*limit)
        return again(503, "De bevestigingsmail kon nu niet worden verstuurd. Probeer het over een paar minuten "
                          "opnieuw.")
    # The same answer whether or not the address was known: the page tells nobody who subscribes.
    return _page(renderer, association_name=association.name, heading="Bijna klaar", done=True,
                 text=f"We hebben een e-mail gestuurd naar {subscription.email}. Klik op de link daarin om uw "
                      "aanmelding te bevestigen.")


async def _send_confirmation(request: Request, settings, renderer, association: Association,
                             subscription: subs.Subscription) -> bool:
    """Mail the confirmation link; False when the relay is away (the page says so, rather than an error page)."""
    out = confirmation_mail(settings, renderer, association, subscription.email, subscription.name,
                            subscription.confirm_token, subscription.subscriber_id)
    try:
        await Mailer(settings, request.app.state.sessions).deliver(out)
    except TemporarySendError as exc:
        log.warning("newsletter confirmation for subscriber %s not sent: %s", subscription.subscriber_id, exc)
        return False
    return True


@router.get("/bevestigen/{token}", response_class=HTMLResponse)
def confirm_page(token: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    try:
        grant = look_up(session, token, {subs.CONFIRM_PURPOSE})
        association = session.get(Association, grant.association_id)
    except TokenRefused:
        return _page(renderer, 404, heading="Link ongeldig", text=REFUSED)
    if grant.used_at is not None:
        return _used_page(renderer, association)
    return _page(renderer, association_name=association.name, heading="Aanmelding bevestigen",
                 text="Bevestig met de knop hieronder dat u de nieuwsbrief wilt ontvangen.",
                 form={"button": "Ja, ik wil de nieuwsbrief ontvangen", "action": "",
                       "csrf": csrf_for(settings.secret_key, hash_token(token))})


@router.post("/bevestigen/{token}", response_class=HTMLResponse)
async def confirm_post(token: str, request: Request, session: SessionDep, renderer: RendererDep,
                       settings: SettingsDep) -> HTMLResponse:
    form = await request.form()
    try:
        grant = look_up(session, token, {subs.CONFIRM_PURPOSE})
        if not post_allowed(request, settings, hash_token(token), str(form.get("csrf", ""))):
            raise TokenRefused()
        association = session.get(Association, grant.association_id)
        subs.confirm_by_link(session, grant)
        session.commit()
    except (TokenRefused, subs.SubscriberError):
        session.rollback()
        return _page(renderer, 404, heading="Link ongeldig", text=REFUSED)
    except subs.LinkAlreadyUsed:
        session.rollback()
        return _used_page(renderer, association)
    return _page(renderer, association_name=association.name, heading="Aanmelding bevestigd", done=True,
                 text="Dank u wel. U ontvangt voortaan de nieuwsbrief. Afmelden kan met de link onderaan elke nieuwsbrief.")


def _used_page(renderer, association: Association) -> HTMLResponse:
    """A confirmation link works once: whoever unsubscribed since stays unsubscribed; the page says how to
    subscribe again (which mails a new link)."""
    return _page(renderer, 410, association_name=association.name, heading="Link al gebruikt",
                 text="Deze bevestigingslink is al gebruikt en werkt maar één keer. Bent u afgemeld en wilt u de "
                      "nieuwsbrief weer ontvangen? Meld u dan opnieuw aan; u krijgt een nieuwe bevestigingsmail.",
                 link={"href": f"/nieuwsbrief/{association.slug}/aanmelden", "label": "Opnieuw aanmelden"})


def _subscriber_of_key(session, settings, key: str) -> Subscriber | None:
    sub_id = subscriber_id_of_key(settings.secret_key, key)
    return session.get(Subscriber, sub_id) if sub_id is not None else None


@router.get("/afmelden/{key}", response_class=HTMLResponse)
def unsubscribe_page(key: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    sub = _subscriber_of_key(session, settings, key)
    if sub is None:
        return _page(renderer, 404, heading="Link ongeldig", text="Deze afmeldlink is niet geldig.")
    association = session.get(Association, sub.association_id)
    if sub.status == "unsubscribed":
        return _page(renderer, association_name=association.name, heading="U bent afgemeld", done=True,
                     text="U ontvangt de nieuwsbrief niet meer.")
    return _page(renderer, association_name=association.name, heading="Afmelden voor de nieuwsbrief",
                 text=f"Wilt u de nieuwsbrief niet meer ontvangen op {sub.email}? Berichten over vergaderingen "
                      "blijft u gewoon ontvangen.",
                 form={"button": "Afmelden", "action": "", "one_click": True})


@router.post("/afmelden/{key}", response_class=HTMLResponse)
async def unsubscribe_post(key: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep) -> HTMLResponse:
    """RFC 8058 one-click: a mail client POSTs `List-Unsubscribe=One-Click` (urlencoded or multipart)
    without cookies or a CSRF token; the HMAC key in the URL is the authority. 200, no redirect."""
    sub = _subscriber_of_key(session, settings, key)
    if sub is None:
        return _page(renderer, 404, heading="Link ongeldig", text="Deze afmeldlink is niet geldig.")
    subs.unsubscribe(session, sub)
    association = session.get(Association, sub.association_id)
    session.commit()
    log.info("newsletter unsubscribe: subscriber %s", sub.id)
    return _page(renderer, association_name=association.name, heading="U bent afgemeld", done=True,
                 text="U ontvangt de nieuwsbrief niet meer. Berichten over vergaderingen blijft u ontvangen.")


@router.get("/redactie/{token}", response_class=HTMLResponse)
async def editor_page(token: str, session: SessionDep, renderer: RendererDep, settings: SettingsDep,
                      temporal: TemporalDep) -> HTMLResponse:
    return await editor_view(token, session, renderer, settings, temporal)


@router.post("/redactie/{token}", response_class=HTMLResponse)
async def editor_action(token: str, request: Request, session: SessionDep, renderer: RendererDep,
                        settings: SettingsDep, temporal: TemporalDep) -> HTMLResponse:
    return await editor_post(token, request, session, renderer, settings, temporal)
