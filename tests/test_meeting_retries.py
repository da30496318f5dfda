"""A storing activity retried after its transaction committed (the worker died before reporting, or the
attempt timed out while its write still went through) stores nothing twice: the retry gets the version
the earlier attempt stored. A new activity (another submission) stores a new version."""
from __future__ import annotations

import dataclasses

from sqlmodel import func, select
from temporalio.testing import ActivityEnvironment

from activities.deps import Deps
from activities.meeting_activities import MeetingActivities
from models.meeting_activity_messages import StoreAgenda, StoreMinutes
from models.meeting_messages import AgendaItemInput, SubmitAgenda, SubmitMinutes
from models.meetings import AgendaVersion
from models.minutes import Minutes
from raadsbode.db import session_scope
from tests.links_support import make_board


def _count(sessions, model, meeting_id: int) -> int:  # noqa: ANN001
    with session_scope(sessions) as s:
        return s.exec(select(func.count()).select_from(model).where(model.meeting_id == meeting_id)).one()


def test_a_retried_store_returns_the_earlier_version(session_factory_, settings):
    board = make_board(session_factory_)
    secretary = board.people["secretary"]
    activities = MeetingActivities(Deps(settings=settings, sessions=session_factory_,
                                        renderer=Deps.from_settings(settings).renderer))
    env = ActivityEnvironment()
    agenda = StoreAgenda(board.meeting_id, SubmitAgenda(secretary, [AgendaItemInput("1", "Opening")]))
    minutes = StoreMinutes(board.meeting_id, SubmitMinutes(secretary, "Verslag", ["Besluit"]))
    stored = [env.run(activities.store_agenda, agenda).version for _ in range(2)]
    stored += [env.run(activities.store_minutes, minutes).version for _ in range(2)]
    assert stored == [1, 1, 1, 1]
    assert (_count(session_factory_, AgendaVersion, board.meeting_id), _count(session_factory_, Minutes, board.meeting_id)) \
        == (1, 1)
    env.info = dataclasses.replace(env.info, activity_id="next")  # the secretary submits again: a new activity
    assert env.run(activities.store_agenda, agenda).version == 2
    assert env.run(activities.store_minutes, minutes).version == 2
