"""Issue 10: the hostile corpus (tests/support/hostile_corpus.py) through every edge where text that can reach a mail
header comes in: the public forms, the workspace forms, the CLI, the CSV imports and the network workflow's
update validator. Refused values: a Dutch error, what was typed kept, nothing written, nothing sent. Accepted
values: the mail that results has exactly the intended headers, addresses and MIME tree, the HTML escapes the
value and the calendar gives it back unchanged. The pure part also runs with PYTHONOPTIMIZE=1 (no guard is an
`assert`); it reports problems as a list instead of asserting, so the optimised run checks something."""
from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import subprocess
import sys
import uuid
from datetime import timedelta

import httpx
import pytest
import typer
from markupsafe import escape
from sqlmodel import select

from models.tables import Meeting
from models.messages.meeting import StatusQuery
from models.messages.network import NetworkSignupInput
from models.tables.newsletter import Subscriber
from models.tables.org import Association, Body, Person, Venue
from models.tables.types import utcnow
from raadsbode.store.associations import AssociationError, create_association
from raadsbode.cli.common import USAGE_ERROR
from raadsbode.db import session_scope
from raadsbode.services.members.importer import import_members
from raadsbode.services.network import create_network_meeting, network_handle, start_network_workflow
from raadsbode.settings import Settings
from raadsbode.services.newsletter.subscriber_import import import_subscribers
from tests.support.env import unique_slug
from tests.support.hostile_corpus import (ACCEPTED, ADDRESSES, CORPUS, ISSUE_PAYLOAD, NAMES, REFUSED, Hostile, mail_problems,
                                  pure_problems)
from tests.support.workspace import client_for, make_tenant, signed_in_session
from web.app import create_app
from worker import build_worker
from workflows.network.workflow import NetworkMeetingWorkflow
from tests.support.paths import ROOT

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the database does not matter here
CSV_HEADER = ["Gemeente", "Naam", "E-mail", "Functie"]


# --- the pure part: the rule, the edges' validators, build_message (also under PYTHONOPTIMIZE=1) ---------------

@pytest.mark.parametrize("hostile", CORPUS, ids=lambda h: h.id)
def test_pure_edges_and_composer_follow_the_corpus(hostile):
    assert pure_problems(hostile) == []


def test_the_corpus_holds_with_pythonoptimize():
    """The same checks in a fresh interpreter with PYTHONOPTIMIZE=1: asserts are gone there, so no guard may be one."""
    script = ("import sys; from tests.support.hostile_corpus import CORPUS, pure_problems\n"
              "problems = [p for h in CORPUS for p in pure_problems(h)]\n"
              "print('\\n'.join(problems) or f'ok {len(CORPUS)} optimize={sys.flags.optimize}')\n"
              "sys.exit(1 if problems or sys.flags.optimize != 1 else 0)\n")
    env = os.environ | {"PYTHONOPTIMIZE": "1"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ok {len(CORPUS)} optimize=1" in done.stdout


# --- the public newsletter sign-up -------------------------------------------------------------------------------

def _unlimited(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_form_mails_per_ip": 0, "public_form_mails_per_address": 0})


def _address(h: Hostile, slug: str) -> str:
    return f"{h.id}@{slug}.test"


@SQLITE
async def test_newsletter_signup_refuses_or_escapes_every_value(settings, session_factory_, sink):
    with session_scope(session_factory_) as s:
        association = create_association(s, unique_slug("hostile"), "VNG Flevoland", "info@vng-flevoland.test")
        association_id, slug = association.id, association.slug
    path = f"/nieuwsbrief/{slug}/aanmelden"
    app = create_app(_unlimited(settings))
    answers: dict[str, tuple[int, str]] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 4711)),
                                 base_url="http://raadsbode.test") as web:
        csrf = _csrf_field(await web.get(path))
        for h in NAMES:
            page = await web.post(path, data={"name": h.value, "email": _address(h, slug), "csrf": csrf})
            answers[h.id] = page.status_code, page.text
        for h in ADDRESSES:
            page = await web.post(path, data={"name": "Anna", "email": h.value, "csrf": csrf})
            answers[h.id] = page.status_code, page.text
    with session_factory_() as s:
        rows = s.exec(select(Subscriber).where(Subscriber.association_id == association_id))
        stored = {sub.email: sub.name for sub in rows}
    problems = []
    for h in REFUSED:
        status, text = answers[h.id]
        address = _address(h, slug)
        if status != 422 or str(escape(h.message)) not in text or address in stored or sink.to(address):
            problems.append(f"{h.id}: {status}, stored {_address(h, slug) in stored}")
        elif h.message != "hoogst" and str(escape(h.value.strip())) not in text:
            problems.append(f"{h.id}: the form lost what was typed")
    for h in ADDRESSES:
        status, text = answers[h.id]
        if status != 422 or "e-mailadres" not in text:
            problems.append(f"{h.id}: {status}")
    for h in ACCEPTED:
        address, kept = _address(h, slug), " ".join(h.value.split())
        mails = sink.to(address)
        if answers[h.id][0] != 200 or stored.get(address) != kept or len(mails) != 1:
            problems.append(f"{h.id}: {answers[h.id][0]}, stored {stored.get(address)!r}, {len(mails)} mails")
            continue
        problems += [f"{h.id}: {p}" for p in mail_problems(mails[0], address, kept, kept)]
    assert len(sink.messages) == len(ACCEPTED)  # nothing else went anywhere (no Bcc, no second recipient)
    assert problems == []


def _csrf_field(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


# --- the public network sign-up, through the real workflow (its update validator too) ----------------------------

TITLE = "<b>Netwerk</b>; 's-Hertogenbosch, \"C:\\map\": {{ x }}"
VENUE, VENUE_ADDRESS = "Zaal <1>; boven, \\achter", "Markt 1: 's-Hertogenbosch"


@SQLITE
async def test_network_signup_refuses_or_escapes_every_value(settings, session_factory_, sink, temporal_env):
    tenant = make_tenant(session_factory_, people=0)
    with session_scope(session_factory_) as s:
        venue = Venue(association_id=tenant.association_id, name=VENUE, address=VENUE_ADDRESS)
        s.add(venue)
        s.flush()
        starts = utcnow().replace(microsecond=0) + timedelta(days=30)
        meeting = create_network_meeting(s, association_id=tenant.association_id, title=TITLE, starts_at=starts,
                                         ends_at=starts + timedelta(hours=2), venue_id=venue.id,
                                         policy={"announce_before": "60d"})
        meeting_id = meeting.id
        summary = f"{s.get(Body, meeting.body_id).name}: {TITLE}"  # the invitation names the body too
    client = temporal_env.client
    form = f"/openbaar/{tenant.slug}/netwerk/{meeting_id}"
    app = create_app(_unlimited(settings), client)
    problems: list[str] = []
    async with build_worker(client, settings), client_for(app) as web:
        await start_network_workflow(client, settings, meeting_id, tenant.slug)
        handle = network_handle(client, meeting_id)
        for _ in range(200):
            if (await handle.query(NetworkMeetingWorkflow.status, StatusQuery())).phase == "open":
                break
            await asyncio.sleep(0.1)
        csrf = _csrf_field(await web.get(form))
        for h in NAMES:
            for field in ("name", "organisation") if h.refused else ("name",):
                values = {"name": "Anna", "email": f"{h.id}-{field}@example.test", "organisation": "Gemeente"}
                page = await web.post(form, data={"csrf": csrf, **values, field: h.value})
                if h.refused != (page.status_code == 400) or (h.refused and str(escape(h.message)) not in page.text):
                    problems.append(f"{h.id} as {field}: {page.status_code}")
        for h in ADDRESSES:
            page = await web.post(form, data={"csrf": csrf, "name": "Anna", "email": h.value, "organisation": ""})
            if page.status_code != 400:
                problems.append(f"{h.id}: {page.status_code}")
        for h in REFUSED:  # the validator holds for any caller, not only the form
            try:
                await handle.execute_update(NetworkMeetingWorkflow.register, NetworkSignupInput(
                    name=h.value, email=f"{h.id}-direct@example.test", organisation=""))
                problems.append(f"{h.id}: the workflow took it")
            except Exception as exc:  # noqa: BLE001 - WorkflowUpdateFailedError, a refusal
                if h.message not in str(getattr(exc, "cause", exc)):
                    problems.append(f"{h.id}: refused with {getattr(exc, 'cause', exc)}")
        mails = {h.id: await _mail_to(sink, f"{h.id}-name@example.test") for h in ACCEPTED}
    for h in REFUSED:
        if any(sink.to(f"{h.id}-{kind}@example.test") for kind in ("name", "organisation", "direct")):
            problems.append(f"{h.id}: a mail went out")
    location = f"{VENUE}, {VENUE_ADDRESS}"
    for h in ACCEPTED:
        problems += [f"{h.id}: {p}" for p in mail_problems(mails[h.id], f"{h.id}-name@example.test", h.value, TITLE,
                                                           calendar=True, summary=summary, location=location)]
        if f"Aangemeld: {TITLE}" != str(mails[h.id]["Subject"]):
            problems.append(f"{h.id}: Subject {mails[h.id]['Subject']!r}")
    assert problems == [], "\n".join(problems)


async def _mail_to(sink, address: str, timeout: float = 30.0):
    for _ in range(int(timeout / 0.1)):
        found = [m for m in sink.to(address) if str(m["Subject"]).startswith("Aangemeld")]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no confirmation to {address}")


# --- the workspace forms ----------------------------------------------------------------------------------------

def _workspace_forms(tenant, h: Hostile) -> list[tuple[str, str, dict[str, str], str]]:
    """(what, path, form data, field) for every workspace form a hostile name or title can be typed into."""
    unique = f"{h.id}-{uuid.uuid4().hex[:6]}"
    day = (utcnow() + timedelta(days=40)).date().isoformat()
    return [
        ("person name", "/werkruimte/leden/personen/nieuw",
         {"name": h.value, "email": f"{unique}@example.test", "function": "wethouder", "municipality_id": ""}, "name"),
        ("person function", "/werkruimte/leden/personen/nieuw",
         {"name": f"P {unique}", "email": f"f-{unique}@example.test", "function": h.value, "municipality_id": ""},
         "function"),
        ("venue name", "/werkruimte/beheer/vereniging/zalen/nieuw",
         {"name": h.value, "address": "", "municipality_id": ""},
         "name"),
        ("venue address", "/werkruimte/beheer/vereniging/zalen/nieuw",
         {"name": f"Zaal {unique}", "address": h.value, "municipality_id": ""}, "address"),
        ("association name", "/werkruimte/beheer/vereniging",
         {"name": h.value, "mailbox_email": f"secretariaat@{tenant.slug}.test"}, "name"),
        ("staff name", "/werkruimte/beheer/medewerkers", {"email": f"s-{unique}@example.test", "name": h.value,
                                                          "role": "editor"}, "name"),
        ("committee name", "/werkruimte/leden/commissies/nieuw", {"name": h.value}, "name"),
        ("network meeting title", "/werkruimte/vergaderingen/nieuw-netwerk",
         {"date": day, "start": "15:00", "end": "17:00", "venue_id": "", "title": h.value, "capacity": "",
          "description": ""}, "title"),
    ]


def _spread(index: int, forms: list) -> list:
    """The person form and two more for the index-th value, so each form sees a share of the corpus (they all
    check through web/common/forms.py: check_header_fields) and the test stays fast."""
    return [forms[0]] + [forms[1 + (index + k) % (len(forms) - 1)] for k in (0, 3)]


def _workspace_snapshot(sessions, tenant) -> tuple:
    with sessions() as s:
        aid = tenant.association_id
        return (sorted(p.name for p in s.exec(select(Person).where(Person.association_id == aid))),
                sorted(p.function for p in s.exec(select(Person).where(Person.association_id == aid))),
                sorted((v.name, v.address) for v in s.exec(select(Venue).where(Venue.association_id == aid))),
                s.get(Association, aid).name,
                sorted(b.name for b in s.exec(select(Body).where(Body.association_id == aid))),
                sorted(m.title for m in s.exec(select(Meeting).where(Meeting.association_id == aid))))


@SQLITE
async def test_workspace_forms_refuse_every_hostile_value_and_write_nothing(settings, session_factory_, sink):
    tenant = make_tenant(session_factory_, people=0)
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    before = _workspace_snapshot(session_factory_, tenant)
    problems = []
    async with client_for(create_app(settings), cookie) as client:
        for index, h in enumerate(REFUSED):
            for what, path, data, _field in _spread(index, _workspace_forms(tenant, h)):
                page = await client.post(path, data={"csrf_token": csrf, **data})
                too_long = len(h.value) > 100 and "hoogst" in page.text  # a function's own limit comes first
                if page.status_code not in (400, 422) or (str(escape(h.message)) not in page.text and not too_long):
                    problems.append(f"{h.id} as {what}: {page.status_code}")
                elif h.message != "hoogst" and what == "person name" and str(escape(h.value)) not in page.text:
                    problems.append(f"{h.id} as {what}: the form lost what was typed")
    assert problems == []
    assert _workspace_snapshot(session_factory_, tenant) == before and not sink.messages


@SQLITE
async def test_workspace_forms_keep_legitimate_text_exactly(settings, session_factory_):
    tenant = make_tenant(session_factory_, people=0)
    cookie, csrf = signed_in_session(session_factory_, tenant, "admin")
    problems, sent = [], []
    async with client_for(create_app(settings), cookie) as client:
        for index, h in enumerate(ACCEPTED):
            for what, path, data, _field in _spread(index, _workspace_forms(tenant, h)):
                if what == "network meeting title" or (what == "person function" and len(h.value) > 100):
                    continue  # the title would start a workflow (its check is the shared one); a function is short
                page = await client.post(path, data={"csrf_token": csrf, **data})
                sent.append((h, what))
                if page.status_code != 303:
                    problems.append(f"{h.id} as {what}: {page.status_code}")
    people, functions, venues, name, bodies, _ = _workspace_snapshot(session_factory_, tenant)
    stored = {"person name": people, "person function": functions, "venue name": [v[0] for v in venues],
              "venue address": [v[1] for v in venues], "staff name": people, "committee name": bodies,
              "association name": [name]}
    last_name = [h for h, what in sent if what == "association name"][-1]
    for h, what in sent:
        # the association keeps the last name given; a committee's name has its spaces tidied
        if what == "association name" and h is not last_name:
            continue
        if (" ".join(h.value.split()) if what == "committee name" else h.value) not in stored[what]:
            problems.append(f"{h.id} as {what}: not stored as typed")
    assert problems == []


@SQLITE
def test_a_new_association_refuses_a_hostile_name_whoever_calls(session_factory_):
    """raadsbode.store.associations.create_association (the CLI, the demo, the tests) checks the name itself too."""
    problems = []
    with session_factory_() as s:
        for h in REFUSED:
            try:
                create_association(s, unique_slug("domain"), h.value, "info@example.test")
                problems.append(f"{h.id}: created")
            except AssociationError as exc:
                if h.message not in str(exc):
                    problems.append(f"{h.id}: {exc}")
            s.rollback()
    assert problems == []


# --- the command line -------------------------------------------------------------------------------------------

def _commands(h: Hostile, slug: str) -> list[list[str]]:
    return [
        ["association", "create", "--slug", unique_slug("cli"), "--name", h.value, "--mailbox", "info@example.test"],
        ["meeting", "start", "--association", slug, "--start", "2027-01-13 14:00", "--title", h.value],
        ["meeting", "start", "--association", slug, "--start", "2027-01-13 14:00", "--venue", h.value],
        ["alv", "start", "-a", slug, "--date", "2027-01-13 19:30", "--reason", "x", "--title", h.value],
        ["network", "start", "-a", slug, "--title", h.value, "--date", "2027-03-18 15:00"],
        ["staff", "add", "-a", slug, "--email", "nieuw@example.test", "--role", "editor", "--name", h.value],
        ["newsletter", "start", slug, "2027-01", "-e", "redactie@example.test", "-e", h.value],
    ]


@pytest.fixture
def invoke(cli_runner):
    """`invoke(args)`: the `raadsbode` command, built once (typer's runner builds it again for every call)."""
    from click.testing import CliRunner

    from raadsbode.cli import app

    command, runner = typer.main.get_command(app), CliRunner()
    return lambda args: runner.invoke(command, args, prog_name="raadsbode")


@SQLITE
def test_cli_refuses_every_hostile_value_with_exit_code_2(invoke, session_factory_):
    tenant = make_tenant(session_factory_, people=0)
    with session_factory_() as s:
        associations = len(s.exec(select(Association)).all())
    problems = []
    for h in REFUSED + [a for a in ADDRESSES if "\n" in a.value or "=?" in a.value]:
        for args in _commands(h, tenant.slug):
            if h.message == "hoogst" and "--venue" in args:
                continue  # a venue is looked up by name, never stored from here
            result = invoke(args)
            if result.exit_code != USAGE_ERROR or (h.message and h.message not in result.output):
                problems.append(f"{h.id}: {' '.join(args[:2])} {args[-2]} -> {result.exit_code} "
                                f"{result.output[-200:]!r}")
    assert problems == []
    with session_factory_() as s:
        assert len(s.exec(select(Association)).all()) == associations
        assert not s.exec(select(Meeting).where(Meeting.association_id == tenant.association_id)).all()


@SQLITE
def test_cli_keeps_legitimate_names_exactly(invoke, session_factory_):
    problems = []
    for h in ACCEPTED:
        slug = unique_slug("cli")
        result = invoke(["association", "create", "--slug", slug, "--name", h.value, "--mailbox", f"info@{slug}.test"])
        with session_factory_() as s:
            row = s.exec(select(Association).where(Association.slug == slug)).first()
        if result.exit_code != 0 or row is None or row.name != h.value:
            problems.append(f"{h.id}: {result.exit_code} {result.output[-200:]!r}")
    assert problems == []


# --- the CSV imports --------------------------------------------------------------------------------------------

def _csv(rows: list[list[str]], header: list[str] = CSV_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@SQLITE
def test_member_import_refuses_a_file_with_any_hostile_row(session_factory_):
    with session_scope(session_factory_) as s:
        association_id = create_association(s, unique_slug("csv"), "VNG Flevoland", "info@vng-flevoland.test").id
    problems = []
    for h in REFUSED + ADDRESSES:
        good = ["Almere", "Anna Jansen", "anna@example.test", "wethouder"]
        if h in ADDRESSES:
            bad = ["Almere", "Bram", h.value, "wethouder"]
        else:
            bad = ["Almere", h.value, f"{h.id}@example.test", "wethouder"]
        report = import_members(session_factory_, association_id, _csv([good, bad]))
        where = {(e.line, e.column) for e in report.errors}
        if report.ok or (3, "E-mail" if h in ADDRESSES else "Naam") not in where or \
                h.message not in " ".join(e.reason for e in report.errors):
            problems.append(f"{h.id}: {report.errors}")
    with session_factory_() as s:
        assert not s.exec(select(Person).where(Person.association_id == association_id)).all()
    assert problems == []


@SQLITE
def test_member_import_keeps_legitimate_names_exactly(session_factory_):
    with session_scope(session_factory_) as s:
        association_id = create_association(s, unique_slug("csv"), "VNG Flevoland", "info@vng-flevoland.test").id
    rows = [["Almere", h.value, f"{h.id}@example.test", "wethouder"] for h in ACCEPTED]
    report = import_members(session_factory_, association_id, _csv(rows))
    assert report.ok, report.errors
    with session_factory_() as s:
        names = {p.email: p.name for p in s.exec(select(Person).where(Person.association_id == association_id))}
    assert names == {f"{h.id}@example.test": h.value for h in ACCEPTED}


@SQLITE
def test_subscriber_import_refuses_a_file_with_any_hostile_row(session_factory_):
    with session_scope(session_factory_) as s:
        association_id = create_association(s, unique_slug("csv"), "VNG Flevoland", "info@vng-flevoland.test").id
    problems = []
    for h in REFUSED + ADDRESSES:
        row = ["Bram", h.value] if h in ADDRESSES else [h.value, f"{h.id}@example.test"]
        report = import_subscribers(session_factory_, association_id,
                                    _csv([["Anna", "anna@example.test"], row], ["Naam", "E-mail"]))
        reasons = " ".join(e.reason for e in report.errors)
        if report.ok or 3 not in {e.line for e in report.errors} or h.message not in reasons:
            problems.append(f"{h.id}: {report.errors}")
    with session_factory_() as s:
        assert not s.exec(select(Subscriber).where(Subscriber.association_id == association_id)).all()
    assert problems == []


def test_the_issue_payload_is_in_the_corpus():
    assert any(h.value == ISSUE_PAYLOAD and h.refused for h in CORPUS) and len(CORPUS) >= 40


@SQLITE
def test_cli_messages_show_typed_brackets_as_text(invoke):
    """fail() prints through rich: a '[/red]' quoted in a Dutch message is text, not markup (it was a traceback)."""
    result = invoke(["association", "create", "--slug", "[/red]x", "--name", "VNG", "--mailbox", "info@example.test"])
    assert result.exit_code == 1 and "Ongeldige slug '[/red]x'" in result.output, result.output
