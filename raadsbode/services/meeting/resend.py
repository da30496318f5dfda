"""Send a sign-off link again ("link opnieuw versturen") from the workspace.

The original request email is keyed (agenda-signoff-request, meeting, version, recipient) in the ledger,
so sending it again needs a key of its own: kind `<purpose>-resend-v<version>`, version = how many resends
this person already got + 1. A double click computes the same key, so the ledger sends it once.
A fresh single-use token is issued; the old link stays valid (the person may still find that email).
Within RESEND_QUIET of the last resend to the same person for the same round (per the ledger) a resend is
refused with ResendTooSoon: five clicks would otherwise mean five mails with five live links.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from activities.deps import Deps
from raadsbode.mail.mailer import Mailer
from activities.meeting.mail import MeetingMail
from activities.meeting.notices import signoff_content, signoff_subject
from models.tables.ledger import OutboundMessage, SendStatus
from models.messages.meeting_activity import SignoffRequest
from models.messages.mail import OutboundEmail, SendEmailResult
from models.tables.types import utcnow
from raadsbode.db import session_scope
from raadsbode.domain.vocabulary import SIGNOFF_PURPOSES
from raadsbode.store.audit import record_audit
from raadsbode.store.meetings import subject_ref

PURPOSES = SIGNOFF_PURPOSES
RESEND_QUIET = timedelta(minutes=5)
# A resend that failed for good or is waiting for the relay to come back does not hold the next one back.
_LIVE = (SendStatus.pending, SendStatus.sending, SendStatus.sent)


class ResendTooSoon(Exception):
    """The link went to this person for this round a moment ago; `message` (Dutch) says when, and when again."""

    def __init__(self, message: str, sent_at: datetime) -> None:
        super().__init__(message)
        self.message, self.sent_at = message, sent_at


@dataclass(frozen=True)
class ResendRequest:
    meeting_id: int
    person_id: int
    purpose: str  # agenda-signoff / minutes-signoff
    version: int
    in_place_of_chair: bool = False
    actor: str = ""  # the staff member's email, for the audit log


def resend_kind(purpose: str, version: int) -> str:
    return f"{purpose}-resend-v{version}"


def _resends_so_far(session: Session, mm: MeetingMail, kind: str, email: str) -> int:
    return session.exec(select(func.count()).select_from(OutboundMessage).where(
        OutboundMessage.kind == kind, OutboundMessage.subject_ref == mm.ref,
        OutboundMessage.recipient == email.strip().lower())).one()


def _last_resend(session: Session, mm: MeetingMail, kind: str, email: str) -> datetime | None:
    """When this round's link was last resent to `email`, if within RESEND_QUIET."""
    row = session.exec(select(OutboundMessage).where(
        OutboundMessage.kind == kind, OutboundMessage.subject_ref == mm.ref,
        OutboundMessage.recipient == email.strip().lower(), col(OutboundMessage.status).in_(_LIVE),
        OutboundMessage.created_at > utcnow() - RESEND_QUIET,
    ).order_by(col(OutboundMessage.created_at).desc())).first()
    return (row.sent_at or row.created_at) if row else None


def too_soon_message(sent_at: datetime, name: str, timezone: str) -> str:
    local = ZoneInfo(timezone)
    at, again = sent_at.astimezone(local), (sent_at + RESEND_QUIET).astimezone(local)
    return (f"De link is om {at:%H:%M} al opnieuw verstuurd aan {name}; er is nu niets verstuurd. De eerder "
            f"verstuurde links blijven geldig. Opnieuw versturen kan weer vanaf {again:%H:%M}.")


def compose_resend(session: Session, deps: Deps, req: ResendRequest) -> OutboundEmail:
    """The sign-off request again, with a new link. Caller commits (so the link works before it is sent).
    Raises ResendTooSoon within RESEND_QUIET of the last resend of this round to this person."""
    if req.purpose not in PURPOSES:
        raise ValueError("Onbekend soort ondertekening.")
    mm = MeetingMail(deps, session, req.meeting_id)
    person = mm.person(req.person_id)
    kind = resend_kind(req.purpose, req.version)
    last = _last_resend(session, mm, kind, person.email)
    if last is not None:
        raise ResendTooSoon(too_soon_message(last, person.name, deps.settings.timezone), last)
    content = signoff_content(mm, req.purpose, req.version)
    request = SignoffRequest(req.meeting_id, req.purpose, req.version, [person.id],
                             in_place_of_chair=req.in_place_of_chair)
    link = mm.link(req.purpose, req.version, person, single_use=True)
    out = mm.email(kind, _resends_so_far(session, mm, kind, person.email) + 1, person, "meeting_signoff_request",
                   signoff_subject(mm, request), link=link, version=req.version, purpose=req.purpose,
                   reminder=False, in_place_of_chair=req.in_place_of_chair, **content)
    record_audit(session, mm.meeting.association_id, "signoff-link-resent", subject_ref=subject_ref(mm.meeting.id),
                 actor=req.actor, detail={"purpose": req.purpose, "version": req.version, "to": person.name},
                 source="werkruimte")
    return out


async def resend_signoff_link(deps: Deps, req: ResendRequest) -> SendEmailResult:
    """Compose (in a thread), commit, then deliver through the ledger. Raises TemporarySendError on 4xx,
    ResendTooSoon (nothing issued, nothing sent) when the link was resent moments ago."""
    def _compose() -> OutboundEmail:
        with session_scope(deps.sessions) as session:
            return compose_resend(session, deps, req)

    out = await asyncio.to_thread(_compose)
    return await Mailer(deps.settings, deps.sessions).deliver(out)
