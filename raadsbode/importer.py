"""Member import: validate a secretary's spreadsheet completely, then upsert it in one transaction."""
from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, select

from models.org import Municipality, Person


class Outcome(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"


def ensure_municipality(session: Session, association_id: int, name: str) -> Municipality:
    found = session.exec(
        select(Municipality).where(Municipality.association_id == association_id, Municipality.name == name)
    ).first()
    if found is None:
        found = Municipality(association_id=association_id, name=name)
        session.add(found)
        session.flush()
    return found


def upsert_person(
    session: Session, association_id: int, municipality_id: int | None, name: str, email: str, function: str
) -> tuple[Person, Outcome]:
    """Create or update the person with this (normalised) email in the association."""
    person = session.exec(select(Person).where(Person.association_id == association_id, Person.email == email)).first()
    if person is None:
        person = Person(association_id=association_id, municipality_id=municipality_id, name=name, email=email,
                        function=function)
        session.add(person)
        session.flush()
        return person, Outcome.created
    wanted = {"municipality_id": municipality_id, "name": name, "function": function}
    if all(getattr(person, key) == value for key, value in wanted.items()):
        return person, Outcome.unchanged
    for key, value in wanted.items():
        setattr(person, key, value)
    session.add(person)
    session.flush()
    return person, Outcome.updated
