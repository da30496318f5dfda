"""The ALV's emails: audience-wide ones built per batch of people, and one-off notices to the secretary.

Built on the board's MeetingMail (context, personal links, per-person VCALENDAR with the meeting's UID),
so an ALV invitation is the same kind of iTIP REQUEST as a board convocation.
"""
from __future__ import annotations

import json

from sqlmodel import col, select

from activities.alv import store
from activities.meeting.mail import MeetingMail
from models.tables.alv import AlvDecision, MeetingDetails
from models.tables.ledger import AuditEvent
from models.messages.mail import OutboundEmail
from models.tables.org import MemberRole, Person
from raadsbode.domain.decisions import OUTCOME_LABELS
from raadsbode.services.alv.motions import closing_at, motion_views
from raadsbode.store.attendance import presence_groups
from raadsbode.domain.vocabulary import TokenPurpose, response_labels

TEMPLATE = "alv_message"
RESPONSE_LABELS = response_labels("presence")


def _date(mm: MeetingMail, value) -> str:
    return mm.deps.renderer.render_string("{{ d|nl_datetime }}", d=value)


def page_link(mm: MeetingMail, purpose: str, person: Person) -> str:
    """A personal link to one of the ALV's own pages (/motie/..., /aanmelden/...), not the board's /l/."""
    prefix = {TokenPurpose.motion_submit: "motie", TokenPurpose.alv_registration: "aanmelden"}[purpose]
    return mm.link(purpose, 0, person).replace("/l/", f"/{prefix}/", 1)


def _button(label: str, url: str) -> dict:
    return {"label": label, "url": url}


def _email(mm: MeetingMail, kind: str, version: int, person: Person, subject: str, heading: str, **ctx) -> OutboundEmail:
    return message(mm, f"alv-{kind}", version, person, subject, heading, **ctx)


def message(mm: MeetingMail, ledger_kind: str, version: int, person: Person, subject: str, heading: str,
            **ctx) -> OutboundEmail:
    """An email in the ALV layout (heading, paragraphs, buttons, optional lists), keyed for the ledger."""
    ctx.setdefault("paragraphs", [])
    for name in ("items", "motions", "decisions", "groups", "buttons"):
        ctx.setdefault(name, [])
    return mm.email(ledger_kind, version, person, TEMPLATE, subject, heading=heading, **ctx)


def _reason(mm: MeetingMail) -> list[str]:
    """An extra ALV says why it is called."""
    reason = mm.session.exec(select(MeetingDetails.reason).where(MeetingDetails.meeting_id == mm.meeting.id)).first()
    return [f"Aanleiding: {reason}"] if reason else []


def save_the_date(mm: MeetingMail, person: Person, version: int) -> OutboundEmail:
    register, motion = page_link(mm, TokenPurpose.alv_registration, person), page_link(mm, TokenPurpose.motion_submit, person)
    closes = _date(mm, closing_at(mm.session, mm.meeting))
    out = _email(mm, "save-the-date", version, person, f"Save the date: {mm.meeting.title}, {mm.when()}",
                 "Save the date", paragraphs=[
                     f"Noteer alvast de datum: de {mm.meeting.title} van {mm.association.name} is op {mm.when()}.",
                     *_reason(mm),
                     "Wilt u een motie of een agendavoorstel indienen? Dat kan met de knop hieronder, "
                     f"tot uiterlijk {closes}. Vermeld de indienende gemeente en eventuele mede-indieners.",
                     "De agenda en de vergaderstukken volgen met de uitnodiging."],
                 buttons=[_button("Motie of agendavoorstel indienen", motion), _button("Aanmelden of afmelden", register)])
    return mm.calendar(out, person, "REQUEST", register, [])


def convocation(mm: MeetingMail, person: Person, version: int) -> OutboundEmail:
    register = page_link(mm, TokenPurpose.alv_registration, person)
    items = mm.agenda(version)
    out = _email(mm, "convocation", version, person, f"Uitnodiging {mm.meeting.title}, {mm.when()}",
                 f"Uitnodiging {mm.body.name}", paragraphs=[
                     f"Hierbij nodigen wij u uit voor de {mm.meeting.title} van {mm.association.name}.", *_reason(mm),
                     "Laat u ons weten of u komt? U kunt zich ook laten vertegenwoordigen door iemand anders "
                     "van uw gemeente."],
                 items=items, motions=motion_views(mm.session, mm.meeting.id, ("admitted",)),
                 buttons=[_button("Aanmelden, afmelden of vervanger opgeven", register)])
    return mm.calendar(out, person, "REQUEST", register, items)


def reminder(mm: MeetingMail, person: Person, version: int) -> OutboundEmail:
    register = page_link(mm, TokenPurpose.alv_registration, person)
    return _email(mm, "reminder", version, person, f"Herinnering: komt u naar de {mm.meeting.title}?",
                  "Komt u?", paragraphs=[f"Wij hebben nog geen antwoord van u ontvangen voor de {mm.body.name} "
                                         f"op {mm.when()}. Laat u weten of u komt?"],
                  buttons=[_button("Aanmelden of afmelden", register)])


def decisions(mm: MeetingMail, person: Person, version: int) -> OutboundEmail:
    lines = [store.decision_line(d.subject, d.ref, d.title, str(d.outcome)) for d in _decision_rows(mm, version)]
    return _email(mm, "decisions", version, person, f"Besluitenlijst {mm.meeting.title}", "Besluitenlijst",
                  paragraphs=[f"Hieronder staat de vastgestelde besluitenlijst van de {mm.body.name} van {mm.when()}."],
                  decisions=lines, buttons=[_button("Openbare pagina", public_url(mm))])


def cancel(mm: MeetingMail, person: Person, version: int) -> OutboundEmail:
    out = _email(mm, "cancel", version, person, f"Geannuleerd: {mm.meeting.title}, {mm.when()}", "Vergadering geannuleerd",
                 paragraphs=[f"De {mm.body.name} van {mm.when()} gaat niet door.", *_reason_of(mm, "cancelled")])
    return mm.calendar(out, person, "CANCEL", "", [])


def moved(mm: MeetingMail, person: Person, sequence: int) -> OutboundEmail:
    """The ALV moved (time or place): the calendar entry it put in everyone's calendar moves with it."""
    register = page_link(mm, TokenPurpose.alv_registration, person)
    where = f" in {mm.venue.name}" if mm.venue else ""
    published = store.details(mm.session, mm.meeting.id).published_agenda_version  # the convened agenda, if any
    items = mm.agenda(published) if published else []
    out = _email(mm, "moved", sequence, person, f"Verplaatst: {mm.meeting.title}, nu {mm.when()}",
                 "Vergadering verplaatst", paragraphs=[
                     f"De {mm.meeting.title} van {mm.association.name} is verplaatst naar {mm.when()}{where}.",
                     *_reason_of(mm, "rescheduled"), "Uw agenda wordt bijgewerkt. Uw aan- of afmelding blijft staan; "
                     "wijzigen kan met de knop hieronder."],
                 buttons=[_button("Aanmelden, afmelden of vervanger opgeven", register)])
    return mm.calendar(out, person, "REQUEST", register, items)


def _reason_of(mm: MeetingMail, action: str) -> list[str]:
    """The secretary's reason for the latest move or cancellation, as the audit log has it (the batch carries none)."""
    row = mm.session.exec(select(AuditEvent.detail_json).where(
        AuditEvent.subject_ref == mm.ref, AuditEvent.action == action).order_by(col(AuditEvent.id).desc())).first()
    reason = json.loads(row or "{}").get("reason", "")
    return [f"Reden: {reason}"] if reason else []


BATCH_BUILDERS = {"save-the-date": save_the_date, "convocation": convocation, "reminder": reminder,
                  "decisions": decisions, "cancel": cancel, "moved": moved}


def public_url(mm: MeetingMail) -> str:
    return f"{mm.deps.settings.public_base_url}/openbaar/{mm.association.slug}"


def _decision_rows(mm: MeetingMail, version: int) -> list[AlvDecision]:
    return list(mm.session.exec(select(AlvDecision).where(AlvDecision.meeting_id == mm.meeting.id,
                                                          AlvDecision.version == version).order_by(col(AlvDecision.position))).all())


def secretary(mm: MeetingMail) -> Person:
    person = store.officer(mm.session, mm.meeting, MemberRole.secretary)
    if person is None:
        raise LookupError(f"{mm.association.name} has no secretary to write to")
    return person


def motions_closed(mm: MeetingMail, version: int) -> list[OutboundEmail]:
    person = secretary(mm)
    motions = motion_views(mm.session, mm.meeting.id)
    page = f"{mm.deps.settings.public_base_url}/werkruimte/vergaderingen/{mm.meeting.id}/moties"
    return [_email(mm, "motions-closed", version, person, f"Termijn moties gesloten: {mm.meeting.title}",
                   "Termijn voor moties gesloten", paragraphs=[
                       f"De termijn voor moties en agendavoorstellen is gesloten. Er zijn {len(motions)} ingediend.",
                       "Beoordeel ze, stel daarna de agenda op; de voorzitter en u ondertekenen die."],
                   motions=motions, buttons=[_button("Moties bekijken", page),
                                             _button("Agenda opstellen", mm.link(TokenPurpose.agenda_draft, 0, person))])]


def attendance_list(mm: MeetingMail, version: int) -> list[OutboundEmail]:
    groups = presence_groups(mm.session, mm.meeting, RESPONSE_LABELS)
    return [_email(mm, "attendance-list", version, secretary(mm), f"Presentielijst {mm.meeting.title}",
                   "Presentielijst per gemeente", paragraphs=["De aanmeldingen per gemeente, voor de presentielijst."],
                   groups=groups)]


def decisions_request(mm: MeetingMail, version: int) -> list[OutboundEmail]:
    person = secretary(mm)
    return [_email(mm, "decisions-request", version, person, f"Besluitenlijst opstellen: {mm.meeting.title}",
                   "Besluitenlijst opstellen", paragraphs=[
                       "Wilt u de besluitenlijst opstellen? Zet per agendapunt en per motie op een regel wat er besloten "
                       f"is: {', '.join(OUTCOME_LABELS.values())}. De voorzitter en u ondertekenen de lijst."],
                   buttons=[_button("Besluitenlijst opstellen", mm.link(TokenPurpose.minutes_draft, 0, person))])]


NOTICE_BUILDERS = {"motions-closed": motions_closed, "attendance-list": attendance_list,
                   "decisions-request": decisions_request}
__all__ = ["BATCH_BUILDERS", "NOTICE_BUILDERS"]
