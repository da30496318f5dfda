"""Subscriber import from a spreadsheet (CSV), and export: the same all-or-nothing rule as the
member import, and the same CSV reading (encoding and separator sniffing, error rows).

Imported addresses count as confirmed: whoever imports a list vouches for its consent (e.g. a list
moved from another mailing tool). Someone who unsubscribed stays unsubscribed, whatever the file says.
"""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session, select

from models.tables.newsletter import Subscriber, SubscriberStatus, Suppression
from models.tables.types import utcnow
from raadsbode.db import SessionFactory
from raadsbode.services.members.csv_reader import COLUMN_LABELS, ImportError_, Sheet, read_sheet
from raadsbode.services.members.importer import MAX_BYTES, TOO_LARGE, all_or_nothing, association_session
from raadsbode.services.newsletter.subscribers import SubscriberError, check_name_and_email

log = logging.getLogger(__name__)
REQUIRED = ("email",)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EXPORT_HEADER = ("Naam", "E-mail", "Status", "Aangemeld", "Bevestigd", "Afgemeld", "Bron")


@dataclass
class SubscriberImportReport:
    errors: list[ImportError_] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    confirmed: int = 0  # pending (never confirmed) before, confirmed by the import
    unchanged: int = 0  # already confirmed
    kept_unsubscribed: int = 0
    suppressed: int = 0  # imported, but the address is on the suppression list
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def import_subscribers(sessions: SessionFactory, association_id: int, data: bytes, *,
                       dry_run: bool = False) -> SubscriberImportReport:
    """Validate every row first; write only when all rows are good (and not dry_run)."""
    if len(data) > MAX_BYTES:
        return SubscriberImportReport(errors=[TOO_LARGE])
    sheet = read_sheet(data, required=REQUIRED)
    rows, errors = validate_rows(sheet)
    report = SubscriberImportReport(errors=errors, rows=len(sheet.rows), dry_run=dry_run)
    with association_session(sessions, association_id) as session:
        all_or_nothing(session, report, lambda: _write(session, association_id, rows, report))
    log.info("subscriber import for association %s: %s", association_id, report)
    return report


def validate_rows(sheet: Sheet) -> tuple[dict[str, str], list[ImportError_]]:
    """(email -> name) of good rows, and every problem found."""
    if sheet.errors:
        return {}, list(sheet.errors)
    if not sheet.rows:
        return {}, [ImportError_(2, "", "Het bestand bevat alleen een kopregel en geen abonnees.")]
    good: dict[str, str] = {}
    first_line_of: dict[str, int] = {}
    errors = []
    for row in sheet.rows:
        try:
            name, email = check_name_and_email(row.values.get("name", ""), row.values.get("email", ""))
        except SubscriberError as exc:
            column = "name" if str(exc).startswith("De naam") else "email"
            errors.append(ImportError_(row.line, sheet.labels.get(column, COLUMN_LABELS[column]), str(exc)))
            continue
        if email in first_line_of:
            errors.append(ImportError_(row.line, sheet.labels["email"],
                                       f"e-mailadres '{email}' staat ook al op regel {first_line_of[email]}"))
            continue
        first_line_of[email], good[email] = row.line, name
    return good, errors


def _write(session: Session, association_id: int, rows: dict[str, str], report: SubscriberImportReport) -> None:
    """One query for who is there, one INSERT for who is new (a list of 10,000 takes a second)."""
    known = {s.email: s for s in session.exec(select(Subscriber).where(Subscriber.association_id == association_id))}
    now, new = utcnow(), []
    for email, name in rows.items():
        sub = known.get(email)
        if sub is None:
            new.append({"association_id": association_id, "email": email, "name": name, "source": "import",
                        "status": SubscriberStatus.confirmed, "created_at": now, "confirmed_at": now})
            report.created += 1
        elif sub.status == SubscriberStatus.unsubscribed:
            report.kept_unsubscribed += 1
        elif sub.status == SubscriberStatus.pending:
            sub.status, sub.confirmed_at, sub.name = SubscriberStatus.confirmed, now, name or sub.name
            session.add(sub)
            report.confirmed += 1
        else:
            report.unchanged += 1
    if new:
        session.execute(insert(Subscriber), new)
    suppressed = set(session.exec(select(Suppression.email).where(Suppression.association_id == association_id)))
    report.suppressed = len(suppressed & rows.keys())


def export_subscribers(session: Session, association_id: int, status: SubscriberStatus | None = None) -> str:
    """CSV as Dutch Excel opens it (semicolons; the caller writes it with a BOM)."""
    query = select(Subscriber).where(Subscriber.association_id == association_id)
    if status is not None:
        query = query.where(Subscriber.status == status)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    for sub in session.exec(query.order_by(Subscriber.email)):
        texts = (_cell(sub.name), _cell(sub.email), _cell(str(sub.status)))
        writer.writerow((*texts, _day(sub.created_at), _day(sub.confirmed_at), _day(sub.unsubscribed_at),
                         _cell(sub.source)))
    return out.getvalue()


def _cell(value: str) -> str:
    """Every text column: names and addresses come from a public form or an imported sheet, and a leading
    = + - @ tab or CR would make a spreadsheet run the cell as a formula."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _day(moment) -> str:
    return moment.astimezone(AMSTERDAM).date().isoformat() if moment else ""
