"""An ALV steered from its workspace page against the real dev server, SMTP sink and database: the phase and
whom it waits for, the agenda's sign-off round (a link sent again to the chair, the secretary's own approval),
the decision list submitted after the meeting (errors in place, what was typed kept), signed, sent to the
members; the meeting closes. Another association's ALV answers 404, a board meeting 409."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest

from models.messages.meeting import SubmitAgenda
from models.tables.meetings import Meeting
from models.tables.types import utcnow
from raadsbode.services.meeting.agenda import standing_items
from raadsbode.services.alv.actions import alv_handle, start_alv_workflow
from tests.support.alv import Assoc, add_public_meeting, make_association
from tests.support.e2e import link_of, page_with, wait_for_mail
from tests.support.links import csrf_of as link_csrf_of
from tests.support.routes import make_objects
from tests.support.workspace import client_for, make_tenant, signed_in_session
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow
from tests.support.alv import secretary_client, staff_client

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)

BASE = "/werkruimte/vergaderingen"
START_IN = 30  # seconds: the agenda is signed before, the decision list after the meeting begins
POLICY = {"signoff_reminder_after": "1h", "decisions_request_after": "1s"}  # the rest: due at once
ROUTES = ("/alv/besluitenlijst", "/alv/ondertekening/opnieuw", "/alv/ondertekening/goedkeuren")


async def sign_by_link(web, message) -> None:
    path = f"/l/{link_of(message)}"
    page = await web.get(path)
    done = await web.post(path, data={"csrf": link_csrf_of(page.text), "decision": "approve"})
    assert done.status_code == 200 and "Dank u" in done.text, done.text


@dataclass
class Alv:
    """One ALV under test: its association, page, the secretary's signed-in client and CSRF token, the sink."""

    a: Assoc
    meeting_id: int
    starts: datetime
    web: httpx.AsyncClient
    csrf: str
    sink: object

    @property
    def url(self) -> str:
        return f"{BASE}/{self.meeting_id}"

    def email(self, key: str) -> str:
        return f"{key}@{self.a.slug}.test" if key in ("chair", "secretary") else f"contact0@almere.{self.a.slug}.test"

    async def post(self, path: str, **fields):
        return await self.web.post(f"{self.url}{path}", data={"csrf_token": self.csrf, **fields})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_alv_signoff_and_decision_list_from_the_workspace(app, temporal_env, settings, session_factory_, sink):
    a = make_association(session_factory_, contacts_per_town=1, towns=["Almere"])
    starts = utcnow().replace(microsecond=0) + timedelta(seconds=START_IN)
    meeting_id = add_public_meeting(session_factory_, a, starts, policy=POLICY)
    client = temporal_env.client
    web, csrf = secretary_client(app, session_factory_, a)
    alv = Alv(a, meeting_id, starts, web, csrf, sink)
    async with build_worker(client, settings), web:
        await start_alv_workflow(client, settings, meeting_id, a.slug)
        await wait_for_mail(sink, alv.email("chair"), "Save the date")
        await alv_handle(client, meeting_id).execute_update(AlvWorkflow.submit_agenda, SubmitAgenda(
            submitted_by_person_id=a.board["secretary"], items=standing_items(None)))
        await _agenda_round(alv)
        await asyncio.sleep(max(0.0, (starts - utcnow()).total_seconds()) + 1)
        await _decision_list_errors(alv, app, session_factory_)
        await _decision_list(alv)
        assert (await alv_handle(client, meeting_id).result()).final_phase == "closed"
        final = await web.get(alv.url)
    assert "Ondertekenlink opnieuw verstuurd" in final.text and "Besluitenlijst indienen" not in final.text
    with session_factory_() as s:
        assert str(s.get(Meeting, meeting_id).status) == "closed"


async def _agenda_round(alv: Alv) -> None:
    """The agenda's round on the page; the chair's link sent again; the secretary signs here, the chair by link."""
    chair = alv.email("chair")
    [first] = await wait_for_mail(alv.sink, chair, "Agenda ter ondertekening")
    await wait_for_mail(alv.sink, alv.email("secretary"), "Agenda ter ondertekening")
    page = await page_with(alv.web, alv.url, "Zelf goedkeuren")  # the phase moves just after the requests are out
    assert "Ondertekening agenda (versie 1)" in page and "Agenda ter ondertekening" in page
    assert "Marjolein de Graaf (voorzitter)" in page
    assert "Thomas Dekker (secretaris)" in page and "nog niet getekend" in page and "Zelf goedkeuren" in page
    resend = {"person_id": str(alv.a.board["chair"]), "purpose": "agenda-signoff"}
    resent = await alv.post("/alv/ondertekening/opnieuw", **resend)
    not_a_signer = await alv.post("/alv/ondertekening/opnieuw", **resend | {"person_id": str(alv.a.contacts["Almere"][0])})
    wrong_round = await alv.post("/alv/ondertekening/opnieuw", **resend | {"purpose": "minutes-signoff"})
    assert resent.status_code == 200 and "opnieuw verstuurd aan Marjolein de Graaf" in resent.text
    assert not_a_signer.status_code == 409 and "hoeft nu niet" in not_a_signer.text and wrong_round.status_code == 409
    again = (await wait_for_mail(alv.sink, chair, "Agenda ter ondertekening", count=2))[-1]
    assert link_of(again) != link_of(first)
    signed = await alv.post("/alv/ondertekening/goedkeuren", purpose="agenda-signoff")
    assert signed.status_code == 200 and "U heeft de agenda (versie 1) goedgekeurd" in signed.text, signed.text
    await sign_by_link(alv.web, again)  # the new link works
    await wait_for_mail(alv.sink, alv.email("member"), "Uitnodiging")
    page = await page_with(alv.web, alv.url, "Uitnodiging verstuurd")
    assert page.count("<strong>getekend</strong>") == 2 and "Zelf goedkeuren" not in page
    too_early = await alv.post("/alv/besluitenlijst", decisions="1. Opening: aangenomen")
    assert too_early.status_code == 409 and "pas na de vergadering" in too_early.text
    assert alv.starts > utcnow(), "the agenda round took longer than START_IN"


async def _decision_list_errors(alv: Alv, app, sessions) -> None:
    """A line without an outcome, and a staff member who is not the ALV's officer: errors in place, text kept."""
    await page_with(alv.web, alv.url, "Besluitenlijst indienen")
    bad = await alv.post("/alv/besluitenlijst", decisions="1. Opening: aangenomen\nJaarrekening goedgekeurd",
                         decisions_text="Notulen")
    assert bad.status_code == 422 and 'id="fout-decisions"' in bad.text and "Jaarrekening goedgekeurd" in bad.text
    assert "Notulen</textarea>" in bad.text
    other, other_csrf = staff_client(app, sessions, alv.a, "griffie")
    async with other:
        refused = await other.post(f"{alv.url}/alv/besluitenlijst", data={
            "csrf_token": other_csrf, "decisions": "1. Opening: aangenomen", "decisions_text": "Van de griffie"})
    assert refused.status_code == 409 and 'id="fout-decisions"' in refused.text and "Van de griffie" in refused.text
    assert "Alleen de secretaris of de voorzitter" in refused.text


async def _decision_list(alv: Alv) -> None:
    """Submitted (twice: one version), signed here and by the chair's link, sent to the members."""
    form = {"submission_id": "a" * 32, "decisions_text": "Notulen van de ALV",
            "decisions": "1. Opening: aangenomen\nMotie: Lokale energie: verworpen"}
    submitted, twice = await alv.post("/alv/besluitenlijst", **form), await alv.post("/alv/besluitenlijst", **form)
    assert submitted.status_code == 200 and "De besluitenlijst (versie 1) is ingediend" in submitted.text
    assert twice.status_code == 200 and "(versie 1)" in twice.text
    [to_chair] = await wait_for_mail(alv.sink, alv.email("chair"), "Verslag ter ondertekening")
    await wait_for_mail(alv.sink, alv.email("secretary"), "Verslag ter ondertekening")
    page = await page_with(alv.web, alv.url, "Zelf goedkeuren")
    assert "Ondertekening besluitenlijst (versie 1)" in page and "Besluitenlijst ter ondertekening" in page
    assert "Motie: Lokale energie: verworpen" in page
    signed = await alv.post("/alv/ondertekening/goedkeuren", purpose="minutes-signoff")
    assert signed.status_code == 200 and "U heeft de besluitenlijst (versie 1) goedgekeurd" in signed.text
    await sign_by_link(alv.web, to_chair)
    [decisions] = await wait_for_mail(alv.sink, alv.email("member"), "Besluitenlijst")
    assert "Lokale energie: verworpen" in decisions.get_body(preferencelist=("plain",)).get_content()


async def test_another_association_gets_404_and_a_board_meeting_409(app, session_factory_):
    mine, theirs = make_tenant(session_factory_), make_tenant(session_factory_, name="Andere vereniging")
    my_values, their_values = make_objects(session_factory_, mine), make_objects(session_factory_, theirs)
    cookie, csrf = signed_in_session(session_factory_, mine, "secretary")
    data = {"csrf_token": csrf, "decisions": "1. Opening: aangenomen", "purpose": "agenda-signoff", "person_id": "1"}
    async with client_for(app, cookie) as web:
        foreign = [await web.post(f"{BASE}/{their_values['alv_id']}{route}", data=data) for route in ROUTES]
        board = [await web.post(f"{BASE}/{my_values['meeting_id']}{route}", data=data) for route in ROUTES]
        no_csrf = await web.post(f"{BASE}/{my_values['alv_id']}{ROUTES[0]}", data={"decisions": "x: aangenomen"})
    async with client_for(app, signed_in_session(session_factory_, mine, "editor")[0]) as editor:
        forbidden = await editor.post(f"{BASE}/{my_values['alv_id']}{ROUTES[0]}", data=data)
    assert [r.status_code for r in foreign] == [404] * 3 and all(theirs.name not in r.text for r in foreign)
    assert [r.status_code for r in board] == [409] * 3
    assert no_csrf.status_code == 403 and forbidden.status_code == 403


async def test_the_page_of_an_alv_without_workflow_shows_no_signoff_forms(app, session_factory_):
    tenant = make_tenant(session_factory_)
    values = make_objects(session_factory_, tenant)
    cookie, _ = signed_in_session(session_factory_, tenant, "secretary")
    async with client_for(app, cookie) as web:
        page = await web.get(f"{BASE}/{values['alv_id']}")
    assert page.status_code == 200 and "Begeleiding: <strong>nog niet gestart</strong>" in page.text
    assert "/alv/ondertekening" not in page.text and "/alv/besluitenlijst" not in page.text
