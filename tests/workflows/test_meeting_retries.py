"""A storing activity retried after its transaction committed (the worker died before reporting, or the
attempt timed out while its write still went through) stores nothing twice and answers as the earlier
attempt did: the same agenda or minutes version, one new SEQUENCE for a move or a cancellation; for a network sign-up or cancellation the same result,
so the confirmation and the "you moved up" email still go out. A new activity is a new submission."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlmodel import func, select
from temporalio.testing import ActivityEnvironment

from activities.deps import Deps
from activities.meeting.activities import MeetingActivities
from activities.network.activities import NetworkActivities
from models.messages.meeting_activity import CancelRequest, RescheduleRequest, StoreAgenda, StoreMinutes
from models.messages.meeting import AgendaItemInput, CancelMeeting, Reschedule, SubmitAgenda, SubmitMinutes
from models.tables.meetings import AgendaVersion, Meeting, MeetingKind
from models.tables.minutes import Minutes
from models.messages.network import NetworkCancelRecord, NetworkSignupInput, NetworkSignupRecord
from models.tables.types import utcnow
from raadsbode.db import session_scope
from tests.support.alv import add_public_meeting, make_association
from tests.support.links import make_board


def _deps(settings, sessions) -> Deps:
    return Deps(settings=settings, sessions=sessions, renderer=Deps.from_settings(settings).renderer)


def _count(sessions, model, meeting_id: int) -> int:
    with session_scope(sessions) as s:
        return s.exec(select(func.count()).select_from(model).where(model.meeting_id == meeting_id)).one()


def test_a_retried_store_returns_the_earlier_version(session_factory_, settings):
    board = make_board(session_factory_)
    secretary = board.people["secretary"]
    activities = MeetingActivities(_deps(settings, session_factory_))
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


def test_a_retried_sign_up_or_cancellation_answers_as_the_first_attempt(session_factory_, settings):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere"])
    meeting_id = add_public_meeting(session_factory_, a, utcnow() + timedelta(days=20), kind=MeetingKind.network,
                                    title="Netwerkbijeenkomst", capacity=1)
    activities, env = NetworkActivities(_deps(settings, session_factory_)), ActivityEnvironment()

    def attempt(activity_id: str, fn, arg):
        env.info = dataclasses.replace(env.info, activity_id=activity_id)
        return env.run(fn, arg)

    anna = NetworkSignupRecord(meeting_id, NetworkSignupInput("Anna", "anna@dronten.test"))
    bram = NetworkSignupRecord(meeting_id, NetworkSignupInput("Bram", "bram@urk.test"))
    first, retried = attempt("1", activities.record_signup, anna), attempt("1", activities.record_signup, anna)
    assert (retried.status, retried.changed, retried.message) == ("registered", True, "U bent aangemeld.")
    assert retried.signup_id == first.signup_id
    again = attempt("2", activities.record_signup, anna)  # Anna submits the form once more: nothing new
    assert (again.changed, again.message) == (False, "U was al aangemeld met dit e-mailadres.")
    waiting = attempt("3", activities.record_signup, bram)
    assert (waiting.status, waiting.position) == ("waiting", 1)

    cancel = NetworkCancelRecord(meeting_id, first.signup_id)
    done, retried = attempt("4", activities.cancel_signup, cancel), attempt("4", activities.cancel_signup, cancel)
    assert done.promoted_id == retried.promoted_id == waiting.signup_id  # Bram moved up and is told, even on a retry
    assert (retried.changed, retried.registered, retried.waiting) == (True, 1, 0)
    assert not attempt("5", activities.cancel_signup, cancel).changed  # her link clicked again: nothing new


def test_a_retried_move_or_cancellation_raises_the_sequence_once(session_factory_, settings):
    board = make_board(session_factory_)
    activities, env = MeetingActivities(_deps(settings, session_factory_)), ActivityEnvironment()
    starts = utcnow().replace(microsecond=0) + timedelta(days=40)
    move = RescheduleRequest(board.meeting_id, Reschedule(starts.isoformat(), (starts + timedelta(hours=2)).isoformat()))
    moved = [env.run(activities.reschedule_meeting, move) for _ in range(2)]
    assert [(m.accepted, m.ical_sequence) for m in moved] == [(True, 1), (True, 1)]
    cancel = CancelRequest(board.meeting_id, CancelMeeting(reason="test"))
    assert [env.run(activities.cancel_meeting, cancel).ical_sequence for _ in range(2)] == [2, 2]
    with session_scope(session_factory_) as s:
        meeting = s.get(Meeting, board.meeting_id)
        assert (meeting.ical_sequence, str(meeting.status), meeting.starts_at) == (2, "cancelled", starts)
