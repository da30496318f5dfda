"""Every route of the app (walked from the app, so a new router is covered without touching this file) is either
public by design (its prefix is in PUBLIC_PREFIXES, with the reason) or staff-protected: without a session its
GET ends at the sign-in page or 404, any other method gets 401, 403 or 404. So a page without sign-in cannot be
added silently. /werkruimte routes get the stricter checks of test_workspace_isolation.py (303 to sign-in, 401,
tenant isolation); this file covers all the others, e.g. the old /secretariaat URLs that now only redirect."""
from __future__ import annotations

import pytest

from raadsbode.settings import Settings
from tests.support.routes import ROUTES, app_routes, fill, make_objects
from tests.support.workspace import client_for, make_tenant
from web.app import create_app

pytestmark = pytest.mark.sqlite_only

# Reachable without signing in, by design. Prefixes of route paths as registered (with their {parameters});
# a prefix covers the path itself and everything below it.
PUBLIC_PREFIXES = {
    "/health": "liveness probe for the process manager",
    "/inloggen": "the sign-in form and the emailed sign-in link",
    "/uitloggen": "sign out: ends only the session of its own cookie, with that session's CSRF token",
    "/l/{token}": "the link pages of the emails (agenda, sign-off, RSVP, minutes): the token is the credential",
    "/motie/{token}": "a member's motion form, through a personal link",
    "/aanmelden/{token}": "ALV registration, through a personal link",
    "/netwerk/afmelden/{token}": "cancelling a network meeting registration, through a personal link",
    "/openbaar/{slug}": "the public side: meetings, decision lists, calendar feed, network meeting registration",
    "/nieuwsbrief/{slug}/aanmelden": "newsletter subscription (double opt-in)",
    "/nieuwsbrief/bevestigen/{token}": "newsletter confirmation, through the emailed link",
    "/nieuwsbrief/afmelden/{key}": "one-click unsubscribe",
    "/nieuwsbrief/redactie/{token}": "the editor's proof approval, through the emailed link",
}
DEV_ONLY_PREFIXES = {"/dev/outbox": "the dev stack's outbox viewer"}
REDIRECTS = (301, 302, 303, 307, 308)


def under(path: str, prefixes) -> bool:
    return any(path == prefix or path.startswith(prefix.rstrip("/") + "/") for prefix in prefixes)


ALL_ROUTES = app_routes(create_app(Settings(environment="dev", database_url="sqlite://")))
NOT_PUBLIC = [r for r in ALL_ROUTES if not under(r[1], PUBLIC_PREFIXES) and not under(r[1], DEV_ONLY_PREFIXES)]
OTHERS = [r for r in NOT_PUBLIC if r not in ROUTES and r[0] != "?"]  # /werkruimte: test_workspace_isolation.py


def test_the_walk_finds_every_route_and_the_allow_list_is_tight():
    assert set(ROUTES) <= set(NOT_PUBLIC) and ("GET", "/werkruimte/vergaderingen/{meeting_id}/moties") in ROUTES
    assert ("GET", "/secretariaat/vergaderingen/{meeting_id}") in OTHERS  # old URLs: redirects only
    assert [path for method, path in ALL_ROUTES if method == "?"] == [], "a route this file cannot check"
    unused = [prefix for prefix in {**PUBLIC_PREFIXES, **DEV_ONLY_PREFIXES}
              if not any(under(path, [prefix]) for _, path in ALL_ROUTES)]
    assert unused == [], f"public prefixes without a route any more, remove them: {unused}"


def test_dev_only_routes_are_not_there_in_production():
    production = create_app(Settings(environment="production", database_url="sqlite://", secret_key="s" * 40,
                                     public_base_url="https://raadsbode.test"))
    assert [path for _, path in app_routes(production) if under(path, DEV_ONLY_PREFIXES)] == []


async def _get_without_session(client, path: str):
    """The answer at the end of local redirects that do not go to sign-in (an old URL redirects to its new page)."""
    answer = await client.get(path)
    for _ in range(3):
        location = answer.headers.get("location", "")
        if answer.status_code not in REDIRECTS or not location.startswith("/") or location.startswith(("//", "/inloggen")):
            break
        answer = await client.get(location)
    return answer


@pytest.mark.parametrize(("method", "path"), OTHERS)
async def test_every_route_not_public_by_design_needs_staff(app, session_factory_, method, path):
    values = make_objects(session_factory_, make_tenant(session_factory_))
    async with client_for(app) as client:
        if method == "GET":
            answer = await _get_without_session(client, fill(path, values))
        else:
            answer = await client.request(method, fill(path, values), data={})
    advice = (f"{method} {path} answers {answer.status_code} without a session. Put it behind StaffDep / require_role "
              f"(web/common/auth.py), or, if it is public by design, add its prefix to PUBLIC_PREFIXES with the reason.")
    if method == "GET":
        signin = answer.status_code == 303 and answer.headers["location"].startswith("/inloggen?next=")
        assert signin or answer.status_code == 404, advice
    else:
        assert answer.status_code in (401, 403, 404), advice
