"""What the meeting workflow does next and when: pure functions of its state, policy and the time.

`timeline` lists the steps whose preconditions hold, in priority order, each with the moment it is due
(untimed steps are due at once). The workflow runs the first due step; otherwise it sleeps until the
earliest future moment or until an update changes the state.
"""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

from models.messages.meeting_info import MeetingInfo
from models.messages.meeting_state import CHAIR_SLOT, MeetingState, PendingDecision, SignoffRound
from raadsbode.domain.policy import MeetingPolicy

AT_ONCE = datetime.min.replace(tzinfo=UTC)

STEP_LABELS = {
    "file_decision": "Ondertekening vastleggen en bevestigen",
    "agenda_request": "Verzoek om de agenda op te stellen naar de secretaris",
    "agenda_round": "Agenda ter ondertekening versturen",
    "agenda_reminder": "Herinnering om de agenda te ondertekenen",
    "agenda_deputy": "Loco-voorzitter uitnodigen om te ondertekenen",
    "convocation": "Uitnodiging met agenda naar de leden",
    "amended_agenda": "Gewijzigde agenda naar de leden",
    "overview": "Aanwezigheidsoverzicht naar de secretaris",
    "reminder": "Herinnering aan wie aanwezig is",
    "held": "Aanvang van de vergadering",
    "minutes_request": "Verzoek om het verslag naar de secretaris",
    "minutes_round": "Verslag ter ondertekening versturen",
    "minutes_reminder": "Herinnering om het verslag te ondertekenen",
    "minutes_deputy": "Loco-voorzitter uitnodigen om het verslag te ondertekenen",
    "minutes_release": "Vastgesteld verslag naar het bestuur",
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
    return [(due, "file_decision")] + steps


def timeline(s: MeetingState, p: MeetingPolicy, info: MeetingInfo) -> list[tuple[datetime, str]]:
    return with_filing(s.pending_decisions, p.decision_filing_after, _by_phase(s, p, info))


def _by_phase(s: MeetingState, p: MeetingPolicy, info: MeetingInfo) -> list[tuple[datetime, str]]:
    starts, ends = parse_time(s.starts_at_iso), parse_time(s.ends_at_iso)
    steps: list[tuple[datetime, str]] = []
    if not s.held:
        steps += _before_meeting(s, p, info, starts)
        steps.append((starts, "held"))
        return steps
    if not s.minutes_request_sent:
        steps.append((ends + p.minutes_request_after, "minutes_request"))
    if s.minutes_version > s.minutes_round.version:
        steps.append((AT_ONCE, "minutes_round"))
    steps += _round_steps(s.minutes_round, p, info, "minutes")
    if s.minutes_round.complete:
        steps.append((AT_ONCE, "minutes_release"))
    return steps


def _before_meeting(s: MeetingState, p: MeetingPolicy, info: MeetingInfo, starts: datetime) -> list[tuple[datetime, str]]:
    steps: list[tuple[datetime, str]] = []
    if not s.agenda_request_sent:
        steps.append((starts - p.agenda_request_before, "agenda_request"))
    if s.agenda_version > s.agenda_round.version:
        steps.append((AT_ONCE, "agenda_round"))
    steps += _round_steps(s.agenda_round, p, info, "agenda")
    if s.agenda_round.complete and s.agenda_round.version > s.convened_version:
        if s.convened_version:
            steps.append((AT_ONCE, "amended_agenda"))
        else:
            steps.append((starts - p.convocation_before, "convocation"))
    if s.convened_version and not s.overview_sent:
        steps.append((starts - p.attendance_overview_before, "overview"))
    if s.convened_version and not s.reminder_sent:
        steps.append((starts - p.reminder_before, "reminder"))
    return steps


def _round_steps(r: SignoffRound, p: MeetingPolicy, info: MeetingInfo, prefix: str) -> list[tuple[datetime, str]]:
    if not r.open:
        return []
    started = parse_time(r.started_at_iso)
    steps = []
    if not r.reminder_sent:
        steps.append((started + p.signoff_reminder_after, f"{prefix}_reminder"))
    if not r.deputy_invited and info.deputy_id and CHAIR_SLOT in r.slots and CHAIR_SLOT not in r.signed_by:
        steps.append((started + p.deputy_may_sign_after, f"{prefix}_deputy"))
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
