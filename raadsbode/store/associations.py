"""Associations (tenants): look one up by slug, create one with its default bodies."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select

from models.tables.org import Association, Body, BodyKind, normalise_email
from raadsbode.domain.header_text import header_text_problem

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BOARD_NAME = "Dagelijks bestuur"
GENERAL_MEETING_NAME = "Algemene Ledenvergadering"
DEFAULT_BODIES = ((BOARD_NAME, BodyKind.board), (GENERAL_MEETING_NAME, BodyKind.general_meeting))


class AssociationError(ValueError):
    """A problem a person can fix; the message is meant to be shown as it is."""


class UnknownAssociation(AssociationError, LookupError):
    pass


def email_problem(address: str) -> str | None:
    """Why an (already normalised) address is unusable, in Dutch; None when it is fine."""
    if not address:
        return "e-mailadres ontbreekt"
    try:
        # No DNS lookups: imports must work offline; .test/.example domains are fine for demos and tests.
        validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return f"ongeldig e-mailadres '{address}'"
    # '=?' is legal before the @, but starts an encoded-word in the To and From headers it goes into.
    return header_text_problem(address, None)


def get_association_by_slug(session: Session, slug: str) -> Association:
    association = session.exec(select(Association).where(Association.slug == slug.strip())).first()
    if association is None:
        known = ", ".join(a.slug for a in list_associations(session)) or "geen"
        raise UnknownAssociation(f"Onbekende vereniging '{slug}' (bekend: {known}).")
    return association


def list_associations(session: Session) -> list[Association]:
    return list(session.exec(select(Association).order_by(Association.slug)).all())


def create_association(session: Session, slug: str, name: str, mailbox_email: str) -> Association:
    """Add an association and its board and general meeting; the caller commits."""
    slug, name, mailbox = slug.strip(), name.strip(), normalise_email(mailbox_email)
    _check_new_association(session, slug, name, mailbox)
    association = Association(slug=slug, name=name, mailbox_email=mailbox)
    session.add(association)
    session.flush()
    for body_name, kind in DEFAULT_BODIES:
        session.add(Body(association_id=association.id, kind=kind, name=body_name))
    session.flush()
    return association


def _check_new_association(session: Session, slug: str, name: str, mailbox: str) -> None:
    if not SLUG_PATTERN.match(slug) or len(slug) > 64:
        raise AssociationError(
            f"Ongeldige slug '{slug}': gebruik kleine letters, cijfers en streepjes (bijv. vng-flevoland)."
        )
    if not name:
        raise AssociationError("De naam van de vereniging ontbreekt.")
    problem = header_text_problem(name)  # the From name of every mail the association sends
    if problem:
        raise AssociationError(f"De naam {problem}.")
    problem = email_problem(mailbox)
    if problem:
        raise AssociationError(f"Mailbox: {problem}.")
    if session.exec(select(Association.id).where(Association.slug == slug)).first() is not None:
        raise AssociationError(f"Er bestaat al een vereniging met slug '{slug}'.")


def body_of_kind(session: Session, association_id: int, kind: BodyKind) -> Body:
    """The association's first body of a kind (the board, the general meeting)."""
    body = session.exec(
        select(Body).where(Body.association_id == association_id, Body.kind == kind).order_by(Body.id)
    ).first()
    if body is None:
        raise AssociationError(f"De vereniging heeft geen orgaan van soort '{kind}'.")
    return body
