"""The meeting workflow's update validators: reject malformed or out-of-phase input before it reaches
history. Pure functions of state and input; each raises ValueError with a Dutch message a person reads."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from models.messages.meeting_info import MeetingInfo
from models.messages.meeting import Reschedule, RsvpInput, SignoffDecision, SubmitAgenda, SubmitMinutes
from models.messages.meeting_state import CHAIR_SLOT, SECRETARY_SLOT, MeetingState, SignoffRound
from raadsbode.services.meeting.agenda import validate_agenda
from workflows.meeting.schedule import parse_time

if TYPE_CHECKING:  # the ALV's checks call these with its own state
    from models.messages.alv import AlvState

MAX_COMMENT = 4000
MAX_NOTE = 2000
MAX_MINUTES = 100_000
MAX_DECISIONS = 200
DECISIONS = ("approve", "request_changes")
RESPONSES = ("attending", "not_attending")


def require_ready(info: MeetingInfo | None, s: MeetingState | AlvState) -> MeetingInfo:
    if info is None:
        raise ValueError("De vergadering wordt nog klaargezet; probeer het over enkele seconden opnieuw.")
    if s.cancelled:
        raise ValueError("Deze vergadering is geannuleerd.")
    if s.closed:
        raise ValueError("Deze vergadering is afgerond.")
    return info


def require_before_start(s: MeetingState | AlvState, now: datetime) -> None:
    if now >= parse_time(s.starts_at_iso):
        raise ValueError("De vergadering is al begonnen; dit kan niet meer.")


def require_editor(info: MeetingInfo, person_id: int) -> None:
    if person_id not in (info.secretary_id, info.chair_id):
        raise ValueError("Alleen de secretaris of de voorzitter kan dit indienen.")


def check_agenda(info: MeetingInfo, s: MeetingState | AlvState, now: datetime, inp: SubmitAgenda) -> None:
    require_before_start(s, now)
    require_editor(info, inp.submitted_by_person_id)
    if len(inp.note) > MAX_NOTE:
        raise ValueError(f"De toelichting is langer dan {MAX_NOTE} tekens.")
    errors = validate_agenda(inp.items)
    if errors:
        raise ValueError(" ".join(errors))


def slot_for(info: MeetingInfo, r: SignoffRound, person_id: int) -> str | None:
    """Which signature this person gives in this round, if any."""
    if CHAIR_SLOT in r.slots and (person_id == info.chair_id or (r.deputy_invited and person_id == info.deputy_id)):
        return CHAIR_SLOT
    if SECRETARY_SLOT in r.slots and person_id == info.secretary_id:
        return SECRETARY_SLOT
    return None


def check_decision(info: MeetingInfo, s: MeetingState | AlvState, now: datetime, d: SignoffDecision, r: SignoffRound) -> None:
    if d.decision not in DECISIONS:
        raise ValueError("Kies goedkeuren of wijzigingen vragen.")
    if d.decision == "request_changes" and not d.comment.strip():
        raise ValueError("Schrijf bij 'Wijzigingen vragen' wat er anders moet.")
    if len(d.comment) > MAX_COMMENT:
        raise ValueError(f"Het commentaar is langer dan {MAX_COMMENT} tekens.")
    if d.purpose == "agenda-signoff":
        require_before_start(s, now)
    if d.version < r.version:
        raise ValueError("Deze link hoort bij een oudere versie; u heeft een nieuwe link ontvangen.")
    if d.version != r.version:
        raise ValueError("Deze versie staat niet ter ondertekening.")
    if r.changes_requested:
        raise ValueError("Voor deze versie zijn al wijzigingen gevraagd; er volgt een nieuwe versie.")
    slot = slot_for(info, r, d.person_id)
    if slot is None:
        raise ValueError("U kunt deze versie niet ondertekenen.")
    if slot in r.signed_by:
        raise ValueError("Deze versie is al ondertekend.")


def check_rsvp(info: MeetingInfo, s: MeetingState, now: datetime, inp: RsvpInput) -> None:
    if inp.response not in RESPONSES:
        raise ValueError("Kies 'Ik kom' of 'Ik kom niet'.")
    if not s.convened_version:
        raise ValueError("De uitnodiging voor deze vergadering is nog niet verstuurd.")
    if now >= parse_time(s.starts_at_iso):
        raise ValueError("De aanmelding is gesloten: de vergadering is begonnen.")
    if inp.person_id not in info.recipient_ids:
        raise ValueError("U staat niet op de lijst van genodigden.")


def check_reschedule(s: MeetingState | AlvState, now: datetime, inp: Reschedule) -> None:
    require_before_start(s, now)
    try:
        starts, ends = datetime.fromisoformat(inp.starts_at_iso), datetime.fromisoformat(inp.ends_at_iso)
    except ValueError:
        raise ValueError("Geef begin en einde als datum met tijd.") from None
    if starts.tzinfo is None or ends.tzinfo is None:
        raise ValueError("Begin en einde moeten een tijdzone hebben.")
    if ends <= starts:
        raise ValueError("Het einde moet na het begin liggen.")
    if starts <= now:
        raise ValueError("Het nieuwe begin ligt in het verleden.")
    if len(inp.reason) > MAX_NOTE:
        raise ValueError(f"De reden is langer dan {MAX_NOTE} tekens.")


def check_minutes(info: MeetingInfo, s: MeetingState, now: datetime, inp: SubmitMinutes) -> None:
    if now < parse_time(s.starts_at_iso):
        raise ValueError("Het verslag kan pas na de vergadering worden ingediend.")
    require_editor(info, inp.submitted_by_person_id)
    if not inp.minutes_text.strip():
        raise ValueError("Het verslag is leeg.")
    if len(inp.minutes_text) > MAX_MINUTES:
        raise ValueError(f"Het verslag is langer dan {MAX_MINUTES} tekens.")
    if len(inp.decisions) > MAX_DECISIONS or any(len(d) > MAX_COMMENT for d in inp.decisions):
        raise ValueError(f"De besluitenlijst is te lang (hoogstens {MAX_DECISIONS} besluiten van {MAX_COMMENT} tekens).")
