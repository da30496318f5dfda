"""Policy durations and the meeting schedule they drive (pure functions, no server)."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest

from models.messages.meeting_info import MeetingInfo
from models.messages.meeting_state import CHAIR_SLOT, SECRETARY_SLOT, MeetingState, SignoffRound
from workflows.meeting.schedule import due_step, next_moment, phase
from raadsbode.domain.policy import MeetingPolicy, format_duration, normalise_overrides, parse_duration

START = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("7d", timedelta(days=7)), ("36h", timedelta(hours=36)), ("90s", timedelta(seconds=90)),
    ("2w", timedelta(weeks=2)), ("15m", timedelta(minutes=15)), (" 3 d ", timedelta(days=3)),
])
def test_durations_parse(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d7", "1.5d", "-1d", "7 dagen", "1y", "9999999s"])
def test_bad_durations_are_refused_in_dutch(text):
    with pytest.raises(ValueError, match="Ongeldige duur"):
        parse_duration(text)


def test_format_picks_the_largest_exact_unit():
    assert [format_duration(parse_duration(t)) for t in ("14d", "48h", "90s", "120s", "0s")] == ["2w", "2d", "90s", "2m", "0s"]


def test_layers_override_in_order_body_meeting_input():
    policy = MeetingPolicy.from_overrides({"convocation_before": "10d", "reminder_before": "2d"},
                                          {"convocation-before": "8d"}, {"reminder_before": "90s"})
    assert (policy.convocation_before, policy.reminder_before) == (timedelta(days=8), timedelta(seconds=90))
    assert policy.agenda_request_before == timedelta(days=21)  # the default for a real board


def test_unknown_keys_and_bad_values_are_all_reported():
    with pytest.raises(ValueError) as refused:
        normalise_overrides({"oproeptermijn": "7d", "reminder_before": "morgen"})
    assert "Onbekende termijn 'oproeptermijn'" in str(refused.value) and "morgen" in str(refused.value)
    assert normalise_overrides({"convocation-before": "168h"}) == {"convocation_before": "1w"}


def _state(**kw) -> MeetingState:
    return MeetingState(starts_at_iso=START.isoformat(), ends_at_iso=(START + timedelta(hours=2)).isoformat(), **kw)


INFO = MeetingInfo(1, 1, "Vergadering", START.isoformat(), START.isoformat(), 0, {}, chair_id=10, deputy_id=11,
                   secretary_id=12, recipient_ids=[10, 11])


def test_the_agenda_request_waits_for_its_moment():
    policy, s = MeetingPolicy(), _state()
    assert due_step(s, policy, INFO, START - timedelta(days=22)) is None
    assert next_moment(s, policy, INFO, START - timedelta(days=22)) == (START - timedelta(days=21), "agenda_request")
    assert due_step(s, policy, INFO, START - timedelta(days=21)) == "agenda_request"


def test_convocation_waits_for_both_signatures_and_the_notice_moment():
    policy = MeetingPolicy()
    signing = SignoffRound("agenda-signoff", 1, (START - timedelta(days=10)).isoformat(), [CHAIR_SLOT, SECRETARY_SLOT],
                           {CHAIR_SLOT: 10}, reminder_sent=True, deputy_invited=True)
    s = _state(agenda_request_sent=True, agenda_version=1, agenda_round=signing)
    assert due_step(s, policy, INFO, START - timedelta(days=8)) is None and phase(s) == "agenda_signoff"
    signing.signed_by[SECRETARY_SLOT] = 12
    assert phase(s) == "awaiting_convocation"
    assert due_step(s, policy, INFO, START - timedelta(days=8)) is None
    assert due_step(s, policy, INFO, START - timedelta(days=7)) == "convocation"


def test_a_new_version_opens_a_new_round_first():
    s = _state(agenda_request_sent=True, agenda_version=2,
               agenda_round=SignoffRound("agenda-signoff", 1, START.isoformat(), [CHAIR_SLOT], {CHAIR_SLOT: 10}))
    assert due_step(s, MeetingPolicy(), INFO, START - timedelta(days=1)) == "agenda_round"


def test_after_the_start_the_meeting_is_held_then_minutes_are_requested():
    s, policy = _state(agenda_request_sent=True), MeetingPolicy(minutes_request_after=timedelta(hours=1))
    assert due_step(s, policy, INFO, START) == "held"
    s.held = True
    assert due_step(s, policy, INFO, START + timedelta(hours=2)) is None
    assert due_step(s, policy, INFO, START + timedelta(hours=3)) == "minutes_request"
