"""A sign-off decision the workflow recorded: claim the single-use token, write the audit event (one
transaction, repeatable: a claim by the same decision is ours), pick the emails."""
from __future__ import annotations

from sqlmodel import Session

from activities.meeting.mail import MeetingMail
from activities.meeting.notices import changes_requested, decision_confirmation
from activities.meeting.store import get_meeting, person_email, subject_ref
from models.tables.ledger import ActionToken
from models.messages.meeting_activity import DecisionRecord
from models.messages.meeting import signoff_thanks
from models.messages.meeting_state import CHAIR_SLOT
from models.messages.mail import OutboundEmail
from models.tables.org import MemberRole
from raadsbode.store import tokens
from raadsbode.store.audit import record_audit


def claim_decision(session: Session, rec: DecisionRecord) -> tuple[bool, str]:
    """Mark the token used and audit who decided; (accepted, Dutch message for the person)."""
    d = rec.decision
    meeting = get_meeting(session, rec.meeting_id)
    token = session.get(ActionToken, d.token_id)
    if (token is None or token.revoked or token.subject_ref != subject_ref(meeting.id) or token.purpose != d.purpose
            or token.version != d.version or token.person_id != d.person_id):
        return False, "Deze link is niet (meer) geldig."
    if not tokens.mark_used(session, token.id, d.decision):
        session.refresh(token)
        if token.used_decision != d.decision:
            return False, "Deze link is al gebruikt."
        return True, signoff_thanks(d.purpose, d.version, d.decision)  # our own earlier attempt claimed it
    record_audit(session, meeting.association_id, f"{d.purpose}:{d.decision}", subject_ref=subject_ref(meeting.id),
                 actor=person_email(session, d.person_id),
                 detail={"version": d.version, "comment": d.comment, "slot": rec.slot, "token_id": token.id},
                 source=f"token {token.id} from {d.source or 'onbekend'}")
    return True, signoff_thanks(d.purpose, d.version, d.decision)


def decision_emails(mm: MeetingMail, rec: DecisionRecord) -> list[OutboundEmail]:
    """The chair (or deputy) gets a confirmation; a request for changes goes to the secretary."""
    d = rec.decision
    person = mm.person(d.person_id)
    outs = []
    if rec.slot == CHAIR_SLOT and not mm.already_sent(f"{d.purpose}-confirmation", d.version, person):
        outs.append(decision_confirmation(mm, person, d.purpose, d.version, d.decision))
    secretary = mm.role_holder(MemberRole.secretary)
    if d.decision == "request_changes" and secretary and not mm.already_sent(f"{d.purpose}-changes", d.version, secretary):
        outs += changes_requested(mm, d.purpose, d.version, d.comment, person)
    return outs
