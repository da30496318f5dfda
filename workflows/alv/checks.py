"""The ALV workflow's update validators (pure; Dutch messages), beside the board's meeting_checks."""
from __future__ import annotations

from datetime import datetime

from models.messages.alv import AlvRegistration, AlvState, SubmitDecisions
from models.messages.meeting_info import MeetingInfo
from raadsbode.domain.decisions import check_decisions as check_entries
from raadsbode.domain.alv_policy import AlvPolicy
from workflows.meeting.checks import require_editor
from workflows.meeting.schedule import parse_time

RESPONSES = ("attending", "not_attending", "represented")


def check_registration(info: MeetingInfo, s: AlvState, p: AlvPolicy, now: datetime, reg: AlvRegistration) -> None:
    if reg.response not in RESPONSES:
        raise ValueError("Kies: ik kom, ik kom niet, of ik laat mij vertegenwoordigen.")
    if reg.response == "represented" and not reg.represented_by_id:
        raise ValueError("Kies wie u vertegenwoordigt.")
    if not s.save_the_date_sent:
        raise ValueError("De uitnodiging voor deze vergadering is nog niet verstuurd.")
    if now >= parse_time(s.starts_at_iso) - p.registration_deadline_before:
        raise ValueError("De aanmeldtermijn is verstreken; aan- of afmelden kan niet meer. "
                         "Neem zo nodig contact op met het secretariaat.")
    if reg.person_id not in info.recipient_ids:
        raise ValueError("U staat niet op de lijst van genodigden.")


def check_decisions(info: MeetingInfo, s: AlvState, now: datetime, inp: SubmitDecisions) -> None:
    if now < parse_time(s.starts_at_iso):
        raise ValueError("De besluitenlijst kan pas na de vergadering worden ingediend.")
    require_editor(info, inp.submitted_by_person_id)
    errors = check_entries(inp)
    if errors:
        raise ValueError(" ".join(errors))
