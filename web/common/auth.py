"""Staff sign-in state for the workspace: who is signed in, their roles, CSRF, and tenant isolation.

Use in a route under /werkruimte:

    @router.get("/werkruimte/iets/{thing_id}")
    def page(thing_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep): ...
        thing = owned_or_404(session, Thing, thing_id, staff)   # 404 for another association's row

    @router.post("/werkruimte/iets", dependencies=[require_role("secretary")])
    async def act(staff: CsrfDep, ...): ...                       # 403 without the form's csrf_token

Without a session a GET is redirected (303) to /inloggen?next=<path>; any other method gets 401.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from raadsbode.mail.render import Renderer
from models.tables.alv import Motion
from models.tables.meetings import AgendaVersion, Meeting
from models.tables.newsletter import NewsletterIssue, Subscriber
from models.tables.org import Association, Body, Person
from raadsbode.settings import Settings
from raadsbode.store.staff import SESSION_LIFETIME, effective_roles, find_session, roles_of
from web.common import pages
from web.deps import SessionDep

SESSION_COOKIE = "raadsbode_session"  # dev only: served over plain http, where a __Host- cookie cannot be set
SECURE_SESSION_COOKIE = "__Host-" + SESSION_COOKIE
SIGNIN_PATH = "/inloggen"
WORKSPACE_PATH = "/werkruimte"
CSRF_FIELD = "csrf_token"
# Workspace pages hold member data: never cached; the Referer may only go to our own origin.
WORKSPACE_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "same-origin",
                     "X-Frame-Options": "DENY", "X-Robots-Tag": "noindex, nofollow"}


@dataclass(frozen=True)
class StaffContext:
    """The signed-in staff member; `roles` already includes what admin implies."""

    person_id: int
    person_name: str
    association_id: int
    association_slug: str
    association_name: str
    roles: frozenset[str]
    csrf_token: str

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def _not_signed_in(request: Request) -> HTTPException:
    if request.method == "GET":  # HEAD arrives as GET (web/common/head.py)
        return HTTPException(303, headers={"Location": signin_url(request.url.path, request.url.query)})
    return HTTPException(401, detail="U bent niet (meer) ingelogd. Log opnieuw in en probeer het nog eens.")


def signin_url(path: str, query: str = "") -> str:
    target = path + (f"?{query}" if query else "")
    return f"{SIGNIN_PATH}?next={quote(target, safe='')}"


def current_staff(request: Request, session: SessionDep) -> StaffContext:
    """The staff member of this request's session cookie; redirects (GET) or 401 (POST) without one."""
    row = find_session(session, session_cookie_of(request))
    if row is None:
        raise _not_signed_in(request)
    roles = roles_of(session, row.association_id, row.person_id)
    person = session.get(Person, row.person_id)
    association = session.get(Association, row.association_id)
    session.commit()  # last_seen; also hands the connection back before the handler awaits anything
    if not roles or person is None or association is None:
        raise _not_signed_in(request)  # roles were taken away since sign-in
    return StaffContext(person.id, person.name, association.id, association.slug, association.name,
                        effective_roles(roles), row.csrf_token)


StaffDep = Annotated[StaffContext, Depends(current_staff)]


def require_role(*roles: str) -> Any:
    """A dependency: the staff member needs one of `roles` (admin implies secretary and editor), else 403."""
    def _check(staff: StaffDep) -> StaffContext:
        if not staff.has_role(*roles):
            raise HTTPException(403, detail="U heeft voor deze pagina niet de juiste rol in uw vereniging.")
        return staff

    return Depends(_check)


async def check_csrf(request: Request, staff: StaffDep) -> StaffContext:
    """The form field `csrf_token` must equal the session's token (compared in constant time), else 403."""
    form = await request.form()  # Starlette caches it: the handler can read the form again
    presented = form.get(CSRF_FIELD)
    if not isinstance(presented, str) or not csrf_matches(presented, staff.csrf_token):
        raise HTTPException(403, detail="Dit formulier is verlopen of niet vanaf deze website verstuurd. "
                                        "Open de pagina opnieuw en probeer het nog eens.")
    return staff


def csrf_matches(presented: str, expected: str) -> bool:
    """A session's CSRF token against the form's, in constant time; an empty one never matches."""
    return bool(presented) and hmac.compare_digest(presented.encode(), expected.encode())


CsrfDep = Annotated[StaffContext, Depends(check_csrf)]

# How to find the association of a row without its own association_id: (column, parent model).
_PARENTS = (("meeting_id", Meeting), ("body_id", Body), ("agenda_version_id", AgendaVersion),
            ("motion_id", Motion), ("issue_id", NewsletterIssue), ("subscriber_id", Subscriber))


def association_of(session: Session, row: Any) -> int | None:
    """The association a row belongs to, following its parents; None when that cannot be told."""
    if isinstance(row, Association):
        return row.id
    if hasattr(row, "association_id"):
        return row.association_id
    for column, parent in _PARENTS:
        parent_id = getattr(row, column, None)
        if parent_id is not None:
            parent_row = session.get(parent, parent_id)
            return association_of(session, parent_row) if parent_row is not None else None
    return None


def owned_or_404(session: Session, model: type, object_id: int | None, staff: StaffContext) -> Any:
    """The row, if it exists and belongs to the staff member's association; otherwise 404 (never 403,
    which would tell that the id exists elsewhere)."""
    row = session.get(model, object_id) if isinstance(object_id, int) else None
    if row is None or association_of(session, row) != staff.association_id:
        raise HTTPException(404)
    return row


def safe_next(raw: str | None, default: str = WORKSPACE_PATH) -> str:
    """Only a local path (no scheme, no host, no backslash tricks) may be a redirect target."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw or len(raw) > 500:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        return default
    return raw


def session_cookie_name(settings: Settings) -> str:
    """The one name of the session cookie. __Host- in production: the browser then accepts it only Secure, with
    Path=/ and no Domain, so neither a sibling subdomain nor a plain-http page can plant or overwrite it."""
    return SECURE_SESSION_COOKIE if settings.environment == "production" else SESSION_COOKIE


def session_cookie_of(request: Request) -> str:
    """The raw session id this request carries ('' without one); every reader of the session goes through here."""
    return request.cookies.get(session_cookie_name(request.app.state.settings), "")


def set_session_cookie(response: Response, raw: str, settings: Settings) -> None:
    response.set_cookie(session_cookie_name(settings), raw, max_age=int(SESSION_LIFETIME.total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=settings.environment == "production")


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(session_cookie_name(settings), path="/", httponly=True, samesite="lax",
                           secure=settings.environment == "production")


def workspace_page(renderer: Renderer, template: str, staff: StaffContext, *, status_code: int = 200,
                   nav: str = "", **ctx) -> HTMLResponse:
    """A page extending web/workspace_layout.html.j2; `nav` marks the current menu item
    (overzicht, vergaderingen, jaarplanning, leden, nieuwsbrief)."""
    return pages.render_page(renderer, template, status_code=status_code, headers=WORKSPACE_HEADERS,
                             staff=staff, nav=nav, csrf_field=CSRF_FIELD, **ctx)
