"""A sign-off decision is answered at once and filed (token, audit event, confirmation) after a quiet period,
or sooner when another step comes due; a meeting never ends with a decision unfiled (workflows/common/signoff.py)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, UTC

from sqlmodel import select

from models.tables import ActionToken, AuditEvent
from models.messages.meeting import SubmitAgenda
from models.messages.meeting_state import PendingDecision
from raadsbode.services.meeting.agenda import standing_items
from raadsbode.services.meeting.actions import meeting_handle
from raadsbode.store.tokens import hash_token
from tests.support.links_flow import FAST_POLICY, approve, start_flow, to_signoff, wait_filed
from tests.support.meeting import wait_for_mail
from tests.support.links import client_for
from workflows.meeting.workflow import MeetingWorkflow
from workflows.meeting.schedule import AT_ONCE, with_filing
from tests.support.histories import RECORD, record

T0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
QUIET = timedelta(seconds=2)


def _pending(recorded: str) -> list[PendingDecision]:
    return [PendingDecision(1, 2, "agenda-signoff", 1, "approve", "chair", "", "", recorded)]


def test_filing_waits_the_quiet_period_when_nothing_else_is_due():
    later = [(T0 + timedelta(days=5), "convocation")]
    assert with_filing(_pending(T0.isoformat()), QUIET, later)[0] == (T0 + QUIET, "file_decision")
    assert with_filing([], QUIET, later) == later


def test_filing_comes_before_a_step_that_is_due_sooner():
    due_now = [(AT_ONCE, "minutes_release")]  # e.g. the round is complete: the release must not overtake the filing
    assert with_filing(_pending(T0.isoformat()), QUIET, due_now) == [(AT_ONCE, "file_decision")] + due_now


def test_a_decision_recorded_before_the_quiet_period_is_filed_at_once():
    assert with_filing(_pending(""), QUIET, [(T0, "held")])[0] == (AT_ONCE, "file_decision")


async def test_the_chair_is_answered_before_the_decision_is_filed(app, running, session_factory_, settings, sink):
    flow = await start_flow(session_factory_, settings, running)
    async with client_for(app) as web:
        await to_signoff(flow, web, sink, session_factory_)
        raw = flow.links["chair", "agenda-signoff"]
        answered_at = time.monotonic()
        assert "goedgekeurd" in (await approve(web, raw)).text
        with session_factory_() as s:
            assert s.exec(select(ActionToken.used_at).where(ActionToken.token_hash == hash_token(raw))).one() is None
        await wait_filed(session_factory_, raw)
    assert time.monotonic() - answered_at >= QUIET.total_seconds() * 0.9


async def test_a_new_version_files_a_decision_still_in_its_quiet_period(app, running, session_factory_, settings, sink):
    """A new agenda version revokes the old version's links: the chair's approval of the old one, answered but not
    yet filed, is filed first (audit event, confirmation), not dropped with its revoked link."""
    flow = await start_flow(session_factory_, settings, running, policy=FAST_POLICY | {"decision_filing_after": "1h"})
    async with client_for(app) as web:
        await to_signoff(flow, web, sink, session_factory_)
        raw = flow.links["chair", "agenda-signoff"]
        assert "goedgekeurd" in (await approve(web, raw)).text
        stored = await meeting_handle(running, flow.board.meeting_id).execute_update(
            MeetingWorkflow.submit_agenda, SubmitAgenda(flow.board.people["secretary"], standing_items(None)))
        assert stored.version == 2
        await wait_filed(session_factory_, raw, timeout=5)  # filed with the new version, not an hour later
    with session_factory_() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.association_id == flow.board.association_id)).all()
    assert actions.count("agenda-signoff:approve") == 1
    await wait_for_mail(sink, f"chair@{flow.board.slug}.test", "Bevestiging: u heeft", timeout=10)
    if RECORD:
        record(await meeting_handle(running, flow.board.meeting_id).fetch_history(), "meeting_file_before_new_version")
