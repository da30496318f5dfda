"""Render a page with the layout, and the one Dutch error page (no stack traces, ever)."""
from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from raadsbode.mail.render import Renderer

log = logging.getLogger(__name__)

ERROR_TEMPLATE = "web/error.html.j2"
# Scripts fall back to default-src 'none': error pages run nothing and load nothing.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_TITLES = {
    400: "Ongeldige aanvraag", 403: "Geen toegang", 404: "Pagina niet gevonden", 405: "Niet toegestaan",
    409: "Al verwerkt", 410: "Link niet meer geldig", 422: "Ongeldige gegevens", 500: "Er ging iets mis",
}
_MESSAGES = {
    400: "De aanvraag klopt niet.",
    403: "U heeft geen toegang tot deze pagina.",
    404: "Deze pagina bestaat niet (meer). Controleer of u de hele link uit de e-mail heeft gebruikt.",
    405: "Deze handeling is op deze pagina niet mogelijk.",
    410: "Deze link is verlopen of al gebruikt.",
    422: "De gegevens in de link of het formulier kloppen niet.",
    500: "Er ging aan onze kant iets mis. Probeer het later nog eens; blijft het misgaan, neem dan contact op "
         "met het secretariaat.",
}


def render_page(renderer: Renderer, template: str, *, status_code: int = 200,
                headers: dict[str, str] | None = None, **ctx) -> HTMLResponse:
    """A template (which extends web/_layout.html.j2) as an HTML response with safe default headers."""
    html = renderer.render_html(template, **ctx)
    return HTMLResponse(html, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})})


def error_page(renderer: Renderer, status_code: int, message: str | None = None, *, title: str | None = None,
               details: list[str] | None = None, headers: dict[str, str] | None = None) -> HTMLResponse:
    """The Dutch error page; `message` defaults to a standard text for the status code."""
    title = title or _TITLES.get(status_code) or ("Er ging iets mis" if status_code >= 500 else "Dat lukte niet")
    message = message or _MESSAGES.get(status_code) or _MESSAGES[500 if status_code >= 500 else 400]
    return render_page(renderer, ERROR_TEMPLATE, status_code=status_code, headers={"Cache-Control": "no-store", **(headers or {})},
                       title=title, message=message, error_code=status_code, details=details or [])


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _safe_error_page(request: Request, status_code: int, message: str | None = None, **kw) -> Response:
    try:
        return error_page(request.app.state.renderer, status_code, message, **kw)
    except Exception:  # the error page itself broke: still no traceback for the user
        log.exception("rendering the error page failed")
        return PlainTextResponse("Er ging iets mis.", status_code=status_code)


async def _on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _wants_json(request):
        return await http_exception_handler(request, exc)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if detail == _phrase(exc.status_code):
        detail = None  # Starlette's English default ("Not Found"): use the Dutch text
    return _safe_error_page(request, exc.status_code, detail, headers=exc.headers)


async def _on_invalid_request(request: Request, exc: RequestValidationError) -> Response:
    if _wants_json(request):
        return await request_validation_exception_handler(request, exc)
    fields = sorted({str(err["loc"][-1]) for err in exc.errors() if err.get("loc")})
    details = [f"Controleer: {name}" for name in fields]
    return _safe_error_page(request, 422, details=details)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _safe_error_page(request, 500)


def _phrase(status_code: int) -> str | None:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return None


def install_error_handlers(app: FastAPI) -> None:
    """HTTP errors, invalid requests and unexpected exceptions all render the Dutch error page."""
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_invalid_request)
    app.add_exception_handler(Exception, _on_unexpected)
