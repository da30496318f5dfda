"""What the secretary does to an ALV from its workspace page instead of through the emailed links: submit
the decision list (besluitenlijst, with an optional text: the ALV has no separate minutes), sign the agenda
or the decision list as secretary, and send a signer's sign-off link again. Each is one typed update of the
ALV workflow (the resend: one ledgered email); a rejection comes back on the page in Dutch, in place.
Cancelling an ALV is the board's form (web/workspace/meetings/actions.py); its agenda is web/workspace/meetings/agenda.py."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from models.messages.alv import DecisionEntry, SubmitDecisions
from models.tables.meetings import Meeting, MeetingStatus
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle
from raadsbode.domain.decisions import check_decisions, entries_from_lines
from raadsbode.services.meeting.resend import ResendRequest
from web.common.auth import CsrfDep, StaffContext, owned_or_404, require_role
from web.deps import RendererDep, SessionDep, get_temporal
from web.common.forms import field_text
from web.links.actions import run_update, submission_id_of
from web.links.data import off_loop
from web.workspace.meetings.alv_data import AlvRound, AlvSigner
from web.workspace.meetings.kind_context import kind_context
from web.workspace.meetings.shared_actions import approve_as_self, send_link_again
from web.workspace.meetings.pages import BASE, render_meeting
from web.workspace.meetings.status import ALV_KINDS, RUNNING
from workflows.alv.workflow import AlvWorkflow

router = APIRouter(prefix=f"{BASE}/{{meeting_id}}/alv", dependencies=[require_role("secretary")])
MAX_TEXT, MAX_INPUT = 20_000, 300_000
UNREACHABLE = "Raadsbode kan de stand van deze vergadering nu niet opvragen. Probeer het over een minuut opnieuw."


@dataclass
class DecisionsForm:
    """The decision-list form as typed: one decision per line, and an optional text."""

    decisions: str = ""
    text: str = ""
    errors: list[str] = field(default_factory=list)


def decisions_from_form(form: Mapping) -> tuple[DecisionsForm, list[DecisionEntry]]:
    df = DecisionsForm(field_text(form, "decisions", MAX_INPUT), field_text(form, "decisions_text", MAX_TEXT + 1))
    entries, errors = entries_from_lines(df.decisions.splitlines())
    df.errors = errors or check_decisions(SubmitDecisions(0, entries, df.text))
    if len(df.text) > MAX_TEXT:
        df.errors.append(f"De toelichting is te lang (hoogstens {MAX_TEXT} tekens).")
    return df, entries


def _alv(session: Session, meeting_id: int, staff: StaffContext) -> Meeting:
    meeting = owned_or_404(session, Meeting, meeting_id, staff)
    if meeting.kind not in ALV_KINDS:
        raise HTTPException(409, detail="Dit kan alleen bij een algemene ledenvergadering.")
    return meeting


@router.post("/besluitenlijst", response_class=HTMLResponse)
async def submit_decisions(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                           renderer: RendererDep) -> HTMLResponse:
    meeting = await off_loop(session, _alv, meeting_id, staff)
    if meeting.starts_at > utcnow() or meeting.status in (MeetingStatus.closed, MeetingStatus.cancelled):
        return await render_meeting(request, session, renderer, staff, meeting_id, status_code=409, error=(
            "De besluitenlijst kan pas na de vergadering worden ingediend, en niet meer als de vergadering "
            "is afgerond of geannuleerd."))
    form = await request.form()
    df, entries = decisions_from_form(form)
    if df.errors:
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"decisions": df},
                                    status_code=422)
    handle = alv_handle(await get_temporal(request), meeting_id)
    # The form's own id: a double submit stores one version.
    result, problem = await run_update(handle.execute_update(
        AlvWorkflow.submit_decisions, SubmitDecisions(staff.person_id, entries, df.text),
        id=f"decisions-{meeting_id}-{submission_id_of(form)}"))
    if problem:
        df.errors.append(problem)
        return await render_meeting(request, session, renderer, staff, meeting_id, forms={"decisions": df},
                                    status_code=409)
    return await render_meeting(request, session, renderer, staff, meeting_id, notice=(
        f"De besluitenlijst (versie {result.version}) is ingediend en gaat ter ondertekening naar de voorzitter "
        "en de secretaris."))


async def _open_signer(request: Request, session: Session, staff: StaffContext, meeting_id: int, person_id: int,
                       purpose: str) -> tuple[AlvRound, AlvSigner] | str:
    """The round out now and `person_id` in it when they still have to sign; otherwise a Dutch reason."""
    meeting = await off_loop(session, _alv, meeting_id, staff)
    page = (await kind_context(await get_temporal(request), session, meeting, RUNNING))["alv"]
    if page.status is None:
        return UNREACHABLE
    found = page.signoff.open_signer(person_id) if page.signoff and page.signoff.purpose == purpose else None
    if not page.signing or found is None:
        return "Deze persoon hoeft nu niet (meer) te ondertekenen."
    return page.signoff, found


def _person_id(form: Mapping) -> int:
    raw = field_text(form, "person_id", 20)
    return int(raw) if raw.isdigit() else -1


@router.post("/ondertekening/opnieuw", response_class=HTMLResponse)
async def resend(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                 renderer: RendererDep) -> HTMLResponse:
    form = await request.form()
    person_id, purpose = _person_id(form), field_text(form, "purpose", 40)
    found = await _open_signer(request, session, staff, meeting_id, person_id, purpose)
    if isinstance(found, str):
        return await render_meeting(request, session, renderer, staff, meeting_id, error=found, status_code=409)
    signoff, signer = found
    refused = await send_link_again(request, session, renderer, staff, ResendRequest(
        meeting_id, person_id, purpose, signoff.version, in_place_of_chair=signer.role == "deputy_chair",
        actor=staff.person_name))
    if refused is not None:
        return refused
    return await render_meeting(request, session, renderer, staff, meeting_id,
                                notice=f"De ondertekenlink is opnieuw verstuurd aan {signer.name}.")


@router.post("/ondertekening/goedkeuren", response_class=HTMLResponse)
async def approve_self(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep,
                       renderer: RendererDep) -> HTMLResponse:
    purpose = field_text(await request.form(), "purpose", 40)
    found = await _open_signer(request, session, staff, meeting_id, staff.person_id, purpose)
    if isinstance(found, str):
        return await render_meeting(request, session, renderer, staff, meeting_id, error=found, status_code=409)
    signoff = found[0]
    refused = await approve_as_self(request, session, renderer, staff, meeting_id, purpose, signoff.version)
    if refused is not None:
        return refused
    return await render_meeting(request, session, renderer, staff, meeting_id,
                                notice=f"U heeft de {signoff.subject} (versie {signoff.version}) goedgekeurd.")
