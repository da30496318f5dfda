"""The composer's refusal, shared by the builder (raadsbode/mail/compose.py) and the check of what it built
(raadsbode/mail/verify.py), which would otherwise import each other."""
from __future__ import annotations

SHOWN_CHARS = 40  # of a refused value in a message: enough to find the row, too little to carry a payload


class HeaderInjectionError(ValueError):
    """A header value (or address) that could change the message's structure: never sendable."""


class BuiltMessageMismatch(HeaderInjectionError):
    """The built bytes, parsed back, are not the message that was meant: a gap in the guards before."""


def shown(value: object) -> str:
    """A refused value as logs, the ledger and the audit trail may carry it: repr (so a line break
    cannot start a forged log line) of its first characters."""
    text = str(value)
    return repr(text[:SHOWN_CHARS]) + ("..." if len(text) > SHOWN_CHARS else "")
