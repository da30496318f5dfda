"""What the meeting workflow does next and when: pure functions of its state, policy and the time.

`timeline` lists the steps whose preconditions hold, in priority order, each with the moment it is due
(untimed steps are due at once). The workflow runs the first due step; otherwise it sleeps until the
earliest future moment or until an update changes the state.
"""
from __future__ import annotations

from datetime import datetime, timedelta, UTC
from enum import StrEnum

from models.messages.meeting_info import MeetingInfo
from models.messages.meeting_state import CHAIR_SLOT, MeetingState, PendingDecision, SignoffRound
from raadsbode.domain.policy import MeetingPolicy

AT_ONCE = datetime.min.replace(tzinfo=UTC)


class MeetingStep(StrEnum):
    """The board workflow's steps: the keys of its step table (MeetingWorkflow._step_table)."""

    FILE_DECISION = "file_decision"
    AGENDA_REQUEST = "agenda_request"
    AGENDA_ROUND = "agenda_round"
    AGENDA_REMINDER = "agenda_reminder"
    AGENDA_DEPUTY = "agenda_deputy"
    CONVOCATION = "convocation"
    AMENDED_AGENDA = "amended_agenda"
    OVERVIEW = "overview"
    REMINDER = "reminder"
    HELD = "held"
    MINUTES_REQUEST = "minutes_request"
    MINUTES_ROUND = "minutes_round"
    MINUTES_REMINDER = "minutes_reminder"
    MINUTES_DEPUTY = "minutes_deputy"
    MINUTES_RELEASE = "minutes_release"


STEP_LABELS: dict[str, str] = {
    MeetingStep.FILE_DECISION: "Ondertekening vastleggen en bevestigen",
    MeetingStep.AGENDA_REQUEST: "Verzoek om de agenda op te stellen naar de secretaris",
    MeetingStep.AGENDA_ROUND: "Agenda ter ondertekening versturen",
    MeetingStep.AGENDA_REMINDER: "Herinnering om de agenda te ondertekenen",
    MeetingStep.AGENDA_DEPUTY: "Loco-voorzitter uitnodigen om te ondertekenen",
    MeetingStep.CONVOCATION: "Uitnodiging met agenda naar de leden",
    MeetingStep.AMENDED_AGENDA: "Gewijzigde agenda naar de leden",
    MeetingStep.OVERVIEW: "Aanwezigheidsoverzicht naar de secretaris",
    MeetingStep.REMINDER: "Herinnering aan wie aanwezig is",
    MeetingStep.HELD: "Aanvang van de vergadering",
    MeetingStep.MINUTES_REQUEST: "Verzoek om het verslag naar de secretaris",
    MeetingStep.MINUTES_ROUND: "Verslag ter ondertekening versturen",
    MeetingStep.MINUTES_REMINDER: "Herinnering om het verslag te ondertekenen",
    MeetingStep.MINUTES_DEPUTY: "Loco-voorzitter uitnodigen om het verslag te ondertekenen",
    MeetingStep.MINUTES_RELEASE: "Vastgesteld verslag naar het bestuur",
}


def parse_time(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def with_filing(pending: list[PendingDecision], quiet: timedelta,
                steps: list[tuple[datetime, str]]) -> list[tuple[datetime, str]]:
    """A recorded decision (token, audit event, confirmation) is filed a quiet period after it was answered,
    or sooner, before any other step that comes due (workflows/common/signoff.py). A decision recorded before
    the quiet period existed is filed at once, as it was then."""
    if not pending:
        return steps
    recorded = pending[0].recorded_at_iso
    due = min([parse_time(recorded) + quiet] + [at for at, _ in steps]) if recorded else AT_ONCE
    return [(due, MeetingStep.FILE_DECISION)] + steps


def timeline(s: MeetingState, p: MeetingPolicy, info: MeetingInfo) -> list[tuple[datetime, str]]:
    return with_filing(s.pending_decisions, p.decision_filing_after, _by_phase(s, p, info))


def _by_phase(s: MeetingState, p: MeetingPolicy, info: MeetingInfo) -> list[tuple[datetime, str]]:
    starts, ends = parse_time(s.starts_at_iso), parse_time(s.ends_at_iso)
    steps: list[tuple[datetime, str]] = []
    if not s.held:
        steps += _before_meeting(s, p, info, starts)
        steps.append((starts, MeetingStep.HELD))
        return steps
    if not s.minutes_request_sent:
        steps.append((ends + p.minutes_request_after, MeetingStep.MINUTES_REQUEST))
    if s.minutes_version > s.minutes_round.version:
        steps.append((AT_ONCE, MeetingStep.MINUTES_ROUND))
    steps += _round_steps(s.minutes_round, p, info, MeetingStep.MINUTES_REMINDER, MeetingStep.MINUTES_DEPUTY)
    if s.minutes_round.complete:
        steps.append((AT_ONCE, MeetingStep.MINUTES_RELEASE))
    return steps


def _before_meeting(s: MeetingState, p: MeetingPolicy, info: MeetingInfo, starts: datetime) -> list[tuple[datetime, str]]:
    steps: list[tuple[datetime, str]] = []
    if not s.agenda_request_sent:
        steps.append((starts - p.agenda_request_before, MeetingStep.AGENDA_REQUEST))
    if s.agenda_version > s.agenda_round.version:
        steps.append((AT_ONCE, MeetingStep.AGENDA_ROUND))
    steps += _round_steps(s.agenda_round, p, info, MeetingStep.AGENDA_REMINDER, MeetingStep.AGENDA_DEPUTY)
    if s.agenda_round.complete and s.agenda_round.version > s.convened_version:
        if s.convened_version:
            steps.append((AT_ONCE, MeetingStep.AMENDED_AGENDA))
        else:
            steps.append((starts - p.convocation_before, MeetingStep.CONVOCATION))
    if s.convened_version and not s.overview_sent:
        steps.append((starts - p.attendance_overview_before, MeetingStep.OVERVIEW))
    if s.convened_version and not s.reminder_sent:
        steps.append((starts - p.reminder_before, MeetingStep.REMINDER))
    return steps


def _round_steps(r: SignoffRound, p: MeetingPolicy, info: MeetingInfo, reminder: MeetingStep,
                 deputy: MeetingStep) -> list[tuple[datetime, str]]:
    if not r.open:
        return []
    started = parse_time(r.started_at_iso)
    steps: list[tuple[datetime, str]] = []
    if not r.reminder_sent:
        steps.append((started + p.signoff_reminder_after, reminder))
    if not r.deputy_invited and info.deputy_id and CHAIR_SLOT in r.slots and CHAIR_SLOT not in r.signed_by:
        steps.append((started + p.deputy_may_sign_after, deputy))
    return steps


def first_due(steps: list[tuple[datetime, str]], now: datetime) -> str | None:
    """The first step of a timeline (priority order) whose moment has come."""
    return next((step for at, step in steps if at <= now), None)


def earliest_after(steps: list[tuple[datetime, str]], now: datetime) -> tuple[datetime, str] | None:
    """The earliest step of a timeline due after `now`, if any."""
    future = [(at, step) for at, step in steps if at > now]
    return min(future, key=lambda entry: entry[0]) if future else None


def due_step(s: MeetingState, p: MeetingPolicy, info: MeetingInfo, now: datetime) -> str | None:
    return first_due(timeline(s, p, info), now)


def next_moment(s: MeetingState, p: MeetingPolicy, info: MeetingInfo, now: datetime) -> tuple[datetime, str] | None:
    return earliest_after(timeline(s, p, info), now)


def phase(s: MeetingState) -> str:
    if s.cancelled:
        return "cancelled"
    if s.closed:
        return "closed"
    if s.held:
        return "minutes_signoff" if s.minutes_round.open or s.minutes_round.complete else "held"
    if s.convened_version:
        return "convened"
    if s.agenda_round.complete:
        return "awaiting_convocation"
    return "agenda_signoff" if s.agenda_round.open else "preparing"


def waiting_for(s: MeetingState) -> str:
    """What the workflow waits for when no step is due (Dutch, for the status view)."""
    if s.held:
        if s.minutes_round.changes_requested or not s.minutes_version:
            return "Wacht op het verslag van de secretaris"
        return "Wacht op ondertekening van het verslag"
    if s.agenda_round.open:
        return "Wacht op ondertekening van de agenda"
    if not s.agenda_version or s.agenda_round.changes_requested:
        return "Wacht op de agenda van de secretaris"
    return "Wacht op de vergadering"
