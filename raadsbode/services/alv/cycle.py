"""The association's yearly ALV cycle as a Temporal Schedule `alv-cycle-<slug>`: in spring and autumn
(by default 1 March and 1 September, 09:00 Europe/Amsterdam, well over 8 weeks before the default
June and November ALVs) it starts AlvCycleWorkflow, which creates the next ALV and starts its workflow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio.client import (Client, Schedule, ScheduleActionStartWorkflow, ScheduleAlreadyRunningError,
                               ScheduleCalendarSpec, ScheduleHandle, SchedulePolicy, ScheduleRange, ScheduleSpec,
                               ScheduleState, ScheduleUpdate, ScheduleUpdateInput)
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from models.messages.alv import AlvCycleInput
from raadsbode.domain.alv_policy import AlvPolicy
from raadsbode.search_attributes import ASSOCIATION
from workflows.alv.cycle import AlvCycleWorkflow
from raadsbode.domain.policy import normalise_overrides

MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december"]
CATCHUP = timedelta(days=30)  # a firing missed while the server was down still happens within a month


@dataclass(frozen=True)
class CycleSlots:
    """When the cycle fires: day `day` of the spring and the autumn month, at hour:minute in `timezone`."""

    spring_month: int = 3
    autumn_month: int = 9
    day: int = 1
    hour: int = 9
    minute: int = 0
    timezone: str = "Europe/Amsterdam"

    def check(self) -> None:
        if not (1 <= self.spring_month <= 12 and 1 <= self.autumn_month <= 12) or self.spring_month == self.autumn_month:
            raise ValueError("Kies twee verschillende maanden (1 tot en met 12) voor voorjaar en najaar.")
        if not 1 <= self.day <= 28:
            raise ValueError("Kies een dag van 1 tot en met 28 (die bestaat in elke maand).")
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError("Ongeldige tijd.")


def schedule_id(slug: str) -> str:
    return f"alv-cycle-{slug}"


def slot_text(month: int, slots: CycleSlots) -> str:
    return f"{slots.day} {MONTHS_NL[month - 1]} {slots.hour:02d}:{slots.minute:02d}"


def cycle_spec(slots: CycleSlots) -> ScheduleSpec:
    slots.check()
    calendars = [ScheduleCalendarSpec(month=[ScheduleRange(month)], day_of_month=[ScheduleRange(slots.day)],
                                      hour=[ScheduleRange(slots.hour)], minute=[ScheduleRange(slots.minute)],
                                      second=[ScheduleRange(0)], comment=f"{season}: {slot_text(month, slots)}")
                 for season, month in (("voorjaar", slots.spring_month), ("najaar", slots.autumn_month))]
    return ScheduleSpec(calendars=calendars, time_zone_name=slots.timezone)


def cycle_schedule(task_queue: str, inp: AlvCycleInput, slots: CycleSlots) -> Schedule:
    action = ScheduleActionStartWorkflow(
        AlvCycleWorkflow.run, inp, id=schedule_id(inp.association_slug), task_queue=task_queue,
        typed_search_attributes=TypedSearchAttributes([SearchAttributePair(ASSOCIATION, inp.association_slug)]))
    return Schedule(action=action, spec=cycle_spec(slots), policy=SchedulePolicy(catchup_window=CATCHUP),
                    state=ScheduleState(note="ALV-cyclus"))


async def upsert_cycle_schedule(client: Client, task_queue: str, association_id: int, slug: str,
                                slots: CycleSlots | None = None, policy: dict[str, str] | None = None,
                                batch_size: int = 100) -> str:
    """Create the association's ALV schedule, or replace its calendar and input when it exists (paused stays paused)."""
    inp = AlvCycleInput(association_id, slug, normalise_overrides(policy or {}, AlvPolicy), batch_size)
    schedule = cycle_schedule(task_queue, inp, slots or CycleSlots())
    try:
        await client.create_schedule(schedule_id(slug), schedule)
    except ScheduleAlreadyRunningError:
        async def _replace(current: ScheduleUpdateInput) -> ScheduleUpdate:
            schedule.state = current.description.schedule.state
            return ScheduleUpdate(schedule=schedule)
        await cycle_handle(client, slug).update(_replace)
    return schedule_id(slug)


def cycle_handle(client: Client, slug: str) -> ScheduleHandle:
    return client.get_schedule_handle(schedule_id(slug))


async def trigger_cycle(client: Client, slug: str) -> None:
    """Fire now (as on 1 March): creates the next ALV if it does not exist yet."""
    await cycle_handle(client, slug).trigger()
