"""Admin pages (/werkruimte/beheer): staff and the association's settings and venues. Admins only."""
from __future__ import annotations

from fastapi import APIRouter

from web.auth import require_role
from web.ws_admin_staff import router as staff_router

router = APIRouter(dependencies=[require_role("admin")])
router.include_router(staff_router)
