"""The bundled reference list of Dutch municipalities, and matching a spreadsheet's spelling to it."""
from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "gemeenten.csv"
_SUFFIX = re.compile(r"\s*\([^)]*\)$")  # CBS disambiguation: "Bergen (NH.)", "Hengelo (O.)"


def match_key(name: str) -> str:
    """How two spellings of one municipality compare: no accents, case, apostrophes, hyphens or 'Gemeente'."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = re.sub(r"['’‘`´]", "", folded)
    folded = re.sub(r"[\s\-–]+", " ", folded).strip()
    return folded.removeprefix("gemeente ").strip()


@dataclass(frozen=True)
class Resolution:
    name: str | None  # the spelling to store; None when the name is unknown or ambiguous
    problem: str | None = None


@lru_cache(maxsize=1)
def reference_names() -> tuple[str, ...]:
    """All current Dutch municipalities (342 on 1 January 2025), official spelling."""
    return tuple(row["gemeente"] for row in _reference_rows())


@lru_cache(maxsize=1)
def _reference_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for row in _reference_rows():
        name = row["gemeente"]
        spellings = [name, _SUFFIX.sub("", name), *filter(None, row["ook_bekend_als"].split("|"))]
        for spelling in spellings:
            index.setdefault(match_key(spelling), set()).add(name)
    return {key: frozenset(names) for key, names in index.items()}


def _reference_rows() -> list[dict[str, str]]:
    text = REFERENCE_FILE.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def resolve_municipality(raw: str, existing: list[str]) -> Resolution:
    """Prefer the association's own spelling, then the reference list; otherwise say what was meant."""
    key = match_key(raw)
    own = [name for name in existing if match_key(name) == key]
    if own:
        return Resolution(own[0])
    candidates = sorted(_reference_index().get(key, ()))
    if len(candidates) == 1:
        return Resolution(candidates[0])
    if candidates:
        options = " of ".join(f"'{c}'" for c in candidates)
        return Resolution(None, f"gemeente '{raw}' is niet eenduidig: bedoelt u {options}?")
    return Resolution(None, _unknown(raw, existing))


def _unknown(raw: str, existing: list[str]) -> str:
    names = {match_key(n): n for n in (*reference_names(), *existing)}
    close = difflib.get_close_matches(match_key(raw), list(names), n=1, cutoff=0.6)
    hint = f"; bedoelt u '{names[close[0]]}'?" if close else ""
    return f"onbekende gemeente '{raw}'{hint}"
