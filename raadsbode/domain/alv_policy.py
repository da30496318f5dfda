"""The ALV's (and a network meeting's) timeline as durations (like raadsbode/domain/policy.py for the board), so tests run it in seconds.

Layers, later wins: defaults, the general meeting body's policy_json (its statutes' notice period,
`convocation_before`; keys of other flows there are ignored), the meeting's own details, the input.
Pure code: safe inside workflows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from raadsbode.domain.policy import FILING_QUIET_PERIOD, Durations

EXTRA_ALV = {"save_the_date_before": "4w", "motions_close_before": "3w", "convocation_before": "2w",
             "reminder_before": "5d"}  # an extra ALV is called at short notice


@dataclass(frozen=True)
class AlvPolicy(Durations):
    save_the_date_before: timedelta = timedelta(weeks=8)
    motions_close_before: timedelta = timedelta(weeks=6)  # closing date for motions and agenda proposals
    convocation_before: timedelta = timedelta(weeks=4)  # notice period (oproeptermijn)
    registration_deadline_before: timedelta = timedelta(days=2)
    reminder_before: timedelta = timedelta(weeks=1)  # to members who have not answered
    attendance_list_before: timedelta = timedelta(days=1)  # presentielijst to the secretary
    signoff_reminder_after: timedelta = timedelta(days=3)
    decisions_request_after: timedelta = timedelta(days=1)  # after the end: ask for the decision list
    decision_filing_after: timedelta = FILING_QUIET_PERIOD  # a sign-off's bookkeeping, after its answer


@dataclass(frozen=True)
class NetworkPolicy(Durations):
    """A network meeting (netwerkbijeenkomst): announcement, open registration, reminder; no sign-off."""

    announce_before: timedelta = timedelta(weeks=6)  # the announcement with the invitation
    registration_closes_before: timedelta = timedelta(days=1)
    reminder_before: timedelta = timedelta(days=2)  # to everyone registered

