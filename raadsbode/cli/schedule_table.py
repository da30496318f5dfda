"""A Temporal schedule on the console (`raadsbode alv cycle show`, `raadsbode newsletter schedule show`):
when it fires, whether it is paused and why, the next moments and the last runs it started."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.table import Table
from temporalio.client import ScheduleDescription

DAY_TIME = "%d-%m-%Y %H:%M"


def schedule_table(title: str, desc: ScheduleDescription, tz: ZoneInfo, upcoming: int = 3) -> Table:
    spec, state, info = desc.schedule.spec, desc.schedule.state, desc.info
    table = Table("", "", title=title, show_header=False)
    table.add_row("Wanneer", ", ".join(c.comment or "" for c in spec.calendars) + f" ({spec.time_zone_name})")
    table.add_row("Status", "gepauzeerd" + (f" ({state.note})" if state.note else "") if state.paused else "actief")
    for moment in info.next_action_times[:upcoming]:
        table.add_row("Volgende", moment.astimezone(tz).strftime(DAY_TIME))
    for action in info.recent_actions[-3:]:
        workflow_id = getattr(action.action, "workflow_id", "")
        table.add_row("Gestart", f"{action.started_at.astimezone(tz).strftime(DAY_TIME)} {workflow_id}")
    return table
