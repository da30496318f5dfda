"""The one way an audit event is written: who did what to which subject, with the details a person can read.

Every writer (workflow activities, services, the workspace, sign-in, the mailer) goes through here, so the
column limits and the JSON of the details are applied in one place."""
from __future__ import annotations

import json

from sqlmodel import Session

from models.tables.ledger import AuditEvent


def audit_event(association_id: int | None, action: str, *, subject_ref: str = "", actor: str = "",
                detail: dict | None = None, source: str = "") -> AuditEvent:
    """The row, not yet added: for a caller that adds it with other rows of its own transaction."""
    return AuditEvent(association_id=association_id, actor=actor[:254], action=action, subject_ref=subject_ref[:128],
                      detail_json=json.dumps(detail or {}), source=source[:200])


def record_audit(session: Session, association_id: int | None, action: str, *, subject_ref: str = "",
                 actor: str = "", detail: dict | None = None, source: str = "") -> AuditEvent:
    """Add an audit event to the session; the caller's commit writes it with the change it records."""
    event = audit_event(association_id, action, subject_ref=subject_ref, actor=actor, detail=detail, source=source)
    session.add(event)
    return event
