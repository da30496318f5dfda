"""The register of every workflow patch: its reason and where it is in its lifecycle.

A patch guards a change of the commands a workflow emits, so that runs started before the change replay
(`workflow.patched(name)` is True for new runs and for old runs that had not reached the call site yet).
The lifecycle, as in temporalio/samples-python's patching sample:

1. PATCHED: the new code runs under `if workflow.patched(name)`, the old code under `else`.
2. DEPRECATED: once no run that could take the old branch is open, the `else` branch goes and the call
   becomes `workflow.deprecate_patch(name)`, so runs that recorded the marker still replay.
3. REMOVED: once no run that recorded the marker is open either, the call goes too.

Open runs of a meeting live for weeks (a meeting is planned months ahead), a newsletter run for a day.
tests/unit/test_patches.py fails when a patch name in the code is missing here, or listed here but gone
from the code before its stage says REMOVED; tests/histories/README.md lists which history covers which
branch.
"""
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    PATCHED = "patched"
    DEPRECATED = "deprecated"
    REMOVED = "removed"


@dataclass(frozen=True)
class Patch:
    name: str
    workflows: str
    reason: str
    stage: Stage
    plan: str


PATCHES: tuple[Patch, ...] = (
    Patch("decision-filing-quiet-period", "MeetingWorkflow, AlvWorkflow",
          "a sign-off decision is filed (link claimed, audit, confirmation mail) after a quiet period instead of at "
          "once, so signers clicking together are not kept waiting behind each other",
          Stage.PATCHED, "deprecate once no meeting started before 2026-11 is open"),
    Patch("file-decisions-before-cancel", "MeetingWorkflow, AlvWorkflow",
          "the cancel update files decisions still in their quiet period before the cancellation revokes their links",
          Stage.PATCHED, "deprecate together with decision-filing-quiet-period"),
    Patch("file-decisions-before-new-version", "MeetingWorkflow, AlvWorkflow",
          "a new agenda, minutes or decision-list version files the decisions still in their quiet period first",
          Stage.PATCHED, "deprecate together with decision-filing-quiet-period"),
    Patch("network-signups-wake-for-continue-as-new", "NetworkMeetingWorkflow",
          "sign-ups wake the run loop once the server suggests continue-as-new, so many sign-ups cannot grow one "
          "history until the next timer",
          Stage.PATCHED, "deprecate once no network meeting started before 2026-12 is open"),
    Patch("registrations-wake-for-continue-as-new", "MeetingWorkflow, AlvWorkflow",
          "RSVP and registration updates wake the run loop once the server suggests continue-as-new, so one "
          "forwarded link cannot spend a run's update budget (SECURITY.md section 4)",
          Stage.PATCHED, "deprecate once no meeting started before 2026-12 is open"),
    Patch("notices-as-steps", "MeetingWorkflow, AlvWorkflow, NetworkMeetingWorkflow",
          "cancellation and move notices are a run-loop step retried until sent, not mail sent inside the update "
          "with a bounded retry (SECURITY.md section 6)",
          Stage.PATCHED, "deprecate once no meeting started before 2026-12 is open"),
    Patch("newsletter-relay-refusal-pauses", "NewsletterWorkflow",
          "a send pauses itself and alerts the editors when the relay refuses the issue at MAIL FROM or DATA, "
          "instead of requeueing the batch forever (SECURITY.md section 5)",
          Stage.PATCHED, "deprecate after the first month's issues have completed (runs last a day)"),
)
