"""Generic mail activity (send one rendered email through the ledger). STUB: owned by the mail helper."""
from __future__ import annotations

from activities.deps import Deps


class MailActivities:
    ACTIVITY_NAMES: tuple[str, ...] = ()

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
