"""The old secretary URLs under /secretariaat, kept only as redirects (303) to the workspace page that does the
same: the pages there had no sign-in; the workspace has sign-in, roles, CSRF and tenant isolation. Links in
emails already sent (the motions overview) and bookmarks keep working. Nothing here reads or changes data."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

router = APIRouter(prefix="/secretariaat/vergaderingen")
WORKSPACE_MEETINGS = "/werkruimte/vergaderingen"


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(WORKSPACE_MEETINGS + path, status_code=303)


@router.get("")
def meeting_list() -> RedirectResponse:
    return _to("")


@router.get("/nieuw")
def new_meeting() -> RedirectResponse:
    return _to("/nieuw")


@router.get("/{meeting_id}")
def meeting_page(meeting_id: int) -> RedirectResponse:
    return _to(f"/{meeting_id}")


@router.get("/{meeting_id}/moties")
def motions(meeting_id: int) -> RedirectResponse:
    return _to(f"/{meeting_id}/moties")
