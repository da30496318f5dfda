"""Rendering of the pages behind emailed links (and the other public forms) with their security headers, and the
POST checks. The workspace has its own session-bound CSRF token (web.common.auth); these pages have no session, so
their CSRF field is bound to the link's token (raadsbode.store.tokens.csrf_for).

The raw token sits in the URL of a link page, so those pages must not leak it (no Referer, no cache,
no indexing) and must not run anything (a CSP without scripts).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse

from raadsbode.mail.render import Renderer
from web.common import pages
from raadsbode.settings import Settings
from raadsbode.store.tokens import csrf_ok

# No script-src: it falls back to default-src 'none', so no script of any kind runs.
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def security_headers(referrer_policy: str = "no-referrer") -> dict[str, str]:
    return {
        "Referrer-Policy": referrer_policy,
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
        "X-Robots-Tag": "noindex, nofollow",
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }


def render_page(renderer: Renderer, template: str, status_code: int = 200,
                referrer_policy: str = "no-referrer", **ctx) -> HTMLResponse:
    """The app's page renderer, with the stricter headers of pages that carry a token or act."""
    return pages.render_page(renderer, f"web/{template}", status_code=status_code,
                             headers=security_headers(referrer_policy), **ctx)


def _base_origin(settings: Settings) -> str:
    parts = urlsplit(settings.public_base_url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_ok(request: Request, settings: Settings) -> bool:
    """Origin and Referer, when sent, must point at our public base URL.

    "null" passes: these pages are served with `Referrer-Policy: no-referrer`, which makes the browser send
    `Origin: null` on their own form POST (Fetch standard), so there it carries no information and the CSRF
    field bound to the token is what protects the form.
    """
    origin = request.headers.get("origin")
    if origin is not None and origin != "null" and origin.rstrip("/").lower() != _base_origin(settings):
        return False
    referer = request.headers.get("referer")
    if referer is not None:
        base = settings.public_base_url
        if referer != base and not referer.startswith(base + "/"):
            return False
    return True


def post_allowed(request: Request, settings: Settings, csrf_subject: str, presented: str) -> bool:
    return csrf_ok(settings.secret_key, csrf_subject, presented) and origin_ok(request, settings)
