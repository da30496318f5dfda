"""The agenda editor (/werkruimte/vergaderingen/{id}/agenda): add, edit, move up/down and delete items, then
submit the version to the meeting's workflow (which sends it for sign-off).

No JavaScript: every button posts the whole form with an `action` (add, up-N, down-N, delete-N, check, save,
discard, submit) and the page comes back with the rows rearranged, so nothing typed is lost. Every button
except "discard" (and a submit that succeeds) also saves the form as the meeting's draft
(web.workspace.meetings.agenda_draft), so a closed tab or an expired session costs at most the typing since the last
button; a submitted version clears the draft. The editor opens the draft, else the latest submitted
version (raadsbode/services/meeting/agenda.py rules), else the standing items.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from models.messages.meeting import AgendaItemInput, SubmitAgenda
from models.tables.meetings import Meeting, MeetingKind
from models.tables.types import utcnow
from raadsbode.domain.agenda import KIND_LABELS
from raadsbode.services.meeting.agenda import draft_items, latest_agenda
from raadsbode.services.alv.actions import alv_handle
from raadsbode.services.meeting.actions import meeting_handle
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, require_role, workspace_page
from web.deps import RendererDep, SessionDep, get_temporal
from web.common.forms import MAX_FORM_ROWS, AgendaRow, agenda_from_rows, field_text, rows_from_form, rows_from_items
from web.links.actions import run_update, submission_id_of
from web.links.data import off_loop
from web.workspace.meetings.agenda_draft import MAX_NOTE, SavedDraft, discard_draft, load_draft, save_draft
from web.workspace.meetings.pages import BASE
from web.workspace.meetings.status import ALV_KINDS
from workflows.alv.workflow import AlvWorkflow
from workflows.meeting.workflow import MeetingWorkflow

router = APIRouter(prefix=BASE, dependencies=[require_role("secretary")])
EDITABLE = (MeetingKind.board, MeetingKind.alv, MeetingKind.extra_alv, MeetingKind.committee)
NOTICES = {"weggegooid": "Het concept is weggegooid; u ziet weer de laatst ingediende versie.",
           "opgeslagen": "Het concept is opgeslagen."}


def _meeting(session: Session, meeting_id: int, staff: StaffContext) -> Meeting:
    meeting = owned_or_404(session, Meeting, meeting_id, staff)
    if meeting.kind not in EDITABLE:
        raise HTTPException(409, detail="Deze soort bijeenkomst heeft geen agenda om in te dienen.")
    return meeting


def _page(renderer, staff: StaffContext, meeting: Meeting, rows: list[AgendaRow], *, errors: list[str] | None = None,
          note: str = "", version: int = 0, status_code: int = 200, submission_id: str = "",
          draft: SavedDraft | None = None, notice: str = "") -> HTMLResponse:
    return workspace_page(renderer, "web/ws_agenda.html.j2", staff, status_code=status_code, nav="vergaderingen",
                          meeting=meeting, rows=rows, errors=errors or [], note=note, version=version,
                          kinds=list(KIND_LABELS.items()), submission_id=submission_id or uuid.uuid4().hex,
                          draft=draft, notice=notice)


def _latest_version(session: Session, meeting_id: int) -> int:
    latest = latest_agenda(session, meeting_id)
    return latest[0] if latest else 0


def _open(session: Session, meeting_id: int,
          staff: StaffContext) -> tuple[Meeting, SavedDraft | None, list[AgendaRow], int]:
    """The meeting, its draft, the rows to show (the draft's, else the latest version's or the standing items)
    and the latest version number."""
    meeting = _meeting(session, meeting_id, staff)
    draft = load_draft(session, meeting_id)
    rows = draft.rows if draft else rows_from_items(draft_items(session, meeting_id), extra=0)
    return meeting, draft, rows or [AgendaRow()], _latest_version(session, meeting_id)


@router.get("/{meeting_id}/agenda", response_class=HTMLResponse)
def editor(meeting_id: int, staff: StaffDep, session: SessionDep, renderer: RendererDep,
           melding: str = "") -> HTMLResponse:
    meeting, draft, rows, version = _open(session, meeting_id, staff)
    return _page(renderer, staff, meeting, rows, version=version, draft=draft, note=draft.note if draft else "",
                 notice=NOTICES.get(melding, ""))


def _sequential(rows: list[AgendaRow]) -> bool:
    filled = [row for row in rows if not row.is_blank()]
    return all(row.number == str(i) for i, row in enumerate(filled, start=1))


def _renumber(rows: list[AgendaRow]) -> None:
    for i, row in enumerate((row for row in rows if not row.is_blank()), start=1):
        row.number = str(i)


def rearrange(rows: list[AgendaRow], action: str) -> list[AgendaRow]:
    """Apply one editor button; numbers 1..n stay 1..n in the new order (other numbering is left alone)."""
    verb, _, raw = action.partition("-")
    index = int(raw) if raw.isdigit() and int(raw) < len(rows) else None
    sequential = _sequential(rows)
    rows = list(rows)
    if verb == "add" and len(rows) < MAX_FORM_ROWS:
        rows = [row for row in rows if not row.is_blank()] + [AgendaRow()]
    elif verb == "delete" and index is not None:
        rows.pop(index)
    elif verb == "up" and index:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and index is not None and index + 1 < len(rows):
        rows[index], rows[index + 1] = rows[index + 1], rows[index]
    if sequential and verb in ("delete", "up", "down"):
        _renumber(rows)
    if verb == "add" and sequential:
        rows[-1].number = str(sum(1 for row in rows if not row.is_blank()) + 1)
    return rows


def _form_rows(form: Mapping) -> list[AgendaRow]:
    rows = rows_from_form(form)
    return rows or [AgendaRow()]


def _editing(session: Session, meeting_id: int, staff: StaffContext) -> tuple[Meeting, int]:
    return _meeting(session, meeting_id, staff), _latest_version(session, meeting_id)


def _checked(rows: list[AgendaRow], note: str) -> tuple[list[AgendaItemInput], list[str]]:
    items, errors = agenda_from_rows(rows)
    if len(note) > MAX_NOTE:
        errors.append(f"De toelichting is te lang (hoogstens {MAX_NOTE} tekens).")
    return items, errors


@router.post("/{meeting_id}/agenda", response_class=HTMLResponse)
async def edit(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep):
    started = utcnow()
    meeting, version = await off_loop(session, _editing, meeting_id, staff)
    form = await request.form()
    action, note = field_text(form, "action", 20), field_text(form, "note", MAX_NOTE + 1)
    rows, submission = _form_rows(form), submission_id_of(form)
    if action == "discard":
        await off_loop(session, discard_draft, meeting_id)
        return RedirectResponse(f"{BASE}/{meeting_id}/agenda?melding=weggegooid", status_code=303)
    errors, status_code = [], 200
    if action not in ("submit", "check"):
        rows = rearrange(rows, action)
    else:
        items, errors = _checked(rows, note)
        status_code = 422 if errors else 200
        if not errors and action == "submit":
            problem = await _submit(request, meeting, _submission(staff, items, note), submission)
            if not problem:
                await off_loop(session, discard_draft, meeting_id, started)
                return RedirectResponse(f"{BASE}/{meeting_id}?melding=agenda", status_code=303)
            errors, status_code = [problem], 409
    draft = await off_loop(session, save_draft, meeting_id, rows, note, staff.person_id, staff.person_name)
    return _page(renderer, staff, meeting, rows, errors=errors, note=note, version=version, submission_id=submission,
                 status_code=status_code, draft=draft, notice=NOTICES["opgeslagen"] if action == "save" else "")


def _submission(staff: StaffContext, items: list[AgendaItemInput], note: str) -> SubmitAgenda:
    return SubmitAgenda(submitted_by_person_id=staff.person_id, items=items, note=note)


async def _submit(request: Request, meeting: Meeting, submit: SubmitAgenda, submission: str) -> str | None:
    """Send the version to the meeting's workflow; None when stored, else the Dutch reason it was not."""
    client = await get_temporal(request)
    update_id = f"agenda-{meeting.id}-{submission}"  # a double submit stores one version
    if meeting.kind in ALV_KINDS:
        call = alv_handle(client, meeting.id).execute_update(AlvWorkflow.submit_agenda, submit, id=update_id)
    else:
        call = meeting_handle(client, meeting.id).execute_update(MeetingWorkflow.submit_agenda, submit, id=update_id)
    _, problem = await run_update(call)
    return problem
