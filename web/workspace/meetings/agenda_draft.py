"""The agenda editor's saved draft (models.tables.agenda_drafts.AgendaDraft): save, open, discard.

A draft is what the form held, possibly incomplete or invalid (the checks run on submit), so saving never
validates; it only caps sizes, exactly as the form does: the rows go through web.common.forms.rows_from_form both
ways, so a draft can never hold more rows or longer fields than a posted form could.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.tables.agenda_drafts import AgendaDraft
from models.tables.meetings import AgendaVersion
from models.tables.org import Person
from models.tables.types import utcnow
from web.common.forms import MAX_FORM_ROWS, AgendaRow, rows_from_form

MAX_NOTE = 2000
ROW_FIELDS = ("number", "title", "kind", "presenter", "documents")


@dataclass(frozen=True)
class SavedDraft:
    """A draft as the editor shows it; `newer_version`: a version submitted after it was saved (else 0)."""

    rows: list[AgendaRow]
    note: str
    updated_at: datetime
    author: str
    newer_version: int = 0


def capped_rows(rows: list[AgendaRow] | list[dict]) -> list[AgendaRow]:
    """The rows as a posted form would give them back: at most MAX_FORM_ROWS, each field cut to the form's cap."""
    raw = [asdict(row) if isinstance(row, AgendaRow) else row for row in rows[:MAX_FORM_ROWS]]
    form = {"row_count": str(len(raw))}
    for i, row in enumerate(raw):
        form.update({f"{name}_{i}": str(row.get(name, "")) for name in ROW_FIELDS})
    return rows_from_form(form)


def _rows_json(rows: list[AgendaRow]) -> str:
    return json.dumps([{name: getattr(row, name) for name in ROW_FIELDS} for row in capped_rows(rows)],
                      ensure_ascii=False)


def _stored_rows(rows_json: str) -> list[AgendaRow]:
    try:
        raw = json.loads(rows_json or "[]")
    except ValueError:
        return []
    return capped_rows([row for row in raw if isinstance(row, dict)] if isinstance(raw, list) else [])


def save_draft(session: Session, meeting_id: int, rows: list[AgendaRow], note: str, person_id: int,
               author: str) -> SavedDraft:
    """Replace the meeting's draft (one per meeting) and commit; the caller has checked the meeting is theirs."""
    values = {"rows_json": _rows_json(rows), "note": note[:MAX_NOTE + 1], "updated_at": utcnow(),
              "updated_by_id": person_id}
    for attempt in range(2):  # two first saves at once: the loser of the unique meeting_id updates instead
        draft = session.exec(select(AgendaDraft).where(AgendaDraft.meeting_id == meeting_id)).first()
        draft = draft or AgendaDraft(meeting_id=meeting_id)
        for name, value in values.items():
            setattr(draft, name, value)
        session.add(draft)
        try:
            session.commit()
            break
        except IntegrityError:
            session.rollback()
            if attempt:
                raise
    return SavedDraft(_stored_rows(values["rows_json"]), values["note"], values["updated_at"], author)


def load_draft(session: Session, meeting_id: int) -> SavedDraft | None:
    """The meeting's saved draft, with its author's name; None when there is none. Reads only."""
    draft = session.exec(select(AgendaDraft).where(AgendaDraft.meeting_id == meeting_id)).first()
    if draft is None:
        return None
    author = session.get(Person, draft.updated_by_id) if draft.updated_by_id else None
    newer = session.exec(select(AgendaVersion.version).where(AgendaVersion.meeting_id == meeting_id,
                                                             col(AgendaVersion.created_at) > draft.updated_at)
                         .order_by(col(AgendaVersion.version).desc())).first()
    return SavedDraft(_stored_rows(draft.rows_json), draft.note, draft.updated_at,
                      author.name if author else "onbekend", newer or 0)


def discard_draft(session: Session, meeting_id: int, saved_before: datetime | None = None) -> None:
    """Delete the meeting's draft and commit. With `saved_before`, only a draft last saved before then:
    a submit clears the draft it came from, not one a colleague saved meanwhile."""
    query = delete(AgendaDraft).where(AgendaDraft.meeting_id == meeting_id)
    if saved_before is not None:
        query = query.where(col(AgendaDraft.updated_at) <= saved_before)
    session.execute(query)
    session.commit()
