"""The yearly cycle's activity: create (or find) the next ALV of an association for a firing."""
from __future__ import annotations

from datetime import datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.deps import Deps
from models.messages.alv import PlanAlv, PlannedAlv
from raadsbode.services.alv.planning import plan_next_alv
from raadsbode.db import session_scope
from raadsbode.services.meeting.actions import MeetingError


class AlvCycleActivities:
    ACTIVITY_NAMES: tuple[str, ...] = ("plan_next_alv",)

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @activity.defn
    def plan_next_alv(self, inp: PlanAlv) -> PlannedAlv:
        try:
            with session_scope(self.deps.sessions) as session:
                return plan_next_alv(session, inp.association_id, datetime.fromisoformat(inp.fired_at_iso), inp.policy)
        except MeetingError as exc:  # bad planning or policy: retrying will not help
            raise ApplicationError(str(exc), type="MeetingError", non_retryable=True) from exc
