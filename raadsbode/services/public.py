"""What the public may see of an association: its public meetings (ALVs, network meetings), each with
the agenda that was sent out, its documents and, once signed off, the decision list; and the calendar feed.

Only what was published counts: a draft agenda or an unsigned decision list never shows here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, UTC
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import Session, col, select

from raadsbode.mail.ical import PRODID, timezone_component
from models.tables.alv import AlvDecision, MeetingDetails
from models.tables.meetings import AgendaItem, AgendaVersion, Meeting, MeetingKind, MeetingStatus
from models.tables.org import Association, Venue
from models.tables.types import utcnow
from raadsbode.domain.decisions import OUTCOME_LABELS
from raadsbode.store.meetings import meeting_details

KIND_LABELS = {"alv": "Algemene Ledenvergadering", "extra_alv": "Extra Algemene Ledenvergadering",
               "network": "Netwerkbijeenkomst"}
PUBLIC_KINDS = (MeetingKind.alv, MeetingKind.extra_alv, MeetingKind.network)


@dataclass
class PublicMeeting:
    meeting: Meeting
    kind_label: str
    venue: str
    details: MeetingDetails | None
    agenda: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.meeting.status == MeetingStatus.cancelled


def public_meetings(session: Session, association_id: int) -> list[PublicMeeting]:
    """Every public meeting of the association, oldest first."""
    meetings = session.exec(select(Meeting).where(
        Meeting.association_id == association_id, Meeting.is_public == True,  # noqa: E712
        col(Meeting.kind).in_(PUBLIC_KINDS)).order_by(col(Meeting.starts_at))).all()
    return [_public(session, m) for m in meetings]


def _public(session: Session, meeting: Meeting) -> PublicMeeting:
    details = meeting_details(session, meeting.id)
    venue = session.get(Venue, meeting.venue_id) if meeting.venue_id else None
    view = PublicMeeting(meeting, KIND_LABELS.get(str(meeting.kind), "Vergadering"),
                         ", ".join(p for p in (venue.name, venue.address) if p) if venue else "", details)
    if details and details.published_agenda_version:
        view.agenda = published_agenda(session, meeting.id, details.published_agenda_version)
    if details and details.published_decisions_version:
        view.decisions = decision_list(session, meeting.id, details.published_decisions_version)
    return view


def published_agenda(session: Session, meeting_id: int, version: int) -> list[dict]:
    rows = session.exec(select(AgendaItem).join(AgendaVersion, col(AgendaVersion.id) == AgendaItem.agenda_version_id)
                        .where(AgendaVersion.meeting_id == meeting_id, AgendaVersion.version == version)
                        .order_by(col(AgendaItem.position))).all()
    return [{"number": r.number, "title": r.title, "documents": json.loads(r.documents_json or "[]")} for r in rows]


def decision_list(session: Session, meeting_id: int, version: int) -> list[dict]:
    rows = session.exec(select(AlvDecision).where(AlvDecision.meeting_id == meeting_id, AlvDecision.version == version)
                        .order_by(col(AlvDecision.position))).all()
    return [{"subject": r.subject, "ref": r.ref, "title": r.title, "outcome": str(r.outcome),
             "outcome_label": OUTCOME_LABELS[str(r.outcome)], "note": r.note} for r in rows]


def split_upcoming(meetings: list[PublicMeeting], now: datetime | None = None) -> tuple[list, list]:
    """(upcoming soonest first, past most recent first)."""
    now = now or utcnow()
    upcoming = [m for m in meetings if m.meeting.ends_at >= now]
    past = [m for m in meetings if m.meeting.ends_at < now]
    return upcoming, list(reversed(past))


def calendar_feed(association: Association, meetings: list[PublicMeeting], page_url: str) -> bytes:
    """METHOD:PUBLISH feed: one VEVENT per public meeting, stable UID and SEQUENCE, cancelled ones marked."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{association.name}: openbare vergaderingen")
    tzid = association.timezone or "Europe/Amsterdam"
    stamp = datetime.now(UTC).replace(microsecond=0)
    starts = [view.meeting.starts_at for view in meetings] or [stamp]
    ends = [view.meeting.ends_at for view in meetings] or [stamp]
    # Always there: RFC 5545 wants one component at least, so a feed with no public meeting yet still subscribes.
    cal.add_component(timezone_component(tzid, min(starts), max(ends)))
    for view in meetings:
        cal.add_component(_feed_event(view, tzid, stamp, page_url))
    return cal.to_ical()


def _feed_event(view: PublicMeeting, tzid: str, stamp: datetime, page_url: str) -> Event:
    m, zone = view.meeting, ZoneInfo(tzid)
    event = Event()
    event.add("uid", m.ical_uid)
    event.add("sequence", m.ical_sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", m.starts_at.astimezone(zone))
    event.add("dtend", m.ends_at.astimezone(zone))
    event.add("summary", m.title)
    event.add("location", view.venue)
    lines = [view.kind_label] + [f"{i['number']}. {i['title']}" for i in view.agenda]
    event.add("description", "\n".join(lines))
    event.add("url", page_url)
    event.add("status", "CANCELLED" if view.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event
