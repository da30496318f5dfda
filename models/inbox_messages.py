"""Dataclasses of the inbox workflow (calendar replies read from the association mailboxes)."""
from __future__ import annotations

from dataclasses import dataclass


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


@dataclass
class InboxTotalsQuery:
    pass
