"""`raadsbode import ...`. STUB: owned by the import helper."""
import typer

import_app = typer.Typer(help="Import members from a spreadsheet (CSV).", no_args_is_help=True)
