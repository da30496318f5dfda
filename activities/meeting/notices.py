"""One builder per kind of meeting email: who gets it, which link, which template, which subject.

Each returns the OutboundEmails still to send (people the ledger already shows as sent are skipped
before any link is issued for them).
"""
from __future__ import annotations

import json

from sqlmodel import select

from activities.meeting.mail import MeetingMail
from activities.meeting.store import recipients
from models.messages.meeting_activity import SignoffRequest
from models.tables.meetings import Attendance, Response
from models.messages.mail import OutboundEmail
from models.tables.minutes import Minutes
from models.tables.org import MemberRole, Person
from raadsbode.domain.vocabulary import BOARD_RESPONSES, DRAFT_PURPOSE, TokenPurpose, response_labels
from raadsbode.store.meetings import attendance

# The overview counts exactly these keys, in this order (the template shows them so).
RESPONSE_LABELS = response_labels("about", (*BOARD_RESPONSES, Response.none))


def _secretary(mm: MeetingMail) -> Person:
    person = mm.role_holder(MemberRole.secretary)
    if person is None:
        raise LookupError(f"{mm.body.name} has no secretary to write to")
    return person


def drafting_request(mm: MeetingMail, what: str, title: str) -> list[OutboundEmail]:
    """Ask the secretary, once, to draft the agenda or the minutes (what: "agenda" or "minutes")."""
    secretary, kind = _secretary(mm), f"meeting-{what}-request"
    if mm.already_sent(kind, 0, secretary):
        return []
    return [mm.email(kind, 0, secretary, f"meeting_{what}_request", f"{title} opstellen: {mm.body.name}, {mm.when()}",
                     link=mm.link(f"{what}-draft", 0, secretary))]


def minutes_version(mm: MeetingMail, version: int) -> Minutes:
    return mm.session.exec(select(Minutes).where(Minutes.meeting_id == mm.meeting.id, Minutes.version == version)).one()


def signoff_content(mm: MeetingMail, purpose: str, version: int) -> dict:
    """What a sign-off request shows: the agenda's items, or the minutes' text and decisions."""
    content: dict = {"items": [], "minutes_text": "", "decisions": []}
    if purpose == TokenPurpose.agenda_signoff:
        content["items"] = mm.agenda(version)
    else:
        minutes = minutes_version(mm, version)
        content.update(minutes_text=minutes.text, decisions=json.loads(minutes.decisions_json))
    return content


def signoff_subject(mm: MeetingMail, req: SignoffRequest) -> str:
    what = "Agenda" if req.purpose == TokenPurpose.agenda_signoff else "Verslag"
    prefix = "Herinnering: " if req.reminder else ""
    return f"{prefix}{what} ter ondertekening (versie {req.version}): {mm.body.name}, {mm.when()}"


def signoff_requests(mm: MeetingMail, req: SignoffRequest) -> list[OutboundEmail]:
    kind = f"{req.purpose}-{'reminder' if req.reminder else 'request'}"
    content = signoff_content(mm, req.purpose, req.version)
    outs = []
    for person in (mm.person(pid) for pid in req.person_ids):
        if not mm.already_sent(kind, req.version, person):
            outs.append(mm.email(kind, req.version, person, "meeting_signoff_request", signoff_subject(mm, req),
                                 link=mm.link(req.purpose, req.version, person, single_use=True), version=req.version,
                                 purpose=req.purpose, reminder=req.reminder, in_place_of_chair=req.in_place_of_chair,
                                 **content))
    return outs


def decision_confirmation(mm: MeetingMail, person: Person, purpose: str, version: int, decision: str) -> OutboundEmail:
    what = _what(purpose)
    verb = "goedgekeurd" if decision == "approve" else "teruggestuurd met een verzoek om wijzigingen"
    return mm.email(f"{purpose}-confirmation", version, person, "meeting_decision_confirmation",
                    f"Bevestiging: u heeft {what} (versie {version}) {verb}", what=what, verb=verb, version=version)


def _what(purpose: str) -> str:
    return "de agenda" if purpose == TokenPurpose.agenda_signoff else "het verslag"


def changes_requested(mm: MeetingMail, purpose: str, version: int, comment: str, by: Person) -> list[OutboundEmail]:
    secretary = _secretary(mm)
    what = _what(purpose)
    link = mm.link(DRAFT_PURPOSE[purpose], 0, secretary)
    return [mm.email(f"{purpose}-changes", version, secretary, "meeting_changes_requested",
                     f"Wijzigingen gevraagd in {what} (versie {version}): {mm.body.name}, {mm.when()}",
                     what=what, version=version, comment=comment, by_name=by.name, link=link)]


def convocation(mm: MeetingMail, version: int, amended: bool) -> list[OutboundEmail]:
    kind = "meeting-amended-agenda" if amended else "meeting-convocation"
    label = "Gewijzigde agenda vergadering" if amended else "Uitnodiging vergadering"
    items = mm.agenda(version)
    outs = []
    for person in recipients(mm.members):
        if mm.already_sent(kind, version, person):
            continue
        link = mm.link(TokenPurpose.rsvp, 0, person)
        out = mm.email(kind, version, person, "meeting_convocation", f"{label} {mm.body.name}, {mm.when()}",
                       items=items, link=link, amended=amended, version=version)
        outs.append(out if amended else mm.calendar(out, person, "REQUEST", link, items))
    return outs


def calendar_change(mm: MeetingMail, method: str, reason: str) -> list[OutboundEmail]:
    """An updated REQUEST (new time or place) or a CANCEL, with the meeting's UID and new SEQUENCE."""
    sequence, outs = mm.meeting.ical_sequence, []
    receivers = mm.request_receivers()
    if method == "REQUEST":  # current members too: someone who joined the board since gets the update
        known = {p.id for p in receivers}
        receivers += [p for p in recipients(mm.members) if p.id not in known]
    kind = "meeting-update" if method == "REQUEST" else "meeting-cancel"
    label = "Gewijzigd" if method == "REQUEST" else "Geannuleerd"
    for person in receivers:
        if mm.already_sent(kind, sequence, person):
            continue
        link = mm.link(TokenPurpose.rsvp, 0, person) if method == "REQUEST" else ""
        out = mm.email(kind, sequence, person, f"meeting_{'update' if method == 'REQUEST' else 'cancel'}",
                       f"{label}: vergadering {mm.body.name}, {mm.when()}", link=link, reason=reason)
        outs.append(mm.calendar(out, person, method, link, []))
    return outs


def notice_missed(mm: MeetingMail) -> list[OutboundEmail]:
    secretary = _secretary(mm)
    return [mm.email("meeting-notice-missed", 0, secretary, "meeting_notice_missed",
                     f"Oproeptermijn niet gehaald: {mm.body.name}, {mm.when()}",
                     notice_text=_duration_nl(mm))]


def _duration_nl(mm: MeetingMail) -> str:
    seconds = int(mm.policy.convocation_before.total_seconds())
    for unit, name in ((86400, "dagen"), (3600, "uur"), (60, "minuten")):
        if seconds % unit == 0:
            return f"{seconds // unit} {name}"
    return f"{seconds} seconden"


SOURCE_LABELS = {"link": "via de link", "itip": "via de agenda-uitnodiging", "secretary": "door het secretariaat"}


def _answers(mm: MeetingMail) -> dict[int, str]:
    return {row.person_id: str(row.response) for row in _attendance(mm)}


def _attendance(mm: MeetingMail) -> list[Attendance]:
    return attendance(mm.session, mm.meeting.id)


def attendance_overview(mm: MeetingMail, version: int) -> list[OutboundEmail]:
    rows = {row.person_id: row for row in _attendance(mm)}
    answers = {p.id: str(rows[p.id].response) if p.id in rows else "none" for p in recipients(mm.members)}
    people = [{"name": p.name, "answer": RESPONSE_LABELS.get(answers[p.id], RESPONSE_LABELS["none"]),
               "via": SOURCE_LABELS.get(rows[p.id].source, "") if p.id in rows else ""}
              for p in recipients(mm.members)]
    counts = {key: list(answers.values()).count(key) for key in RESPONSE_LABELS}
    return [mm.email("meeting-attendance-overview", version, _secretary(mm), "meeting_attendance_overview",
                     f"Aanwezigheid: {mm.body.name}, {mm.when()}", people=people, counts=counts)]


def attendance_reminder(mm: MeetingMail, version: int) -> list[OutboundEmail]:
    answers = _answers(mm)
    attending = [p for p in recipients(mm.members) if answers.get(p.id) == Response.attending.value]
    return [mm.email("meeting-reminder", version, p, "meeting_reminder", f"Herinnering: vergadering {mm.body.name}, "
                     f"{mm.when()}") for p in attending if not mm.already_sent("meeting-reminder", version, p)]


def minutes_release(mm: MeetingMail, version: int) -> list[OutboundEmail]:
    minutes = minutes_version(mm, version)
    decisions = json.loads(minutes.decisions_json)
    return [mm.email("meeting-minutes", version, p, "meeting_minutes", f"Verslag vergadering {mm.body.name}, {mm.when()}",
                     minutes_text=minutes.text, decisions=decisions) for p in recipients(mm.members)]


BUILDERS = {
    "agenda-request": lambda mm, version: drafting_request(mm, "agenda", "Agenda"),
    "notice-missed": lambda mm, version: notice_missed(mm),
    "attendance-overview": attendance_overview,
    "attendance-reminder": attendance_reminder,
    "minutes-request": lambda mm, version: drafting_request(mm, "minutes", "Verslag"),
    "minutes": minutes_release,
}
