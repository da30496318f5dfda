"""`raadsbode dev|worker|web`. STUB: owned by the dev-stack helper."""
import typer


def register_run_commands(app: typer.Typer) -> None:
    pass
