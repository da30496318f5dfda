"""The agenda editor's saved draft: saved by every button, reopened, discarded, cleared by a submitted
version, capped in size, never reachable from another association, and never written by a GET."""
from __future__ import annotations

import pytest
from datetime import timedelta

from sqlmodel import select

from models.tables import AgendaDraft, AgendaVersion
from models.tables.types import utcnow
from raadsbode.db import session_scope
from tests.support.e2e import board_tenant
from tests.support.links import form_fields
from tests.support.e2e import BASE, plan, signed_in
from tests.support.workspace import add_meeting
from web.common.forms import MAX_FORM_ROWS
from web.workspace.meetings.agenda_draft import discard_draft

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)


def drafts_of(sessions, meeting_id: int) -> list[tuple]:
    with sessions() as s:
        rows = s.exec(select(AgendaDraft).where(AgendaDraft.meeting_id == meeting_id)).all()
        return [(d.rows_json, d.note, d.updated_at, d.updated_by_id) for d in rows]


async def test_save_reopen_and_discard(app, session_factory_):
    tenant = board_tenant(session_factory_)
    meeting_id = add_meeting(session_factory_, tenant, "Bestuursvergadering mei")
    url = f"{BASE}/{meeting_id}/agenda"
    web, _ = signed_in(app, session_factory_, tenant)
    async with web:
        fresh = await web.get(url)
        fields = form_fields(fresh.text)
        typed = fields | {"title_1": "Mededelingen van de voorzitter", "note": "Half af", "action": "save"}
        saved = await web.post(url, data=typed)
        first = drafts_of(session_factory_, meeting_id)
        reopened = [await web.get(url), await web.get(url)]
        added = await web.post(url, data=form_fields(reopened[0].text) | {"action": "add"})
        after_add = drafts_of(session_factory_, meeting_id)
        discarded = await web.post(url, data=form_fields(added.text) | {"action": "discard"})
        back = await web.get(discarded.headers["location"])
    assert fresh.status_code == 200 and "Concept van" not in fresh.text and "Concept weggooien" not in fresh.text
    assert saved.status_code == 200 and "Het concept is opgeslagen." in saved.text
    assert "Concept van" in saved.text and "door Secretary van VNG Testland" in saved.text
    [(_, note, _, author)] = first
    assert note == "Half af" and author == tenant.people["secretary"]
    assert drafts_of(session_factory_, meeting_id) == [] and after_add != first
    for page in reopened:
        assert "Concept van" in page.text and "Concept weggooien" in page.text
        assert form_fields(page.text)["title_1"] == "Mededelingen van de voorzitter"
        assert ">Half af</textarea>" in page.text
    assert form_fields(added.text)["row_count"] == "6" and "Het concept is opgeslagen." not in added.text
    assert discarded.status_code == 303 and discarded.headers["location"].endswith("?melding=weggegooid")
    assert "Het concept is weggegooid" in back.text and "Concept van" not in back.text
    assert form_fields(back.text)["title_1"] == "Mededelingen"


async def test_a_get_writes_nothing(app, session_factory_):
    tenant = board_tenant(session_factory_)
    meeting_id = add_meeting(session_factory_, tenant, "Bestuursvergadering juni")
    url = f"{BASE}/{meeting_id}/agenda"
    web, _ = signed_in(app, session_factory_, tenant)
    async with web:
        opened = await web.get(url)
        saved = await web.post(url, data=form_fields(opened.text) | {"action": "save"})
        before = drafts_of(session_factory_, meeting_id)
        # with a draft there to change: reopening, the page after a discard, HEAD
        again = [await web.get(url), await web.get(f"{url}?melding=weggegooid"), await web.head(url)]
    assert saved.status_code == 200 and len(before) == 1
    assert [answer.status_code for answer in again] == [200, 200, 200]
    assert drafts_of(session_factory_, meeting_id) == before


async def test_an_incomplete_draft_is_saved_but_capped(app, session_factory_):
    tenant = board_tenant(session_factory_)
    meeting_id = add_meeting(session_factory_, tenant, "Bestuursvergadering juli")
    web, csrf = signed_in(app, session_factory_, tenant)
    rows = {f"title_{i}": "x" * 5000 for i in range(MAX_FORM_ROWS + 40)} | {"documents_0": "geen link", "number_1": ""}
    async with web:
        saved = await web.post(f"{BASE}/{meeting_id}/agenda", data=rows | {
            "csrf_token": csrf, "row_count": "100", "note": "n" * 9000, "action": "save"})
        reopened = form_fields((await web.get(f"{BASE}/{meeting_id}/agenda")).text)
    assert saved.status_code == 200 and "nog niet in orde" not in saved.text
    assert reopened["row_count"] == str(MAX_FORM_ROWS)
    assert len(reopened["title_0"]) == 1000 and reopened["documents_0"] == "geen link"
    assert len(reopened["note"]) == 2001  # kept as the form caps it; the submit says it is too long


async def test_another_associations_draft_is_unreachable(app, session_factory_):
    tenant, other = board_tenant(session_factory_), board_tenant(session_factory_, name="Andere vereniging")
    theirs = add_meeting(session_factory_, other, "Hun vergadering")
    their_web, _ = signed_in(app, session_factory_, other)
    async with their_web:
        page = await their_web.get(f"{BASE}/{theirs}/agenda")
        await their_web.post(f"{BASE}/{theirs}/agenda", data=form_fields(page.text) | {
            "title_0": "Geheim agendapunt", "action": "save"})
    before = drafts_of(session_factory_, theirs)
    web, csrf = signed_in(app, session_factory_, tenant)
    async with web:
        answers = [await web.get(f"{BASE}/{theirs}/agenda")] + [
            await web.post(f"{BASE}/{theirs}/agenda", data={"csrf_token": csrf, "action": action, "row_count": "1",
                                                           "title_0": "Overschreven"})
            for action in ("save", "add", "discard", "check")]
    assert len(before) == 1 and drafts_of(session_factory_, theirs) == before
    assert all(answer.status_code == 404 for answer in answers)
    assert not any("Geheim agendapunt" in answer.text for answer in answers)


async def test_submitting_a_version_clears_the_draft(app, running, session_factory_):
    tenant = board_tenant(session_factory_)
    web, csrf = signed_in(app, session_factory_, tenant)
    async with web:
        meeting_id = int((await plan(web, csrf)).headers["location"].split("/")[-1].split("?")[0])
        url = f"{BASE}/{meeting_id}/agenda"
        fields = form_fields((await web.get(url)).text) | {"title_1": "Mededelingen en post"}
        refused = await web.post(url, data=fields | {"title_2": "", "action": "submit"})
        kept = drafts_of(session_factory_, meeting_id)
        submitted = await web.post(url, data=fields | {"action": "submit"})
        reopened = await web.get(url)
    assert refused.status_code == 422 and len(kept) == 1  # a refused submit keeps what was typed as the draft
    assert submitted.status_code == 303 and drafts_of(session_factory_, meeting_id) == []
    assert "Concept van" not in reopened.text and "laatst ingediend: versie 1" in reopened.text
    assert form_fields(reopened.text)["title_1"] == "Mededelingen en post"


async def test_a_draft_older_than_the_latest_version_says_so(app, session_factory_):
    tenant = board_tenant(session_factory_)
    meeting_id = add_meeting(session_factory_, tenant, "Bestuursvergadering augustus")
    web, _ = signed_in(app, session_factory_, tenant)
    async with web:
        page = await web.get(f"{BASE}/{meeting_id}/agenda")
        await web.post(f"{BASE}/{meeting_id}/agenda", data=form_fields(page.text) | {"action": "save"})
        with session_scope(session_factory_) as s:  # a version submitted elsewhere (the CLI) after the draft
            s.add(AgendaVersion(meeting_id=meeting_id, version=1, created_at=utcnow() + timedelta(seconds=1)))
        reopened = await web.get(f"{BASE}/{meeting_id}/agenda")
    assert "Concept van" in reopened.text and "na dit concept is versie 1 ingediend" in reopened.text


def test_a_submit_leaves_a_draft_saved_after_it_began(session_factory_):
    tenant = board_tenant(session_factory_)
    meeting_id = add_meeting(session_factory_, tenant, "Bestuursvergadering september")
    with session_scope(session_factory_) as s:
        s.add(AgendaDraft(meeting_id=meeting_id, updated_by_id=tenant.people["secretary"]))
    with session_factory_() as s:
        discard_draft(s, meeting_id, utcnow() - timedelta(minutes=1))
    assert len(drafts_of(session_factory_, meeting_id)) == 1
    with session_factory_() as s:
        discard_draft(s, meeting_id, utcnow())
    assert drafts_of(session_factory_, meeting_id) == []
