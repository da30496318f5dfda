"""The year planning form: one row per meeting (board meeting or ALV), prefilled with a sensible year
(six board meetings on the second Wednesday afternoon, two ALVs on the second Thursday evening of June and
November, venues rotating over the town halls), checked as a whole and created all at once or not at all."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from models.tables.org import Venue
from raadsbode.services.alv.actions import create_alv
from raadsbode.services.alv.planning import add_planning_entry, nth_weekday
from raadsbode.services.meeting.actions import MeetingError, create_meeting
from web.common.forms import field_text, row_count
from web.workspace.meetings.forms import check_when_where
from web.workspace.meetings.data import board_body

BOARD_MONTHS = (1, 3, 5, 6, 9, 11)  # no board meeting in the summer recess
ALV_MONTHS = (6, 11)
WEDNESDAY, THURSDAY = 2, 3
ROW_KINDS = {"board": "Bestuursvergadering", "alv": "ALV"}
MAX_ROWS = 24
TIMES = {"board": ("14:00", "16:00"), "alv": ("19:30", "21:30")}


@dataclass
class PlanRow:
    kind: str = "board"
    date: str = ""
    start: str = ""
    end: str = ""
    venue_id: str = ""
    title: str = ""
    include: bool = True
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedRow:
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    venue_id: int | None


def default_rows(year: int, venues: list[Venue], today: date) -> list[PlanRow]:
    """The prefilled year, in date order; a date already past is left unticked."""
    plans = [("board", nth_weekday(year, m, WEDNESDAY, 2)) for m in BOARD_MONTHS]
    plans += [("alv", nth_weekday(year, m, THURSDAY, 2)) for m in ALV_MONTHS]
    rows = []
    for i, (kind, day) in enumerate(sorted(plans, key=lambda p: (p[1], p[0]))):
        venue = str(venues[i % len(venues)].id) if venues else ""
        start, end = TIMES[kind]
        rows.append(PlanRow(kind, day.isoformat(), start, end, venue, "", include=day > today))
    return rows


def rows_from_form(form: Mapping) -> list[PlanRow]:
    return [PlanRow(kind=field_text(form, f"kind_{i}", 10), date=field_text(form, f"date_{i}", 20),
                    start=field_text(form, f"start_{i}", 10), end=field_text(form, f"end_{i}", 10),
                    venue_id=field_text(form, f"venue_{i}", 12), title=field_text(form, f"title_{i}", 400),
                    include=field_text(form, f"include_{i}", 4) == "ja") for i in range(row_count(form, MAX_ROWS))]


def check_row(row: PlanRow, venue_ids: set[int], tz: str, now: datetime) -> CheckedRow | None:
    """The row as times and ids, or None with its errors on the row (Dutch, per field)."""
    if row.kind not in ROW_KINDS:
        row.errors["kind"] = "Kies bestuursvergadering of ALV."
    times = check_when_where(row, tz, now, venue_ids)
    if times is None or row.errors:
        return None
    return CheckedRow(row.kind, row.title, times.starts_at, times.ends_at, times.venue_id)


def check_rows(rows: list[PlanRow], venue_ids: set[int], tz: str, now: datetime) -> list[CheckedRow] | None:
    """Every ticked row checked; None when any has an error (all errors are on their rows)."""
    checked = [check_row(row, venue_ids, tz, now) for row in rows if row.include]
    seen: set[tuple[str, datetime]] = set()
    for row, item in zip([r for r in rows if r.include], checked):
        if item and (item.kind, item.starts_at) in seen:
            row.errors["date"] = "Deze vergadering staat er al eerder in."
        elif item:
            seen.add((item.kind, item.starts_at))
    if any(row.errors for row in rows):
        return None
    return [item for item in checked if item]


def create_all(session: Session, association_id: int, items: list[CheckedRow]) -> list[int]:
    """Create every meeting (an existing one at the same moment is reused). Caller commits or rolls back."""
    body = board_body(session, association_id)
    ids = []
    for item in items:
        if item.kind == "alv":
            # Through the ALV year planning, so the yearly ALV cycle finds this meeting instead of making another.
            entry = add_planning_entry(session, association_id, item.starts_at, item.ends_at, item.venue_id, item.title)
            meeting = create_alv(session, association_id=association_id, starts_at=item.starts_at,
                                 ends_at=item.ends_at, venue_id=item.venue_id, title=item.title)
            entry.meeting_id = meeting.id
            session.add(entry)
        else:
            if body is None:
                raise MeetingError("Deze vereniging heeft geen dagelijks bestuur.")
            meeting = create_meeting(session, association_id=association_id, body_id=body.id, kind="board",
                                     title=item.title, starts_at=item.starts_at, ends_at=item.ends_at,
                                     venue_id=item.venue_id, policy={})
        ids.append(meeting.id)
    session.flush()
    return ids
