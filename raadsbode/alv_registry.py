"""The ALV cycle's workflows and activity objects, for raadsbode/registry.py."""
from __future__ import annotations

from activities.deps import Deps


def alv_workflows() -> list[type]:
    from workflows.alv import AlvWorkflow
    from workflows.alv_cycle import AlvCycleWorkflow
    from workflows.inbox import InboxWorkflow
    from workflows.network_meeting import NetworkMeetingWorkflow

    return [AlvWorkflow, AlvCycleWorkflow, InboxWorkflow, NetworkMeetingWorkflow]


def alv_activity_objects(deps: Deps) -> list[object]:
    from activities.alv_activities import AlvActivities
    from activities.alv_cycle_activities import AlvCycleActivities
    from activities.inbox_activities import InboxActivities
    from activities.network_activities import NetworkActivities

    return [AlvActivities(deps), AlvCycleActivities(deps), InboxActivities(deps), NetworkActivities(deps)]
