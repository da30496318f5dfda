"""Reading what a secretary types on the command line: wall-clock times, bodies, venues, policy options,
agenda and minutes files. Errors are Dutch sentences (MeetingError) the CLI prints as they are."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlmodel import Session, select

from models.messages.meeting import AgendaItemInput
from models.tables.org import Body, Venue
from raadsbode.domain.agenda import validate_agenda
from raadsbode.services.meeting.agenda import items_from_dicts
from raadsbode.services.meeting.actions import MeetingError

DECISIONS_HEADING = re.compile(r"^#+\s*besluit(en|enlijst)?\s*$", re.IGNORECASE)


def parse_local(text: str, tz: str, day: datetime | None = None) -> datetime:
    """'2026-12-15 14:00' (or only '16:00' on the day of `day`) as an aware time in `tz`."""
    text = text.strip()
    try:
        if day is not None and re.fullmatch(r"\d{1,2}:\d{2}", text):
            return datetime.combine(day.date(), time.fromisoformat(text.zfill(5)), tzinfo=ZoneInfo(tz))
        return datetime.fromisoformat(text.replace(" ", "T", 1)).replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        raise MeetingError(f"Ongeldige tijd '{text}': schrijf bijvoorbeeld \"2026-12-15 14:00\".") from None


def end_time(start: datetime, text: str | None, tz: str) -> datetime:
    return parse_local(text, tz, day=start) if text else start + timedelta(hours=2)


def find_body(session: Session, association_id: int, name_or_kind: str) -> Body:
    wanted = name_or_kind.strip().lower()
    bodies = session.exec(select(Body).where(Body.association_id == association_id)).all()
    body = next((b for b in bodies if str(b.kind) == wanted or b.name.lower() == wanted), None)
    if body is None:
        raise MeetingError(f"Onbekend orgaan '{name_or_kind}' (bekend: {', '.join(b.name for b in bodies) or 'geen'}).")
    return body


def meeting_kind(body: Body) -> str:
    return {"board": "board", "general_meeting": "alv", "committee": "committee", "network": "network"}[str(body.kind)]


def find_venue(session: Session, association_id: int, name: str | None) -> int | None:
    if not name:
        return None
    venues = session.exec(select(Venue).where(Venue.association_id == association_id)).all()
    venue = next((v for v in venues if v.name.lower() == name.strip().lower()), None)
    if venue is None:
        raise MeetingError(f"Onbekende locatie '{name}' (bekend: {', '.join(v.name for v in venues) or 'geen'}).")
    return venue.id


def policy_options(args: list[str]) -> dict[str, str]:
    """Extra options like `--convocation-before 7d` or `--reminder-before=1d` as policy overrides."""
    policy: dict[str, str] = {}
    pending = list(args)
    while pending:
        option = pending.pop(0)
        if not option.startswith("--"):
            raise MeetingError(f"Onverwacht argument '{option}'.")
        key, sep, value = option[2:].partition("=")
        if not sep:
            if not pending:
                raise MeetingError(f"Optie '{option}' mist een waarde, bijvoorbeeld {option} 7d.")
            value = pending.pop(0)
        policy[key.replace("-", "_")] = value
    return policy


def read_agenda(path: Path) -> list[AgendaItemInput]:
    try:
        items = items_from_dicts(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise MeetingError(f"Kan {path} niet lezen: {exc}") from None
    except ValueError as exc:
        raise MeetingError(str(exc)) from None
    errors = validate_agenda(items)
    if errors:
        raise MeetingError("\n".join(errors))
    return items


def read_minutes(path: Path) -> tuple[str, list[str]]:
    """The minutes text; bullet lines under a heading 'Besluiten' become the decision list."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MeetingError(f"Kan {path} niet lezen: {exc}") from None
    decisions, in_decisions = [], False
    for line in text.splitlines():
        if line.startswith("#"):
            in_decisions = bool(DECISIONS_HEADING.match(line.strip()))
        elif in_decisions and re.match(r"^\s*([-*]|\d+[.)])\s+", line):
            decisions.append(re.sub(r"^\s*([-*]|\d+[.)])\s+", "", line).strip())
    return text, decisions
