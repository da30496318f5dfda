"""The `raadsbode` command: dev stack, worker, web, imports, meetings."""
from __future__ import annotations

import logging
import logging.config
import os
import sys

import typer

from raadsbode.cli.alv import register_alv_commands
from raadsbode.cli.association import association_app, demo_app
from raadsbode.cli.cycle import cycle_app
from raadsbode.cli.imports import import_app
from raadsbode.cli.meeting import meeting_app
from raadsbode.cli.newsletter import newsletter_app
from raadsbode.cli.run import register_run_commands
from raadsbode.cli.staff import staff_app
from raadsbode.cli.subscribers import subscribers_app
from raadsbode.log_masking import install_token_masking, logging_config

app = typer.Typer(help="Raadsbode: meeting and newsletter workflows for associations of municipalities.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(meeting_app, name="meeting")
app.add_typer(association_app, name="association")
app.add_typer(demo_app, name="demo")
app.add_typer(cycle_app, name="cycle")
register_alv_commands(app)
app.add_typer(newsletter_app, name="newsletter")
app.add_typer(subscribers_app, name="subscribers")
app.add_typer(staff_app, name="staff")
register_run_commands(app)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log more.")) -> None:
    if logging.getLogger().handlers:  # embedded (tests, a host program): keep its logging, add the token mask
        install_token_masking()
    else:
        logging.config.dictConfig(logging_config(logging.DEBUG if verbose else logging.INFO))


def main() -> None:
    """Console entry point. A finished command leaves with os._exit after flushing: the Temporal client's
    Rust threads can crash CPython's finalisation (temporalio/sdk-python#300), turning success into SIGSEGV."""
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            sys.stderr.write(exc.code + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    main()
