"""What the ALV workflow does next and when: pure functions of its state, policy and info (like the
board's workflows/meeting/schedule.py). Untimed steps are due at once; past moments are due now."""
from __future__ import annotations

from datetime import datetime

from models.messages.alv import AlvState
from models.messages.meeting_state import SignoffRound
from raadsbode.domain.alv_policy import AlvPolicy
from workflows.meeting.schedule import AT_ONCE, earliest_after, first_due, parse_time, with_filing

STEP_LABELS = {
    "file_decision": "Ondertekening vastleggen en bevestigen",
    "save_the_date": "Save the date en oproep voor moties naar alle leden",
    "motions_closed": "Termijn moties sluit; overzicht naar de secretaris",
    "agenda_round": "Agenda ter ondertekening naar voorzitter en secretaris",
    "agenda_reminder": "Herinnering om de agenda te ondertekenen",
    "convocation": "Uitnodiging met agenda, stukken en moties naar alle leden",
    "reminder": "Herinnering aan leden die nog niet hebben geantwoord",
    "attendance_list": "Presentielijst naar de secretaris",
    "held": "Aanvang van de vergadering",
    "decisions_request": "Verzoek om de besluitenlijst naar de secretaris",
    "decisions_round": "Besluitenlijst ter ondertekening",
    "decisions_reminder": "Herinnering om de besluitenlijst te ondertekenen",
    "decisions_release": "Besluitenlijst naar alle leden en publiceren",
}


def timeline(s: AlvState, p: AlvPolicy) -> list[tuple[datetime, str]]:
    return with_filing(s.pending_decisions, p.decision_filing_after, _by_phase(s, p))


def _by_phase(s: AlvState, p: AlvPolicy) -> list[tuple[datetime, str]]:
    starts, ends = parse_time(s.starts_at_iso), parse_time(s.ends_at_iso)
    agenda, decisions = s.agenda_round, s.decisions_round
    if not s.held:
        return _before(s, p, starts, agenda) + [(starts, "held")]
    steps: list[tuple[datetime, str]] = []
    if not s.decisions_request_sent:
        steps.append((ends + p.decisions_request_after, "decisions_request"))
    if s.decisions_version > decisions.version:
        steps.append((AT_ONCE, "decisions_round"))
    if decisions.open and not decisions.reminder_sent:
        steps.append((parse_time(decisions.started_at_iso) + p.signoff_reminder_after, "decisions_reminder"))
    if decisions.complete:
        steps.append((AT_ONCE, "decisions_release"))
    return steps


def _before(s: AlvState, p: AlvPolicy, starts: datetime, agenda: SignoffRound) -> list[tuple[datetime, str]]:
    steps: list[tuple[datetime, str]] = []
    if not s.save_the_date_sent:
        steps.append((starts - p.save_the_date_before, "save_the_date"))
    if not s.motions_closed:
        steps.append((starts - p.motions_close_before, "motions_closed"))
    if s.agenda_version > agenda.version:
        steps.append((AT_ONCE, "agenda_round"))
    if agenda.open and not agenda.reminder_sent:
        steps.append((parse_time(agenda.started_at_iso) + p.signoff_reminder_after, "agenda_reminder"))
    if agenda.complete and agenda.version > s.convened_version:
        steps.append((starts - p.convocation_before if not s.convened_version else AT_ONCE, "convocation"))
    if s.save_the_date_sent and not s.reminder_sent:
        steps.append((starts - p.reminder_before, "reminder"))
    if s.save_the_date_sent and not s.attendance_list_sent:
        steps.append((starts - p.attendance_list_before, "attendance_list"))
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
