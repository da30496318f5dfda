"""The demo tenant and the association helpers and commands, on a real database."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from models.tables.org import Association, Body, BodyKind, Membership, MemberRole, Municipality, Person, Venue
from raadsbode.store.associations import AssociationError, UnknownAssociation, create_association, get_association_by_slug
from raadsbode.db import make_engine, session_factory, session_scope
from raadsbode.dev.demo import DEMO_SLUG, read_demo_csv, seed_demo
from raadsbode.domain.gemeenten import reference_names
from raadsbode.settings import get_settings
from tests.support.env import unique_slug

FLEVOLAND = {"Almere", "Dronten", "Lelystad", "Noordoostpolder", "Urk", "Zeewolde"}


def memberships(session, association_id: int, kind: BodyKind) -> list[tuple[Membership, Person]]:
    body = session.exec(select(Body).where(Body.association_id == association_id, Body.kind == kind)).one()
    return list(session.exec(select(Membership, Person).join(Person).where(Membership.body_id == body.id)).all())


def test_seed_demo_twice_gives_one_complete_association(session_factory_):
    first, second = seed_demo(session_factory_), seed_demo(session_factory_)

    assert first == second
    with session_scope(session_factory_) as session:
        assert len(session.exec(select(Association).where(Association.slug == DEMO_SLUG)).all()) == 1
        board = memberships(session, first, BodyKind.board)
        roles = Counter(m.role for m, _ in board)
        assert roles == {MemberRole.chair: 1, MemberRole.deputy_chair: 1, MemberRole.member: 5,
                         MemberRole.advisor: 2, MemberRole.secretary: 1}
        voting = [(m, p) for m, p in board if m.role in (MemberRole.chair, MemberRole.deputy_chair, MemberRole.member)]
        assert all(m.portfolio for m, _ in voting)
        represented = {session.get(Municipality, p.municipality_id).name for _, p in voting}
        assert represented == FLEVOLAND
        chair = next(p for m, p in board if m.role == MemberRole.chair)
        assert chair.function == "burgemeester"
        assert {p.function for m, p in board if m.role == MemberRole.advisor} == {"gemeentesecretaris", "griffier"}
        general = memberships(session, first, BodyKind.general_meeting)
        contacts = {session.get(Municipality, p.municipality_id).name for m, p in general if m.role == MemberRole.member}
        assert contacts == FLEVOLAND
        # The demo's own venues: tests/browser/test_ws_admin_browser.py, which may run first on this database,
        # adds one a meeting then keeps.
        demo_venues = {row["naam"] for row in read_demo_csv("vng-flevoland-locaties.csv")}
        venues = [v for v in session.exec(select(Venue).where(Venue.association_id == first)).all()
                  if v.name in demo_venues]
        assert len(venues) == len(demo_venues) == 6 and all(v.address and v.municipality_id for v in venues)
        assert all(p.email.endswith(".example") for _, p in board + general)


def test_reference_list_has_every_current_municipality():
    names = reference_names()
    assert len(names) == len(set(names)) == 342
    assert FLEVOLAND | {"'s-Hertogenbosch", "Súdwest-Fryslân", "Noardeast-Fryslân", "Voorne aan Zee"} <= set(names)
    assert not {"Weesp", "Brielle", "Hellevoetsluis", "Westvoorne", "Beemster"} & set(names)


def test_create_association_adds_board_and_general_meeting(session_factory_):
    slug = unique_slug("vereniging")
    with session_scope(session_factory_) as session:
        created = create_association(session, slug, "Vereniging van Drentse Gemeenten", " Info@VDG.example ")
    with session_scope(session_factory_) as session:
        found = get_association_by_slug(session, slug)
        bodies = {b.name: b.kind for b in session.exec(select(Body).where(Body.association_id == found.id))}
    assert found.id == created.id and found.mailbox_email == "info@vdg.example"
    assert bodies == {"Dagelijks bestuur": BodyKind.board, "Algemene Ledenvergadering": BodyKind.general_meeting}


@pytest.mark.parametrize("slug, name, mailbox, message", [
    ("Met Spatie", "X", "a@b.example", "Ongeldige slug"),
    ("goed", "", "a@b.example", "naam van de vereniging ontbreekt"),
    ("goed", "X", "geen-adres", "ongeldig e-mailadres"),
])
def test_create_association_refuses_bad_input(session_factory_, slug, name, mailbox, message):
    with pytest.raises(AssociationError, match=message), session_scope(session_factory_) as session:
        create_association(session, slug, name, mailbox)


def test_unknown_slug_gives_a_clear_error(session_factory_):
    with pytest.raises(UnknownAssociation, match="Onbekende vereniging 'nergens'"), session_scope(session_factory_) as s:
        get_association_by_slug(s, "nergens")


def test_association_commands(cli_runner):
    from raadsbode.cli import app

    slug = unique_slug("cli")
    created = cli_runner.invoke(app, ["association", "create", "--slug", slug, "--name", "VNG Drenthe",
                                  "--mailbox", "secretariaat@vdg.example"])
    again = cli_runner.invoke(app, ["association", "create", "--slug", slug, "--name", "VNG Drenthe",
                                "--mailbox", "secretariaat@vdg.example"])
    listed = cli_runner.invoke(app, ["association", "list"])

    assert created.exit_code == 0, created.output
    assert again.exit_code == 1 and f"Er bestaat al een vereniging met slug '{slug}'" in again.output
    assert listed.exit_code == 0 and slug in listed.output


def test_demo_load_command(cli_runner, session_factory_):
    from raadsbode.cli import app

    result = cli_runner.invoke(app, ["demo", "load"])

    assert result.exit_code == 0, result.output
    with session_scope(session_factory_) as session:
        assert get_association_by_slug(session, DEMO_SLUG).name == "VNG Flevoland"


def test_commands_ask_for_migrate_instead_of_migrating(tmp_path, monkeypatch):
    from raadsbode.cli import app

    monkeypatch.setenv("RAADSBODE_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    get_settings.cache_clear()
    try:
        refused = CliRunner().invoke(app, ["association", "list"])
        migrated = CliRunner().invoke(app, ["migrate"])
        listed = CliRunner().invoke(app, ["association", "list"])
    finally:
        get_settings.cache_clear()
    assert refused.exit_code == 1 and "voer eerst `raadsbode migrate` uit" in refused.output, refused.output
    assert migrated.exit_code == 0 and listed.exit_code == 0 and "Verenigingen" in listed.output, listed.output


def test_dev_stack_database_gets_the_demo_once_and_only_when_asked(tmp_path):
    from raadsbode.dev.data import prepare_database
    from raadsbode.settings import Settings

    def slugs(url: str) -> list[str]:
        engine = make_engine(url)
        try:
            with session_scope(session_factory(engine)) as session:
                return [a.slug for a in session.exec(select(Association)).all()]
        finally:
            engine.dispose()

    bare, demo = (Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / name}") for name in ("bare.db", "demo.db"))
    prepare_database(bare, load_demo=False)
    prepare_database(demo, load_demo=True)
    prepare_database(demo, load_demo=True)  # a restart: data is there, nothing loaded again
    assert slugs(bare.database_url) == [] and slugs(demo.database_url) == [DEMO_SLUG]
