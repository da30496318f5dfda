"""Resending a sign-off link: a second click within RESEND_QUIET of the last resend to the same person for the same
round sends nothing and issues no token, with a Dutch message saying when it went; earlier links stay valid."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from activities.deps import Deps
from raadsbode.mail.render import make_renderer
from models.tables import ActionToken, OutboundMessage
from models.tables.ledger import SendStatus
from raadsbode.db import session_scope
from raadsbode.services.meeting.resend import RESEND_QUIET, ResendRequest, ResendTooSoon, resend_kind, resend_signoff_link
from tests.support.links import add_agenda_version, make_board


@pytest.fixture
def board(session_factory_):
    board = make_board(session_factory_)
    for version in (1, 2):
        add_agenda_version(session_factory_, board.meeting_id, version, ["Opening", "Begroting", "Sluiting"])
    return board


@pytest.fixture
def deps(settings, session_factory_):
    return Deps(settings, session_factory_, make_renderer(settings.timezone))


def _tokens(sessions, board, person_id: int) -> list[ActionToken]:
    with sessions() as s:
        return list(s.exec(select(ActionToken).where(ActionToken.subject_ref == board.subject,
                                                     ActionToken.person_id == person_id).order_by(ActionToken.id)))


def _age_resends(sessions, board, minutes: float) -> None:
    """Move this meeting's resend rows back in time, as if they were sent `minutes` ago."""
    with session_scope(sessions) as s:
        for row in s.exec(select(OutboundMessage).where(OutboundMessage.subject_ref == board.subject,
                                                        col(OutboundMessage.kind).contains("-resend-"))):
            row.created_at -= timedelta(minutes=minutes)
            row.sent_at = row.sent_at - timedelta(minutes=minutes) if row.sent_at else None
            s.add(row)


async def test_a_second_resend_within_the_window_is_refused_and_sends_nothing(board, deps, session_factory_, sink):
    chair = board.people["chair"]
    request = ResendRequest(board.meeting_id, chair, "agenda-signoff", 1, actor="Mw. C. Secretaris")
    assert (await resend_signoff_link(deps, request)).status == "sent"
    for _ in range(3):  # a secretary clicking "opnieuw versturen" again and again
        with pytest.raises(ResendTooSoon) as refused:
            await resend_signoff_link(deps, request)
    assert len(sink.to(f"chair@{board.slug}.test")) == 1 and len(_tokens(session_factory_, board, chair)) == 1
    message = refused.value.message
    assert "al opnieuw verstuurd aan Mw. A. Voorzitter" in message and "blijven geldig" in message
    local = refused.value.sent_at.astimezone(ZoneInfo(deps.settings.timezone))
    assert message.startswith(f"De link is om {local:%H:%M} al opnieuw verstuurd")
    assert f"vanaf {local + RESEND_QUIET:%H:%M}" in message


async def test_another_person_or_round_is_not_held_back(board, deps, session_factory_, sink):
    chair, deputy = board.people["chair"], board.people["deputy_chair"]
    await resend_signoff_link(deps, ResendRequest(board.meeting_id, chair, "agenda-signoff", 1))
    other_person = await resend_signoff_link(deps, ResendRequest(board.meeting_id, deputy, "agenda-signoff", 1,
                                                                 in_place_of_chair=True))
    other_round = await resend_signoff_link(deps, ResendRequest(board.meeting_id, chair, "agenda-signoff", 2))
    assert other_person.status == other_round.status == "sent"
    assert len(sink.to(f"chair@{board.slug}.test")) == 2 and len(sink.to(f"deputy_chair@{board.slug}.test")) == 1


async def test_after_the_window_a_resend_goes_out_and_earlier_links_stay_valid(board, deps, session_factory_, sink):
    chair = board.people["chair"]
    request = ResendRequest(board.meeting_id, chair, "agenda-signoff", 1)
    await resend_signoff_link(deps, request)
    _age_resends(session_factory_, board, RESEND_QUIET.total_seconds() / 60 + 1)
    assert (await resend_signoff_link(deps, request)).status == "sent"
    tokens = _tokens(session_factory_, board, chair)
    assert len(tokens) == 2 and not any(t.revoked or t.used_at for t in tokens)
    with session_factory_() as s:
        kinds = s.exec(select(OutboundMessage.version).where(
            OutboundMessage.kind == resend_kind("agenda-signoff", 1), OutboundMessage.subject_ref == board.subject)).all()
    assert sorted(kinds) == [1, 2] and len(sink.to(f"chair@{board.slug}.test")) == 2


async def test_a_resend_that_did_not_go_out_does_not_hold_the_next_back(board, deps, session_factory_, sink):
    chair = board.people["chair"]
    request = ResendRequest(board.meeting_id, chair, "agenda-signoff", 1)
    await resend_signoff_link(deps, request)
    with session_scope(session_factory_) as s:
        row = s.exec(select(OutboundMessage).where(OutboundMessage.subject_ref == board.subject)).one()
        row.status = SendStatus.failed_temporary
        s.add(row)
    assert (await resend_signoff_link(deps, request)).status == "sent"
