"""A retried ALV email activity issues no second link: once the ledger shows an email as sent, composing it
again (the activity's next attempt) creates no token and sends nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from activities.alv_activities import AlvActivities
from activities.deps import Deps
from models.alv_messages import AlvNotice
from models.ledger import ActionToken
from models.types import utcnow
from raadsbode.db import session_scope
from tests.alv_support import add_public_meeting, make_association


def _tokens(sessions, meeting_id: int) -> list[str]:  # noqa: ANN001
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
