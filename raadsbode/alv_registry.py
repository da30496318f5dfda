"""The ALV cycle's workflows and activity objects, for raadsbode/registry.py."""
from __future__ import annotations

from activities.deps import Deps


def alv_workflows() -> list[type]:
    from workflows.alv import AlvWorkflow
    from workflows.inbox import InboxWorkflow

    found: list[type] = [AlvWorkflow, InboxWorkflow]
    try:  # added piece by piece; each module registers once it exists
        from workflows.alv_cycle import AlvCycleWorkflow
        found.append(AlvCycleWorkflow)
        from workflows.network_meeting import NetworkMeetingWorkflow
        found.append(NetworkMeetingWorkflow)
    except ImportError:
        pass
    return found


def alv_activity_objects(deps: Deps) -> list[object]:
    from activities.alv_activities import AlvActivities
    from activities.inbox_activities import InboxActivities

    found: list[object] = [AlvActivities(deps), InboxActivities(deps)]
    try:
        from activities.alv_cycle_activities import AlvCycleActivities
        found.append(AlvCycleActivities(deps))
        from activities.alv_network import NetworkActivities
        found.append(NetworkActivities(deps))
    except ImportError:
        pass
    return found
