"""The meeting workflow's status query, turned into what the secretary's status page shows (Dutch)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from models.meeting_messages import StatusQuery
from raadsbode.meetings import meeting_handle
from web.deps import get_temporal
from workflows.meeting import MeetingWorkflow

log = logging.getLogger(__name__)
PHASE_LABELS = {
    "preparing": "Agenda in voorbereiding",
    "agenda_signoff": "Agenda ter ondertekening",
    "awaiting_convocation": "Agenda ondertekend; uitnodiging nog niet verstuurd",
    "convened": "Uitnodiging verstuurd",
    "held": "Vergadering gehouden; verslag in voorbereiding",
    "minutes_signoff": "Verslag ter ondertekening",
    "closed": "Afgerond",
    "cancelled": "Geannuleerd",
}
ROLE_LABELS = {"chair": "voorzitter", "deputy_chair": "loco-voorzitter", "secretary": "secretaris"}


@dataclass(frozen=True)
class StatusSummary:
    phase: str
    agenda_version: int
    signers: list[dict]
    next_deadline: datetime | None
    next_step: str
    rsvp: dict[str, int]


async def load_status(request: Request, meeting_id: int) -> StatusSummary | None:
    """None when the workflow cannot be asked (not started, server away): the page says so."""
    try:
        client = await get_temporal(request)
        view = await meeting_handle(client, meeting_id).query(MeetingWorkflow.status, StatusQuery())
    except Exception:  # noqa: BLE001 - a status page must render whatever went wrong; the log has it
        log.warning("status query of meeting %s failed", meeting_id, exc_info=True)
        return None
    return StatusSummary(
        phase=PHASE_LABELS.get(view.phase, view.phase), agenda_version=view.agenda_version,
        signers=[{"name": s.name, "role": ROLE_LABELS.get(s.role, s.role), "signed": s.signed} for s in view.signers],
        next_deadline=datetime.fromisoformat(view.next_deadline_iso) if view.next_deadline_iso else None,
        next_step=view.next_step, rsvp=view.rsvp)
