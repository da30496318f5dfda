"""The one rule for text that can reach a mail header: names, titles, subjects, association and
venue names, addresses.

Pure (stdlib only), so the web forms, the CLI, the CSV imports, the workflows' update validators
and the mail composer all apply the same rule. The edges call `require_header_text` and show its
Dutch message; the composer (raadsbode/mail/compose.py) applies it again to every value it writes.

Why refuse rather than escape: a line break (also U+2028, NEL, ...) ends a header line somewhere
downstream; `=?` starts an RFC 2047 encoded-word, which Python 3.11.7's `email` decodes even with
whitespace inside and writes back raw when it folds (CVE-2024-6923), so a decoded line feed could
forge headers or a body. Bidirectional controls make a name display differently from what it is.
None of them belongs in a person's name or a meeting title.
"""
from __future__ import annotations

import unicodedata

# Longest value an edge accepts for a name or title (the composer allows longer subjects it builds).
MAX_HEADER_TEXT = 200
# Zero-width (non-)joiners are format characters that real names and emoji sequences use.
_ALLOWED_FORMAT = frozenset("\u200c\u200d")
# Unicode categories that never belong in header text: controls (C0, DEL, C1: CR, LF, NUL, TAB,
# NEL ...), format characters (bidi overrides and isolates, zero-width spaces), lone surrogates,
# and the line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


class UnsafeHeaderText(ValueError):
    """A value that could change a message's structure or how it displays. str(exc) is Dutch."""


def header_text_problem(value: str, max_length: int | None = MAX_HEADER_TEXT) -> str | None:
    """None when value is safe in a header; otherwise why not, in Dutch (without the field's name)."""
    if max_length is not None and len(value) > max_length:
        return f"is te lang (ten hoogste {max_length} tekens)"
    for ch in value:
        if ch in _ALLOWED_FORMAT:
            continue
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return "mag geen regeleinden, tabs of andere onzichtbare stuurtekens bevatten"
    if "=?" in value:
        return "mag de tekens '=?' niet bevatten"
    return None


def require_header_text(value: str, label: str, max_length: int | None = MAX_HEADER_TEXT) -> str:
    """value unchanged, or UnsafeHeaderText('<label> <problem>.') for the edge to show."""
    problem = header_text_problem(value, max_length)
    if problem is not None:
        raise UnsafeHeaderText(f"{label} {problem}.")
    return value
