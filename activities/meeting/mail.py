"""Composing a meeting's emails: context for the templates, personal links, invitations.

A MeetingMail is built inside one DB session per activity attempt. Before issuing a link for someone
it asks the ledger whether that email already went out (a retried activity then issues nothing new).
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, select

from activities.deps import Deps
from raadsbode.mail.ical import CalendarEvent, build_calendar
from raadsbode.mail.itip import REQUEST_KINDS
from activities.meeting.store import board, get_meeting, subject_ref
from models.tables.ledger import OutboundMessage, SendStatus
from models.messages.meeting import AgendaItemInput
from models.tables.meetings import AgendaVersion
from models.messages.mail import OutboundEmail
from models.tables.org import Association, Body, MemberRole, Person, Venue
from raadsbode.store import tokens
from raadsbode.domain.agenda import KIND_LABELS
from raadsbode.services.meeting.agenda import agenda_items
from raadsbode.domain.policy import MeetingPolicy



class MeetingMail:
    def __init__(self, deps: Deps, session: Session, meeting_id: int) -> None:
        self.deps, self.session = deps, session
        self.meeting = get_meeting(session, meeting_id)
        self.association = session.get(Association, self.meeting.association_id)
        self.body = session.get(Body, self.meeting.body_id)
        self.venue = session.get(Venue, self.meeting.venue_id) if self.meeting.venue_id else None
        self.members = board(session, self.meeting.body_id)
        self.ref = subject_ref(meeting_id)
        self.policy = MeetingPolicy.from_overrides(json.loads(self.body.policy_json or "{}"),
                                                   json.loads(self.meeting.policy_json or "{}"))

    # --- people and links --------------------------------------------------------------------

    def person(self, person_id: int) -> Person:
        person = self.session.get(Person, person_id)
        if person is None or person.association_id != self.meeting.association_id:
            raise LookupError(f"person {person_id} is not part of this association")
        return person

    def role_holder(self, role: MemberRole) -> Person | None:
        return next((p for m, p in self.members if m.role == role), None)

    def already_sent(self, kind: str, version: int, person: Person) -> bool:
        key = f"{kind}|{self.ref}|{version}|{person.email.strip().lower()}"
        status = self.session.exec(select(OutboundMessage.status).where(OutboundMessage.business_key == key)).first()
        return status in (SendStatus.sent, SendStatus.failed_permanent)

    def link(self, purpose: str, version: int, person: Person, single_use: bool = False) -> str:
        raw = tokens.issue_token(
            self.session, association_id=self.meeting.association_id, purpose=purpose, subject_ref=self.ref,
            version=version, person_id=person.id, expires_at=self.link_expiry(purpose), single_use=single_use,
        )
        return f"{self.deps.settings.public_base_url}/l/{raw}"

    def link_expiry(self, purpose: str) -> datetime:
        if purpose.startswith("minutes"):
            return self.meeting.starts_at + self.policy.minutes_link_valid
        return self.meeting.starts_at

    # --- content -------------------------------------------------------------------------------

    def agenda(self, version: int) -> list[dict]:
        """The items of exactly this agenda version (what was signed is what goes out)."""
        row = self.session.exec(select(AgendaVersion).where(
            AgendaVersion.meeting_id == self.meeting.id, AgendaVersion.version == version)).one()
        return [self.item_view(item) for item in agenda_items(self.session, row.id)]

    @staticmethod
    def item_view(item: AgendaItemInput) -> dict:
        return {"number": item.number, "title": item.title, "kind_label": KIND_LABELS.get(item.kind, item.kind),
                "presenter": item.presenter, "documents": item.documents}

    @property
    def name(self) -> str:
        """What the meeting is called in mails and calendars: its title, led by the body unless the title names it."""
        title = self.meeting.title
        return title if self.body.name.lower() in title.lower() else f"{self.body.name}: {title}"

    def context(self, **extra) -> dict:
        return {
            "association_name": self.association.name, "meeting_name": self.name,
            "body_name": self.body.name, "starts_at": self.meeting.starts_at, "ends_at": self.meeting.ends_at,
            "venue_name": self.venue.name if self.venue else "", "venue_address": self.venue.address if self.venue else "",
            **extra,
        }

    def when(self) -> str:
        return self.deps.renderer.render_string("{{ d|nl_datetime }}", d=self.meeting.starts_at)

    def email(self, kind: str, key_version: int, person: Person, template: str, subject: str, **ctx) -> OutboundEmail:
        context = self.context(person_name=person.name, **ctx)
        r = self.deps.renderer
        return OutboundEmail(
            kind=kind, subject_ref=self.ref, version=key_version, recipient_email=person.email,
            recipient_name=person.name, subject=subject, association_id=self.meeting.association_id,
            html=r.render_html(f"email/{template}.html.j2", **context),
            text=r.render_text(f"email/{template}.txt.j2", **context),
            from_email=self.association.mailbox_email, from_name=self.association.name,
        )

    def calendar(self, out: OutboundEmail, person: Person, method: str, link: str, agenda: list[dict]) -> OutboundEmail:
        """Attach this person's own VCALENDAR (same UID always; SEQUENCE from the meeting)."""
        lines = [f"{i['number']}. {i['title']}" for i in agenda]
        if lines:  # a save the date or a move before the convocation has no agenda yet: no empty "Agenda:" heading
            lines = ["Agenda:", *lines, ""]
        if link:
            lines.append(f"{'Agenda en aan' if agenda else 'Aan'}- of afmelden: {link}")
        description = "\n".join(lines)
        location = ", ".join(part for part in (self.venue.name, self.venue.address) if part) if self.venue else ""
        out.calendar = build_calendar(CalendarEvent(
            uid=self.meeting.ical_uid, sequence=self.meeting.ical_sequence, summary=self.name,
            description=description, location=location, starts_at=self.meeting.starts_at, ends_at=self.meeting.ends_at,
            organizer_email=self.association.mailbox_email, organizer_name=self.association.name,
            attendee_email=person.email, attendee_name=person.name, url=link, method=method,
            tzid=self.association.timezone or "Europe/Amsterdam",
        ))
        out.calendar_method = method
        return out

    def request_receivers(self) -> list[Person]:
        """Everyone who got the meeting into their calendar (a sent REQUEST), per the ledger."""
        emails = set(self.session.exec(select(OutboundMessage.recipient).where(
            OutboundMessage.subject_ref == self.ref, col(OutboundMessage.kind).in_(REQUEST_KINDS),
            OutboundMessage.status == SendStatus.sent)).all())
        people = self.session.exec(select(Person).where(
            Person.association_id == self.meeting.association_id, col(Person.email).in_(emails))).all()
        return sorted(people, key=lambda p: p.name)
