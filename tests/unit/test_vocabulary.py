"""The vocabulary's values are what the database, the workflow histories and mailed links already hold:
these pins fail before a renamed value could reach any of them."""
from __future__ import annotations

from raadsbode.domain.vocabulary import (ALV_RESPONSES, BOARD_RESPONSES, DRAFT_PURPOSE, MeetingKind, MeetingStatus,
                                         Response, TokenPurpose, response_labels)


def test_values_are_the_stored_strings():
    assert {p.value for p in TokenPurpose} == {
        "agenda-signoff", "minutes-signoff", "agenda-draft", "minutes-draft", "rsvp", "alv-registration",
        "motion-submit", "network-cancel", "newsletter-approve", "subscribe-confirm", "staff-signin"}
    assert [r.value for r in Response] == ["none", "attending", "not_attending", "represented"]
    assert [k.value for k in MeetingKind] == ["board", "alv", "extra_alv", "network", "committee"]
    assert [s.value for s in MeetingStatus] == ["planned", "convened", "cancelled", "held", "closed"]
    assert DRAFT_PURPOSE == {"agenda-signoff": "agenda-draft", "minutes-signoff": "minutes-draft"}
    assert BOARD_RESPONSES == ("attending", "not_attending")
    assert ALV_RESPONSES == ("attending", "not_attending", "represented")


def test_the_tables_columns_use_the_domain_enums():
    from models.tables.meetings import Attendance, Meeting
    from models.tables import Response as TableResponse

    assert TableResponse is Response
    assert Attendance.__table__.c.response.type.enum_class is Response
    assert Meeting.__table__.c.status.type.enum_class is MeetingStatus


def test_labels_per_register_are_the_texts_shown_before():
    assert response_labels("about") == {"attending": "komt", "not_attending": "komt niet",
                                        "represented": "laat zich vertegenwoordigen", "none": "nog geen antwoord"}
    assert response_labels("to_member", (*BOARD_RESPONSES, Response.none)) == {
        "attending": "U komt", "not_attending": "U komt niet", "none": "U heeft nog niet geantwoord"}
    assert response_labels("presence") == {"attending": "aanwezig", "not_attending": "afwezig",
                                           "represented": "vertegenwoordigd", "none": "geen antwoord"}
    assert list(response_labels("about", (*BOARD_RESPONSES, Response.none))) == ["attending", "not_attending", "none"]
