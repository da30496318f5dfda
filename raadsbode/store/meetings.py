"""One meeting as other tables name it, and the reads of its rows that activities, services and web all
need (its kind-specific details, its attendance): named once, so how they are found changes in one place."""
from __future__ import annotations

from sqlmodel import Session, select

from models.tables.alv import MeetingDetails
from models.tables.meetings import Attendance


def subject_ref(meeting_id: int) -> str:
    """The meeting as audit events, tokens and ledger rows name it."""
    return f"meeting-{meeting_id}"


def meeting_details(session: Session, meeting_id: int) -> MeetingDetails | None:
    """The ALV/network meeting's own settings (capacity, policy overrides); None when none were saved."""
    return session.exec(select(MeetingDetails).where(MeetingDetails.meeting_id == meeting_id)).first()


def attendance(session: Session, meeting_id: int) -> list[Attendance]:
    """Every answer given for the meeting."""
    return list(session.exec(select(Attendance).where(Attendance.meeting_id == meeting_id)).all())


def attendance_of(session: Session, meeting_id: int, person_id: int) -> Attendance | None:
    """One person's answer, or None before they gave one."""
    return session.exec(select(Attendance).where(Attendance.meeting_id == meeting_id,
                                                 Attendance.person_id == person_id)).first()
