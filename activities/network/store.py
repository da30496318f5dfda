"""Database work of a network meeting (synchronous; callers hold the session and commit): sign-ups with a
capacity and a waiting list, first come first served. The workflow runs these one at a time, so two
registrations never race for the last place."""
from __future__ import annotations

import json

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from activities.alv.store import contacts_query, details
from activities.meeting.store import earlier_attempt, get_meeting, subject_ref
from models.tables.alv import NetworkSignup, SignupStatus
from models.tables.meetings import Meeting
from models.messages.network import NetworkInfo, NetworkSignupInput, NetworkSignupResult
from models.tables.org import Body, Person, normalise_email
from models.tables.types import utcnow
from raadsbode.store.audit import record_audit


def audience_batch(session: Session, meeting: Meeting, after_id: int, limit: int) -> list[Person]:
    """Everyone the association has as a contact in any of its bodies (members, board, network), by id."""
    bodies = select(Body.id).where(Body.association_id == meeting.association_id)
    return list(session.exec(contacts_query(bodies).where(col(Person.id) > after_id).limit(limit)).all())


def signups_batch(session: Session, meeting_id: int, statuses: tuple[SignupStatus, ...], after_id: int,
                  limit: int) -> list[NetworkSignup]:
    return list(session.exec(select(NetworkSignup).where(
        NetworkSignup.meeting_id == meeting_id, col(NetworkSignup.status).in_(statuses), col(NetworkSignup.id) > after_id)
        .order_by(col(NetworkSignup.id)).limit(limit)).all())


def counts(session: Session, meeting_id: int) -> dict[str, int]:
    rows = session.exec(select(NetworkSignup.status, func.count()).where(NetworkSignup.meeting_id == meeting_id)
                        .group_by(NetworkSignup.status)).all()
    found = {str(status): n for status, n in rows}
    return {s.value: found.get(s.value, 0) for s in SignupStatus}


def load_network_info(session: Session, meeting_id: int) -> NetworkInfo:
    meeting = get_meeting(session, meeting_id)
    row, n = details(session, meeting_id), counts(session, meeting_id)
    body = session.get(Body, meeting.body_id)  # the network body's durations (admin settings), then the meeting's
    policy = {**json.loads((body.policy_json if body else "") or "{}"), **json.loads(row.policy_json or "{}")}
    return NetworkInfo(meeting_id, meeting.starts_at.isoformat(), row.capacity, policy, n["registered"], n["waiting"])


def waiting_position(session: Session, signup: NetworkSignup) -> int:
    ahead = session.exec(select(func.count()).select_from(NetworkSignup).where(
        NetworkSignup.meeting_id == signup.meeting_id, NetworkSignup.status == SignupStatus.waiting,
        or_(col(NetworkSignup.created_at) < signup.created_at,
            and_(col(NetworkSignup.created_at) == signup.created_at, col(NetworkSignup.id) <= signup.id)))).one()
    return int(ahead)


def _result(session: Session, row: NetworkSignup, message: str, promoted_id: int = 0,
            changed: bool = True) -> NetworkSignupResult:
    session.flush()
    n = counts(session, row.meeting_id)
    position = waiting_position(session, row) if row.status == SignupStatus.waiting else 0
    return NetworkSignupResult(row.id, str(row.status), position, message, promoted_id, n["registered"], n["waiting"],
                               changed)


def record_signup(session: Session, meeting_id: int, inp: NetworkSignupInput, key: str = "") -> NetworkSignupResult:
    """Register, or put on the waiting list. A retry of the activity whose earlier attempt committed (same
    `key`) answers as that attempt did, so the person still gets their confirmation."""
    meeting = get_meeting(session, meeting_id)
    email = normalise_email(inp.email)
    row = session.exec(select(NetworkSignup).where(NetworkSignup.meeting_id == meeting_id,
                                                   NetworkSignup.email == email)).first()
    if row is not None and row.status != SignupStatus.cancelled:
        if earlier_attempt(session, meeting, "network-signup", key) is not None:
            waiting = row.status == SignupStatus.waiting
            return _result(session, row, "U staat op de wachtlijst." if waiting else "U bent aangemeld.")
        return _result(session, row, "U was al aangemeld met dit e-mailadres.", changed=False)
    capacity, n = details(session, meeting_id).capacity, counts(session, meeting_id)
    full = capacity is not None and (n["registered"] >= capacity or n["waiting"] > 0)  # nobody jumps the queue
    row = row or NetworkSignup(meeting_id=meeting_id, email=email, name=inp.name)
    row.name, row.organisation = inp.name.strip()[:200], inp.organisation.strip()[:200]
    row.status, row.created_at = (SignupStatus.waiting if full else SignupStatus.registered), utcnow()
    session.add(row)
    record_audit(session, meeting.association_id, "network-signup", subject_ref=subject_ref(meeting.id), actor=email,
                 detail={"status": str(row.status)}, source=key or "web")
    return _result(session, row, "U staat op de wachtlijst." if full else "U bent aangemeld.")


def cancel_signup(session: Session, meeting_id: int, signup_id: int, key: str = "") -> NetworkSignupResult:
    """Cancel a sign-up; a freed place goes to the first on the waiting list. A retry of the activity whose
    earlier attempt committed (same `key`) answers as that attempt did, so the one who moved up is told."""
    meeting = get_meeting(session, meeting_id)
    row = session.get(NetworkSignup, signup_id)
    if row is None or row.meeting_id != meeting_id:
        raise LookupError(f"sign-up {signup_id} is not one of meeting {meeting_id}")
    if row.status == SignupStatus.cancelled:
        earlier = earlier_attempt(session, meeting, "network-cancel", key)
        if earlier is not None:
            return _result(session, row, "U bent afgemeld.", earlier.get("promoted_id", 0))
        return _result(session, row, "U was al afgemeld.", changed=False)
    freed = row.status == SignupStatus.registered
    row.status = SignupStatus.cancelled
    session.add(row)
    promoted = first_waiting(session, meeting_id) if freed else None
    if promoted is not None:
        promoted.status = SignupStatus.registered
        session.add(promoted)
    record_audit(session, meeting.association_id, "network-cancel", subject_ref=subject_ref(meeting.id),
                 actor=row.email,
                 detail={"promoted": promoted.email if promoted else "", "promoted_id": promoted.id if promoted else 0},
                 source=key or "web")
    return _result(session, row, "U bent afgemeld.", promoted.id if promoted else 0)


def first_waiting(session: Session, meeting_id: int) -> NetworkSignup | None:
    return session.exec(select(NetworkSignup).where(
        NetworkSignup.meeting_id == meeting_id, NetworkSignup.status == SignupStatus.waiting)
        .order_by(col(NetworkSignup.created_at), col(NetworkSignup.id))).first()
