"""`raadsbode meeting start|agenda|minutes|status|reschedule|cancel`: the secretary's commands."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import col, select

from models.messages.meeting import PHASE_LABELS, CancelMeeting, MeetingStatusView, Reschedule, StatusQuery, SubmitAgenda, SubmitMinutes
from models.tables.meetings import Meeting
from models.tables.org import Association, Membership, MemberRole, Person, normalise_email
from raadsbode.cli import meeting_input as parse
from raadsbode.store.associations import AssociationError, get_association_by_slug
from raadsbode.cli.alv import start_by_hand
from raadsbode.cli.alv_common import local_time
from raadsbode.cli.common import TITLE_MAX, client, fail, header_text, open_sessions, run
from raadsbode.cli.meeting_kinds import WRONG_BODY, general_meeting_kind, other_status
from raadsbode.db import session_scope
from raadsbode.services.meeting.actions import MeetingError, create_meeting, meeting_handle, start_meeting_workflow
from raadsbode.settings import get_settings
from workflows.meeting.workflow import MeetingWorkflow

meeting_app = typer.Typer(help="Start, steer and follow meeting workflows.", no_args_is_help=True)
WORKFLOW = "De workflow van vergadering {}"
ROLE_NL = {"chair": "voorzitter", "deputy_chair": "loco-voorzitter", "secretary": "secretaris"}


@meeting_app.command("start", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def start(
    ctx: typer.Context,
    association: str = typer.Option(..., help="Slug of the association, e.g. vng-flevoland."),
    body: str = typer.Option("board", help="Body kind (board) or name (\"Dagelijks bestuur\")."),
    start_at: str = typer.Option(..., "--start", help="Start, Europe/Amsterdam wall clock: \"2026-12-15 14:00\"."),
    end_at: str = typer.Option(None, "--end", help="End: \"2026-12-15 16:00\" or \"16:00\" (default: 2 hours)."),
    venue: str = typer.Option(None, callback=header_text("De locatie"), help="Venue name, e.g. \"Stadhuis Lelystad\"."),
    title: str = typer.Option("", callback=header_text("De titel", TITLE_MAX), help="Title (default: \"Vergadering <body>\")."),
    kind: str = typer.Option(None, help="board or committee (default: the body's); alv and extra-alv start an "
                                        "ALV (as `raadsbode alv start`); network: use `raadsbode network start`."),
    reason: str = typer.Option("", help="Why an extra ALV is called (required with --kind extra-alv)."),
) -> None:
    """Start a meeting's workflow. Any policy duration may follow, e.g. --convocation-before 7d."""
    settings = get_settings()
    try:
        policy = parse.policy_options(ctx.args)
        general = general_meeting_kind(kind)
        if general:  # an ALV has its own workflow; the ALV command creates and starts it
            start_by_hand(association, start_at, end_at, reason, general, venue, title, policy)
            return
        with session_scope(open_sessions()) as session:
            found = get_association_by_slug(session, association)
            tz = found.timezone or settings.timezone
            starts = parse.parse_local(start_at, tz)
            the_body = parse.find_body(session, found.id, body)
            if parse.meeting_kind(the_body) in ("alv", "network"):
                fail(WRONG_BODY[parse.meeting_kind(the_body)])
            meeting = create_meeting(
                session, association_id=found.id, body_id=the_body.id, kind=parse.meeting_kind(the_body),
                title=title, starts_at=starts, ends_at=parse.end_time(starts, end_at, tz),
                venue_id=parse.find_venue(session, found.id, venue), policy=policy)
            meeting_id, slug = meeting.id, found.slug
    except (MeetingError, AssociationError) as err:
        fail(str(err))

    async def go() -> str:
        return await start_meeting_workflow(await client(), settings, meeting_id, slug)
    workflow_id = run(go(), WORKFLOW.format(meeting_id))
    Console().print(f"Vergadering {meeting_id} gestart (workflow {workflow_id}).")


def _editor(meeting_id: int, email: str | None) -> int:
    """The person submitting: the body's secretary, or whoever --by names."""
    with session_scope(open_sessions()) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            fail(f"Onbekende vergadering {meeting_id}.")
        rows = session.exec(select(Membership, Person).join(Person, col(Person.id) == Membership.person_id)
                            .where(Membership.body_id == meeting.body_id)).all()
        for membership, person in rows:
            if (email is None and membership.role == MemberRole.secretary) or (email and person.email == normalise_email(email)):
                return person.id
    fail("Geen indiener gevonden voor dit orgaan; geef --by met het e-mailadres van de secretaris of voorzitter.")


@meeting_app.command("agenda")
def agenda(meeting_id: int, file: Path, by: str = typer.Option(None, help="E-mail of the submitter (default: secretary).")) -> None:
    """Submit an agenda version from a YAML file (a list of items: number, title, kind, presenter, documents)."""
    try:
        items = parse.read_agenda(file)
    except MeetingError as err:
        fail(str(err))
    person_id = _editor(meeting_id, by)

    async def go():
        handle = meeting_handle(await client(), meeting_id)
        return await handle.execute_update(MeetingWorkflow.submit_agenda, SubmitAgenda(person_id, items, "via de CLI"))
    result = run(go(), WORKFLOW.format(meeting_id))
    Console().print(f"Agenda versie {result.version} opgeslagen; de voorzitter en de secretaris krijgen een link om te ondertekenen.")


@meeting_app.command("minutes")
def minutes(meeting_id: int, file: Path, by: str = typer.Option(None, help="E-mail of the submitter (default: secretary).")) -> None:
    """Submit the minutes from a Markdown file; bullets under a heading 'Besluiten' are the decision list."""
    try:
        text, decisions = parse.read_minutes(file)
    except MeetingError as err:
        fail(str(err))
    person_id = _editor(meeting_id, by)

    async def go():
        handle = meeting_handle(await client(), meeting_id)
        return await handle.execute_update(MeetingWorkflow.submit_minutes, SubmitMinutes(person_id, text, decisions))
    result = run(go(), WORKFLOW.format(meeting_id))
    Console().print(f"Verslag versie {result.version} opgeslagen; de voorzitter krijgt een link om te ondertekenen.")


@meeting_app.command("status")
def status(meeting_id: int) -> None:
    """Phase, agenda version, who has signed, the next deadline and the registrations (any kind of meeting)."""
    show_other = other_status(open_sessions(), meeting_id)
    if show_other is not None:  # an ALV or a network meeting runs its own workflow with its own status
        show_other(meeting_id)
        return

    async def go() -> MeetingStatusView:
        return await meeting_handle(await client(), meeting_id).query(MeetingWorkflow.status, StatusQuery())
    view: MeetingStatusView = run(go(), WORKFLOW.format(meeting_id))
    table = Table("", "", title=f"Vergadering {meeting_id}", show_header=False)
    table.add_row("Fase", PHASE_LABELS.get(view.phase, view.phase))
    table.add_row("Agendaversie", str(view.agenda_version or "nog geen"))
    for signer in view.signers:
        table.add_row(f"{ROLE_NL.get(signer.role, signer.role).capitalize()}", f"{signer.name}: "
                      f"{'ondertekend' if signer.signed else 'nog niet ondertekend'}")
    table.add_row("Volgende stap", view.next_step)
    if view.next_deadline_iso:
        table.add_row("Wanneer", local_time(view.next_deadline_iso))
    table.add_row("Aanmeldingen", f"komt {view.rsvp.get('attending', 0)}, komt niet {view.rsvp.get('not_attending', 0)}, "
                  f"geen antwoord {view.rsvp.get('none', 0)}")
    Console().print(table)


@meeting_app.command("reschedule")
def reschedule(meeting_id: int, start_at: str = typer.Option(..., "--start"), end_at: str = typer.Option(None, "--end"),
               venue: str = typer.Option(None), reason: str = typer.Option("")) -> None:
    """Move a meeting (new time and/or venue); everyone invited gets an updated invitation."""
    with session_scope(open_sessions()) as session:
        meeting = session.get(Meeting, meeting_id) or fail(f"Onbekende vergadering {meeting_id}.")
        tz = session.get(Association, meeting.association_id).timezone  # as `meeting start` reads the time
        try:
            starts = parse.parse_local(start_at, tz)
            ends = parse.end_time(starts, end_at, tz)
            venue_id = parse.find_venue(session, meeting.association_id, venue)
        except MeetingError as err:
            fail(str(err))

    async def go():
        handle = meeting_handle(await client(), meeting_id)
        return await handle.execute_update(MeetingWorkflow.reschedule, Reschedule(starts.isoformat(), ends.isoformat(), venue_id, reason))
    result = run(go(), WORKFLOW.format(meeting_id))
    (Console().print if result.accepted else fail)(result.message)


@meeting_app.command("cancel")
def cancel(meeting_id: int, reason: str = typer.Option("", help="Shown to everyone invited.")) -> None:
    """Cancel a meeting; everyone who got an invitation gets a cancellation."""
    async def go():
        handle = meeting_handle(await client(), meeting_id)
        return await handle.execute_update(MeetingWorkflow.cancel, CancelMeeting(reason))
    result = run(go(), WORKFLOW.format(meeting_id))
    (Console().print if result.accepted else fail)(result.message)
