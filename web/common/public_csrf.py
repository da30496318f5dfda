"""CSRF for the public forms that post without a session or a link token (the network sign-up, the newsletter
subscription): a double-submit token bound to the visitor.

The form page sets a random nonce in a cookie (HttpOnly, SameSite=Lax, Secure in production) and puts
HMAC(secret_key, purpose, subject, nonce) in the form. A POST passes when the form field is the HMAC of the
cookie it arrives with (and Origin/Referer, when sent, are ours). Another site can neither read the cookie nor
compute the HMAC, so a token copied from its own visit does not fit a victim's cookie; the server keeps no state.

Link pages (/l/{token}, /aanmelden/{token}, /motie/{token}, ...) do not use this: their CSRF field is bound to
the link's token (raadsbode.store.tokens.csrf_for).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from raadsbode.settings import Settings
from web.common.link_security import origin_ok

COOKIE = "raadsbode_form"
COOKIE_MAX_AGE = 24 * 3600  # a form left open over lunch still posts; a reload issues a fresh one
_NONCE = re.compile(r"[A-Za-z0-9_\-]{32,64}")
AGAIN = "Laad de pagina opnieuw en probeer het nog eens."


@dataclass(frozen=True)
class FormToken:
    """What one rendered form needs: `value` for the hidden field; the response must carry `nonce` in the cookie."""

    value: str
    nonce: str
    fresh: bool  # the request had no usable cookie: the response sets it


def _cookie_nonce(request: Request) -> str | None:
    raw = request.cookies.get(COOKIE, "")
    return raw if _NONCE.fullmatch(raw) else None


def _sign(settings: Settings, purpose: str, subject: str, nonce: str) -> str:
    message = f"public-form|{purpose}|{subject}|{nonce}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def form_token(request: Request, settings: Settings, purpose: str, subject: str) -> FormToken:
    """The token for a form of `purpose` about `subject` (e.g. a meeting id), for this visitor."""
    nonce = _cookie_nonce(request)
    fresh = nonce is None
    nonce = nonce or secrets.token_urlsafe(32)
    return FormToken(_sign(settings, purpose, subject, nonce), nonce, fresh)


def with_cookie(response: Response, token: FormToken, settings: Settings) -> Response:
    """The response, setting the visitor's nonce cookie when the request came without one."""
    if token.fresh:
        response.set_cookie(COOKIE, token.nonce, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="lax",
                            secure=settings.environment == "production")
    return response


def post_ok(request: Request, settings: Settings, purpose: str, subject: str, presented: str) -> bool:
    """The POST's form field fits its cookie (constant time) and it comes from our own origin."""
    nonce = _cookie_nonce(request)
    if nonce is None or not presented:
        return False
    expected = _sign(settings, purpose, subject, nonce)
    return hmac.compare_digest(expected.encode(), presented.encode()) and origin_ok(request, settings)
