"""SQLModel tables. Importing this package registers every table on the metadata (Alembic, tests)."""
from models.tables.agenda_drafts import AgendaDraft
from models.tables.alv import AlvDecision, InboundMessage, MeetingDetails, Motion, MotionCosigner, NetworkSignup, PlanningEntry  # noqa: F401
from models.tables.ledger import ActionToken, AuditEvent, OutboundMessage, SendStatus
from models.tables.meetings import AgendaItem, AgendaVersion, Attendance, ItemKind, Meeting, MeetingKind, MeetingStatus, Response
from models.tables.minutes import Minutes
from models.tables.newsletter import BlogPost, IssueRecipient, IssueStatus, NewsletterIssue, Subscriber, SubscriberStatus, Suppression  # noqa: F401
from models.tables.staff import StaffRole, StaffRoleName, StaffSession  # noqa: F401
from models.tables.org import Association, Body, BodyKind, Membership, MemberRole, Municipality, Person, Venue, normalise_email

__all__ = [
    "ActionToken", "AgendaDraft", "AgendaItem", "AgendaVersion", "Association", "Attendance", "AuditEvent", "Body",
    "BodyKind", "ItemKind", "Meeting", "MeetingKind", "MeetingStatus", "MemberRole", "Membership", "Minutes",
    "Municipality", "OutboundMessage", "Person", "Response", "SendStatus", "Venue", "normalise_email",
]
