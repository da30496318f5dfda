"""Read-only look-ups shared by the members pages (always within one association)."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.tables.meetings import Meeting
from models.tables.org import Body, BodyKind, Membership, Municipality, Person
from web.common.auth import StaffContext


def board_of(session: Session, association_id: int) -> Body | None:
    return session.exec(select(Body).where(Body.association_id == association_id, Body.kind == BodyKind.board)
                        .order_by(Body.id)).first()


def municipalities(session: Session, association_id: int) -> list[Municipality]:
    return list(session.exec(select(Municipality).where(Municipality.association_id == association_id)
                             .order_by(Municipality.name)).all())


def actor_of(session: Session, staff: StaffContext) -> str:
    person = session.get(Person, staff.person_id)
    return person.email if person else staff.person_name


def municipality_counts(session: Session, association_id: int) -> list[tuple[Municipality, int]]:
    counts = dict(session.exec(select(Person.municipality_id, func.count()).where(
        Person.association_id == association_id).group_by(Person.municipality_id)).all())
    return [(m, counts.get(m.id, 0)) for m in municipalities(session, association_id)]


def board_seats(session: Session, body_id: int) -> list[tuple[Membership, Person, str]]:
    rows = session.exec(select(Membership, Person, Municipality.name).join(Person, Person.id == Membership.person_id)
                        .outerjoin(Municipality, Municipality.id == Person.municipality_id)
                        .where(Membership.body_id == body_id).order_by(Person.name)).all()
    order = {"chair": 0, "deputy_chair": 1, "secretary": 2, "member": 3, "advisor": 4}
    return sorted(rows, key=lambda r: (order.get(str(r[0].role), 9), r[1].name))


def meeting_count(session: Session, body_id: int) -> int:
    """How many meetings (any status) the body has: a committee with meetings is kept (their history needs it)."""
    return session.exec(select(func.count()).select_from(Meeting).where(Meeting.body_id == body_id)).one()


def committees_of(session: Session, association_id: int) -> list[tuple[Body, int, int]]:
    """The association's committees by name, each with its number of members and of meetings."""
    bodies = session.exec(select(Body).where(Body.association_id == association_id, Body.kind == BodyKind.committee)
                          .order_by(func.lower(Body.name), Body.id)).all()
    members = dict(session.exec(select(Membership.body_id, func.count()).where(
        col(Membership.body_id).in_([b.id for b in bodies])).group_by(Membership.body_id)).all())
    meetings = dict(session.exec(select(Meeting.body_id, func.count()).where(
        col(Meeting.body_id).in_([b.id for b in bodies])).group_by(Meeting.body_id)).all())
    return [(b, members.get(b.id, 0), meetings.get(b.id, 0)) for b in bodies]
