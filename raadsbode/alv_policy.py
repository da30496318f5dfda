"""The ALV's (and a network meeting's) timeline as durations (like workflows/policy.py for the board), so tests run it in seconds.

Layers, later wins: defaults, the general meeting body's policy_json (its statutes' notice period,
`convocation_before`; keys of other flows there are ignored), the meeting's own details, the input.
Pure code: safe inside workflows.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

from workflows.policy import format_duration, parse_duration

EXTRA_ALV = {"save_the_date_before": "4w", "motions_close_before": "3w", "convocation_before": "2w",
             "reminder_before": "5d"}  # an extra ALV is called at short notice


class Durations:
    """Shared by the policies below: named durations, layered from strings like "8w" or "40s"."""

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls)]  # type: ignore[arg-type]

    @classmethod
    def from_layers(cls, *layers: dict[str, str], strict_last: bool = True):  # noqa: ANN206
        values: dict[str, timedelta] = {}
        for n, layer in enumerate(layers):
            strict = strict_last and n == len(layers) - 1
            values.update(parse_alv_overrides(layer or {}, strict, cls))
        return cls(**values)

    def as_strings(self) -> dict[str, str]:
        return {name: format_duration(getattr(self, name)) for name in self.keys()}


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


@dataclass(frozen=True)
class NetworkPolicy(Durations):
    """A network meeting (netwerkbijeenkomst): announcement, open registration, reminder; no sign-off."""

    announce_before: timedelta = timedelta(weeks=6)  # the announcement with the invitation
    registration_closes_before: timedelta = timedelta(days=1)
    reminder_before: timedelta = timedelta(days=2)  # to everyone registered


def parse_alv_overrides(raw: dict[str, str], strict: bool = True, policy: type[Durations] = AlvPolicy) -> dict[str, timedelta]:
    """Known keys parsed; unknown keys are an error when strict (input), skipped otherwise (a body's policy)."""
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


def normalise_alv_overrides(raw: dict[str, str], policy: type[Durations] = AlvPolicy) -> dict[str, str]:
    return {name: format_duration(value) for name, value in parse_alv_overrides(raw, True, policy).items()}
