"""`raadsbode staff add|list|remove`: who may sign in to an association's web workspace.

Bootstrap: the first admin of an association is added here; after that admins can do it in the web.
"""
from __future__ import annotations

import typer
from rich.table import Table
from sqlmodel import select

from models.tables.org import Person, normalise_email
from models.tables.staff import StaffRole
from raadsbode.store.associations import AssociationError, get_association_by_slug
from raadsbode.cli.common import console, fail, header_text, open_sessions
from raadsbode.db import session_scope
from raadsbode.store.staff import StaffError, add_staff, remove_staff

staff_app = typer.Typer(help="Staff of an association's web workspace (secretary, editor, admin).", no_args_is_help=True)
ROLE_HELP = "secretary (meetings, members), editor (newsletter), admin (both, plus staff)."


@staff_app.command("add")
def add(
    association: str = typer.Option(..., "--association", "-a", help="Slug of the association."),
    email: str = typer.Option(..., "--email", callback=header_text("Het e-mailadres"),
                              help="The person's email address (their sign-in address)."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    name: str = typer.Option("", "--name", callback=header_text("De naam"),
                             help="Full name; needed when no person has this email yet."),
) -> None:
    """Give a person a role (creating the person when --name is given); running it twice changes nothing."""
    try:
        with session_scope(open_sessions()) as session:
            association_id = get_association_by_slug(session, association).id
            add_staff(session, association_id, email, role.strip().lower(), name)
    except AssociationError as exc:  # StaffError is one too
        fail(str(exc))
    console().print(f"{normalise_email(email)} is nu {role} van {association}. Inloggen: /inloggen")


@staff_app.command("list")
def list_(association: str = typer.Option(..., "--association", "-a", help="Slug of the association.")) -> None:
    """Everyone with a role in the association."""
    try:
        with session_scope(open_sessions()) as session:
            association_id = get_association_by_slug(session, association).id
            rows = session.exec(select(Person.name, Person.email, StaffRole.role)
                                .join(StaffRole, StaffRole.person_id == Person.id)
                                .where(StaffRole.association_id == association_id)
                                .order_by(Person.name, StaffRole.role)).all()
    except AssociationError as exc:
        fail(str(exc))
    table = Table("Naam", "E-mail", "Rol", title=f"Medewerkers van {association}")
    for person_name, person_email, staff_role in rows:
        table.add_row(person_name, person_email, str(staff_role))
    console().print(table)


@staff_app.command("remove")
def remove(
    association: str = typer.Option(..., "--association", "-a", help="Slug of the association."),
    email: str = typer.Option(..., "--email", help="The person's email address."),
    role: str = typer.Option("", "--role", help="Only this role; without it every role (and their sessions) goes."),
) -> None:
    """Take a role (or all roles) away; without any role left the person is signed out everywhere."""
    try:
        with session_scope(open_sessions()) as session:
            association_id = get_association_by_slug(session, association).id
            person_id = session.exec(select(Person.id).where(
                Person.association_id == association_id, Person.email == normalise_email(email))).first()
            if person_id is None:
                raise StaffError(f"Er is geen persoon met e-mailadres {normalise_email(email)} in {association}.")
            removed = remove_staff(session, association_id, person_id, role.strip().lower() or None)
    except AssociationError as exc:
        fail(str(exc))
    console().print(f"{removed} rol(len) ingetrokken.")
