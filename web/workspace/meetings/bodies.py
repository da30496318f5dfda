"""Which body a meeting planned on /werkruimte/vergaderingen/nieuw is for: the board or one of the association's
committees (both run MeetingWorkflow: agenda, sign-off by the body's chair and secretary, convocation, minutes).
An ALV or a network meeting has its own page; a body of another association is refused like an unknown one."""
from __future__ import annotations

import math

from sqlmodel import Session

from models.tables.org import Body, BodyKind
from web.workspace.meetings import data
from web.workspace.meetings.forms import MAX_NOTICE_DAYS
from web.workspace.admin.policies import stored_overrides
from raadsbode.domain.policy import MeetingPolicy

BODY_FIELD = "body_id"
NOT_LISTED = "Kies een orgaan uit de lijst: het dagelijks bestuur of een commissie."
OWN_PAGE = {BodyKind.general_meeting: "Een ALV plant u met 'Extra ALV bijeenroepen' of in de jaarplanning, niet hier.",
            BodyKind.network: "Een netwerkbijeenkomst plant u met 'Netwerkbijeenkomst plannen', niet hier."}
NO_BOARD = "Deze vereniging heeft geen dagelijks bestuur."


def chosen_body(session: Session, association_id: int, raw: str, errors: dict[str, str]) -> Body | None:
    """The body the form names (blank: the board); None with a Dutch error in `errors` otherwise."""
    if not raw:
        board = data.board_body(session, association_id)
        if board is None:
            errors["form"] = NO_BOARD
        return board
    body = session.get(Body, int(raw)) if raw.isdigit() else None
    if body is None or body.association_id != association_id:
        errors[BODY_FIELD] = NOT_LISTED
        return None
    if body.kind not in data.PLANNABLE_BODIES:
        errors[BODY_FIELD] = OWN_PAGE.get(body.kind, NOT_LISTED)
        return None
    return body


def meeting_kind(body: Body) -> str:
    """The Meeting.kind of a meeting of this body (as the CLI's `meeting start` picks it)."""
    return "committee" if body.kind == BodyKind.committee else "board"


def notice_days_of(body: Body | None) -> str:
    """The body's own notice period (convocation_before) in whole days, rounded up, for the form's field."""
    try:
        policy = MeetingPolicy.from_layers(stored_overrides(body), strict_last=False)
    except ValueError:
        policy = MeetingPolicy()
    days = math.ceil(policy.convocation_before.total_seconds() / 86400)
    return str(min(max(days, 1), MAX_NOTICE_DAYS))


def body_choices(session: Session, association_id: int) -> list[dict]:
    """The select's options with each body's own notice period (the hint names them)."""
    return [{"id": str(body.id), "name": body.name, "notice_days": notice_days_of(body), "kind": str(body.kind)}
            for body in data.plannable_bodies(session, association_id)]


def notice_hint(choices: list[dict]) -> str:
    """'Eigen oproeptermijn: Dagelijks bestuur 7 dagen, Commissie Financiën 14 dagen.' for the field's hint."""
    if not choices:
        return ""
    return "Eigen oproeptermijn: " + ", ".join(f"{c['name']} {c['notice_days']} dagen" for c in choices) + "."


def preselected(choices: list[dict], wanted: str) -> dict | None:
    """The option a link asks for: ?orgaan=<id>, or ?orgaan=commissie for the first committee; else the board."""
    if wanted == "commissie":
        return next((c for c in choices if c["kind"] == BodyKind.committee), None)
    return next((c for c in choices if c["id"] == wanted), choices[0] if choices else None)
