"""The ALV cycle's workflows and activity objects, for raadsbode/registry.py."""
from __future__ import annotations

from activities.deps import Deps


def alv_workflows() -> list[type]:
    from workflows.alv import AlvWorkflow
    from workflows.alv_cycle import AlvCycleWorkflow
    from workflows.inbox import InboxWorkflow

    found: list[type] = [AlvWorkflow, AlvCycleWorkflow, InboxWorkflow]
    try:  # network meetings are still being built; registered once the module exists
        from workflows.network_meeting import NetworkMeetingWorkflow
        found.append(NetworkMeetingWorkflow)
    except ModuleNotFoundError:
        pass
    return found


def alv_activity_objects(deps: Deps) -> list[object]:
    from activities.alv_activities import AlvActivities
    from activities.alv_cycle_activities import AlvCycleActivities
    from activities.inbox_activities import InboxActivities

    found: list[object] = [AlvActivities(deps), AlvCycleActivities(deps), InboxActivities(deps)]
    try:
        from activities.alv_network import NetworkActivities
        found.append(NetworkActivities(deps))
    except ModuleNotFoundError:
        pass
    return found
