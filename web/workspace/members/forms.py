"""The forms of the members pages: a contact person, and a seat (role and portfolio) on the board or a committee.

A form keeps what was typed (`values`) and its Dutch errors per field (`errors`); `save_*` writes only
when there are none. Everything is scoped to one association: ids of another one are refused.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, select

from models.tables.org import Membership, MemberRole, Municipality, Person, normalise_email
from raadsbode.store.associations import email_problem
from web.common.forms import check_header_fields, field_text
from raadsbode.store.audit import record_audit

ROLE_LABELS = {"chair": "Voorzitter", "deputy_chair": "Loco-voorzitter", "secretary": "Secretaris",
               "member": "Lid", "advisor": "Adviseur"}
SINGLE_SEATS = ("chair", "deputy_chair", "secretary")  # the sign-off rounds need exactly one of each
LIMITS = {"name": 200, "email": 254, "function": 100, "portfolio": 200}


@dataclass(frozen=True)
class SeatRules:
    """What a body's seats may be: the roles offered, how its errors name it, and its audit actions' prefix."""
    roles: tuple[str, ...]
    noun: str  # "het bestuur": "... zit al in het bestuur"
    audit_prefix: str = ""


BOARD_SEATS = SeatRules(tuple(ROLE_LABELS), "het bestuur")
# A committee's meetings are signed by its chair and secretary; it has no deputy chair.
COMMITTEE_SEATS = SeatRules(("chair", "secretary", "member", "advisor"), "de commissie", "committee-")


@dataclass
class FormState:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _too_long(form: FormState, name: str) -> None:
    limit = LIMITS[name]
    if len(form.values.get(name, "")) > limit:
        form.errors[name] = f"Te lang: hoogstens {limit} tekens."


def person_form(data: Mapping) -> FormState:
    values = {name: field_text(data, name, 400) for name in ("name", "email", "function", "municipality_id")}
    return FormState(values=values)


def person_form_of(person: Person) -> FormState:
    return FormState(values={"name": person.name, "email": person.email, "function": person.function,
                             "municipality_id": str(person.municipality_id or "")})


def check_person(session: Session, association_id: int, form: FormState, person_id: int | None = None) -> None:
    """Fill form.errors: a name, a valid email not used by someone else here, one of our municipalities."""
    values = form.values
    values["email"] = normalise_email(values.get("email", ""))
    if not values.get("name"):
        form.errors["name"] = "Vul een naam in."
    problem = email_problem(values["email"])
    if problem:
        form.errors["email"] = f"Vul een geldig e-mailadres in ({problem})."
    else:
        clash = session.exec(select(Person.id).where(Person.association_id == association_id,
                                                     Person.email == values["email"])).first()
        if clash is not None and clash != person_id:
            form.errors["email"] = "Er is al een persoon met dit e-mailadres."
    for name in ("name", "email", "function"):
        _too_long(form, name)
    check_header_fields(values, form.errors, {"name": "De naam", "email": "Het e-mailadres", "function": "De functie"})
    if values.get("municipality_id") and _municipality_id(session, association_id, values["municipality_id"]) is None:
        form.errors["municipality_id"] = "Kies een gemeente uit de lijst."


def _municipality_id(session: Session, association_id: int, raw: str) -> int | None:
    if not raw.isdigit():
        return None
    row = session.get(Municipality, int(raw))
    return row.id if row is not None and row.association_id == association_id else None


def save_person(session: Session, association_id: int, form: FormState, actor: str, person: Person | None = None) -> Person | None:
    """Create or update the person when the form is valid; None (errors on the form) otherwise. Caller commits."""
    check_person(session, association_id, form, person.id if person else None)
    if not form.ok:
        return None
    created = person is None
    person = person or Person(association_id=association_id, name="", email="")
    person.name, person.email = form.values["name"], form.values["email"]
    person.function = form.values.get("function", "")
    person.municipality_id = _municipality_id(session, association_id, form.values.get("municipality_id", ""))
    session.add(person)
    session.flush()
    record_audit(session, association_id, "person-added" if created else "person-changed",
                 subject_ref=f"person-{person.id}", actor=actor,
                 detail={"name": person.name, "email": person.email}, source="werkruimte")
    return person


def seat_form(data: Mapping) -> FormState:
    return FormState(values={name: field_text(data, name, 400) for name in ("role", "portfolio", "person_id")})


def seat_form_of(seat: Membership) -> FormState:
    return FormState(values={"role": str(seat.role), "portfolio": seat.portfolio, "person_id": str(seat.person_id)})


def check_seat(session: Session, body_id: int, form: FormState, seat_id: int | None = None,
               rules: SeatRules = BOARD_SEATS) -> None:
    role = form.values.get("role", "")
    if role not in rules.roles:
        form.errors["role"] = "Kies een rol uit de lijst."
    elif role in SINGLE_SEATS:
        holder = session.exec(select(Membership, Person.name).join(Person, Person.id == Membership.person_id).where(
            Membership.body_id == body_id, Membership.role == role)).first()
        if holder is not None and holder[0].id != seat_id:
            form.errors["role"] = (f"{holder[1]} is al {ROLE_LABELS[role].lower()}. Geef die eerst een andere rol; "
                                   f"{rules.noun} heeft er precies één.")
    _too_long(form, "portfolio")
    check_header_fields(form.values, form.errors, {"portfolio": "De portefeuille"})


def save_seat(session: Session, association_id: int, body_id: int, form: FormState, actor: str,
              seat: Membership | None = None, rules: SeatRules = BOARD_SEATS,
              detail: dict | None = None) -> Membership | None:
    """Update a seat's role and portfolio, or add a person of this association to the body (the board or a
    committee, as `rules` say; `detail` goes into the audit event too). Caller commits."""
    check_seat(session, body_id, form, seat.id if seat else None, rules)
    if seat is None:
        _check_new_member(session, association_id, body_id, form, rules.noun)
    if not form.ok:
        return None
    seat = seat or Membership(body_id=body_id, person_id=int(form.values["person_id"]))
    seat.role, seat.portfolio = MemberRole(form.values["role"]), form.values.get("portfolio", "")
    session.add(seat)
    session.flush()
    record_audit(session, association_id, f"{rules.audit_prefix}membership-changed",
                 subject_ref=f"person-{seat.person_id}", actor=actor,
                 detail={"role": str(seat.role), "portfolio": seat.portfolio, **(detail or {})},
                 source="werkruimte")
    return seat


def _check_new_member(session: Session, association_id: int, body_id: int, form: FormState, noun: str) -> None:
    raw = form.values.get("person_id", "")
    person = session.get(Person, int(raw)) if raw.isdigit() else None
    if person is None or person.association_id != association_id:
        form.errors["person_id"] = "Kies een persoon uit de lijst."
    elif session.exec(select(Membership.id).where(Membership.body_id == body_id,
                                                  Membership.person_id == person.id)).first() is not None:
        form.errors["person_id"] = f"{person.name} zit al in {noun}."


def role_options(rules: SeatRules = BOARD_SEATS) -> list[tuple[str, str]]:
    return [(role, ROLE_LABELS[role]) for role in rules.roles]
