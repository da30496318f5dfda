"""Member import on a real database (SQLite and PostgreSQL): all-or-nothing, idempotent, Excel-proof."""
from __future__ import annotations


import pytest
from sqlmodel import select

from models.tables.org import Body, BodyKind, Membership, Municipality, Person
from raadsbode.store.associations import create_association
from raadsbode.db import session_scope
from raadsbode.services.members.importer import ImportError_, import_members
from tests.support.env import unique_slug
from tests.support.paths import DATA



@pytest.fixture
def association_id(session_factory_) -> int:
    with session_scope(session_factory_) as session:
        slug = unique_slug("import")
        return create_association(session, slug, f"Vereniging {slug}", "secretariaat@vereniging.example").id


def people(sessions, association_id: int) -> dict[str, tuple[str, str, str]]:
    """email -> (name, function, municipality name)."""
    with session_scope(sessions) as session:
        rows = session.exec(
            select(Person, Municipality).join(Municipality, Person.municipality_id == Municipality.id, isouter=True)
            .where(Person.association_id == association_id)
        ).all()
        return {p.email: (p.name, p.function, m.name if m else "") for p, m in rows}


def municipality_count(sessions, association_id: int) -> int:
    with session_scope(sessions) as session:
        return len(session.exec(select(Municipality).where(Municipality.association_id == association_id)).all())


def test_every_bad_row_is_reported_and_nothing_is_written(session_factory_, association_id):
    report = import_members(session_factory_, association_id, (DATA / "leden_fout.csv").read_bytes())

    errors = [(e.line, e.column, e.reason) for e in report.errors]
    assert errors == [
        (3, "E-mail", "ongeldig e-mailadres 'p.kuipers@dronten'"),
        (4, "Naam", "naam ontbreekt"),
        (5, "Gemeente", "onbekende gemeente 'Almeere'; bedoelt u 'Almere'?"),
        (6, "E-mail", "e-mailadres 's.verhoeven@almere.example' staat ook al op regel 2"),
        (8, "Gemeente", "onbekende gemeente 'Atlantis'"),
        (8, "Naam", "naam ontbreekt"),
        (8, "E-mail", "ongeldig e-mailadres 'niet-een-adres'"),
    ]
    assert not report.ok and report.created == 0
    assert people(session_factory_, association_id) == {}
    assert municipality_count(session_factory_, association_id) == 0


def test_missing_header_column_is_reported_with_what_was_found(session_factory_, association_id):
    data = b"Gemeente;Naam;Telefoon\nAlmere;Sanne Verhoeven;036-1234567\n"

    report = import_members(session_factory_, association_id, data)

    assert report.errors == [
        ImportError_(1, "E-mail", "kolom 'E-mail' ontbreekt in de kopregel (gevonden: 'Gemeente', 'Naam', 'Telefoon')")
    ]
    assert people(session_factory_, association_id) == {}


def test_good_file_imports_and_reimport_changes_nothing(session_factory_, association_id):
    data = (DATA / "leden_goed.csv").read_bytes()

    first = import_members(session_factory_, association_id, data)
    second = import_members(session_factory_, association_id, data)

    assert (first.errors, first.created, first.updated, first.unchanged) == ([], 6, 0, 0)
    assert first.municipalities_created == 5
    assert (second.errors, second.created, second.updated, second.unchanged) == ([], 0, 0, 6)
    assert second.municipalities_created == 0
    imported = people(session_factory_, association_id)
    assert imported["s.verhoeven@almere.example"] == ("Sanne Verhoeven", "wethouder", "Almere")
    assert imported["j.vankempen@shertogenbosch.example"][2] == "'s-Hertogenbosch"
    assert imported["k.brouwer@urk.example"] == ("Klaas Brouwer", "", "Urk")
    assert general_meeting_size(session_factory_, association_id) == 6


def general_meeting_size(sessions, association_id: int) -> int:
    with session_scope(sessions) as session:
        body = session.exec(select(Body).where(Body.association_id == association_id,
                                               Body.kind == BodyKind.general_meeting)).one()
        return len(session.exec(select(Membership).where(Membership.body_id == body.id)).all())


def test_changed_name_or_function_updates_the_person(session_factory_, association_id):
    import_members(session_factory_, association_id, (DATA / "leden_goed.csv").read_bytes())
    changed = (DATA / "leden_goed.csv").read_text().replace("Pieter Kuipers;p.kuipers@dronten.example;wethouder",
                                                             "Pieter Kuijpers;p.kuipers@dronten.example;burgemeester")

    report = import_members(session_factory_, association_id, changed.encode())

    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    assert people(session_factory_, association_id)["p.kuipers@dronten.example"][:2] == ("Pieter Kuijpers", "burgemeester")


@pytest.mark.parametrize("file_name", ["leden_excel_bom.csv", "leden_excel_cp1252.csv"])
def test_excel_exports_with_bom_or_cp1252_and_semicolons(session_factory_, association_id, file_name):
    report = import_members(session_factory_, association_id, (DATA / file_name).read_bytes())

    assert (report.errors, report.created) == ([], 3)
    imported = people(session_factory_, association_id)
    assert imported["j.hoekstra@sudwestfryslan.example"] == ("Joëlle Hoekstra", "wethouder", "Súdwest-Fryslân")
    assert imported["s.dijkstra@noardeast-fryslan.example"][2] == "Noardeast-Fryslân"
    assert imported["r.vandam@zeewolde.example"][0] == "Renée van Dam"


def test_comma_separated_english_headers(session_factory_, association_id):
    report = import_members(session_factory_, association_id, (DATA / "members_english.csv").read_bytes())

    assert (report.errors, report.created) == ([], 2)
    assert people(session_factory_, association_id)["s.verhoeven@almere.example"] == ("Verhoeven, Sanne", "alderman", "Almere")


def test_dry_run_checks_but_writes_nothing(session_factory_, association_id):
    report = import_members(session_factory_, association_id, (DATA / "leden_goed.csv").read_bytes(), dry_run=True)

    assert (report.errors, report.created, report.dry_run) == ([], 6, True)
    assert people(session_factory_, association_id) == {}


def test_cli_imports_a_file_and_prints_counts(cli_runner, session_factory_, association_id):
    from raadsbode.cli import app

    slug = association_slug(session_factory_, association_id)
    result = cli_runner.invoke(app, ["import", "members", str(DATA / "leden_goed.csv"), "--association", slug])

    assert result.exit_code == 0, result.output
    assert "Import voltooid" in result.output
    assert len(people(session_factory_, association_id)) == 6


def test_cli_prints_the_error_table_and_exits_non_zero(cli_runner, session_factory_, association_id):
    from raadsbode.cli import app

    slug = association_slug(session_factory_, association_id)
    result = cli_runner.invoke(app, ["import", "members", str(DATA / "leden_fout.csv"), "--association", slug])

    assert result.exit_code == 1
    for expected in ("Regel", "Probleem", "onbekende gemeente 'Almeere'; bedoelt u 'Almere'?", "staat ook al op regel 2",
                     "Er is niets geïmporteerd"):
        assert expected in result.output
    assert people(session_factory_, association_id) == {}


def test_cli_refuses_an_unknown_association(cli_runner):
    from raadsbode.cli import app

    result = cli_runner.invoke(app, ["import", "members", str(DATA / "leden_goed.csv"), "--association", "bestaat-niet"])

    assert result.exit_code == 2
    assert "Onbekende vereniging 'bestaat-niet'" in result.output


def association_slug(sessions, association_id: int) -> str:
    from models.tables.org import Association

    with session_scope(sessions) as session:
        return session.get(Association, association_id).slug


def test_file_without_function_column_keeps_functions(session_factory_, association_id):
    import_members(session_factory_, association_id, (DATA / "leden_goed.csv").read_bytes())
    without_function = "E-mailadres;Gemeentenaam;Naam\r\np.kuipers@dronten.example;Dronten;Pieter Kuipers\r\n"

    report = import_members(session_factory_, association_id, without_function.encode())

    assert (report.errors, report.unchanged) == ([], 1)
    assert people(session_factory_, association_id)["p.kuipers@dronten.example"][1] == "wethouder"


def test_excel_variants_sep_line_name_parts_and_utf16():
    from raadsbode.services.members.csv_reader import read_sheet

    with_sep = read_sheet(b"sep=,\r\nGemeente,Voornaam,Tussenvoegsel,Achternaam,Email\r\nUrk,Jan,van,Urk,j@urk.example\r\n")
    utf16 = read_sheet("Gemeente\tNaam\tE-mail\r\nSúdwest-Fryslân\tJoëlle\tj@swf.example\r\n".encode("utf-16"))

    # Excel hides the sep= line, so the row numbers are the ones the secretary sees in Excel.
    assert [(r.line, r.values["name"]) for r in with_sep.rows] == [(2, "Jan van Urk")] and not with_sep.errors
    assert utf16.rows[0].values == {"municipality": "Súdwest-Fryslân", "name": "Joëlle", "email": "j@swf.example"}


def test_too_large_file_is_refused_before_reading(session_factory_, association_id):
    from raadsbode.services.members.importer import MAX_BYTES, TOO_LARGE

    report = import_members(session_factory_, association_id, b"x" * (MAX_BYTES + 1))

    assert report.errors == [TOO_LARGE] and "groter dan 5 MB" in TOO_LARGE.reason
    assert people(session_factory_, association_id) == {}


def test_cli_dry_run_prints_the_counts_and_writes_nothing(cli_runner, session_factory_, association_id):
    from raadsbode.cli import app

    slug = association_slug(session_factory_, association_id)
    result = cli_runner.invoke(app, ["import", "members", str(DATA / "leden_goed.csv"), "-a", slug, "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Proefimport (niets opgeslagen)" in result.output and "6" in result.output
    assert people(session_factory_, association_id) == {}
