"""What a meeting workflow knows about its meeting and body: loaded by its first activity, carried over
continue-as-new in its input (MeetingInput.info, AlvInfo.meeting)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MeetingInfo:
    """What the workflow needs to know about its meeting and body (ids, never ORM rows)."""

    meeting_id: int
    association_id: int
    title: str
    starts_at_iso: str
    ends_at_iso: str
    ical_sequence: int
    policy: dict[str, str]  # body policy with the meeting's overrides on top
    chair_id: int | None
    deputy_id: int | None
    secretary_id: int | None
    recipient_ids: list[int]  # board members and advisors: who gets the convocation
    names: dict[str, str] = field(default_factory=dict)  # str(person id) -> name
