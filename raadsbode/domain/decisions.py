"""The decision list (besluitenlijst) as typed: one line per agenda item or motion, ending in its outcome.

"3. Jaarrekening 2026: aangenomen" or "Motie: Lokale energie: verworpen". Pure code (workflows use it).
DecisionEntry is defined here, not in models.messages.alv (which re-exports it), because the parser
below builds entries and domain code may not import models.
"""
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

OUTCOME_LABELS = {"adopted": "aangenomen", "rejected": "verworpen", "withdrawn": "ingetrokken", "deferred": "aangehouden"}
WORDS = {**{label: outcome for outcome, label in OUTCOME_LABELS.items()}, **{o: o for o in OUTCOME_LABELS}}  # as typed
LINE = re.compile(r"^(?P<label>.+?)\s*[:\-–]\s*(?P<outcome>[A-Za-z]+)\s*\.?$")
NUMBERED = re.compile(r"^(?P<ref>\d+[a-z]?)[.)]?\s+(?P<title>.+)$")
MOTION = re.compile(r"^(motie|agendavoorstel)\s*:?\s*(?P<title>.+)$", re.IGNORECASE)
MAX_ENTRIES = 200


@dataclass
class DecisionEntry:
    subject: str  # item / motion
    ref: str  # agenda item number or motion id
    title: str
    outcome: str  # adopted / rejected / withdrawn / deferred
    note: str = ""


class DecisionSubmission(Protocol):
    """What check_decisions reads of a models.messages.alv.SubmitDecisions."""

    @property
    def entries(self) -> Sequence[DecisionEntry]: ...


def entry_from_line(line: str) -> DecisionEntry | str:
    """The entry, or a Dutch error about this line."""
    match = LINE.match(line.strip())
    outcome = WORDS.get(match.group("outcome").lower()) if match else None
    if not match or outcome is None:
        return f"'{line[:80]}': sluit de regel af met aangenomen, verworpen, ingetrokken of aangehouden."
    label = match.group("label").strip()
    if motion := MOTION.match(label):
        return DecisionEntry("motion", "", motion.group("title").strip(), outcome)
    if numbered := NUMBERED.match(label):
        return DecisionEntry("item", numbered.group("ref"), numbered.group("title").strip(), outcome)
    return DecisionEntry("item", "", label, outcome)


def entries_from_lines(lines: list[str]) -> tuple[list[DecisionEntry], list[str]]:
    entries: list[DecisionEntry] = []
    errors: list[str] = []
    for line in (raw.strip() for raw in lines):
        if line:
            found = entry_from_line(line)
            if isinstance(found, str):
                errors.append(found)
            else:
                entries.append(found)
    return entries, errors


def check_decisions(submit: DecisionSubmission) -> list[str]:
    if not submit.entries:
        return ["De besluitenlijst is leeg."]
    if len(submit.entries) > MAX_ENTRIES:
        return [f"De besluitenlijst heeft meer dan {MAX_ENTRIES} regels."]
    errors = []
    for e in submit.entries:
        if e.subject not in ("item", "motion") or e.outcome not in OUTCOME_LABELS:
            errors.append(f"'{e.title[:80]}': onbekend onderwerp of besluit.")
        if not e.title.strip() or len(e.title) > 300 or len(e.note) > 2000:
            errors.append("Elke regel heeft een titel van hoogstens 300 tekens.")
    return errors
