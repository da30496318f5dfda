"""The demo tenant: VNG Flevoland with its six municipalities, board, advisors, a committee and town halls."""
from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.tables.org import Association, Body, BodyKind, Membership, MemberRole, Person, Venue, normalise_email
from raadsbode.store.associations import body_of_kind, create_association
from raadsbode.db import SessionFactory, session_scope
from raadsbode.services.members.importer import ensure_municipality
from raadsbode.store.people import upsert_person
from raadsbode.store.staff import add_staff

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_SLUG = "vng-flevoland"
DEMO_NAME = "VNG Flevoland"
DEMO_MAILBOX = "secretariaat@vngflevoland.example"
BODY_KINDS = {"db": BodyKind.board, "alv": BodyKind.general_meeting}
# A committee drawn from the board, so committee meetings can be tried: its chair and secretary sign its agenda.
DEMO_COMMITTEE = "Commissie Financiën"
COMMITTEE_SEATS = (("h.yilmaz@almere.example", MemberRole.chair), ("e.janssen@almere.example", MemberRole.member),
                   ("a.visser@noordoostpolder.example", MemberRole.member),
                   ("r.smit@dronten.example", MemberRole.advisor), ("t.dekker@vngflevoland.example", MemberRole.secretary))
# Who signs in to the demo workspace: the secretary runs meetings and members (and staff), an editor the newsletter.
DEMO_STAFF = (("t.dekker@vngflevoland.example", "", "secretary"), ("t.dekker@vngflevoland.example", "", "admin"),
              ("redactie@vngflevoland.example", "Mirjam de Boer", "editor"))


def read_demo_csv(name: str) -> list[dict[str, str]]:
    text = (DATA_DIR / name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def seed_demo(sessions: SessionFactory) -> int:
    """Load VNG Flevoland once; returns its association id (also when it was already there)."""
    existing = _demo_association_id(sessions)
    if existing is not None:
        _ensure_staff(sessions, existing)  # a demo loaded before the workspace existed gets its staff too
        return existing
    try:
        with session_scope(sessions) as session:
            association = create_association(session, DEMO_SLUG, DEMO_NAME, DEMO_MAILBOX)
            _load_people(session, association.id)
            _load_committee(session, association.id)
            _load_venues(session, association.id)
            _load_staff(session, association.id)
            association_id = association.id
    except IntegrityError:
        # Another process (a second dev stack, a parallel test) seeded it at the same moment.
        association_id = _demo_association_id(sessions)
        if association_id is None:
            raise
    log.info("demo association %s loaded (id %s)", DEMO_SLUG, association_id)
    return association_id


def _demo_association_id(sessions: SessionFactory) -> int | None:
    with session_scope(sessions) as session:
        return session.exec(select(Association.id).where(Association.slug == DEMO_SLUG)).first()


def _load_people(session: Session, association_id: int) -> None:
    bodies: dict[str, Body] = {key: body_of_kind(session, association_id, kind) for key, kind in BODY_KINDS.items()}
    for row in read_demo_csv("vng-flevoland-personen.csv"):
        municipality_id = None
        if row["gemeente"]:
            municipality_id = ensure_municipality(session, association_id, row["gemeente"])[0].id
        person, _ = upsert_person(session, association_id, municipality_id, row["naam"],
                                  normalise_email(row["e-mail"]), row["functie"])
        session.add(Membership(body_id=bodies[row["orgaan"]].id, person_id=person.id,
                               role=MemberRole(row["rol"]), portfolio=row["portefeuille"]))
    session.flush()


def _load_committee(session: Session, association_id: int) -> None:
    body = Body(association_id=association_id, kind=BodyKind.committee, name=DEMO_COMMITTEE)
    session.add(body)
    session.flush()
    for email, role in COMMITTEE_SEATS:
        person = session.exec(select(Person).where(Person.association_id == association_id, Person.email == email)).one()
        session.add(Membership(body_id=body.id, person_id=person.id, role=role))
    session.flush()


def _load_venues(session: Session, association_id: int) -> None:
    for row in read_demo_csv("vng-flevoland-locaties.csv"):
        municipality, _ = ensure_municipality(session, association_id, row["gemeente"])
        session.add(Venue(association_id=association_id, municipality_id=municipality.id, name=row["naam"],
                          address=row["adres"]))
    session.flush()


def _load_staff(session: Session, association_id: int) -> None:
    for email, name, role in DEMO_STAFF:
        add_staff(session, association_id, email, role, name)


def _ensure_staff(sessions: SessionFactory, association_id: int) -> None:
    try:
        with session_scope(sessions) as session:
            _load_staff(session, association_id)
    except IntegrityError:
        log.info("demo staff added by another process at the same moment")
