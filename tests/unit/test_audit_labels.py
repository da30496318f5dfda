"""Every audit action the code writes has a Dutch label (web/common/audit_labels.py): the dashboard and a meeting's
timeline never show a raw "venue-deleted". Literal actions are found in the source; the few built at run time
are listed here with every value they can take."""
from __future__ import annotations

import re

from models.tables.alv import MotionKind, MotionStatus
from models.tables.meetings import MeetingStatus
from raadsbode.services.alv.motions import motion_action
from web.common.audit_labels import ACTION_LABELS, audit_action_label, audit_detail
from tests.support.paths import ROOT

CALL = re.compile(r"\b(?:_?audit\(|record_audit\(|AuditEvent\()")
ACTION = re.compile(r'"([a-z]+(?:-[a-z]+)*)"')
# Literal strings in audit calls that are not actions (subjects, sources).
NOT_ACTIONS = {"members", "web", "werkruimte"}


def _literal_actions() -> set[str]:
    """Lower-case literals in the first lines of every audit call in the library code (before any detail dict)."""
    found = set()
    for folder in ("activities", "raadsbode", "web", "workflows"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for match in CALL.finditer(text):
                if text[max(0, match.start() - 4):match.start()] == "def ":
                    continue
                call = text[match.end():match.end() + 300].split("\n\n")[0]
                found.update(a for a in ACTION.findall(call.split("{")[0]) if a not in NOT_ACTIONS)
    return found


def _built_actions() -> set[str]:
    statuses = {f"status-{s.value}" for s in MeetingStatus if s != MeetingStatus.planned}
    motions = {motion_action(k.value, s.value) for k in MotionKind for s in MotionStatus}
    seats = {f"{prefix}{a}" for prefix in ("", "committee-") for a in ("membership-changed", "membership-removed")}
    return statuses | motions | seats | {"published-agenda", "published-decisions", "person-changed"}


def test_every_audit_action_has_a_dutch_label():
    literal = _literal_actions()
    assert {"venue-deleted", "agenda-submitted", "staff-signin", "committee-added", "rsvp"} <= literal  # the scan works
    missing = sorted(a for a in literal | _built_actions() if a not in ACTION_LABELS)
    assert missing == [], f"add a Dutch label to web/common/audit_labels.py ACTION_LABELS for: {missing}"


def test_labels_and_details_read_as_dutch():
    assert audit_action_label("venue-deleted") == "locatie verwijderd"
    assert audit_action_label("minutes-signoff:request_changes") == "verslag wijzigingen gevraagd"
    assert audit_detail('{"role": "chair", "committee": "Commissie Financiën", "token_id": 7}') == \
        "rol: voorzitter, commissie: Commissie Financiën"
