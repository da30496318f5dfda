"""Member import: validate a secretary's spreadsheet completely, then upsert it in one transaction.

Nothing is written when any row is wrong: the secretary fixes the file and imports it again, and
because people are matched on (association, e-mail) importing the same file twice changes nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from models.tables.org import Association, Body, BodyKind, Membership, Municipality, normalise_email
from raadsbode.store.associations import AssociationError, email_problem
from raadsbode.store.people import Outcome, upsert_person
from raadsbode.db import SessionFactory, session_scope
from raadsbode.domain.gemeenten import resolve_municipality
from raadsbode.domain.header_text import header_text_problem
from raadsbode.services.members.csv_reader import ImportError_, Sheet, SheetRow, read_sheet

__all__ = ["ImportError_", "ImportReport", "Outcome", "ensure_municipality", "import_members", "upsert_person"]
log = logging.getLogger(__name__)
MAX_BYTES = 5_000_000
TOO_LARGE = ImportError_(0, "", f"Het bestand is groter dan {MAX_BYTES // 1_000_000} MB.")
MAX_LENGTHS = {"name": 200, "email": 254, "function": 100}
COLUMN_ORDER = ("municipality", "name", "email", "function")
HEADER_COLUMNS = ("municipality", "name", "function")


@dataclass
class ImportReport:
    errors: list[ImportError_] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    municipalities_created: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


@dataclass(frozen=True)
class MemberRow:
    line: int
    municipality: str
    name: str
    email: str
    function: str | None


def import_members(sessions: SessionFactory, association_id: int, data: bytes, *, dry_run: bool = False) -> ImportReport:
    """Validate every row first; write only when all rows are good (and not dry_run)."""
    if len(data) > MAX_BYTES:
        return ImportReport(errors=[TOO_LARGE])
    sheet = read_sheet(data)
    with association_session(sessions, association_id) as session:
        members, errors = validate_rows(session, association_id, sheet)
        report = ImportReport(errors=errors, rows=len(sheet.rows), dry_run=dry_run)
        all_or_nothing(session, report, lambda: _write_members(session, association_id, members, report))
    log.info("member import for association %s: %s", association_id, report)
    return report


@contextmanager
def association_session(sessions: SessionFactory, association_id: int) -> Iterator[Session]:
    """The transaction of an import into an association, which must exist."""
    with session_scope(sessions) as session:
        if session.get(Association, association_id) is None:
            raise AssociationError(f"Vereniging {association_id} bestaat niet.")
        yield session


def all_or_nothing(session: Session, report: Any, write: Callable[[], None]) -> None:
    """Write only when every row is good (report.ok); keep it only when it is not a dry run."""
    if report.ok:
        write()
    if report.dry_run or not report.ok:
        session.rollback()


def validate_rows(session: Session, association_id: int, sheet: Sheet) -> tuple[list[MemberRow], list[ImportError_]]:
    if sheet.errors:
        return [], list(sheet.errors)  # without the right header every row would only repeat the same problem
    if not sheet.rows:
        return [], [ImportError_(2, "", "Het bestand bevat alleen een kopregel en geen leden.")]
    errors: list[ImportError_] = []
    existing = list(session.exec(select(Municipality.name).where(Municipality.association_id == association_id)))
    first_line_of: dict[str, int] = {}
    members = []
    for row in sheet.rows:
        row_errors, member = _validate_row(row, sheet.labels, existing, first_line_of)
        errors.extend(row_errors)
        if member:
            members.append(member)
    return members, errors


def _validate_row(row: SheetRow, labels: dict[str, str], existing: list[str], first_line_of: dict[str, int]
                  ) -> tuple[list[ImportError_], MemberRow | None]:
    values = {key: row.values.get(key, "") for key in COLUMN_ORDER}
    values["email"] = normalise_email(values["email"])
    problems: dict[str, str | None] = {
        "municipality": None if values["municipality"] else "gemeente ontbreekt",
        "name": None if values["name"] else "naam ontbreekt",
        "email": _email_problem(values["email"], row.line, first_line_of),
    }
    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            problems[column] = f"te lang ({len(values[column])} tekens, hoogstens {limit})"
    for column in HEADER_COLUMNS:  # they reach the To header and the mails' text; the address: email_problem
        problems[column] = problems.get(column) or header_text_problem(values[column], None)
    municipality = resolve_municipality(values["municipality"], existing) if values["municipality"] else None
    if municipality and municipality.problem:
        problems["municipality"] = municipality.problem
    errors = [ImportError_(row.line, labels[c], problems[c]) for c in COLUMN_ORDER if problems.get(c)]
    if errors:
        return errors, None
    # A file without a function column leaves the functions people already have alone.
    function = values["function"] if "function" in row.values else None
    return [], MemberRow(row.line, municipality.name, values["name"], values["email"], function)


def _email_problem(email: str, line: int, first_line_of: dict[str, int]) -> str | None:
    problem = email_problem(email)
    if problem:
        return problem
    if email in first_line_of:
        return f"e-mailadres '{email}' staat ook al op regel {first_line_of[email]}"
    first_line_of[email] = line
    return None


def _write_members(session: Session, association_id: int, members: list[MemberRow], report: ImportReport) -> None:
    general_meeting = session.exec(select(Body).where(
        Body.association_id == association_id, Body.kind == BodyKind.general_meeting).order_by(Body.id)).first()
    for member in members:
        municipality, created = ensure_municipality(session, association_id, member.municipality)
        report.municipalities_created += created
        person, outcome = upsert_person(session, association_id, municipality.id, member.name, member.email,
                                        member.function)
        report.count(outcome)
        if general_meeting is not None:
            # Contact persons of member municipalities are who the general meeting invites.
            ensure_membership(session, general_meeting.id, person.id)


def ensure_municipality(session: Session, association_id: int, name: str) -> tuple[Municipality, bool]:
    """The association's municipality of this name, and whether it had to be created."""
    found = session.exec(
        select(Municipality).where(Municipality.association_id == association_id, Municipality.name == name)
    ).first()
    if found is not None:
        return found, False
    found = Municipality(association_id=association_id, name=name)
    session.add(found)
    session.flush()
    return found, True


def ensure_membership(session: Session, body_id: int, person_id: int) -> None:
    exists = session.exec(select(Membership.id).where(
        Membership.body_id == body_id, Membership.person_id == person_id)).first()
    if exists is None:
        session.add(Membership(body_id=body_id, person_id=person_id))
        session.flush()
