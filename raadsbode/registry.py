"""Every workflow class and activity object the worker registers. Add new ones here only."""
from __future__ import annotations

from collections.abc import Callable

from activities.deps import Deps


def workflows() -> list[type]:
    from workflows.meeting import MeetingWorkflow
    from workflows.newsletter import NewsletterKickoffWorkflow, NewsletterWorkflow

    from raadsbode.alv_registry import alv_workflows

    return [MeetingWorkflow, NewsletterWorkflow, NewsletterKickoffWorkflow, *alv_workflows()]


def activities(deps: Deps) -> list[Callable]:
    from activities.mail_activities import MailActivities
    from activities.meeting_activities import MeetingActivities
    from activities.newsletter_activities import NewsletterActivities

    from raadsbode.alv_registry import alv_activity_objects

    objects = [MailActivities(deps), MeetingActivities(deps), NewsletterActivities(deps), *alv_activity_objects(deps)]
    return [getattr(obj, name) for obj in objects for name in obj.ACTIVITY_NAMES]
