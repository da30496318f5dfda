"""What a POST from a link page does: check the form, then one typed update on the meeting workflow.

Database reads go through `off_loop`, so no pooled connection is held while an update is awaited. An RSVP goes
through web/links/changes.py's gate (no update for the same answer again, one id per change, a per-link limit);
a draft's submissions count against the same per-link limit.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Mapping
from typing import Any

from sqlmodel import Session
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from models.messages.meeting import RsvpInput, SignoffDecision, SubmitAgenda, SubmitMinutes
from raadsbode.services.meeting.actions import meeting_handle
from web.links import views
from web.common.forms import AgendaRow, agenda_from_rows, decision_from_form, field_text, minutes_from_form, \
    rows_from_form, rsvp_from_form
from web.links.changes import Standing, gate
from web.links.data import current_standing, off_loop, read_only
from web.links.views import Link, Page
from web.common.rate_limit import LinkChangeLimits, link_too_many_text
from workflows.meeting.workflow import MeetingWorkflow
from raadsbode.domain.vocabulary import TokenPurpose

log = logging.getLogger(__name__)
SUBMISSION_ID = re.compile(r"^[0-9a-f]{32}$")
TOO_SLOW = "Het verwerken duurde te lang. Probeer het over een minuut opnieuw; er is niets dubbel opgeslagen."
NOT_POSSIBLE = "Dit kan niet (meer): de vergadering is afgerond of geannuleerd."
FAILED = "Er ging iets mis bij het verwerken. Probeer het later opnieuw of neem contact op met het secretariaat."


def _rejection_text(err: WorkflowUpdateFailedError) -> str:
    """A validator's rejection is a Dutch sentence meant for the person; anything else stays in the log."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type in (None, "ValueError", "ApplicationError"):
        return cause.message
    log.warning("update failed: %r", cause)
    return FAILED


async def run_update(call: Awaitable[Any]) -> tuple[Any, str | None]:
    """(result, None) or (None, Dutch reason): no Temporal error ever reaches the page as a trace."""
    try:
        return await call, None
    except WorkflowUpdateFailedError as err:
        return None, _rejection_text(err)
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        return None, TOO_SLOW
    except RPCError as err:
        log.warning("update refused by the server: %s", err)
        return None, NOT_POSSIBLE


def _handle(client: Client, link: Link) -> WorkflowHandle:
    return meeting_handle(client, link.meeting.meeting_id)


def submission_id_of(form: Mapping) -> str:
    """The form's own id, so a double submit of the same form makes one version (same update id)."""
    value = field_text(form, "submission_id", 64)
    return value if SUBMISSION_ID.match(value) else uuid.uuid4().hex


async def post_signoff(session: Session, client: Client, link: Link, form: Mapping, source: str,
                      limits: LinkChangeLimits) -> Page:
    """Straight to the update: the link was checked (live, this version is the latest) before the form was read."""
    decision, comment, error = decision_from_form(form)
    grant = link.grant
    if error:
        return await read_only(session, views.signoff, link, error, comment, 400)
    if grant.used_at is not None and grant.used_decision != decision:
        return await read_only(session, views.signoff, link, None, comment)  # decided otherwise already: shown
    # The same decision again (a double click, a retried POST, a page that was read just before the token
    # row caught up with the workflow) goes to the same update id: the workflow answers it once.
    result, problem = await run_update(_handle(client, link).execute_update(
        MeetingWorkflow.decide,
        SignoffDecision(token_id=grant.token_id, person_id=grant.person_id, purpose=grant.purpose,
                        version=grant.version, decision=decision, comment=comment, source=source),
        id=f"token-{grant.token_id}"))
    if problem:
        if grant.used_at is not None:
            return await read_only(session, views.signoff, link, None, comment)
        return views.message(link.meeting, "Niet verwerkt", problem, 409)
    heading = "Dank u wel" if result.accepted else "Niet verwerkt"
    return views.message(link.meeting, heading, result.message, 200 if result.accepted else 409)


async def post_rsvp(session: Session, client: Client, link: Link, form: Mapping, source: str,
                    limits: LinkChangeLimits) -> Page:
    response = rsvp_from_form(form)
    if response is None:
        return await off_loop(session, views.rsvp, link, "Kies 'Ik kom' of 'Ik kom niet'.", 400)
    grant = link.grant
    standing: Standing = await read_only(session, current_standing, link.meeting.meeting_id, grant.person_id)
    verdict = gate(limits, "rsvp", grant.token_id, response, standing)
    if verdict.wait_minutes:
        return await off_loop(session, views.rsvp, link, link_too_many_text(verdict.wait_minutes), 429)
    if not verdict.unchanged:
        result, problem = await run_update(_handle(client, link).execute_update(
            MeetingWorkflow.rsvp,
            RsvpInput(person_id=grant.person_id, response=response, token_id=grant.token_id, source=source),
            id=verdict.update_id))
        if problem:
            return await off_loop(session, views.rsvp, link, problem, 409)
        response = result.response
    text = "U bent aangemeld. Tot dan!" if response == "attending" else "U bent afgemeld. Dank voor het laten weten."
    return views.message(link.meeting, "Uw antwoord is genoteerd", text + " U kunt uw antwoord tot de vergadering "
                         "wijzigen via dezelfde link.")


async def post_agenda(session: Session, client: Client, link: Link, form: Mapping, source: str,
                      limits: LinkChangeLimits) -> Page:
    rows, note, submission_id = rows_from_form(form), field_text(form, "note", 2000), submission_id_of(form)
    if field_text(form, "action", 20) == "add_row":
        rows.append(AgendaRow())
        return await off_loop(session, views.agenda_form, link, rows, None, note, submission_id)
    items, errors = agenda_from_rows(rows)
    if errors:
        return await off_loop(session, views.agenda_form, link, rows, errors, note, submission_id, 400)
    update_id = f"agenda-{link.grant.token_id}-{submission_id}"
    wait = limits.take(link.grant.token_id, update_id)  # each version is mailed to the signers
    if wait:
        return await off_loop(session, views.agenda_form, link, rows, [link_too_many_text(wait)], note, submission_id,
                              429)
    result, problem = await run_update(_handle(client, link).execute_update(
        MeetingWorkflow.submit_agenda,
        SubmitAgenda(submitted_by_person_id=link.grant.person_id, items=items, note=note), id=update_id))
    if problem:
        return await off_loop(session, views.agenda_form, link, rows, [problem], note, submission_id, 409)
    return views.message(link.meeting, "Agenda opgeslagen",
                         f"Versie {result.version} van de agenda is opgeslagen. De voorzitter en u krijgen een "
                         "e-mail met een link om deze versie goed te keuren.")


async def post_minutes(session: Session, client: Client, link: Link, form: Mapping, source: str,
                       limits: LinkChangeLimits) -> Page:
    minutes, submission_id = minutes_from_form(form), submission_id_of(form)
    if minutes.errors:
        return await off_loop(session, views.minutes_form, link, minutes, submission_id, 400)
    update_id = f"minutes-{link.grant.token_id}-{submission_id}"
    wait = limits.take(link.grant.token_id, update_id)  # each version is mailed to the chair
    if wait:
        minutes.errors.append(link_too_many_text(wait))
        return await off_loop(session, views.minutes_form, link, minutes, submission_id, 429)
    result, problem = await run_update(_handle(client, link).execute_update(
        MeetingWorkflow.submit_minutes,
        SubmitMinutes(submitted_by_person_id=link.grant.person_id, minutes_text=minutes.text,
                      decisions=minutes.decision_list()), id=update_id))
    if problem:
        minutes.errors.append(problem)
        return await off_loop(session, views.minutes_form, link, minutes, submission_id, 409)
    return views.message(link.meeting, "Verslag opgeslagen",
                         f"Versie {result.version} van het verslag is opgeslagen en ter goedkeuring "
                         "naar de voorzitter gestuurd.")


ACTIONS = {TokenPurpose.agenda_signoff: post_signoff, TokenPurpose.minutes_signoff: post_signoff,
           TokenPurpose.rsvp: post_rsvp, TokenPurpose.agenda_draft: post_agenda, TokenPurpose.minutes_draft: post_minutes}
