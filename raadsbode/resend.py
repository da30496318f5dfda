"""Send a sign-off link again ("link opnieuw versturen") from the workspace.

The original request email is keyed (agenda-signoff-request, meeting, version, recipient) in the ledger,
so sending it again needs a key of its own: kind `<purpose>-resend-v<version>`, version = how many resends
this person already got + 1. A double click computes the same key, so the ledger sends it once.
A fresh single-use token is issued; the old link stays valid (the person may still find that email).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from activities.deps import Deps
from activities.mailer import Mailer
from activities.meeting_mail import MeetingMail
from activities.meeting_notices import signoff_content, signoff_subject
from activities.meeting_store import audit
from models.ledger import OutboundMessage
from models.meeting_activity_messages import SignoffRequest
from models.messages import OutboundEmail, SendEmailResult
from raadsbode.db import session_scope

PURPOSES = ("agenda-signoff", "minutes-signoff")


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


def compose_resend(session: Session, deps: Deps, req: ResendRequest) -> OutboundEmail:
    """The sign-off request again, with a new link. Caller commits (so the link works before it is sent)."""
    if req.purpose not in PURPOSES:
        raise ValueError("Onbekend soort ondertekening.")
    mm = MeetingMail(deps, session, req.meeting_id)
    person = mm.person(req.person_id)
    kind = resend_kind(req.purpose, req.version)
    content = signoff_content(mm, req.purpose, req.version)
    request = SignoffRequest(req.meeting_id, req.purpose, req.version, [person.id],
                             in_place_of_chair=req.in_place_of_chair)
    link = mm.link(req.purpose, req.version, person, single_use=True)
    out = mm.email(kind, _resends_so_far(session, mm, kind, person.email) + 1, person, "meeting_signoff_request",
                   signoff_subject(mm, request), link=link, version=req.version, purpose=req.purpose,
                   reminder=False, in_place_of_chair=req.in_place_of_chair, **content)
    audit(session, mm.meeting, "signoff-link-resent", req.actor,
          {"purpose": req.purpose, "version": req.version, "to": person.name}, source="werkruimte")
    return out


async def resend_signoff_link(deps: Deps, req: ResendRequest) -> SendEmailResult:
    """Compose (in a thread), commit, then deliver through the ledger. Raises TemporarySendError on 4xx."""
    def _compose() -> OutboundEmail:
        with session_scope(deps.sessions) as session:
            return compose_resend(session, deps, req)

    out = await asyncio.to_thread(_compose)
    return await Mailer(deps.settings, deps.sessions).deliver(out)
