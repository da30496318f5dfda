"""Starting and steering newsletter workflows from the CLI and the web (a Temporal client)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, UTC

from temporalio.client import (
    Client, Schedule, ScheduleActionStartWorkflow, ScheduleAlreadyRunningError, ScheduleCalendarSpec,
    ScheduleRange, ScheduleSpec, ScheduleUpdate, ScheduleUpdateInput, WorkflowHandle,
)
from temporalio.common import TypedSearchAttributes, SearchAttributePair

from raadsbode.mail.compose import HeaderInjectionError, checked_address
from models.messages.newsletter import Ack, Command, KickoffInput, NewsletterInput, NewsletterPolicy, Progress
from raadsbode.services.newsletter.issues import workflow_id
from raadsbode.domain.newsletter_period import check_period
from raadsbode.search_attributes import ASSOCIATION
from workflows.newsletter.workflow import NewsletterKickoffWorkflow, NewsletterWorkflow

# The workflow's states as an editor reads them (web page and CLI).
STATE_LABELS = {"composing": "wordt samengesteld", "proof": "proef wacht op goedkeuring",
                "changes_requested": "wijzigingen gevraagd", "awaiting_go": "te laat goedgekeurd: wacht op startsein",
                "approved": "goedgekeurd", "sending": "wordt verzonden", "paused": "gepauzeerd", "sent": "verzonden",
                "cancelled": "geannuleerd"}
FINAL_STATES = ("sent", "cancelled")
WEEKDAYS = {"ma": 1, "di": 2, "wo": 3, "do": 4, "vr": 5, "za": 6, "zo": 0,
            "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}


@dataclass(frozen=True)
class MonthlySlot:
    """e.g. the first Tuesday 10:00 Europe/Amsterdam: weekday "di", week 1, 10:00."""

    weekday: str = "di"
    week: int = 1  # 1..4: the n-th such weekday of the month
    hour: int = 10
    minute: int = 0
    timezone: str = "Europe/Amsterdam"
    editors: list[str] = field(default_factory=list)


def checked_editors(editors: list[str]) -> list[str]:
    """The proofs and reports go to these addresses: a wrong one is refused here, not by the proof's mail."""
    for editor in editors:
        try:
            checked_address(editor, "editor")
        except HeaderInjectionError:
            raise ValueError(f"'{editor}' is geen bruikbaar e-mailadres voor de redactie.") from None
    return editors


def schedule_id(slug: str) -> str:
    return f"newsletter-schedule-{slug}"


def _attributes(slug: str) -> TypedSearchAttributes:
    return TypedSearchAttributes([SearchAttributePair(ASSOCIATION, slug)])


async def start_issue(client: Client, task_queue: str, association_id: int, slug: str, period: str,
                      editors: list[str], intro: str = "", policy: NewsletterPolicy | None = None,
                      slot_at: datetime | None = None) -> WorkflowHandle:
    """Start newsletter-<slug>-<yyyy-mm> now (outside the schedule); the slot is now unless given."""
    check_period(period)
    slot = (slot_at or datetime.now(UTC)).isoformat()
    inp = NewsletterInput(association_id, period, slot, checked_editors(editors), intro, policy or NewsletterPolicy())
    return await client.start_workflow(NewsletterWorkflow.run, inp, id=workflow_id(slug, period),
                                       task_queue=task_queue, search_attributes=_attributes(slug))


def calendar_spec(slot: MonthlySlot) -> ScheduleSpec:
    if slot.weekday.lower() not in WEEKDAYS or not 1 <= slot.week <= 4:
        raise ValueError("Kies een weekdag (ma, di, wo, do, vr, za, zo) en een week van 1 tot en met 4.")
    if not (0 <= slot.hour <= 23 and 0 <= slot.minute <= 59):
        raise ValueError("Ongeldige tijd.")
    first_day = 1 + 7 * (slot.week - 1)
    cal = ScheduleCalendarSpec(
        day_of_week=[ScheduleRange(WEEKDAYS[slot.weekday.lower()])],
        day_of_month=[ScheduleRange(first_day, first_day + 6)],
        hour=[ScheduleRange(slot.hour)], minute=[ScheduleRange(slot.minute)], second=[ScheduleRange(0)],
        comment=f"week {slot.week}, {slot.weekday} {slot.hour:02d}:{slot.minute:02d}",
    )
    return ScheduleSpec(calendars=[cal], time_zone_name=slot.timezone)


async def upsert_schedule(client: Client, task_queue: str, association_id: int, slug: str, slot: MonthlySlot,
                          policy: NewsletterPolicy | None = None) -> str:
    """Create the association's monthly Schedule, or update its calendar when it exists."""
    action = ScheduleActionStartWorkflow(
        NewsletterKickoffWorkflow.run, KickoffInput(association_id, slug, checked_editors(list(slot.editors)),
                                                    policy or NewsletterPolicy()),
        id=f"newsletter-kickoff-{slug}", task_queue=task_queue, typed_search_attributes=_attributes(slug))
    schedule = Schedule(action=action, spec=calendar_spec(slot))
    try:
        await client.create_schedule(schedule_id(slug), schedule)
    except ScheduleAlreadyRunningError:
        async def _replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)
        await client.get_schedule_handle(schedule_id(slug)).update(_replace)
    return schedule_id(slug)


def handle(client: Client, slug: str, period: str) -> WorkflowHandle:
    return client.get_workflow_handle_for(NewsletterWorkflow.run, workflow_id(slug, period))


async def command(client: Client, slug: str, period: str, what: str, by: str = "") -> Ack:
    """pause, resume, cancel or start_now (the explicit go after a late approval)."""
    methods = {"pause": NewsletterWorkflow.pause, "resume": NewsletterWorkflow.resume,
               "cancel": NewsletterWorkflow.cancel, "start_now": NewsletterWorkflow.start_now}
    return await handle(client, slug, period).execute_update(methods[what], Command(by))


async def progress(client: Client, slug: str, period: str) -> Progress:
    return await handle(client, slug, period).query(NewsletterWorkflow.progress)
