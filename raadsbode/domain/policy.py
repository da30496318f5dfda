"""Every timeline of a meeting is a policy of durations, so a test can run a whole meeting in seconds.

Durations are written as "<number><unit>" with unit s, m, h, d or w ("7d", "36h", "90s", "2w", "15m").
Defaults fit a real board; a body's `policy_json`, a meeting's `policy_json` and `MeetingInput.policy`
override them, in that order. Pure code: safe to use inside workflows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Self

_DURATION = re.compile(r"^\s*(\d{1,6})\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> timedelta:
    """'7d' -> 7 days. Raises ValueError with a Dutch message for anything else."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"Ongeldige duur '{text}': gebruik bijvoorbeeld 90s, 15m, 36h, 7d of 2w.")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling: 7 days -> '7d', 90 seconds -> '90s'."""
    seconds = int(value.total_seconds())
    for unit in ("w", "d", "h", "m"):
        if seconds and seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


# Signers often click together (after a reminder): their answers come first, the bookkeeping of each decision
# a moment later, so it does not compete with the next signer's update (bench/README.md).
FILING_QUIET_PERIOD = timedelta(seconds=2)
# Settings that are not a secretary's concern: never on the admin settings page.
TECHNICAL_KEYS = frozenset({"decision_filing_after"})


class Durations:
    """A policy (the board's, the ALV's, a network meeting's): named durations, layered from strings like "8w"."""

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls)]  # type: ignore[arg-type]

    @classmethod
    def from_layers(cls, *layers: dict[str, str], strict_last: bool = True, strict_all: bool = False) -> Self:
        """Defaults, then each layer on top. An unknown key is an error in a strict layer (typed input) and
        skipped in the others (a body's policy may hold keys of other flows)."""
        values: dict[str, timedelta] = {}
        for n, layer in enumerate(layers):
            strict = strict_all or (strict_last and n == len(layers) - 1)
            values.update(parse_overrides(layer or {}, strict, cls))
        return cls(**values)

    def as_strings(self) -> dict[str, str]:
        return {name: format_duration(getattr(self, name)) for name in self.keys()}


@dataclass(frozen=True)
class MeetingPolicy(Durations):
    # Before the meeting's start: when the secretary is asked to draft the agenda.
    agenda_request_before: timedelta = timedelta(days=21)
    # After a sign-off round starts: remind whoever has not signed yet.
    signoff_reminder_after: timedelta = timedelta(days=3)
    # After a sign-off round starts: the deputy chair may sign in the chair's place.
    deputy_may_sign_after: timedelta = timedelta(days=5)
    # Notice period (oproeptermijn): the convocation goes out this long before the start, not earlier.
    convocation_before: timedelta = timedelta(days=7)
    # Before the start: the secretary gets the attendance overview.
    attendance_overview_before: timedelta = timedelta(days=2)
    # Before the start: those who said they attend get a reminder.
    reminder_before: timedelta = timedelta(days=1)
    # After the meeting ends: the secretary is asked for the minutes.
    minutes_request_after: timedelta = timedelta(days=1)
    # Minutes links stay valid this long after the start.
    minutes_link_valid: timedelta = timedelta(days=30)
    # A sign-off decision is filed (link claimed, audit event, confirmation mail) this long after it was answered.
    decision_filing_after: timedelta = FILING_QUIET_PERIOD

    @classmethod
    def from_overrides(cls, *layers: dict[str, str]) -> MeetingPolicy:
        """Defaults, then each layer on top (body, meeting, workflow input); an unknown key anywhere is an error."""
        return cls.from_layers(*layers, strict_all=True)


def parse_overrides(raw: dict[str, str], strict: bool = True,
                    policy: type[Durations] = MeetingPolicy) -> dict[str, timedelta]:
    """Known keys parsed; bad durations, and unknown keys when strict, give one Dutch error listing all."""
    known, errors, parsed = set(policy.keys()), [], {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in known:
            if strict:
                errors.append(f"Onbekende termijn '{key}' (bekend: {', '.join(sorted(known))}).")
            continue
        try:
            parsed[name] = parse_duration(value)
        except ValueError as exc:
            errors.append(f"{key}: {exc}")
    if errors:
        raise ValueError(" ".join(errors))
    return parsed


def normalise_overrides(raw: dict[str, str], policy: type[Durations] = MeetingPolicy) -> dict[str, str]:
    """Validated overrides with canonical keys and spellings, for storing in policy_json."""
    return {name: format_duration(value) for name, value in parse_overrides(raw, True, policy).items()}
