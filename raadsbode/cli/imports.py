"""`raadsbode import members FILE.csv --association SLUG`."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from raadsbode.store.associations import AssociationError, get_association_by_slug
from raadsbode.cli.common import console, fail, open_sessions
from raadsbode.db import session_scope
from raadsbode.services.members.importer import ImportReport, import_members

import_app = typer.Typer(help="Import members from a spreadsheet (CSV).", no_args_is_help=True)


@import_app.command("members")
def members(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV export of the member list."),
    association: str = typer.Option(..., "--association", "-a", help="Slug of the association."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only check the file; write nothing."),
) -> None:
    """Load municipalities and contact persons; nothing is written when any row is wrong."""
    sessions = open_sessions()
    try:
        with session_scope(sessions) as session:
            association_id = get_association_by_slug(session, association).id
        report = import_members(sessions, association_id, file.read_bytes(), dry_run=dry_run)
    except AssociationError as exc:
        fail(str(exc), 2)
    if not report.ok:
        print_import_errors(report, file)
        raise typer.Exit(1)
    _print_counts(report)


def print_import_errors(report: ImportReport, file: Path) -> None:
    """The problems of a refused import, per line and column (members and subscribers alike)."""
    table = Table("Regel", "Kolom", "Probleem", title=f"{file.name}: {len(report.errors)} probleem/problemen")
    for error in report.errors:
        table.add_row(str(error.line), error.column, error.reason)
    console().print(table)
    console().print("[red]Er is niets geïmporteerd.[/red] Verbeter het bestand en importeer het opnieuw.")


def _print_counts(report: ImportReport) -> None:
    table = Table("Nieuw", "Bijgewerkt", "Ongewijzigd", "Nieuwe gemeenten",
                  title="Proefimport (niets opgeslagen)" if report.dry_run else "Import voltooid")
    table.add_row(str(report.created), str(report.updated), str(report.unchanged), str(report.municipalities_created))
    console().print(table)
