"""Audit events as a secretary reads them (Dutch): the action, and the few details that mean something to a
person (no token ids or sequence numbers). Used by the dashboard and by a meeting's timeline."""
from __future__ import annotations

import json

from models.messages.meeting import SIGNER_ROLE_LABELS
from web.workspace.members.forms import ROLE_LABELS as SEAT_ROLE_LABELS
from raadsbode.domain.vocabulary import response_labels

ACTION_LABELS = {
    "staff-signin": "ingelogd", "staff-signout": "uitgelogd", "agenda-submitted": "agenda ingediend",
    "minutes-submitted": "verslag ingediend", "rsvp": "aan- of afmelding", "rescheduled": "vergadering verplaatst",
    "cancelled": "vergadering geannuleerd", "registration": "aanmelding", "network-signup": "aanmelding netwerkbijeenkomst",
    "network-cancel": "afmelding netwerkbijeenkomst", "person-added": "persoon toegevoegd",
    "person-changed": "persoon gewijzigd", "membership-changed": "bestuursrol gewijzigd", "members-imported": "leden geïmporteerd",
    "venue-saved": "locatie opgeslagen", "signoff-link-resent": "ondertekenlink opnieuw verstuurd",
    "status-convened": "status: uitnodiging verstuurd", "status-held": "status: vergadering gehouden",
    "status-closed": "status: afgerond", "status-cancelled": "status: geannuleerd",
    "published-agenda": "agenda gepubliceerd", "published-decisions": "besluitenlijst gepubliceerd",
    "network-changed": "netwerkbijeenkomst gewijzigd", "venue-deleted": "locatie verwijderd",
    "membership-removed": "uit het bestuur gehaald", "association-changed": "verenigingsgegevens gewijzigd",
    "staff-role-given": "toegang tot de werkruimte gegeven", "staff-role-taken": "toegang tot de werkruimte ingetrokken",
    "committee-added": "commissie toegevoegd", "committee-renamed": "commissie hernoemd",
    "committee-deleted": "commissie verwijderd", "committee-membership-changed": "commissierol gewijzigd",
    "committee-membership-removed": "uit de commissie gehaald",
    "mail-refused": "e-mail geweigerd: onveilige of ongeldige gegevens",
    "newsletter-relay-refused": "nieuwsbrief gepauzeerd: de mailserver weigerde hem",
    "mail-relay-refused": "e-mail geweigerd door de mailserver (wordt opnieuw geprobeerd)",
}
# The secretary's judgement of a motion or agenda proposal (raadsbode/services/alv/motions.py motion_action).
MOTION_VERDICTS = {"admitted": "toegelaten tot de agenda", "not-admitted": "niet toegelaten",
                   "submitted": "teruggezet naar ingediend", "withdrawn": "ingetrokken"}
ACTION_LABELS |= {f"{kind}-{status}": f"{noun} {verdict}" for kind, noun in (("motion", "motie"),
                  ("agenda-proposal", "agendavoorstel")) for status, verdict in MOTION_VERDICTS.items()}
SIGNOFF_SUBJECTS = {"agenda-signoff": "agenda", "minutes-signoff": "verslag", "decisions-signoff": "besluitenlijst"}
VERDICTS = {"approve": "goedgekeurd", "request_changes": "wijzigingen gevraagd"}
# Detail keys worth showing, with their Dutch name; values of some are translated too.
DETAIL_LABELS = {"version": "versie", "items": "agendapunten", "slot": "als", "response": "antwoord", "reason": "reden",
                 "status": "status", "promoted": "van de wachtlijst", "name": "naam", "email": "e-mail",
                 "role": "rol", "portfolio": "portefeuille", "motion": "titel", "capacity": "plaatsen",
                 "committee": "commissie", "previous_name": "oude naam", "address": "adres"}
RESPONSE_LABELS = response_labels("about")
# A seat's role on the board or a committee (as the seat form names it), or a staff member's role in the workspace.
ROLE_VALUES = {role: label.lower() for role, label in SEAT_ROLE_LABELS.items()} | {"editor": "redactie",
                                                                                    "admin": "beheer"}
VALUE_LABELS = {"slot": SIGNER_ROLE_LABELS, "response": RESPONSE_LABELS, "role": ROLE_VALUES}


def audit_action_label(action: str) -> str:
    """An audit event's action as a person reads it (Dutch, lower case)."""
    purpose, _, decision = action.partition(":")
    if decision:  # sign-off decisions: "agenda-signoff:approve"
        return f"{SIGNOFF_SUBJECTS.get(purpose, purpose)} {VERDICTS.get(decision, decision)}"
    return ACTION_LABELS.get(action, action.replace("-", " "))


def audit_detail(detail_json: str) -> str:
    """The details a person can use ("versie: 1, als: voorzitter"); ids and other internals are left out."""
    try:
        detail = json.loads(detail_json or "{}")
    except ValueError:
        return ""
    if not isinstance(detail, dict):
        return ""
    shown = [f"{DETAIL_LABELS[key]}: {_value(key, value)}" for key, value in detail.items()
             if key in DETAIL_LABELS and value not in ("", None, [], {})]
    return ", ".join(shown)[:200]


def _value(key: str, value: object) -> object:
    return VALUE_LABELS.get(key, {}).get(value, value) if isinstance(value, str) else value
