"""Admin pages (/werkruimte/beheer): staff and the association's settings and venues. Admins only."""
from __future__ import annotations

from fastapi import APIRouter

from web.auth import require_role
from web.ws_admin_settings import router as settings_router
from web.ws_admin_staff import router as staff_router
from web.ws_admin_venues import router as venues_router

router = APIRouter(dependencies=[require_role("admin")])
router.include_router(staff_router)
router.include_router(venues_router)
router.include_router(settings_router)
