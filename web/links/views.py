"""What each link page shows: the template and its context, built from read-only look-ups."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlmodel import Session

from raadsbode.domain.agenda import KIND_LABELS
from raadsbode.services.meeting.agenda import draft_items
from raadsbode.store.tokens import TokenGrant
from web.links import data
from web.common.forms import AgendaRow, MinutesForm, rows_from_items
from raadsbode.domain.vocabulary import BOARD_RESPONSES, Response, TokenPurpose, response_labels

DECISION_LABELS = {"approve": "goedgekeurd", "request_changes": "wijzigingen gevraagd"}
RESPONSE_LABELS = response_labels("to_member", (*BOARD_RESPONSES, Response.none))
SUBJECT_LABELS = {TokenPurpose.agenda_signoff: "agenda", TokenPurpose.minutes_signoff: "verslag"}


@dataclass(frozen=True)
class Link:
    """A looked-up link: the raw token (for the form), what it grants, its meeting, its CSRF field, its holder."""

    raw: str
    grant: TokenGrant
    meeting: data.MeetingFacts
    csrf: str
    person: str  # the holder's name


@dataclass
class Page:
    template: str
    ctx: dict = field(default_factory=dict)
    status: int = 200


def refused() -> Page:
    """The one page for every unusable link: it never says which check failed."""
    return Page("link_refused.html.j2", {}, 404)


def message(meeting: data.MeetingFacts | None, heading: str, text: str, status: int = 200) -> Page:
    return Page("link_message.html.j2", {"meeting": meeting, "heading": heading, "text": text}, status)


def superseded(meeting: data.MeetingFacts, grant: TokenGrant) -> Page:
    subject = SUBJECT_LABELS.get(grant.purpose, "agenda")
    return message(meeting, "Er is een nieuwere versie",
                   f"Deze link hoort bij een oudere versie van de {subject} (versie {grant.version}). "
                   f"Er is inmiddels een nieuwe versie, en daarvoor is u een nieuwe link gestuurd.", 410)


def registration_closed(meeting: data.MeetingFacts) -> Page:
    return message(meeting, "Aanmelden is gesloten",
                   "Aan- en afmelden voor deze vergadering kan niet meer. "
                   "Neem zo nodig contact op met het secretariaat.", 410)


def _agenda_context(session: Session, link: Link) -> dict:
    items = data.agenda_items(session, link.meeting.meeting_id, link.grant.version)
    return {"items": [{"number": i.number, "title": i.title, "kind": KIND_LABELS.get(str(i.kind), str(i.kind)),
                       "presenter": i.presenter, "documents": data.documents_of(i)} for i in items],
            "minutes": None}


def _minutes_context(session: Session, link: Link) -> dict:
    minutes = data.minutes_version(session, link.meeting.meeting_id, link.grant.version)
    return {"items": [], "minutes": {"text": minutes.text if minutes else "",
                                     "decisions": data.decisions_of(minutes) if minutes else []}}


def _decided(link: Link) -> dict | None:
    grant = link.grant
    if grant.used_at is None:
        return None
    return {"name": link.person, "at": grant.used_at,
            "decision": DECISION_LABELS.get(grant.used_decision, grant.used_decision or "besloten")}


def newer_version(session: Session, link: Link) -> Page | None:
    """The polite page for a sign-off link whose version is no longer the latest; None while it is."""
    if data.latest_version(session, link.grant.purpose, link.meeting.meeting_id) > link.grant.version:
        return superseded(link.meeting, link.grant)
    return None


def signoff(session: Session, link: Link, error: str | None = None, comment: str = "", status: int = 200) -> Page:
    grant = link.grant
    newer = newer_version(session, link)
    if newer is not None:
        return newer
    ctx = _minutes_context(session, link) if grant.purpose == TokenPurpose.minutes_signoff else _agenda_context(session, link)
    ctx.update(meeting=link.meeting, csrf=link.csrf, version=grant.version, error=error, comment=comment,
               subject=SUBJECT_LABELS[grant.purpose], decided=_decided(link), person=link.person)
    return Page("link_signoff.html.j2", ctx, status)


def rsvp(session: Session, link: Link, error: str | None = None, status: int = 200) -> Page:
    current = data.current_response(session, link.meeting.meeting_id, link.grant.person_id)
    return Page("link_rsvp.html.j2", {
        "meeting": link.meeting, "csrf": link.csrf, "current": current,
        "current_label": RESPONSE_LABELS.get(current, RESPONSE_LABELS["none"]),
        "person": link.person, "error": error}, status)


def agenda_form(session: Session, link: Link, rows: list[AgendaRow] | None = None, errors: list[str] | None = None,
                note: str = "", submission_id: str | None = None, status: int = 200) -> Page:
    meeting_id = link.meeting.meeting_id
    if rows is None:  # the latest version, or the standing items for a first draft
        rows = rows_from_items(draft_items(session, meeting_id))
    return Page("link_agenda_form.html.j2", {
        "meeting": link.meeting, "csrf": link.csrf, "rows": rows,
        "errors": errors or [], "note": note, "version": data.latest_version(session, "agenda", meeting_id), "kind_labels": KIND_LABELS,
        "submission_id": submission_id or uuid.uuid4().hex}, status)


def minutes_form(session: Session, link: Link, minutes: MinutesForm | None = None,
                 submission_id: str | None = None, status: int = 200) -> Page:
    latest = data.minutes_version(session, link.meeting.meeting_id)
    if minutes is None:
        minutes = MinutesForm(text=latest.text, decisions="\n".join(data.decisions_of(latest))) if latest else MinutesForm()
    return Page("link_minutes_form.html.j2", {
        "meeting": link.meeting, "csrf": link.csrf, "minutes": minutes, "version": latest.version if latest else 0,
        "submission_id": submission_id or uuid.uuid4().hex}, status)
