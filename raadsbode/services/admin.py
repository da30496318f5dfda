"""The association's administration, one do_* action per change: each writes and records its audit event, so
a route validates, calls one action and commits (the caller's commit keeps the change and its audit together).

Actions take the actor as the audit trail names them (an email), not a web session: the CLI can call them too."""
from __future__ import annotations

from sqlmodel import Session

from models.tables.org import Association, Venue
from models.tables.staff import StaffRole
from raadsbode.store.audit import record_audit
from raadsbode.store.staff import add_staff, remove_staff

SOURCE = "werkruimte"


def do_save_venue(session: Session, association_id: int, actor: str, venue: Venue | None, name: str, address: str,
                  municipality_id: int | None) -> Venue:
    """Create (venue None) or change a venue; the values are checked already."""
    venue = venue or Venue(association_id=association_id, name="")
    venue.name, venue.address, venue.municipality_id = name, address, municipality_id
    session.add(venue)
    session.flush()  # a new venue's id names it in the audit event
    record_audit(session, association_id, "venue-saved", subject_ref=f"venue-{venue.id}", actor=actor,
                 detail={"name": venue.name, "address": venue.address}, source=SOURCE)
    return venue


def do_delete_venue(session: Session, association_id: int, actor: str, venue: Venue) -> None:
    """Delete a venue nothing uses any more (the caller has checked)."""
    record_audit(session, association_id, "venue-deleted", subject_ref=f"venue-{venue.id}", actor=actor,
                 detail={"name": venue.name, "address": venue.address}, source=SOURCE)
    session.delete(venue)


def do_give_staff_role(session: Session, association_id: int, actor: str, email: str, role: str,
                       name: str = "") -> StaffRole:
    """Give a person (created when unknown and named) a role in the workspace."""
    row = add_staff(session, association_id, email, role, name)
    record_audit(session, association_id, "staff-role-given", subject_ref=f"person-{row.person_id}", actor=actor,
                 detail={"role": role}, source=SOURCE)
    return row


def do_take_staff_role(session: Session, association_id: int, actor: str, person_id: int, role: str) -> None:
    """Take one workspace role away (and end the person's sessions); the caller has checked it may."""
    remove_staff(session, association_id, person_id, role)
    record_audit(session, association_id, "staff-role-taken", subject_ref=f"person-{person_id}", actor=actor,
                 detail={"role": role}, source=SOURCE)


def do_change_association(session: Session, association_id: int, actor: str, name: str, mailbox_email: str) -> None:
    """Rename the association or change its mailbox (the policy defaults saved with it are the caller's)."""
    association = session.get(Association, association_id)
    association.name, association.mailbox_email = name, mailbox_email
    session.add(association)
    record_audit(session, association_id, "association-changed", subject_ref=f"association-{association.id}",
                 actor=actor, detail={"name": association.name, "mailbox": association.mailbox_email}, source=SOURCE)
