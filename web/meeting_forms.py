"""Parsing of the workspace's meeting forms: a new board meeting, a new time or place. Times are local wall-clock."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from models.meeting_messages import Reschedule
from web.forms import field_text

MAX_NOTICE_DAYS = 90


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
    return MeetingForm(**{name: field_text(form, name, 300) for name in
                          ("date", "start", "end", "venue_id", "title", "notice_days",
                           "reason")})


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _local(day: date, clock: str, tz: str) -> datetime | None:
    try:
        return datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(tz))
    except ValueError:
        return None


def parse_times(mf: MeetingForm, tz: str, now: datetime) -> MeetingTimes | None:
    """Start and end as aware datetimes; errors go on the form, None when there are any."""
    try:
        day = date.fromisoformat(mf.date)
    except ValueError:
        mf.errors["date"] = "Vul een datum in (jjjj-mm-dd)."
        return None
    starts, ends = _local(day, mf.start, tz), _local(day, mf.end, tz)
    if starts is None:
        mf.errors["start"] = "Vul een begintijd in (uu:mm)."
    if ends is None:
        mf.errors["end"] = "Vul een eindtijd in (uu:mm)."
    if starts and ends and ends <= starts:
        mf.errors["end"] = "De eindtijd moet na de begintijd liggen."
    if starts and starts <= now:
        mf.errors["date"] = "De vergadering moet in de toekomst liggen."
    if mf.venue_id and _int_or_none(mf.venue_id) is None:
        mf.errors["venue_id"] = "Kies een vergaderlocatie uit de lijst."
    if mf.errors or starts is None or ends is None:
        return None
    return MeetingTimes(starts, ends, _int_or_none(mf.venue_id))


def notice_days(mf: MeetingForm) -> int | None:
    days = _int_or_none(mf.notice_days)
    if days is None or not 1 <= days <= MAX_NOTICE_DAYS:
        mf.errors["notice_days"] = f"Vul een oproeptermijn in van 1 tot en met {MAX_NOTICE_DAYS} dagen."
        return None
    return days


def reschedule_from(mf: MeetingForm, tz: str, now: datetime) -> Reschedule | None:
    times = parse_times(mf, tz, now)
    if len(mf.reason) > 1000:
        mf.errors["reason"] = "De toelichting is te lang (hoogstens 1000 tekens)."
    if times is None or mf.errors:
        return None
    return Reschedule(starts_at_iso=times.starts_at.isoformat(), ends_at_iso=times.ends_at.isoformat(),
                      venue_id=times.venue_id, reason=mf.reason)
