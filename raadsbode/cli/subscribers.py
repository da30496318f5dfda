"""`raadsbode subscribers import|export|counts`: the newsletter's readers of one association."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from models.tables.newsletter import SubscriberStatus
from raadsbode.cli.common import console, open_sessions
from raadsbode.cli.imports import print_import_errors
from raadsbode.cli.newsletter_common import association as find_association
from raadsbode.db import session_scope
from raadsbode.services.newsletter.subscriber_import import SubscriberImportReport, export_subscribers, import_subscribers
from raadsbode.services.newsletter.subscribers import counts as subscriber_counts

subscribers_app = typer.Typer(help="Newsletter subscribers: import, export, counts.", no_args_is_help=True)
ASSOCIATION = typer.Option(..., "--association", "-a", help="Slug of the association.")
STATUS_NL = {"pending": "Wacht op bevestiging", "confirmed": "Bevestigd", "unsubscribed": "Afgemeld",
             "suppressed": "Onderdrukt (onbestelbaar)"}


@subscribers_app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV with E-mail and (optional) Naam."),
    association: str = ASSOCIATION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Only check the file; write nothing."),
) -> None:
    """Add subscribers as confirmed (you vouch for their consent); nothing is written when any row is wrong.
    Whoever unsubscribed stays unsubscribed."""
    association_id, _ = find_association(association)
    report = import_subscribers(open_sessions(), association_id, file.read_bytes(), dry_run=dry_run)
    if not report.ok:
        print_import_errors(report, file)
        raise typer.Exit(1)
    _print_report(report)


def _print_report(report: SubscriberImportReport) -> None:
    table = Table("Nieuw", "Nu bevestigd", "Al ingeschreven", "Blijft afgemeld", "Onderdrukt",
                  title="Proefimport (niets opgeslagen)" if report.dry_run else "Import voltooid")
    table.add_row(str(report.created), str(report.confirmed), str(report.unchanged), str(report.kept_unsubscribed),
                  str(report.suppressed))
    console().print(table)


@subscribers_app.command("export")
def export(
    association: str = ASSOCIATION,
    output: Path = typer.Option(None, "--output", "-o", dir_okay=False, help="File to write (default: standard output)."),
    status: SubscriberStatus = typer.Option(None, help="Only subscribers with this status."),
) -> None:
    """All subscribers as CSV (semicolons, UTF-8 with BOM when written to a file: Excel opens it as is)."""
    association_id, _ = find_association(association)
    with session_scope(open_sessions()) as session:
        data = export_subscribers(session, association_id, status)
    if output is None:
        typer.echo(data, nl=False)
        return
    output.write_text(data, encoding="utf-8-sig", newline="")
    console().print(f"{data.count(chr(10)) - 1} abonnee(s) geschreven naar {output}.")


@subscribers_app.command("counts")
def counts(association: str = ASSOCIATION) -> None:
    """Subscribers per status, and addresses suppressed after a permanent delivery failure."""
    association_id, _ = find_association(association)
    with session_scope(open_sessions()) as session:
        numbers = subscriber_counts(session, association_id)
    table = Table("Status", "Aantal", title=f"Abonnees van {association}")
    for key, label in STATUS_NL.items():
        table.add_row(label, str(numbers.get(key, 0)))
    console().print(table)
