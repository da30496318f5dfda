"""Admin pages (/werkruimte/beheer): staff and the association's settings and venues. Admins only."""
from __future__ import annotations

from fastapi import APIRouter

from web.common.auth import require_role
from web.workspace.admin.settings import router as settings_router
from web.workspace.admin.staff import router as staff_router
from web.workspace.admin.venues import router as venues_router

router = APIRouter(dependencies=[require_role("admin")])
router.include_router(staff_router)
router.include_router(venues_router)
router.include_router(settings_router)
