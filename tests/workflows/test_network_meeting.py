"""A network meeting against the real dev server, SMTP sink and web pages: announcement with an invitation,
capacity 2 and three registrations (the third waits), a cancellation moves the third up and tells them,
the reminder goes only to the registered, the public page and feed list it, the history replays."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from temporalio.worker import Replayer
from typer.testing import CliRunner

from models.messages.meeting import CancelMeeting, StatusQuery
from models.tables.meetings import Meeting
from models.tables.types import utcnow
from raadsbode.cli import app as cli_app
from raadsbode.db import session_scope
from raadsbode.services.network import network_handle
from raadsbode.settings import get_settings
from tests.support.alv import calendars_in, make_association, text_of
from tests.support.links import client_for, csrf_of
from web.app import create_app
from worker import build_worker
from workflows.network.workflow import NetworkMeetingWorkflow
from tests.support.alv import CANCEL_LINK
from tests.support.histories import record

PEOPLE = [("Anna de Vries", "anna@dronten.test"), ("Bram Visser", "bram@urk.test"), ("Cor Smit", "cor@almere.test")]


@pytest.fixture
def cli(db_url, settings, temporal_env, monkeypatch):
    monkeypatch.setenv("RAADSBODE_DATABASE_URL", db_url)
    monkeypatch.setenv("RAADSBODE_TEMPORAL_TASK_QUEUE", settings.temporal_task_queue)
    monkeypatch.setenv("RAADSBODE_TEMPORAL_ADDRESS", temporal_env.client.service_client.config.target_host)
    monkeypatch.setenv("RAADSBODE_PUBLIC_BASE_URL", settings.public_base_url)
    get_settings.cache_clear()
    yield lambda *args: asyncio.to_thread(CliRunner().invoke, cli_app, ["network", *args])
    get_settings.cache_clear()


async def _mail(sink, address: str, subject_part: str, timeout: float = 20.0):
    for _ in range(int(timeout / 0.25)):
        found = [m for m in sink.to(address) if subject_part in str(m["Subject"])]
        if found:
            return found[0]
        await asyncio.sleep(0.25)
    raise AssertionError(f"no '{subject_part}' to {address}")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_capacity_waiting_list_and_moving_up(cli, temporal_env, settings, session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere"])
    start_at = utcnow() + timedelta(seconds=24)
    starts = start_at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%Y-%m-%d %H:%M:%S")
    client = temporal_env.client
    async with build_worker(client, settings), client_for(create_app(settings, client)) as web:
        started = await cli("start", "-a", a.slug, "--title", "Netwerkbijeenkomst griffiers", "--date", starts,
                            "--capacity", "2", "--venue", "Stadhuis Lelystad", "--announce-before", "1h",
                            "--reminder-before", "14s", "--registration-closes-before", "11s")
        assert started.exit_code == 0, started.output
        with session_scope(session_factory_) as s:
            meeting = s.exec(select(Meeting).where(Meeting.association_id == a.association_id)).one()
            meeting_id, uid = meeting.id, meeting.ical_uid
        announcement = await _mail(sink, f"contact0@almere.{a.slug}.test", "Uitnodiging: Netwerkbijeenkomst griffiers")
        assert b"METHOD:REQUEST" in calendars_in(announcement)[0]
        form = f"/openbaar/{a.slug}/netwerk/{meeting_id}"
        assert f"http://raadsbode.test{form}" in text_of(announcement) and "2 plaatsen" in text_of(announcement)
        assert form in (await web.get(f"/openbaar/{a.slug}")).text
        assert uid in (await web.get(f"/openbaar/{a.slug}/vergaderingen.ics")).text
        answers = [await _register(web, form, name, email) for name, email in PEOPLE]
        assert "U bent aangemeld" in answers[0] and "U bent aangemeld" in answers[1]
        assert "u staat op de wachtlijst (plaats 1)" in answers[2].lower()
        assert "al aangemeld" in await _register(web, form, "Anna", "ANNA@dronten.test")
        assert "geldig e-mailadres" in await _register(web, form, "Iemand", "geen-adres", status=400)
        assert "regeleinden" in await _register(web, form, "Eve\r\nBcc: x@evil.test", "eve@lelystad.test", status=400)
        await _mail(sink, "cor@almere.test", "Wachtlijst")
        await _cancel(web, sink, client, meeting_id)
        promoted = await _mail(sink, "cor@almere.test", "Er is een plaats voor u")
        assert b"METHOD:REQUEST" in calendars_in(promoted)[0] and uid.encode() in calendars_in(promoted)[0]
        view = await network_handle(client, meeting_id).query(NetworkMeetingWorkflow.status, StatusQuery())
        assert (view.phase, view.capacity, view.registered, view.waiting) == ("open", 2, 2, 0)
        await _mail(sink, "bram@urk.test", "Herinnering")
        await _mail(sink, "cor@almere.test", "Herinnering")
        await asyncio.sleep(max(0.0, (start_at - timedelta(seconds=11) - utcnow()).total_seconds()) + 0.5)
        late = await _register(web, form, "Dirk", "dirk@zeewolde.test", status=409)
        await network_handle(client, meeting_id).execute_update(NetworkMeetingWorkflow.cancel, CancelMeeting("test"))
        result = await network_handle(client, meeting_id).result()
        history = await network_handle(client, meeting_id).fetch_history()
    assert "gesloten" in late
    assert not [m for m in sink.to("anna@dronten.test") if "Herinnering" in str(m["Subject"])]
    assert [m for m in sink.to("cor@almere.test") if "Geannuleerd" in str(m["Subject"])]
    assert (result.final_phase, result.registered) == ("cancelled", 2)
    await Replayer(workflows=[NetworkMeetingWorkflow]).replay_workflow(history)
    record(history, "network_meeting")


async def _register(web, form: str, name: str, email: str, status: int = 200) -> str:
    page = await web.get(form)
    response = await web.post(form, data={"csrf": csrf_of(page.text), "name": name, "email": email,
                                          "organisation": "Gemeente"})
    assert response.status_code == status, response.text
    return response.text


async def _cancel(web, sink, client, meeting_id: int) -> None:
    """Anna cancels through the link in her confirmation; opening the link alone changes nothing."""
    confirmation = await _mail(sink, "anna@dronten.test", "Aangemeld")
    [path] = CANCEL_LINK.findall(text_of(confirmation))
    page = await web.get(path)
    assert "Ik meld mij af" in page.text and (await web.head(path)).status_code == 200
    view = await network_handle(client, meeting_id).query(NetworkMeetingWorkflow.status, StatusQuery())
    assert (view.registered, view.waiting) == (2, 1)
    done = await web.post(path, data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "U bent afgemeld" in done.text
    assert "al afgemeld" in (await web.get(path)).text
