"""SQLModel tables (org, meetings, ledger) and, apart from them, plain dataclasses (messages)."""
from models.agenda_drafts import AgendaDraft
from models.alv import AlvDecision, InboundMessage, MeetingDetails, Motion, MotionCosigner, NetworkSignup, PlanningEntry  # noqa: F401
from models.ledger import ActionToken, AuditEvent, OutboundMessage, SendStatus
from models.meetings import AgendaItem, AgendaVersion, Attendance, ItemKind, Meeting, MeetingKind, MeetingStatus, Response
from models.minutes import Minutes
from models.newsletter import BlogPost, IssueRecipient, IssueStatus, NewsletterIssue, Subscriber, SubscriberStatus, Suppression  # noqa: F401
from models.staff import StaffRole, StaffRoleName, StaffSession  # noqa: F401
from models.org import Association, Body, BodyKind, Membership, MemberRole, Municipality, Person, Venue, normalise_email

__all__ = [
    "ActionToken", "AgendaDraft", "AgendaItem", "AgendaVersion", "Association", "Attendance", "AuditEvent", "Body",
    "BodyKind", "ItemKind", "Meeting", "MeetingKind", "MeetingStatus", "Membership", "MemberRole", "Minutes",
    "Municipality", "OutboundMessage", "Person", "Response", "SendStatus", "Venue", "normalise_email",
]
