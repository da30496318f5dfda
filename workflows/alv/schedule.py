"""What the ALV workflow does next and when: pure functions of its state, policy and info (like the
board's workflows/meeting/schedule.py). Untimed steps are due at once; past moments are due now."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from models.messages.alv import AlvState
from models.messages.meeting_state import SignoffRound
from raadsbode.domain.alv_policy import AlvPolicy
from workflows.meeting.schedule import AT_ONCE, earliest_after, first_due, parse_time, with_filing

class AlvStep(StrEnum):
    """The ALV workflow's steps: the keys of its step table (AlvWorkflow._step_table)."""

    FILE_DECISION = "file_decision"
    SAVE_THE_DATE = "save_the_date"
    MOTIONS_CLOSED = "motions_closed"
    AGENDA_ROUND = "agenda_round"
    AGENDA_REMINDER = "agenda_reminder"
    CONVOCATION = "convocation"
    REMINDER = "reminder"
    ATTENDANCE_LIST = "attendance_list"
    HELD = "held"
    DECISIONS_REQUEST = "decisions_request"
    DECISIONS_ROUND = "decisions_round"
    DECISIONS_REMINDER = "decisions_reminder"
    DECISIONS_RELEASE = "decisions_release"


STEP_LABELS: dict[str, str] = {
    AlvStep.FILE_DECISION: "Ondertekening vastleggen en bevestigen",
    AlvStep.SAVE_THE_DATE: "Save the date en oproep voor moties naar alle leden",
    AlvStep.MOTIONS_CLOSED: "Termijn moties sluit; overzicht naar de secretaris",
    AlvStep.AGENDA_ROUND: "Agenda ter ondertekening naar voorzitter en secretaris",
    AlvStep.AGENDA_REMINDER: "Herinnering om de agenda te ondertekenen",
    AlvStep.CONVOCATION: "Uitnodiging met agenda, stukken en moties naar alle leden",
    AlvStep.REMINDER: "Herinnering aan leden die nog niet hebben geantwoord",
    AlvStep.ATTENDANCE_LIST: "Presentielijst naar de secretaris",
    AlvStep.HELD: "Aanvang van de vergadering",
    AlvStep.DECISIONS_REQUEST: "Verzoek om de besluitenlijst naar de secretaris",
    AlvStep.DECISIONS_ROUND: "Besluitenlijst ter ondertekening",
    AlvStep.DECISIONS_REMINDER: "Herinnering om de besluitenlijst te ondertekenen",
    AlvStep.DECISIONS_RELEASE: "Besluitenlijst naar alle leden en publiceren",
}


def timeline(s: AlvState, p: AlvPolicy) -> list[tuple[datetime, str]]:
    return with_filing(s.pending_decisions, p.decision_filing_after, _by_phase(s, p))


def _by_phase(s: AlvState, p: AlvPolicy) -> list[tuple[datetime, str]]:
    starts, ends = parse_time(s.starts_at_iso), parse_time(s.ends_at_iso)
    agenda, decisions = s.agenda_round, s.decisions_round
    if not s.held:
        return _before(s, p, starts, agenda) + [(starts, AlvStep.HELD)]
    steps: list[tuple[datetime, str]] = []
    if not s.decisions_request_sent:
        steps.append((ends + p.decisions_request_after, AlvStep.DECISIONS_REQUEST))
    if s.decisions_version > decisions.version:
        steps.append((AT_ONCE, AlvStep.DECISIONS_ROUND))
    if decisions.open and not decisions.reminder_sent:
        steps.append((parse_time(decisions.started_at_iso) + p.signoff_reminder_after, AlvStep.DECISIONS_REMINDER))
    if decisions.complete:
        steps.append((AT_ONCE, AlvStep.DECISIONS_RELEASE))
    return steps


def _before(s: AlvState, p: AlvPolicy, starts: datetime, agenda: SignoffRound) -> list[tuple[datetime, str]]:
    steps: list[tuple[datetime, str]] = []
    if not s.save_the_date_sent:
        steps.append((starts - p.save_the_date_before, AlvStep.SAVE_THE_DATE))
    if not s.motions_closed:
        steps.append((starts - p.motions_close_before, AlvStep.MOTIONS_CLOSED))
    if s.agenda_version > agenda.version:
        steps.append((AT_ONCE, AlvStep.AGENDA_ROUND))
    if agenda.open and not agenda.reminder_sent:
        steps.append((parse_time(agenda.started_at_iso) + p.signoff_reminder_after, AlvStep.AGENDA_REMINDER))
    if agenda.complete and agenda.version > s.convened_version:
        steps.append((starts - p.convocation_before if not s.convened_version else AT_ONCE, AlvStep.CONVOCATION))
    if s.save_the_date_sent and not s.reminder_sent:
        steps.append((starts - p.reminder_before, AlvStep.REMINDER))
    if s.save_the_date_sent and not s.attendance_list_sent:
        steps.append((starts - p.attendance_list_before, AlvStep.ATTENDANCE_LIST))
    return steps


def due_step(s: AlvState, p: AlvPolicy, now: datetime) -> str | None:
    return first_due(timeline(s, p), now)


def next_moment(s: AlvState, p: AlvPolicy, now: datetime) -> tuple[datetime, str] | None:
    return earliest_after(timeline(s, p), now)


def phase(s: AlvState) -> str:
    agenda, decisions = s.agenda_round, s.decisions_round
    if s.cancelled:
        return "cancelled"
    if s.closed:
        return "closed"
    if s.held:
        return "decisions_signoff" if decisions.open or decisions.complete else "held"
    if s.convened_version:
        return "convened"
    if agenda.open:
        return "agenda_signoff"
    return "motions" if s.save_the_date_sent and not s.motions_closed else "preparing"
