"""Meeting workflow activities. STUB: owned by the meeting helper."""
from __future__ import annotations

from activities.deps import Deps


class MeetingActivities:
    ACTIVITY_NAMES: tuple[str, ...] = ()

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
