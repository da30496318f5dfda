"""The sign-in link email: a single-use token of 15 minutes, sent through the ledger."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import func
from sqlmodel import Session, select

from raadsbode.mail.compose import HeaderInjectionError
from raadsbode.mail.mailer import Mailer, TemporarySendError
from raadsbode.mail.render import Renderer
from models.tables.ledger import ActionToken
from models.messages.mail import OutboundEmail
from models.tables.org import Association
from models.tables.types import utcnow
from raadsbode.settings import Settings
from raadsbode.db import SessionFactory, session_scope
from raadsbode.store.staff import StaffMember, staff_by_email
from raadsbode.store.tokens import hash_token, issue_token
from web.common.auth import SIGNIN_PATH, WORKSPACE_PATH
from raadsbode.domain.vocabulary import TokenPurpose

log = logging.getLogger(__name__)
SIGNIN_PURPOSE = TokenPurpose.staff_signin
SIGNIN_KIND = "staff-signin"
LINK_LIFETIME = timedelta(minutes=15)
MAX_LINKS_PER_LIFETIME = 5  # someone typing a colleague's address cannot flood their mailbox
MAX_ASSOCIATIONS = 10  # one address in more associations than this is not a real person


def subject_ref(person_id: int) -> str:
    return f"staff-{person_id}"


def _recent_links(session: Session, person_id: int) -> int:
    since = utcnow() - LINK_LIFETIME
    return session.exec(select(func.count()).select_from(ActionToken).where(
        ActionToken.purpose == SIGNIN_PURPOSE, ActionToken.person_id == person_id,
        ActionToken.created_at > since)).one()


def issue_signin_link(session: Session, member: StaffMember) -> tuple[str, int] | None:
    """(raw token, token id), or None when this person already got enough links just now. Caller commits."""
    if _recent_links(session, member.person_id) >= MAX_LINKS_PER_LIFETIME:
        log.warning("sign-in links for person %s rate-limited", member.person_id)
        return None
    raw = issue_token(session, association_id=member.association_id, purpose=SIGNIN_PURPOSE,
                      subject_ref=subject_ref(member.person_id), version=0, person_id=member.person_id,
                      expires_at=utcnow() + LINK_LIFETIME, single_use=True)
    token_id = session.exec(select(ActionToken.id).where(ActionToken.token_hash == hash_token(raw))).one()
    return raw, token_id


def signin_url(settings: Settings, raw: str, next_path: str) -> str:
    url = f"{settings.public_base_url}{SIGNIN_PATH}/{raw}"
    return url if next_path == WORKSPACE_PATH else f"{url}?next={quote(next_path, safe='')}"


def signin_email(settings: Settings, renderer: Renderer, association: Association, member: StaffMember,
                 url: str, token_id: int) -> OutboundEmail:
    """Version = token id: every request is a message of its own in the ledger."""
    ctx = {"association_name": association.name, "person_name": member.person_name, "signin_url": url,
           "valid_minutes": int(LINK_LIFETIME.total_seconds() // 60)}
    return OutboundEmail(
        kind=SIGNIN_KIND, subject_ref=subject_ref(member.person_id), version=token_id,
        recipient_email=member.email, recipient_name=member.person_name,
        subject=f"Inloggen in de werkruimte van {association.name}", association_id=association.id,
        html=renderer.render_html("email/staff_signin.html.j2", **ctx),
        text=renderer.render_text("email/staff_signin.txt.j2", **ctx),
        from_email=association.mailbox_email, from_name=association.name,
    )


async def send_quietly(mailer: Mailer, out: OutboundEmail) -> None:
    """Deliver; a failure is logged, never shown (the page must not tell whether an account exists)."""
    try:
        result = await mailer.deliver(out)
        if result.status != "sent":
            log.warning("sign-in mail %s not delivered: %s %s", out.business_key, result.smtp_code, result.smtp_reply)
    except (TemporarySendError, HeaderInjectionError) as exc:
        log.warning("sign-in mail %s failed: %s", out.business_key, exc)


def _links_for(sessions: SessionFactory, settings: Settings, renderer: Renderer, email: str,
               next_path: str) -> list[OutboundEmail]:
    """A sign-in mail per association where `email` is staff (none for anyone else), within the limits."""
    mails = []
    with session_scope(sessions) as session:
        for member in staff_by_email(session, email)[:MAX_ASSOCIATIONS]:
            issued = issue_signin_link(session, member)
            if issued is not None:
                association = session.get(Association, member.association_id)
                mails.append(signin_email(settings, renderer, association, member,
                                          signin_url(settings, issued[0], next_path), issued[1]))
    return mails


async def send_signin_links(sessions: SessionFactory, settings: Settings, renderer: Renderer, email: str,
                            next_path: str) -> None:
    """The sign-in request's work, run after its page was sent (web/signin_pages.request_link): the page and
    its timing are the same for staff and non-staff addresses; only a staff address gets mail."""
    try:
        mails = await asyncio.to_thread(_links_for, sessions, settings, renderer, email, next_path)
    except Exception:  # the page has been answered; nobody but the log can be told
        log.exception("sign-in links for a request not issued")
        return
    mailer = Mailer(settings, sessions)
    for out in mails:
        await send_quietly(mailer, out)
