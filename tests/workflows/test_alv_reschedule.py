"""An ALV can be moved like a board meeting: everyone who has it in their calendar (the save the date was an
iTIP REQUEST) gets the same UID with a higher SEQUENCE, the links move with it, steps are due again."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from models.tables import ActionToken, Meeting
from models.messages.meeting import CancelMeeting, Reschedule
from models.tables.types import utcnow
from raadsbode.services.alv.actions import alv_handle, create_alv, start_alv_workflow
from raadsbode.db import session_scope
from tests.support.alv import make_association, text_of
from tests.support.e2e import page_with
from tests.support.meeting import calendar_of
from tests.support.alv import secretary_client
from web.app import create_app
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow


async def _mails(sink, subject_start: str, count: int) -> list:
    """(recipients, parsed message) of the mails whose subject starts so, once there are `count`."""
    for _ in range(200):
        found = [(m.rcpt_tos, m.parsed()) for m in sink.messages]
        found = [(to, msg) for to, msg in found if str(msg["Subject"]).strip().startswith(subject_start)]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"{count} mails '{subject_start}...' expected, got {len(found)}")


async def test_a_moved_alv_updates_every_calendar_and_its_links(temporal_env, settings, session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=1)
    with session_scope(session_factory_) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(days=50)  # the save the date is due at once
        meeting_id = create_alv(s, association_id=a.association_id, starts_at=starts,
                                ends_at=starts + timedelta(hours=3), venue_id=a.venue_id).id
    client = temporal_env.client
    async with build_worker(client, settings):
        await start_alv_workflow(client, settings, meeting_id, a.slug)
        invited = await _mails(sink, "Save the date", 7)  # 4 contacts and 3 board members
        handle = alv_handle(client, meeting_id)
        new_start = starts + timedelta(days=7, hours=1)
        refused = await handle.execute_update(AlvWorkflow.reschedule, Reschedule(
            new_start.isoformat(), (new_start + timedelta(hours=3)).isoformat(), a.venue_id + 10_000, "Zaal bezet"))
        assert not refused.accepted and "locatie" in refused.message
        moved = await handle.execute_update(AlvWorkflow.reschedule, Reschedule(
            new_start.isoformat(), (new_start + timedelta(hours=3)).isoformat(), None, "De zaal is niet beschikbaar"))
        assert moved.accepted
        updates = await _mails(sink, "Verplaatst:", len(invited))
        await handle.execute_update(AlvWorkflow.cancel, CancelMeeting(reason="Te weinig aanmeldingen"))
        await handle.result()
        cancelled = await _mails(sink, "Geannuleerd:", len(invited))
    assert all("Reden: Te weinig aanmeldingen" in text_of(msg) for _, msg in cancelled)  # as the board's cancellation
    assert sorted(r for to, _ in updates for r in to) == sorted(r for to, _ in invited for r in to)
    first, update = calendar_of(invited[0][1]).walk("VEVENT")[0], calendar_of(updates[0][1]).walk("VEVENT")[0]
    assert str(update["UID"]) == str(first["UID"]) and int(update["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert update.decoded("DTSTART") == new_start
    description = str(update["DESCRIPTION"])  # no agenda before the convocation: no empty "Agenda:" heading
    assert description.startswith("Aan- of afmelden: http") and "Agenda" not in description
    assert "De zaal is niet beschikbaar" in text_of(updates[0][1])
    with session_factory_() as s:
        assert s.get(Meeting, meeting_id).starts_at == new_start
        registration = s.exec(select(ActionToken).where(ActionToken.purpose == "alv-registration",
                                                        ActionToken.subject_ref == f"meeting-{meeting_id}")).all()
    assert registration and all(t.expires_at == new_start for t in registration)  # the links last until the new start


async def test_the_secretary_moves_an_alv_from_its_page(temporal_env, settings, session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=1)
    with session_scope(session_factory_) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(days=50)
        meeting_id = create_alv(s, association_id=a.association_id, starts_at=starts,
                                ends_at=starts + timedelta(hours=3), venue_id=a.venue_id).id
    app = create_app(settings, temporal_env.client)
    web, csrf = secretary_client(app, session_factory_, a)
    async with build_worker(temporal_env.client, settings), web:
        await start_alv_workflow(temporal_env.client, settings, meeting_id, a.slug)
        invited = await _mails(sink, "Save the date", 7)
        page = await page_with(web, f"/werkruimte/vergaderingen/{meeting_id}", "Vergadering verplaatsen")
        assert f'action="/werkruimte/vergaderingen/{meeting_id}/verplaatsen"' in page
        day = (starts + timedelta(days=7)).astimezone(ZoneInfo(settings.timezone)).date().isoformat()
        moved = await web.post(f"/werkruimte/vergaderingen/{meeting_id}/verplaatsen", data={
            "csrf_token": csrf, "date": day, "start": "19:30", "end": "21:30", "reason": "Zaal bezet"})
        assert moved.status_code == 200 and "verplaatst naar" in moved.text
        await _mails(sink, "Verplaatst:", len(invited))
        await alv_handle(temporal_env.client, meeting_id).execute_update(AlvWorkflow.cancel, CancelMeeting(reason="test"))
