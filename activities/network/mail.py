"""A network meeting's emails, in the ALV layout: the announcement with an invitation (iTIP REQUEST) to the
association's contacts, and to each sign-up a confirmation, a waiting-list notice, a "you moved up" and a
reminder, each with a personal link to cancel. Sign-ups are not Person rows, so they are addressed with
an unsaved Person (name and email only)."""
from __future__ import annotations

from activities.alv.mail import message
from activities.meeting.mail import MeetingMail
from models.tables.alv import MeetingDetails, NetworkSignup
from models.messages.mail import OutboundEmail
from models.tables.org import Person
from raadsbode.store import tokens
from raadsbode.domain.vocabulary import TokenPurpose
from raadsbode.store.meetings import meeting_details

CANCEL_PURPOSE = TokenPurpose.network_cancel


def register_url(mm: MeetingMail) -> str:
    return f"{mm.deps.settings.public_base_url}/openbaar/{mm.association.slug}/netwerk/{mm.meeting.id}"


def _details(mm: MeetingMail) -> MeetingDetails | None:
    return meeting_details(mm.session, mm.meeting.id)


def as_person(mm: MeetingMail, signup: NetworkSignup) -> Person:
    return Person(association_id=mm.meeting.association_id, name=signup.name, email=signup.email)


def signup_version(signup: NetworkSignup) -> int:
    """Ledger version of a sign-up's emails: a new registration after a cancellation is a new one."""
    return int(signup.created_at.timestamp())


def cancel_link(mm: MeetingMail, signup: NetworkSignup) -> str:
    raw = tokens.issue_token(mm.session, association_id=mm.meeting.association_id, purpose=CANCEL_PURPOSE,
                             subject_ref=mm.ref, version=signup.id, person_id=None, expires_at=mm.meeting.starts_at,
                             single_use=False)
    return f"{mm.deps.settings.public_base_url}/netwerk/afmelden/{raw}"


def announcement(mm: MeetingMail, person: Person, version: int) -> OutboundEmail:
    details, url = _details(mm), register_url(mm)
    places = f"Er zijn {details.capacity} plaatsen; wie zich daarna aanmeldt, komt op de wachtlijst." \
        if details and details.capacity else ""
    out = message(mm, "network-announcement", version, person, f"Uitnodiging: {mm.meeting.title}, {mm.when()}",
                  mm.meeting.title, paragraphs=[p for p in (
                      f"{mm.association.name} nodigt u uit voor de netwerkbijeenkomst {mm.meeting.title} op {mm.when()}.",
                      details.description if details else "", places,
                      "Aanmelden kan met de knop hieronder; u mag deze uitnodiging doorsturen.") if p],
                  buttons=[{"label": "Aanmelden", "url": url}])
    return mm.calendar(out, person, "REQUEST", url, [])


def cancel(mm: MeetingMail, person: Person, version: int) -> OutboundEmail:
    out = message(mm, "network-cancel", version, person, f"Geannuleerd: {mm.meeting.title}, {mm.when()}",
                  "Bijeenkomst geannuleerd", paragraphs=[f"De netwerkbijeenkomst {mm.meeting.title} van {mm.when()} gaat niet door."])
    return mm.calendar(out, person, "CANCEL", "", [])


SIGNUP_TEXTS = {
    "registered": ("Aangemeld: {title}", "U bent aangemeld", "Fijn dat u komt naar {title} op {when}."),
    "waiting": ("Wachtlijst: {title}", "U staat op de wachtlijst",
                "De bijeenkomst {title} op {when} is vol. U staat op de wachtlijst; komt er een plaats vrij, "
                "dan krijgt u bericht."),
    "promoted": ("Er is een plaats voor u: {title}", "U bent aangemeld",
                 "Er is een plaats vrijgekomen: u bent van de wachtlijst aangemeld voor {title} op {when}."),
    "reminder": ("Herinnering: {title}, {when}", "Tot binnenkort", "Een herinnering: u bent aangemeld voor {title} op {when}."),
    "meeting-cancelled": ("Geannuleerd: {title}", "Bijeenkomst geannuleerd", "De bijeenkomst {title} op {when} gaat niet door."),
}


def signup_email(mm: MeetingMail, signup: NetworkSignup, kind: str) -> OutboundEmail:
    subject, heading, text = (t.format(title=mm.meeting.title, when=mm.when()) for t in SIGNUP_TEXTS[kind])
    person = as_person(mm, signup)
    cancelled = kind == "meeting-cancelled"
    buttons = [] if cancelled else [{"label": "Afmelden", "url": cancel_link(mm, signup)}]
    paragraphs = [text] + ([] if cancelled else ["Kunt u toch niet? Meld u dan af, dan krijgt een ander uw plaats."])
    out = message(mm, f"network-{kind}", signup_version(signup), person, subject, heading,
                  paragraphs=paragraphs, buttons=buttons)
    if kind in ("registered", "promoted"):  # into their calendar once they have a place
        return mm.calendar(out, person, "REQUEST", register_url(mm), [])
    return out


BATCH_BUILDERS = {"announcement": announcement, "cancel": cancel}
