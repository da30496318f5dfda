"""A retried ALV activity does nothing twice: an email the ledger shows as sent is not composed again (no
second link is issued), and a decision list an earlier attempt stored is not stored again."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select
from temporalio.testing import ActivityEnvironment

from activities.alv.activities import AlvActivities
from activities.deps import Deps
from models.tables.alv import AlvDecision
from models.messages.alv import AlvNotice, DecisionEntry, StoreDecisions, SubmitDecisions
from models.tables.ledger import ActionToken
from models.tables.types import utcnow
from raadsbode.db import session_scope
from tests.support.alv import add_public_meeting, make_association


def _tokens(sessions, meeting_id: int) -> list[str]:
    with session_scope(sessions) as s:
        rows = s.exec(select(ActionToken).where(ActionToken.subject_ref == f"meeting-{meeting_id}")).all()
        return sorted(row.purpose for row in rows)


@pytest.mark.parametrize(("kind", "subject", "purpose"), [
    ("motions-closed", "Termijn moties gesloten", "agenda-draft"),
    ("decisions-request", "Besluitenlijst opstellen", "minutes-draft"),
])
async def test_a_repeated_notice_issues_no_second_link(session_factory_, settings, sink, kind, subject, purpose):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere"])
    meeting_id = add_public_meeting(session_factory_, a, utcnow() + timedelta(days=20))
    deps = Deps(settings=settings, sessions=session_factory_, renderer=Deps.from_settings(settings).renderer)
    activities = AlvActivities(deps)
    for _ in range(2):
        await activities.send_alv_notice(AlvNotice(meeting_id, kind))
    assert _tokens(session_factory_, meeting_id) == [purpose]
    assert len([m for m in sink.to(f"secretary@{a.slug}.test") if subject in str(m["Subject"])]) == 1


def test_a_retried_decision_list_is_stored_once(session_factory_, settings):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere"])
    meeting_id = add_public_meeting(session_factory_, a, utcnow() - timedelta(days=1))
    deps = Deps(settings=settings, sessions=session_factory_, renderer=Deps.from_settings(settings).renderer)
    entries = [DecisionEntry("item", "1", "Jaarrekening", "adopted"), DecisionEntry("item", "2", "Begroting", "deferred")]
    store = StoreDecisions(meeting_id, SubmitDecisions(a.board["secretary"], entries))
    versions = [ActivityEnvironment().run(AlvActivities(deps).store_decisions, store).version for _ in range(2)]
    with session_scope(session_factory_) as s:
        rows = s.exec(select(func.count()).select_from(AlvDecision).where(AlvDecision.meeting_id == meeting_id)).one()
    assert (versions, rows) == ([1, 1], 2)
