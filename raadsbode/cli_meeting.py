"""`raadsbode meeting ...`. STUB: owned by the meeting helper."""
import typer

meeting_app = typer.Typer(help="Start, steer and follow meeting workflows.", no_args_is_help=True)
