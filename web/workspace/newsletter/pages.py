"""The newsletter in the workspace (/werkruimte/nieuwsbrief, editor or admin): the issues (paginated,
searchable), start an issue now, the monthly schedule; subscribers and suppressions (paginated, searchable).
Posts and feed import are in ws_newsletter_posts; one issue (preview, approve, steer the send) in
ws_newsletter_issue."""
from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from models.tables.newsletter import NewsletterIssue, Subscriber, Suppression
from models.tables.org import Person
from raadsbode.services.newsletter import control as newsletter_control
from raadsbode.domain.newsletter_period import ContentError, check_period
from raadsbode.services.newsletter.subscribers import counts
from web.common.auth import CsrfDep, StaffContext, StaffDep, require_role, workspace_page
from web.deps import RendererDep, SessionDep, SettingsDep, get_temporal
from web.common.forms import field_text
from web.links.data import off_loop
from web.common.listing import page_number, paginate, search, search_text
from web.workspace.newsletter.issue import router as issue_router
from web.workspace.newsletter.posts import router as posts_router
from web.workspace.meetings.status import TIMEOUT, client_or_none

log = logging.getLogger(__name__)
BASE = "/werkruimte/nieuwsbrief"
router = APIRouter(prefix=BASE, dependencies=[require_role("editor")])
WEEKDAY_LABELS = {"ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag", "vr": "vrijdag"}
MAX_INTRO = 5000
STATUS_FILTERS = ("pending", "confirmed", "unsubscribed")


def _issues(session: Session, staff: StaffContext, zoek: str, pagina: str):
    query = select(NewsletterIssue).where(NewsletterIssue.association_id == staff.association_id)
    query = search(query, zoek, NewsletterIssue.period, NewsletterIssue.subject)
    return paginate(query.order_by(col(NewsletterIssue.period).desc()), page_number(pagina), session=session), \
        counts(session, staff.association_id)


async def _schedule(request: Request, slug: str) -> str:
    """The monthly slot as the schedule describes it, or "" when there is none (or Temporal is away)."""
    client = await client_or_none(request)
    if client is None:
        return ""
    try:
        described = await asyncio.wait_for(client.get_schedule_handle(newsletter_control.schedule_id(slug)).describe(), TIMEOUT)
    except Exception:  # noqa: BLE001 - no schedule yet
        return ""
    calendars = described.schedule.spec.calendars
    return calendars[0].comment if calendars else "ingesteld"


async def _overview(request, session, renderer, staff, *, zoek="", pagina="", form=None, errors=None,
                    notice="", status_code=200) -> HTMLResponse:
    page, subscriber_counts = await off_loop(session, _issues, staff, zoek, pagina)
    return workspace_page(renderer, "web/ws_newsletter.html.j2", staff, status_code=status_code, nav="nieuwsbrief",
                          page=page, zoek=search_text(zoek), counts=subscriber_counts, schedule=await _schedule(
                              request, staff.association_slug), form=form or {}, errors=errors or {}, notice=notice,
                          weekdays=list(WEEKDAY_LABELS.items()), states=newsletter_control.STATE_LABELS)


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, staff: StaffDep, session: SessionDep, renderer: RendererDep, zoek: str = "",
                   pagina: str = "", melding: str = "") -> HTMLResponse:
    notice = {"schema": "Het maandelijkse schema is opgeslagen.",
              "samenstellen": "De nieuwsbrief wordt samengesteld; ververs de pagina over enkele seconden."}.get(melding, "")
    return await _overview(request, session, renderer, staff, zoek=zoek, pagina=pagina, notice=notice)


def _email(session: Session, staff: StaffContext) -> str:
    person = session.get(Person, staff.person_id)
    return person.email if person else ""


def _issue_id(session: Session, staff: StaffContext, period: str) -> int | None:
    return session.exec(select(NewsletterIssue.id).where(NewsletterIssue.association_id == staff.association_id,
                                                         NewsletterIssue.period == period)).first()


async def _wait_for_issue(session: Session, staff: StaffContext, period: str) -> int | None:
    """The issue row appears when the workflow has composed it (a moment after the start)."""
    for _ in range(25):
        issue_id = await off_loop(session, _issue_id, staff, period)
        if issue_id is not None:
            return issue_id
        await asyncio.sleep(0.2)
    return None


@router.post("/uitgaven", response_class=HTMLResponse)
async def start_issue(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep, settings: SettingsDep):
    form = await request.form()
    values = {"period": field_text(form, "period", 20), "intro": field_text(form, "intro", MAX_INTRO + 1)}
    errors = {}
    try:
        check_period(values["period"])
    except ContentError as err:
        errors["period"] = str(err)
    if len(values["intro"]) > MAX_INTRO:
        errors["intro"] = f"De inleiding is te lang (hoogstens {MAX_INTRO} tekens)."
    if not errors and await off_loop(session, _issue_id, staff, values["period"]) is not None:
        errors["period"] = "Voor deze maand is er al een nieuwsbrief."
    if errors:
        return await _overview(request, session, renderer, staff, form=values, errors=errors, status_code=422)
    editor = await off_loop(session, _email, staff)
    await newsletter_control.start_issue(await get_temporal(request), settings.temporal_task_queue, staff.association_id,
                                         staff.association_slug, values["period"], [editor], values["intro"])
    issue_id = await _wait_for_issue(session, staff, values["period"])
    if issue_id is None:
        return RedirectResponse(f"{BASE}?melding=samenstellen", status_code=303)
    return RedirectResponse(f"{BASE}/uitgaven/{issue_id}?melding=gestart", status_code=303)


def _slot(form, editor: str) -> tuple[newsletter_control.MonthlySlot | None, dict, dict]:
    values = {name: field_text(form, name, 10) for name in ("weekday", "week", "time")}
    errors = {}
    if values["weekday"] not in WEEKDAY_LABELS:
        errors["weekday"] = "Kies een weekdag."
    if values["week"] not in ("1", "2", "3", "4"):
        errors["week"] = "Kies de eerste, tweede, derde of vierde week."
    hour, _, minute = values["time"].partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        errors["time"] = "Vul een tijd in (uu:mm)."
    if errors:
        return None, values, errors
    return newsletter_control.MonthlySlot(values["weekday"], int(values["week"]), int(hour), int(minute),
                                          editors=[editor]), values, errors


@router.post("/schema", response_class=HTMLResponse)
async def save_schedule(request: Request, staff: CsrfDep, session: SessionDep, renderer: RendererDep, settings: SettingsDep):
    slot, values, errors = _slot(await request.form(), await off_loop(session, _email, staff))
    if slot is None:
        return await _overview(request, session, renderer, staff, form=values, errors=errors, status_code=422)
    await newsletter_control.upsert_schedule(await get_temporal(request), settings.temporal_task_queue,
                                             staff.association_id, staff.association_slug, slot)
    return RedirectResponse(f"{BASE}?melding=schema", status_code=303)


@router.get("/abonnees", response_class=HTMLResponse)
def subscribers(staff: StaffDep, session: SessionDep, renderer: RendererDep, zoek: str = "", pagina: str = "",
                status: str = "") -> HTMLResponse:
    query = select(Subscriber).where(Subscriber.association_id == staff.association_id)
    if status in STATUS_FILTERS:
        query = query.where(Subscriber.status == status)
    query = search(query, zoek, Subscriber.email, Subscriber.name).order_by(col(Subscriber.email))
    return workspace_page(renderer, "web/ws_subscribers.html.j2", staff, nav="nieuwsbrief", status=status,
                          page=paginate(query, page_number(pagina), session=session), zoek=search_text(zoek),
                          counts=counts(session, staff.association_id))


@router.get("/onderdrukt", response_class=HTMLResponse)
def suppressions(staff: StaffDep, session: SessionDep, renderer: RendererDep, zoek: str = "", pagina: str = "") -> HTMLResponse:
    query = select(Suppression).where(Suppression.association_id == staff.association_id)
    query = search(query, zoek, Suppression.email, Suppression.reason, Suppression.smtp_reply)
    page = paginate(query.order_by(col(Suppression.created_at).desc(), col(Suppression.id).desc()), page_number(pagina),
                    session=session)
    return workspace_page(renderer, "web/ws_suppressions.html.j2", staff, nav="nieuwsbrief", page=page,
                          zoek=search_text(zoek))


router.include_router(posts_router)
router.include_router(issue_router)
