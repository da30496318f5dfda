"""/dev/outbox (dev mode only): the SMTP sink's Maildir, readable in the browser.

Mounted by create_app only when settings.is_dev. HTML bodies are shown in a sandboxed iframe from a
separate route with a strict CSP, so nothing in an email can run in the page around it.
"""
from __future__ import annotations

from email.message import EmailMessage

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

from web.deps import RendererDep, SettingsDep
from web.dev.outbox_mail import (describe_parts, find_part, links_in, load_message, message_date, part_text, read_maildir,
                                 summarize)
from web.common.pages import PAGE_HEADERS, render_page

router = APIRouter(prefix="/dev/outbox", tags=["dev"])

LIST_LIMIT = 500
NOT_FOUND = "Dit bericht staat niet (meer) in de outbox."
# The email HTML runs nothing, posts nothing and fetches nothing but inline styles and images;
# user-clicked links may open in a new tab or the top window (sandbox flags).
HTML_PART_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; font-src data:; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'self'; "
    "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
)
IFRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
# The message page itself: the standard page policy plus frames from our own HTML-part route.
MESSAGE_PAGE_CSP = PAGE_HEADERS["Content-Security-Policy"] + "; frame-src 'self'"


def _message_or_404(settings: SettingsDep, key: str) -> tuple[bytes, EmailMessage]:
    found = load_message(settings.mail_dir, key)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


@router.get("", response_class=HTMLResponse)
def outbox(settings: SettingsDep, renderer: RendererDep) -> HTMLResponse:
    messages = read_maildir(settings.mail_dir)
    summaries = [summarize(key, msg) for key, msg in messages[:LIST_LIMIT]]
    return render_page(renderer, "web/outbox.html.j2", headers={"Cache-Control": "no-store"},
                       messages=summaries, total=len(messages), limit=LIST_LIMIT, maildir=str(settings.mail_dir))


@router.get("/{key}", response_class=HTMLResponse)
def message(key: str, settings: SettingsDep, renderer: RendererDep) -> HTMLResponse:
    _raw, msg = _message_or_404(settings, key)
    headers = [(name, str(value)) for name, value in msg.items()]
    page_headers = {"Cache-Control": "no-store", "Content-Security-Policy": MESSAGE_PAGE_CSP}
    return render_page(renderer, "web/outbox_message.html.j2", headers=page_headers,
                       key=key, summary=summarize(key, msg), date=message_date(msg), mail_headers=headers,
                       parts=describe_parts(msg), links=links_in(msg), sandbox=IFRAME_SANDBOX)


@router.get("/{key}/html/{index}", response_class=HTMLResponse)
def html_part(key: str, index: int, settings: SettingsDep) -> HTMLResponse:
    _raw, msg = _message_or_404(settings, key)
    part = find_part(msg, index)
    if part is None or part.get_content_type() != "text/html":
        raise HTTPException(404, NOT_FOUND)
    return HTMLResponse(part_text(part), headers={
        "Content-Security-Policy": HTML_PART_CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})


@router.get("/{key}/part/{index}")
def download_part(key: str, index: int, settings: SettingsDep) -> Response:
    _raw, msg = _message_or_404(settings, key)
    part = find_part(msg, index)
    if part is None:
        raise HTTPException(404, NOT_FOUND)
    filename = _safe_filename(part.get_filename() or f"deel-{index}")
    # Always a download, never rendered inline: an attachment is not trusted content of this site.
    return Response(part.get_payload(decode=True) or b"", media_type=part.get_content_type(), headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"})


@router.get("/{key}/raw")
def raw_message(key: str, settings: SettingsDep) -> Response:
    raw, _msg = _message_or_404(settings, key)
    return Response(raw, media_type="message/rfc822", headers={
        "Content-Disposition": f'attachment; filename="{_safe_filename(key)}.eml"', "X-Content-Type-Options": "nosniff"})


def _safe_filename(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return cleaned.strip("._") or "bericht"
