"""Production fails closed: the long-running processes (`raadsbode web`, `raadsbode worker`, and the web app
when plain uvicorn builds it from the environment) refuse to start on settings that only suit a laptop.

The secret key signs every form token and unsubscribe key; the shipped default, or a guessable one, lets a
stranger forge them. A forgotten RAADSBODE_ENVIRONMENT silently meant dev (outbox open, cookies not Secure).
`raadsbode dev` is the one place these may be absent: it builds its own settings (devstack.dev_settings) and
runs its worker and web app in its own process (devstack._serve), so it never passes through this guard;
there is deliberately no environment variable that switches the guard off.
"""
from __future__ import annotations

import itertools
import math
from collections import Counter

from raadsbode.settings import DEFAULT_SECRET, Settings

MIN_SECRET_BITS = 128
HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


class UnsafeStart(Exception):
    """Why this process will not start (English: operators read it in their deploy logs)."""


def _shannon_bits(symbols: list[object]) -> float:
    """Entropy per symbol of this sample, from its own symbol frequencies."""
    counts, total = Counter(symbols), len(symbols)
    return -sum(n / total * math.log2(n / total) for n in counts.values()) if total else 0.0


def _shortest_period(text: str) -> str:
    """'abcabcabc' -> 'abc': a repeated block adds no secrecy beyond its first copy."""
    for size in range(1, len(text) // 2 + 1):
        if all(text[i] == text[i % size] for i in range(len(text))):
            return text[:size]
    return text


def secret_bits(secret: str) -> float:
    """A conservative estimate of a secret's entropy in bits: length times the smaller of the characters'
    own entropy and that of the steps between neighbours (so runs like 'abcdef...' or '12345...' count
    for little), after cutting a repetition to one copy. A random urlsafe or hex string scores close to
    its real entropy; 32 x 'a' scores 0, 'abab...' a few bits."""
    unit = _shortest_period(secret)
    if len(unit) < 2:
        return 0.0
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(unit)]
    per_char = min(_shannon_bits(list(unit)), _shannon_bits(steps), math.log2(len(set(unit))))
    return len(unit) * per_char


def unsafe_start_reasons(settings: Settings) -> list[str]:
    """Everything wrong at once, so an operator fixes it in one go."""
    reasons = []
    if "environment" not in settings.model_fields_set:
        reasons.append("RAADSBODE_ENVIRONMENT is not set: set it to 'production' (or 'dev' for a test installation). "
                       "`raadsbode dev` runs the whole stack without it.")
    if settings.secret_key == DEFAULT_SECRET:
        reasons.append(f"RAADSBODE_SECRET_KEY is the shipped default: set a random one, e.g. {HOW_TO_MAKE_ONE}")
    elif (bits := secret_bits(settings.secret_key)) < MIN_SECRET_BITS:
        reasons.append(f"RAADSBODE_SECRET_KEY is too easy to guess (about {bits:.0f} bits, {MIN_SECRET_BITS} needed): "
                       f"use a random one, e.g. {HOW_TO_MAKE_ONE}")
    return reasons


def refuse_unsafe_start(settings: Settings, process: str) -> None:
    """Raises UnsafeStart naming every reason; `process` is what refuses ('raadsbode web', ...)."""
    reasons = unsafe_start_reasons(settings)
    if reasons:
        raise UnsafeStart(f"{process} will not start:\n" + "\n".join(f"  - {reason}" for reason in reasons))
