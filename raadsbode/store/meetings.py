"""One meeting as the stored rows of other tables name it (audit events, tokens, ledger rows)."""
from __future__ import annotations


def subject_ref(meeting_id: int) -> str:
    """The meeting as audit events, tokens and ledger rows name it."""
    return f"meeting-{meeting_id}"

