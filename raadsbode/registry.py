"""Every workflow class and activity object the worker registers, one line per feature. Add new ones here only."""
from __future__ import annotations

from collections.abc import Callable

from activities.deps import Deps


def workflows() -> list[type]:
    from workflows.alv.cycle import AlvCycleWorkflow
    from workflows.alv.workflow import AlvWorkflow
    from workflows.inbox import InboxWorkflow
    from workflows.meeting.workflow import MeetingWorkflow
    from workflows.network.workflow import NetworkMeetingWorkflow
    from workflows.newsletter.workflow import NewsletterKickoffWorkflow, NewsletterWorkflow

    return [
        MeetingWorkflow,
        AlvWorkflow, AlvCycleWorkflow,
        NetworkMeetingWorkflow,
        NewsletterWorkflow, NewsletterKickoffWorkflow,
        InboxWorkflow,
    ]


def activity_objects(deps: Deps) -> list[object]:
    from activities.alv.activities import AlvActivities
    from activities.alv.cycle import AlvCycleActivities
    from activities.inbox.activities import InboxActivities
    from activities.meeting.activities import MeetingActivities
    from activities.network.activities import NetworkActivities
    from activities.newsletter.activities import NewsletterActivities
    from activities.send_email import MailActivities
    from raadsbode.services.alv.planning import plan_next_alv
    from raadsbode.services.meeting.actions import MeetingError, forward_rsvp

    return [
        MailActivities(deps),
        MeetingActivities(deps),
        AlvActivities(deps), AlvCycleActivities(deps, plan_next_alv, MeetingError),
        NetworkActivities(deps),
        NewsletterActivities(deps),
        InboxActivities(deps, forward_rsvp),
    ]


def activities(deps: Deps) -> list[Callable]:
    return [getattr(obj, name) for obj in activity_objects(deps) for name in obj.ACTIVITY_NAMES]
