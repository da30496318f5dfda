"""People of an association, matched on their (normalised) e-mail: the one upsert that the member import,
staff administration and newsletter editors share."""
from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, select

from models.tables.org import Person


class Outcome(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"


def upsert_person(
    session: Session, association_id: int, municipality_id: int | None, name: str, email: str, function: str | None
) -> tuple[Person, Outcome]:
    """Create or update the person with this (normalised) email in the association; function None: keep it."""
    person = session.exec(select(Person).where(Person.association_id == association_id, Person.email == email)).first()
    if person is None:
        person = Person(association_id=association_id, municipality_id=municipality_id, name=name, email=email,
                        function=function or "")
        session.add(person)
        session.flush()
        return person, Outcome.created
    wanted = {"municipality_id": municipality_id, "name": name}
    if function is not None:
        wanted["function"] = function
    if all(getattr(person, key) == value for key, value in wanted.items()):
        return person, Outcome.unchanged
    for key, value in wanted.items():
        setattr(person, key, value)
    session.add(person)
    session.flush()
    return person, Outcome.updated
