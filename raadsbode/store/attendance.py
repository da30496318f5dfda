"""Read-only views of ALV registrations: the attendance list (presentielijst) per municipality."""
from __future__ import annotations

from sqlmodel import Session, select

from activities.alv.store import attendance_by_person, audience_query
from models.tables.meetings import Meeting
from models.tables.org import Municipality, Person


def presence_groups(session: Session, meeting: Meeting, labels: dict[str, str]) -> list[dict]:
    """[{"title": municipality, "lines": ["name: aanwezig", ...]}], municipalities A-Z, board last."""
    answers = attendance_by_person(session, meeting.id)
    names = {m.id: m.name for m in session.exec(select(Municipality).where(
        Municipality.association_id == meeting.association_id)).all()}
    groups: dict[str, list[str]] = {}
    for person in session.exec(audience_query(session, meeting)).all():
        row = answers.get(person.id)
        response = str(row.response) if row else "none"
        line = f"{person.name}: {labels.get(response, response)}"
        if row is not None and row.represented_by_id:
            deputy = session.get(Person, row.represented_by_id)
            line += f" door {deputy.name}" if deputy else ""
        groups.setdefault(names.get(person.municipality_id, "Overig"), []).append(line)
    order = sorted(groups, key=lambda name: (name == "Overig", name))
    return [{"title": name, "lines": groups[name]} for name in order]
