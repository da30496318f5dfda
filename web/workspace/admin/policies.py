"""The durations on the admin settings page, one section per body: the board and every committee (MeetingPolicy),
the general meeting (AlvPolicy) and the network body (NetworkPolicy), each stored in its Body.policy_json.

A blank field means "the default"; keys of other flows already in a body's policy_json are kept. The network body
is made on first use (raadsbode.services.network): the page only makes it when a network duration is typed."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.tables.org import Body, BodyKind
from raadsbode.domain.alv_policy import AlvPolicy, NetworkPolicy
from raadsbode.store.associations import body_of_kind
from raadsbode.services.network import NETWORK_BODY_NAME, network_body
from raadsbode.domain.policy import TECHNICAL_KEYS, Durations, MeetingPolicy, normalise_overrides

LABELS = {
    "agenda_request_before": "Agenda opvragen, voor de vergadering", "signoff_reminder_after": "Herinnering aftekenen, na start ronde",
    "deputy_may_sign_after": "Loco-voorzitter mag tekenen, na start ronde", "convocation_before": "Oproeptermijn (uitnodiging vooraf)",
    "attendance_overview_before": "Aanwezigheidsoverzicht, vooraf", "reminder_before": "Herinnering aan deelnemers, vooraf",
    "minutes_request_after": "Verslag opvragen, na afloop", "minutes_link_valid": "Link voor het verslag geldig",
    "save_the_date_before": "Save the date, vooraf", "motions_close_before": "Sluiting moties, vooraf",
    "registration_deadline_before": "Aanmelden sluit, vooraf", "attendance_list_before": "Presentielijst, vooraf",
    "decisions_request_after": "Besluitenlijst opvragen, na afloop", "announce_before": "Aankondiging met uitnodiging, vooraf",
    "registration_closes_before": "Aanmelden sluit, vooraf"}
NETWORK_PREFIX = "netwerk"


@dataclass
class PolicySection:
    """One fieldset: form fields `<prefix>__<key>`; body None only for a network body not made yet."""

    prefix: str
    heading: str
    policy: type[Durations]
    body: Body | None

    def field(self, key: str) -> str:
        return f"{self.prefix}__{key}"

    def keys(self) -> list[str]:
        """The durations a secretary sets (not the technical ones, like the sign-off filing's quiet period)."""
        return [key for key in self.policy.keys() if key not in TECHNICAL_KEYS]

    def names(self) -> list[str]:
        return [self.field(key) for key in self.keys()]

    def defaults(self) -> dict[str, str]:
        return {key: value for key, value in self.policy().as_strings().items() if key not in TECHNICAL_KEYS}


def sections(session: Session, association_id: int) -> list[PolicySection]:
    """Board, general meeting, each committee (by name), network meetings: in that order."""
    found = [PolicySection("board", "Dagelijks bestuur", MeetingPolicy, body_of_kind(session, association_id, BodyKind.board)),
             PolicySection("alv", "Algemene Ledenvergadering", AlvPolicy,
                           body_of_kind(session, association_id, BodyKind.general_meeting))]
    for committee in _bodies(session, association_id, BodyKind.committee):
        found.append(PolicySection(f"commissie{committee.id}", committee.name, MeetingPolicy, committee))
    network = next(iter(_bodies(session, association_id, BodyKind.network)), None)
    found.append(PolicySection(NETWORK_PREFIX, network.name if network else NETWORK_BODY_NAME, NetworkPolicy, network))
    return found


def _bodies(session: Session, association_id: int, kind: BodyKind) -> list[Body]:
    return list(session.exec(select(Body).where(Body.association_id == association_id, Body.kind == kind)
                             .order_by(col(Body.name), col(Body.id))).all())


def stored_overrides(body: Body | None) -> dict[str, str]:
    try:
        stored = json.loads(body.policy_json or "{}") if body else {}
    except ValueError:
        stored = {}
    return stored if isinstance(stored, dict) else {}


def stored_values(found: list[PolicySection]) -> dict[str, str]:
    """The form's duration fields as stored (blank where the default applies)."""
    values: dict[str, str] = {}
    for section in found:
        stored = stored_overrides(section.body)
        values.update({section.field(key): str(stored.get(key, "")) for key in section.keys()})
    return values


def save_policies(session: Session, association_id: int, found: list[PolicySection], values: Mapping[str, str]) -> None:
    """Each body's policy_json from the checked form; the network body is made only when a duration is typed."""
    for section in found:
        typed = {key: values[section.field(key)] for key in section.keys() if values.get(section.field(key))}
        body = section.body
        if body is None:
            if not typed:
                continue
            body = network_body(session, association_id)
        kept = {key: value for key, value in stored_overrides(body).items() if key not in section.keys()}
        body.policy_json = json.dumps(kept | normalise_overrides(typed, section.policy), sort_keys=True)
        session.add(body)
