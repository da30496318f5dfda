"""The member import in the browser (/werkruimte/leden/import): upload the CSV, see every problem as a
line/column/reason table in the page. All or nothing: with any error nothing is written
(raadsbode.services.members.importer.import_members). Mounted by web/workspace/members/pages.py (role: secretary)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from raadsbode.services.members.importer import MAX_BYTES, ImportReport, import_members
from web.common.auth import CsrfDep, StaffContext, StaffDep, workspace_page
from web.deps import RendererDep, SessionDep
from web.common.forms import field_text
from web.workspace.members.data import actor_of
from raadsbode.store.audit import record_audit

router = APIRouter(prefix="/import")


def _page(renderer, staff: StaffContext, *, report: ImportReport | None = None, file_name: str = "",
          error: str = "", dry_run: bool = False, status_code: int = 200) -> HTMLResponse:
    return workspace_page(renderer, "web/members_import.html.j2", staff, status_code=status_code, nav="leden",
                          report=report, file_name=file_name, error=error, dry_run=dry_run,
                          max_mb=MAX_BYTES // 1_000_000)


@router.get("", response_class=HTMLResponse)
def import_form(staff: StaffDep, renderer: RendererDep) -> HTMLResponse:
    return _page(renderer, staff)


async def _upload(form) -> tuple[bytes, str] | None:
    upload = form.get("bestand")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read(MAX_BYTES + 1)  # one byte more than allowed: import_members reports the size
    return data, upload.filename[:200]


@router.post("", response_class=HTMLResponse)
async def run_import(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep) -> HTMLResponse:
    form = await request.form()
    dry_run = field_text(form, "alleen_controleren", 10) == "ja"
    uploaded = await _upload(form)
    if uploaded is None:
        return _page(renderer, staff, error="Kies een CSV-bestand om te importeren.", dry_run=dry_run, status_code=422)
    data, file_name = uploaded
    report = await run_in_threadpool(import_members, request.app.state.sessions, staff.association_id, data,
                                     dry_run=dry_run)
    if report.ok and not dry_run:
        record_audit(session, staff.association_id, "members-imported", subject_ref="members",
                     actor=actor_of(session, staff),
                     detail={"file": file_name, "created": report.created, "updated": report.updated},
                     source="werkruimte")
        session.commit()
    return _page(renderer, staff, report=report, file_name=file_name, dry_run=dry_run,
                 status_code=200 if report.ok else 422)
