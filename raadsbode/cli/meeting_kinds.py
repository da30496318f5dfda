"""Which command handles which kind of meeting, for `raadsbode meeting start|status`.

Board and committee meetings run MeetingWorkflow; an (extra) ALV runs AlvWorkflow and a network meeting
NetworkMeetingWorkflow, each with its own start command and status view. `meeting` hands over to them
instead of starting the wrong workflow.
"""
from __future__ import annotations

from collections.abc import Callable

from models.tables.meetings import Meeting
from raadsbode.cli.alv import status as alv_status
from raadsbode.cli.common import fail
from raadsbode.cli.network import status as network_status
from raadsbode.db import SessionFactory, session_scope
from raadsbode.services.meeting.actions import MeetingError

WRONG_BODY = {
    "alv": "Een ALV start u met --kind alv (of extra-alv met --reason), of met `raadsbode alv start`.",
    "network": "Een netwerkbijeenkomst start u met `raadsbode network start` (aanmelding met plaatsen en wachtlijst).",
}
OTHER_STATUS: dict[str, Callable[[int], None]] = {"alv": alv_status, "extra_alv": alv_status, "network": network_status}


def general_meeting_kind(kind: str | None) -> str | None:
    """'alv' / 'extra-alv' when --kind asks for a general meeting; None for a board or committee meeting
    (whose kind follows --body). MeetingError for a network meeting or an unknown kind."""
    wanted = (kind or "").strip().lower().replace("_", "-")
    if wanted in ("", "board", "committee"):
        return None
    if wanted in ("alv", "extra-alv"):
        return wanted
    if wanted == "network":
        raise MeetingError(WRONG_BODY["network"])
    raise MeetingError(f"Onbekende soort vergadering '{kind}': kies board, committee, alv, extra-alv of network.")


def other_status(sessions: SessionFactory, meeting_id: int) -> Callable[[int], None] | None:
    """The status command of an ALV or network meeting; None for a board or committee meeting."""
    with session_scope(sessions) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            fail(f"Onbekende vergadering {meeting_id}.")
        return OTHER_STATUS.get(str(meeting.kind))
