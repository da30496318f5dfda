"""`raadsbode association create|list` and `raadsbode demo load`."""
from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import func
from sqlmodel import select

from models.tables.org import Municipality, Person
from raadsbode.store.associations import AssociationError, create_association, list_associations
from raadsbode.cli.common import console, fail, header_text, open_sessions
from raadsbode.db import session_scope

association_app = typer.Typer(help="Manage associations (tenants).", no_args_is_help=True)
demo_app = typer.Typer(help="The demo association VNG Flevoland.", no_args_is_help=True)


@association_app.command("create")
def create(
    slug: str = typer.Option(..., help="Short name used in URLs and commands, e.g. vng-flevoland."),
    name: str = typer.Option(..., callback=header_text("De naam"), help="Full name, e.g. 'VNG Flevoland'."),
    mailbox: str = typer.Option(..., callback=header_text("De mailbox"),
                                help="The association's own mailbox (sender of its emails)."),
) -> None:
    """Create an association with its Dagelijks bestuur and Algemene Ledenvergadering."""
    try:
        with session_scope(open_sessions()) as session:
            association = create_association(session, slug, name, mailbox)
    except AssociationError as exc:
        fail(str(exc))
    console().print(f"Vereniging '{association.name}' aangemaakt (slug {association.slug}, id {association.id}).")


@association_app.command("list")
def list_() -> None:
    """List all associations with their number of municipalities and people."""
    with session_scope(open_sessions()) as session:
        table = Table("Slug", "Naam", "Mailbox", "Gemeenten", "Personen", title="Verenigingen")
        for association in list_associations(session):
            table.add_row(association.slug, association.name, association.mailbox_email,
                          str(_count(session, Municipality, association.id)), str(_count(session, Person, association.id)))
    console().print(table)


def _count(session, model, association_id: int) -> int:
    return session.exec(select(func.count()).select_from(model).where(model.association_id == association_id)).one()


@demo_app.command("load")
def load() -> None:
    """Load VNG Flevoland (does nothing when it is already there)."""
    from raadsbode.dev.demo import DEMO_SLUG, seed_demo

    association_id = seed_demo(open_sessions())
    console().print(f"Demovereniging {DEMO_SLUG} staat klaar (id {association_id}).")
