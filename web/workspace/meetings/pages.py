"""Meetings in the workspace (/werkruimte/vergaderingen, secretary or admin): the list (paginated, searchable),
a new board or committee meeting (its workflow starts at once), one meeting's page, and starting a planned
meeting's workflow. Board and committee meetings both run MeetingWorkflow, so their pages are steered alike.
The secretary reads "begeleiding" (Raadsbode guides the meeting) where the code says workflow.

Async handlers read the database through `off_loop`, so no pooled connection is held while Temporal answers."""
from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from models.messages.meeting import PHASE_LABELS, MeetingStatusView
from models.tables.meetings import Meeting, MeetingKind
from models.tables.org import Body, Venue
from models.tables.types import utcnow
from raadsbode.services.alv.motions import motion_views
from raadsbode.services.meeting.actions import MeetingError, create_meeting
from raadsbode.settings import Settings
from web.workspace.meetings import data
from web.common.auth import CsrfDep, StaffContext, StaffDep, owned_or_404, require_role, workspace_page
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.common.forms import field_text
from web.links.data import off_loop
from web.common.listing import page_number, paginate, search, search_text
from web.workspace.meetings.forms import MeetingForm, check_when_where, meeting_form_from, notice_days
from web.workspace.meetings.bodies import BODY_FIELD, body_choices, chosen_body, meeting_kind, notice_hint, preselected
from web.workspace.meetings.kind_context import kind_context
from web.workspace.meetings.status import ALV_KINDS, RUNNING, WORKFLOW_LABELS, board_status, client_or_none, \
    start_workflow, workflow_state
from raadsbode.domain.vocabulary import TokenPurpose

BASE = "/werkruimte/vergaderingen"
router = APIRouter(prefix=BASE, dependencies=[require_role("secretary")])
BODY_MEETING_KINDS = (MeetingKind.board, MeetingKind.committee)  # MeetingWorkflow: status with signers, same actions
NOTICES = {"gestart": "De vergadering is aangemaakt en Raadsbode begeleidt haar vanaf nu.",
           "begeleiding": "De begeleiding van de vergadering is gestart.",
           "agenda": "De agenda is ingediend en gaat ter ondertekening naar de voorzitter en de secretaris.",
           "opnieuw": "De ondertekenlink is opnieuw verstuurd.", "getekend": "U heeft de agenda goedgekeurd.",
           "verslag": "Het verslag is ingediend en gaat ter ondertekening naar de voorzitter."}


@router.get("", response_class=HTMLResponse)
def meeting_list(staff: StaffDep, session: SessionDep, renderer: RendererDep, zoek: str = "", pagina: str = "",
                 toon: str = "komend") -> HTMLResponse:
    show = toon if toon in ("komend", "alle") else "komend"
    query = search(data.meetings_query(staff.association_id, show), zoek, Meeting.title, Body.name, Venue.name)
    page = paginate(query, page_number(pagina), session=session)
    return workspace_page(renderer, "web/ws_meetings.html.j2", staff, nav="vergaderingen", page=page,
                          zoek=search_text(zoek), toon=show, kinds=data.KIND_LABELS, statuses=data.STATUS_LABELS)


def _new_page(session: Session, renderer, staff: StaffContext, form: MeetingForm, body_id: str,
              status_code: int = 200, wanted: str = ""):
    venues = [(str(v.id), v.name) for v in data.venues(session, staff.association_id)]
    bodies = body_choices(session, staff.association_id)
    return workspace_page(renderer, "web/ws_meeting_new.html.j2", staff, status_code=status_code,
                          nav="vergaderingen", form=form, venues=venues, body_id=body_id, notice_hint=notice_hint(bodies),
                          body_options=[(b["id"], b["name"]) for b in bodies],
                          no_committee=wanted == "commissie" and not any(b["kind"] == "committee" for b in bodies))


@router.get("/nieuw", response_class=HTMLResponse)
def new_meeting(staff: StaffDep, session: SessionDep, renderer: RendererDep, orgaan: str = "") -> HTMLResponse:
    """The form; ?orgaan=<body id> or ?orgaan=commissie preselects a body and its own notice period."""
    chosen = preselected(body_choices(session, staff.association_id), orgaan)
    form = MeetingForm(notice_days=chosen["notice_days"]) if chosen else MeetingForm()
    return _new_page(session, renderer, staff, form, chosen["id"] if chosen else "", wanted=orgaan)


def _create(session: Session, staff: StaffContext, settings: Settings, form: MeetingForm,
            body_id: str) -> tuple[int, str] | None:
    """The new board or committee meeting's (id, kind), committed; None with the errors on the form. The body's
    own durations apply; the notice period typed on the form overrides its convocation_before."""
    body = chosen_body(session, staff.association_id, body_id, form.errors)
    days = notice_days(form)
    times = check_when_where(form, settings.timezone, utcnow(), data.venue_ids(session, staff.association_id))
    if form.errors or times is None or body is None or days is None:
        return None
    try:
        meeting = create_meeting(session, association_id=staff.association_id, body_id=body.id,
                                 kind=meeting_kind(body), title=form.title, starts_at=times.starts_at,
                                 ends_at=times.ends_at, venue_id=times.venue_id,
                                 policy={"convocation_before": f"{days}d"})
    except MeetingError as err:
        form.errors["form"] = str(err)
        return None
    session.commit()
    return meeting.id, str(meeting.kind)


@router.post("/nieuw", response_class=HTMLResponse)
async def create(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep, settings: SettingsDep):
    posted = await request.form()
    form, body_id = meeting_form_from(posted), field_text(posted, BODY_FIELD, 20)
    created = await off_loop(session, _create, staff, settings, form, body_id)
    if created is None:
        return await off_loop(session, _new_page, renderer, staff, form, body_id, 422)
    meeting_id, kind = created  # board and committee: start_workflow starts MeetingWorkflow for both
    await start_workflow(await get_temporal(request), settings, meeting_id, kind, staff.association_slug)
    return RedirectResponse(f"{BASE}/{meeting_id}?melding=gestart", status_code=303)


def _context(session: Session, meeting_id: int, staff: StaffContext) -> dict:
    meeting = owned_or_404(session, Meeting, meeting_id, staff)
    body, venue = session.get(Body, meeting.body_id), session.get(Venue, meeting.venue_id or -1)
    ctx = {"meeting": meeting, "body_name": body.name if body else "", "venue": venue,
           "past": data.past_steps(session, meeting_id), "planned": data.planned_steps(session, meeting),
           "attendance": data.attendance(session, meeting), "minutes": data.minutes_versions(session, meeting_id),
           "agendas": data.agenda_versions(session, meeting_id), "venues": data.venues(session, staff.association_id),
           "motions": motion_views(session, meeting_id) if meeting.kind in ALV_KINDS else [],
           "body_meeting": meeting.kind in BODY_MEETING_KINDS,
           "kind_label": data.KIND_LABELS.get(str(meeting.kind), str(meeting.kind)), "now": utcnow()}
    ctx["venue_options"] = [(str(v.id), v.name) for v in ctx["venues"]]
    return ctx  # off_loop closes the session: the rows stay readable (no lazy loads in the template)


async def render_meeting(request: Request, session: Session, renderer, staff: StaffContext, meeting_id: int, *,
                         forms: dict | None = None, notice: str = "", error: str = "", status_code: int = 200):
    """The meeting page; `forms` carries a form with errors (reschedule, cancel, minutes) back in place."""
    ctx = await off_loop(session, _context, meeting_id, staff)
    client = await client_or_none(request)
    state = await workflow_state(client, meeting_id)
    status = await board_status(client, meeting_id) if state == RUNNING and ctx["body_meeting"] else None
    forms = {"reschedule": MeetingForm(), "cancel": MeetingForm(), "minutes": None, **(forms or {})}
    kind = await kind_context(client, session, ctx["meeting"], state)  # ALV and network: web/workspace/meetings/kind_context.py
    return workspace_page(renderer, "web/ws_meeting.html.j2", staff, status_code=status_code, nav="vergaderingen",
                          workflow=state, workflow_label=WORKFLOW_LABELS[state], forms=forms, notice=notice,
                          error=error, submission_id=uuid.uuid4().hex, **_status_context(status), **kind, **ctx)


def _status_context(status: MeetingStatusView | None) -> dict:
    if status is None:
        return {"status": None, "phase_label": "", "deadline": None, "signoff_purpose": TokenPurpose.agenda_signoff}
    held = status.phase in ("held", "minutes_signoff", "closed")
    return {"status": status, "phase_label": PHASE_LABELS.get(status.phase, status.phase),
            "deadline": datetime.fromisoformat(status.next_deadline_iso) if status.next_deadline_iso else None,
            "signoff_purpose": TokenPurpose.minutes_signoff if held else TokenPurpose.agenda_signoff}


@router.get("/{meeting_id}", response_class=HTMLResponse)
async def meeting_page(meeting_id: int, request: Request, staff: StaffDep, session: SessionDep, renderer: RendererDep,
                       melding: str = "") -> HTMLResponse:
    return await render_meeting(request, session, renderer, staff, meeting_id, notice=NOTICES.get(melding, ""))


def _kind_of(session: Session, meeting_id: int, staff: StaffContext) -> str:
    return str(owned_or_404(session, Meeting, meeting_id, staff).kind)


@router.post("/{meeting_id}/starten", response_class=HTMLResponse)
async def start(meeting_id: int, request: Request, staff: CsrfDep, session: SessionDep, settings: SettingsDep):
    kind = await off_loop(session, _kind_of, meeting_id, staff)
    await start_workflow(await get_temporal(request), settings, meeting_id, kind, staff.association_slug)
    return RedirectResponse(f"{BASE}/{meeting_id}?melding=begeleiding", status_code=303)

