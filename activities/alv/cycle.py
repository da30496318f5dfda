"""The yearly cycle's activity: create (or find) the next ALV of an association for a firing."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.deps import Deps
from models.messages.alv import PlanAlv, PlannedAlv
from raadsbode.db import session_scope

Planner = Callable[[Session, int, datetime, dict[str, str]], PlannedAlv]


class AlvCycleActivities:
    ACTIVITY_NAMES: tuple[str, ...] = ("plan_next_alv",)

    def __init__(self, deps: Deps, plan: Planner, refusal: type[Exception]) -> None:
        """`plan` is the planning use case and `refusal` the error it raises for a planning or policy that retrying
        will not fix (raadsbode.services.alv.planning.plan_next_alv, MeetingError): the worker wiring hands them in,
        because activities sit below the services."""
        self.deps, self.plan, self.refusal = deps, plan, refusal

    @activity.defn
    def plan_next_alv(self, inp: PlanAlv) -> PlannedAlv:
        try:
            with session_scope(self.deps.sessions) as session:
                return self.plan(session, inp.association_id, datetime.fromisoformat(inp.fired_at_iso), inp.policy)
        except self.refusal as exc:  # bad planning or policy: retrying will not help
            raise ApplicationError(str(exc), type="MeetingError", non_retryable=True) from exc
