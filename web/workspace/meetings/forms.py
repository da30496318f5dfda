"""Parsing of the workspace's meeting forms: a new meeting of any kind, a new time or place, and (check_when_where)
the date, times and venue of a year-planning row. Times are local wall-clock."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from models.messages.meeting import Reschedule
from web.common.forms import field_text, header_field_error

MAX_NOTICE_DAYS = 90
MAX_TITLE = 300
MAX_FIELD = 2001  # the longest limit (an extra ALV's reason) and one


@dataclass
class MeetingForm:
    """The fields as typed (strings), and per field a Dutch error."""

    date: str = ""
    start: str = "14:00"
    end: str = "16:00"
    venue_id: str = ""
    title: str = ""
    notice_days: str = "7"
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingTimes:
    starts_at: datetime
    ends_at: datetime
    venue_id: int | None


def meeting_form_from(form: Mapping) -> MeetingForm:
    # Cut above every field's limit, so a check reports an over-long title or reason instead of it being shortened.
    return MeetingForm(**{name: field_text(form, name, MAX_FIELD) for name in
                          ("date", "start", "end", "venue_id", "title", "notice_days",
                           "reason")})


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def local_moment(day: date, clock: str, tz: str) -> datetime | None:
    """`clock` (uu:mm) on `day` as an aware datetime in `tz`; None when it is not a time."""
    try:
        return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(tz))
    except ValueError:
        return None


def check_when_where(form: MeetingForm | Any, tz: str, now: datetime, venue_ids: set[int]) -> MeetingTimes | None:
    """Date, start, end, venue and title of a meeting form or a year-planning row (anything with those fields
    and an `errors` dict). Start and end as aware datetimes; the venue one of `venue_ids` (the association's);
    errors go on the form per field, None when there are any."""
    try:
        day = date.fromisoformat(form.date)
    except ValueError:
        form.errors["date"] = "Vul een datum in (jjjj-mm-dd)."
        return None
    starts, ends = local_moment(day, form.start, tz), local_moment(day, form.end, tz)
    if starts is None:
        form.errors["start"] = "Vul een begintijd in (uu:mm)."
    if ends is None:
        form.errors["end"] = "Vul een eindtijd in (uu:mm)."
    if starts and ends and ends <= starts:
        form.errors["end"] = "De eindtijd moet na de begintijd liggen."
    if starts and starts <= now:
        form.errors["date"] = "De vergadering moet in de toekomst liggen."
    venue_id = _int_or_none(form.venue_id)
    if form.venue_id and venue_id not in venue_ids:
        form.errors["venue_id"] = "Kies een vergaderlocatie uit de lijst."
    if len(form.title) > MAX_TITLE:
        form.errors["title"] = f"De titel is te lang (hoogstens {MAX_TITLE} tekens)."
    elif header_field_error(form.title, "De titel"):  # the title is in every mail's subject
        form.errors["title"] = header_field_error(form.title, "De titel")
    if form.errors or starts is None or ends is None:
        return None
    return MeetingTimes(starts, ends, venue_id)


def notice_days(mf: MeetingForm) -> int | None:
    days = _int_or_none(mf.notice_days)
    if days is None or not 1 <= days <= MAX_NOTICE_DAYS:
        mf.errors["notice_days"] = f"Vul een oproeptermijn in van 1 tot en met {MAX_NOTICE_DAYS} dagen."
        return None
    return days


def reschedule_from(mf: MeetingForm, tz: str, now: datetime, venue_ids: set[int]) -> Reschedule | None:
    times = check_when_where(mf, tz, now, venue_ids)
    if len(mf.reason) > 1000:
        mf.errors["reason"] = "De toelichting is te lang (hoogstens 1000 tekens)."
    if times is None or mf.errors:
        return None
    return Reschedule(starts_at_iso=times.starts_at.isoformat(), ends_at_iso=times.ends_at.isoformat(),
                      venue_id=times.venue_id, reason=mf.reason)
