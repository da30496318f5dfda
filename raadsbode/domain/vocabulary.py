"""The words the system stores and exchanges, as enums, and the one table of their Dutch labels.

Every value is the string that is already in the database, in workflow histories and in mailed links:
renaming a member is free, changing a value is a migration and a replay break.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TokenPurpose(StrEnum):
    """What an emailed link's token allows (ActionToken.purpose); a page accepts only its own purposes."""

    agenda_signoff = "agenda-signoff"
    minutes_signoff = "minutes-signoff"
    agenda_draft = "agenda-draft"
    minutes_draft = "minutes-draft"
    rsvp = "rsvp"
    alv_registration = "alv-registration"
    motion_submit = "motion-submit"
    network_cancel = "network-cancel"
    newsletter_approve = "newsletter-approve"
    subscribe_confirm = "subscribe-confirm"
    staff_signin = "staff-signin"


SIGNOFF_PURPOSES = (TokenPurpose.agenda_signoff, TokenPurpose.minutes_signoff)
# A sign-off round's "request changes" sends the secretary the draft link of the same document.
DRAFT_PURPOSE = {TokenPurpose.agenda_signoff: TokenPurpose.agenda_draft,
                 TokenPurpose.minutes_signoff: TokenPurpose.minutes_draft}


class MeetingKind(StrEnum):
    board = "board"
    alv = "alv"
    extra_alv = "extra_alv"
    network = "network"
    committee = "committee"


class MeetingStatus(StrEnum):
    planned = "planned"
    convened = "convened"
    cancelled = "cancelled"
    held = "held"
    closed = "closed"


class ItemKind(StrEnum):
    decision = "decision"  # ter besluitvorming
    discussion = "discussion"  # ter bespreking
    information = "information"  # ter informatie


class Response(StrEnum):
    """A member's answer to an invitation; `none` is the stored "not answered yet"."""

    none = "none"
    attending = "attending"
    not_attending = "not_attending"
    represented = "represented"


# Which answers each kind of invitation offers (a board member cannot send a representative).
BOARD_RESPONSES = (Response.attending, Response.not_attending)
ALV_RESPONSES = (Response.attending, Response.not_attending, Response.represented)


@dataclass(frozen=True)
class ResponseWords:
    """One answer in the three ways it is written."""

    about: str  # about the member, to the secretary: "komt"
    to_member: str  # to the member on their own page: "U komt"
    presence: str  # a line in an ALV presence list: "aanwezig"


RESPONSE_WORDS = {
    Response.attending: ResponseWords("komt", "U komt", "aanwezig"),
    Response.not_attending: ResponseWords("komt niet", "U komt niet", "afwezig"),
    Response.represented: ResponseWords("laat zich vertegenwoordigen", "U laat zich vertegenwoordigen",
                                        "vertegenwoordigd"),
    Response.none: ResponseWords("nog geen antwoord", "U heeft nog niet geantwoord", "geen antwoord"),
}


def response_labels(register: str, responses: tuple[Response, ...] = tuple(Response)) -> dict[str, str]:
    """{stored value: label} in one register ("about", "to_member", "presence") for the answers a page offers;
    keyed by the plain value because callers look up the string read from a row or a message."""
    return {r.value: getattr(RESPONSE_WORDS[r], register) for r in responses}
