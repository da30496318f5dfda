"""Dataclasses of the inbox workflow (calendar replies read from the association mailboxes)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class InboundOutcome(StrEnum):
    """What came of an inbound message (InboundMessage.outcome; also the InboxReport counter's name)."""

    recorded = "recorded"  # the meeting's workflow took the answer
    ignored = "ignored"  # no calendar reply, or not one of ours, or not the attendee's own
    refused = "refused"  # the meeting's workflow said no (e.g. registration closed)
    unverified = "unverified"  # the receiving server did not vouch for the sender: not applied


@dataclass
class InboxInput:
    batch_size: int = 50
    poll_seconds: float = 60.0
    polls_per_run: int = 100  # continue-as-new after this many polls, so the history stays short
    stop_when_idle: bool = False  # tests: end after the first empty poll


@dataclass
class InboxPoll:
    batch_size: int


@dataclass
class InboxReport:
    seen: int = 0
    recorded: int = 0
    ignored: int = 0
    refused: int = 0
    unverified: int = 0


@dataclass
class InboxTotalsQuery:
    pass
