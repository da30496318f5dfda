"""Agendas: the standing items, reading a typed or stored agenda, and reading the latest version back.

The rules an agenda must keep are in raadsbode/domain/agenda.py (the workflows check them too).
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel import Session, col, select

from models.messages.meeting import AgendaItemInput
from models.tables.meetings import AgendaItem, AgendaVersion, Meeting, MeetingStatus



def nl_long_date(value: date) -> str:
    """'15 december 2026' (no weekday), as in "Vaststellen verslag van 15 december 2026"."""
    return format_date(value, "d MMMM y", locale="nl_NL")


def standing_items(previous_minutes_date: date | None) -> list[AgendaItemInput]:
    """The items every board agenda starts and ends with; the minutes item only after a previous meeting."""
    titles: list[tuple[str, str]] = [("Opening en vaststelling agenda", "decision"), ("Mededelingen", "information")]
    if previous_minutes_date is not None:
        titles.append((f"Vaststellen verslag van {nl_long_date(previous_minutes_date)}", "decision"))
    titles += [("Ingekomen en uitgaande stukken", "information"), ("Rondvraag", "discussion"), ("Sluiting", "information")]
    return [AgendaItemInput(number=str(i), title=t, kind=k) for i, (t, k) in enumerate(titles, start=1)]


def items_from_dicts(raw: Any) -> list[AgendaItemInput]:
    """Agenda items from plain data (a YAML file, a form). Wrong shapes raise ValueError in Dutch."""
    if isinstance(raw, dict) and "items" in raw:
        raw = raw["items"]
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise ValueError("Verwacht een lijst agendapunten met nummer, titel, soort, inleider en documenten.")
    items = []
    for position, entry in enumerate(raw, start=1):
        documents = entry.get("documents") or entry.get("documenten") or []
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            raise ValueError(f"Agendapunt {position}: documenten moeten een lijst zijn met titel en url.")
        items.append(AgendaItemInput(
            number=str(entry.get("number", entry.get("nummer", position))),
            title=str(entry.get("title", entry.get("titel", ""))),
            kind=str(entry.get("kind", entry.get("soort", "information"))),
            presenter=str(entry.get("presenter", entry.get("inleider", "")) or ""),
            documents=[{"title": str(d.get("title", d.get("titel", ""))), "url": str(d.get("url", ""))} for d in documents],
        ))
    return items


def item_from_row(row: AgendaItem) -> AgendaItemInput:
    return AgendaItemInput(number=row.number, title=row.title, kind=str(row.kind), presenter=row.presenter,
                           documents=json.loads(row.documents_json or "[]"))


def latest_agenda(session: Session, meeting_id: int) -> tuple[int, list[AgendaItemInput]] | None:
    """The newest stored version and its items, in order; None before the first draft."""
    version = session.exec(select(AgendaVersion).where(AgendaVersion.meeting_id == meeting_id)
                           .order_by(col(AgendaVersion.version).desc())).first()
    if version is None:
        return None
    return version.version, agenda_items(session, version.id)


def agenda_items(session: Session, agenda_version_id: int) -> list[AgendaItemInput]:
    rows = session.exec(select(AgendaItem).where(AgendaItem.agenda_version_id == agenda_version_id)
                        .order_by(col(AgendaItem.position))).all()
    return [item_from_row(row) for row in rows]


def previous_minutes_date(session: Session, meeting: Meeting, tz: str = "Europe/Amsterdam") -> date | None:
    """The date of the same body's last meeting that took place before this one (its minutes are adopted now)."""
    previous = session.exec(
        select(Meeting).where(Meeting.body_id == meeting.body_id, Meeting.id != meeting.id,
                              col(Meeting.starts_at) < meeting.starts_at,
                              col(Meeting.status).in_([MeetingStatus.held, MeetingStatus.closed]))
        .order_by(col(Meeting.starts_at).desc())
    ).first()
    return previous.starts_at.astimezone(ZoneInfo(tz)).date() if previous else None


def draft_items(session: Session, meeting_id: int) -> list[AgendaItemInput]:
    """What the agenda form opens with: the latest version, or the standing items for a first draft."""
    latest = latest_agenda(session, meeting_id)
    if latest is not None:
        return latest[1]
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise LookupError(f"Onbekende vergadering {meeting_id}.")
    return standing_items(previous_minutes_date(session, meeting))
