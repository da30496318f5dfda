"""What the secretary does to a network meeting from its workspace page: change its description and number
of places (what `raadsbode network start` sets), and cancel it (the cancel update every meeting workflow has:
workflows/common/step_loop.py; the invited and everyone who signed up are told).

The description and the places live in the meeting's details, where the public page and each sign-up read
them (activities/network/store.py record_signup), so a change needs no workflow update. Moving people up
from the waiting list takes the workflow (a cancellation does it), so more places can only be given while
nobody waits; fewer than are taken cannot be set."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from activities.network.store import counts
from models.tables.alv import MeetingDetails
from models.messages.meeting import CancelMeeting
from models.tables.meetings import Meeting, MeetingKind, MeetingStatus
from models.tables.types import utcnow
from raadsbode.services.network import network_handle
from web.common.auth import CsrfDep, StaffContext, owned_or_404, require_role
from web.deps import RendererDep, SessionDep, get_temporal
from web.common.forms import field_text
from web.links.actions import run_update
from web.links.data import off_loop
from web.workspace.members.data import actor_of
from web.workspace.meetings.shared_actions import cancel_form
from web.workspace.meetings.pages import BASE, render_meeting
from workflows.network.workflow import NetworkMeetingWorkflow
from raadsbode.store.audit import record_audit
from raadsbode.store.meetings import meeting_details, subject_ref

router = APIRouter(prefix=f"{BASE}/{{meeting_id}}/netwerk", dependencies=[require_role("secretary")])
MAX_DESCRIPTION, MAX_CAPACITY = 4000, 100_000


@dataclass
class NetworkForm:
    description: str = ""
    capacity: str = ""  # as typed; empty: unlimited
    errors: dict[str, str] = field(default_factory=dict)


def network_form_from(form: Mapping) -> NetworkForm:
    nf = NetworkForm(field_text(form, "description", MAX_DESCRIPTION + 1), field_text(form, "capacity", 12))
    if len(nf.description) > MAX_DESCRIPTION:
        nf.errors["description"] = f"De beschrijving is te lang (hoogstens {MAX_DESCRIPTION} tekens)."
    if nf.capacity and not (nf.capacity.isdigit() and 1 <= int(nf.capacity) <= MAX_CAPACITY):
        nf.errors["capacity"] = f"Vul een aantal plaatsen in van 1 tot {MAX_CAPACITY}, of laat het leeg voor onbeperkt."
    return nf


def _network(session: Session, meeting_id: int, staff: StaffContext) -> Meeting:
    meeting = owned_or_404(session, Meeting, meeting_id, staff)
    if meeting.kind != MeetingKind.network:
        raise HTTPException(409, detail="Dit kan alleen bij een netwerkbijeenkomst.")
    return meeting


def _save(session: Session, meeting_id: int, staff: StaffContext, nf: NetworkForm, source: str) -> bool:
    """Store the change (audited) when it may be made; otherwise the errors on the form. Committed."""
    meeting = _network(session, meeting_id, staff)
    if meeting.status == MeetingStatus.cancelled or meeting.starts_at <= utcnow():
        nf.errors["form"] = "De bijeenkomst is geannuleerd of al begonnen; wijzigen kan niet meer."
        return False
    capacity = int(nf.capacity) if nf.capacity else None
    n = counts(session, meeting_id)
    if capacity is not None and capacity < n["registered"]:
        nf.errors["capacity"] = f"Er zijn al {n['registered']} aanmeldingen; kies minstens zoveel plaatsen."
    row = meeting_details(session, meeting_id)
    row = row or MeetingDetails(meeting_id=meeting_id)
    more = capacity is None or (row.capacity is not None and capacity > row.capacity)
    if n["waiting"] and more and capacity != row.capacity:
        nf.errors["capacity"] = (f"Er staan {n['waiting']} mensen op de wachtlijst. Meer plaatsen geven kan pas als "
                                 "niemand meer wacht: wie wacht, schuift alleen door bij een afmelding.")
    if nf.errors:
        return False
    changed = {"capacity": capacity} if capacity != row.capacity else {}
    changed |= {"description": "gewijzigd"} if nf.description != row.description else {}
    row.capacity, row.description = capacity, nf.description
    session.add(row)
    if changed:
        record_audit(session, meeting.association_id, "network-changed", subject_ref=subject_ref(meeting.id),
                     actor=actor_of(session, staff), detail=changed, source=source)
    session.commit()
    return True


@router.post("/wijzigen", response_class=HTMLResponse)
async def change(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                 renderer: RendererDep) -> HTMLResponse:
    nf = network_form_from(await request.form())
    source = f"werkruimte {request.client.host}" if request.client else "werkruimte"
    if nf.errors or not await off_loop(session, _save, meeting_id, staff, nf, source):
        too_late = nf.errors.pop("form", "")  # the form is no longer on the page: say it at the top
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"network": nf},
                                    error=too_late, status_code=409 if too_late else 422)
    return await render_meeting(request, session, renderer, staff, meeting_id,
                                notice="De beschrijving en het aantal plaatsen zijn opgeslagen.")


@router.post("/annuleren", response_class=HTMLResponse)
async def cancel(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                 renderer: RendererDep) -> HTMLResponse:
    await off_loop(session, _network, meeting_id, staff)
    cf = cancel_form(await request.form(), "bijeenkomst")
    if cf.errors:
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"network_cancel": cf},
                                    status_code=422)
    handle = network_handle(await get_temporal(request), meeting_id)
    result, problem = await run_update(handle.execute_update(
        NetworkMeetingWorkflow.cancel, CancelMeeting(cf.reason), id=f"cancel-{meeting_id}"))
    if problem or not result.accepted:
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"network_cancel": cf},
                                    error=problem or result.message, status_code=409)
    return await render_meeting(request, session, renderer, staff, meeting_id, notice=result.message)
