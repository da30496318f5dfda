"""Meetings in the workspace: plan a board or committee meeting, the agenda editor, sign-off state, resend, own approval,
the chair's link, the convocation; reschedule and cancel; roles, CSRF and tenant isolation."""
from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from models.tables import Body, BodyKind, Membership, MemberRole
from raadsbode.db import session_scope
from tests.support.e2e import board_tenant, link_of, meeting_day, meetings_of, page_with, sent_kinds, venue_ids, \
    wait_for_mail, wait_until
from tests.support.links import csrf_of as link_csrf_of
from tests.support.links import form_fields
from tests.support.workspace import add_meeting, client_for, signed_in_session
from tests.support.e2e import BASE, plan, signed_in

pytestmark = pytest.mark.sqlite_only  # pages and forms: SQLite suffices (conftest.py)


async def test_plan_a_board_meeting_with_errors_in_place(app, running, session_factory_, settings):
    tenant = board_tenant(session_factory_)
    web, csrf = signed_in(app, session_factory_, tenant)
    async with web:
        form = await web.get(f"{BASE}/nieuw")
        bad = await plan(web, csrf, date="", end="13:00", notice_days="0", title="Typte ik dit")
        assert meetings_of(session_factory_, tenant) == []
        good = await plan(web, csrf, venue_id=str(venue_ids(session_factory_, tenant)[1]))
        page = await web.get(good.headers["location"])
        listed = await web.get(BASE)
        found = await web.get(BASE, params={"zoek": "DRONTEN"})
        none = await web.get(BASE, params={"zoek": "bestaat-niet"})
    assert form.status_code == 200 and 'type="date"' in form.text and 'aria-current="page">Vergaderingen' in form.text
    assert bad.status_code == 422 and 'id="fout-date"' in bad.text and 'id="fout-notice_days"' in bad.text
    assert 'value="Typte ik dit"' in bad.text
    assert good.status_code == 303
    [meeting] = meetings_of(session_factory_, tenant)
    assert good.headers["location"].startswith(f"{BASE}/{meeting.id}")
    assert "Begeleiding: <strong>loopt</strong>" in page.text and "Gemeentehuis Dronten" in page.text
    assert "De vergadering is aangemaakt" in page.text and "Uitnodiging uiterlijk (oproeptermijn)" in page.text
    assert "Bestuursvergadering juni" in listed.text and "1–1 van 1" in listed.text
    assert "1–1 van 1" in found.text and "Niets gevonden" in none.text


async def test_agenda_editor_signoff_resend_and_convocation(app, running, session_factory_, settings, sink):
    tenant = board_tenant(session_factory_)
    web, csrf = signed_in(app, session_factory_, tenant)
    async with web:
        meeting_id = int((await plan(web, csrf)).headers["location"].split("/")[-1].split("?")[0])
        url = f"{BASE}/{meeting_id}/agenda"
        fields = form_fields((await web.get(url)).text)
        assert [fields[f"title_{i}"] for i in range(5)] == ["Opening en vaststelling agenda", "Mededelingen",
                                                             "Ingekomen en uitgaande stukken", "Rondvraag", "Sluiting"]
        added = form_fields((await web.post(url, data=fields | {"action": "add"})).text)
        assert added["row_count"] == "6" and added["number_5"] == "6"
        added |= {"title_5": "Begroting 2027", "kind_5": "decision", "presenter_5": "Penningmeester",
                  "documents_5": "Begroting | niet-een-link"}
        moved = form_fields((await web.post(url, data=added | {"action": "up-5"})).text)
        assert moved["title_4"] == "Begroting 2027" and moved["number_4"] == "5" and moved["title_5"] == "Sluiting"
        dropped = form_fields((await web.post(url, data=moved | {"action": "delete-1"})).text)
        assert dropped["row_count"] == "5" and dropped["title_1"] == "Ingekomen en uitgaande stukken"
        assert dropped["number_3"] == "4" and dropped["title_3"] == "Begroting 2027"
        refused = await web.post(url, data=dropped | {"action": "submit"})
        assert refused.status_code == 422 and "moet met http:// of https:// beginnen" in refused.text
        assert 'value="Penningmeester"' in refused.text
        fixed = form_fields(refused.text) | {"documents_3": "Begroting | https://example.org/begroting.pdf",
                                              "action": "submit"}
        submitted = await web.post(url, data=fixed)
        again = await web.post(url, data=fixed)  # a double submit: same submission id, one version
        assert submitted.status_code == 303 and again.status_code == 303
        chair_mail = (await wait_for_mail(sink, tenant.email("chair"), "Agenda ter ondertekening"))[0]
        page = await web.get(f"{BASE}/{meeting_id}")
        assert "versie 1" in page.text and "Mw. A. Voorzitter" in page.text and "nog niet getekend" in page.text
        resent = await web.post(f"{BASE}/{meeting_id}/ondertekening/opnieuw", data={
            "csrf_token": csrf, "person_id": str(tenant.people["chair"]), "purpose": "agenda-signoff"})
        assert resent.status_code == 303
        chair_mails = await wait_for_mail(sink, tenant.email("chair"), "Agenda ter ondertekening", count=2)
        assert link_of(chair_mails[-1]) != link_of(chair_mail)
        again = await web.post(f"{BASE}/{meeting_id}/ondertekening/opnieuw", data={
            "csrf_token": csrf, "person_id": str(tenant.people["chair"]), "purpose": "agenda-signoff"})
        assert again.status_code == 409 and "al opnieuw verstuurd" in again.text and "Begeleiding" in again.text  # in place
        signed = await web.post(f"{BASE}/{meeting_id}/ondertekening/goedkeuren",
                                data={"csrf_token": csrf, "purpose": "agenda-signoff"})
        assert signed.status_code == 303
        chair_link = f"/l/{link_of(chair_mails[-1])}"
        approval = await web.get(chair_link)
        decided = await web.post(chair_link, data={"csrf": link_csrf_of(approval.text), "decision": "approve"})
        assert decided.status_code == 200, decided.text
        await wait_for_mail(sink, tenant.email("contact0"), "Uitnodiging vergadering")
        await wait_until(lambda: "meeting-convocation" in sent_kinds(session_factory_, meeting_id), what="convocation")
        for _ in range(50):  # the workflow records the convocation just after its email is in the ledger
            final = await web.get(f"{BASE}/{meeting_id}")
            if "Uitnodiging verstuurd" in final.text:
                break
            await asyncio.sleep(0.2)
    kinds = sent_kinds(session_factory_, meeting_id)
    assert kinds.count("agenda-signoff-resend-v1") == 1 and "agenda-signoff-request" in kinds
    assert "Uitnodiging met agenda verstuurd" in final.text and "Ondertekenlink opnieuw verstuurd" in final.text
    assert "Uitnodiging verstuurd" in final.text  # the phase


async def test_reschedule_and_cancel(app, running, session_factory_, settings, sink):
    tenant, other = board_tenant(session_factory_), board_tenant(session_factory_, name="Andere vereniging")
    web, csrf = signed_in(app, session_factory_, tenant)
    move = {"csrf_token": csrf, "date": meeting_day(31), "start": "10:00", "end": "12:00", "reason": "Zaal bezet"}
    async with web:
        meeting_id = int((await plan(web, csrf)).headers["location"].split("/")[-1].split("?")[0])
        bad = await web.post(f"{BASE}/{meeting_id}/verplaatsen", data=move | {"date": "gisteren"})
        foreign = await web.post(f"{BASE}/{meeting_id}/verplaatsen", data=move | {
            "venue_id": str(venue_ids(session_factory_, other)[0])})
        moved = await web.post(f"{BASE}/{meeting_id}/verplaatsen", data=move | {
            "venue_id": str(venue_ids(session_factory_, tenant)[1])})
        [after_move] = meetings_of(session_factory_, tenant)
        unconfirmed = await web.post(f"{BASE}/{meeting_id}/annuleren", data={"csrf_token": csrf, "cancel_reason": "Geen punten"})
        cancelled = await web.post(f"{BASE}/{meeting_id}/annuleren", data={
            "csrf_token": csrf, "cancel_reason": "Geen punten", "confirm": "ja"})
    assert bad.status_code == 422 and 'id="fout-date"' in bad.text and "Zaal bezet" in bad.text
    assert foreign.status_code == 422 and 'id="fout-venue_id"' in foreign.text
    assert moved.status_code == 200 and "De vergadering is verplaatst naar" in moved.text
    local = after_move.starts_at.astimezone(ZoneInfo(settings.timezone))
    assert (local.date().isoformat(), local.strftime("%H:%M")) == (meeting_day(31), "10:00")
    assert after_move.venue_id == venue_ids(session_factory_, tenant)[1]
    assert unconfirmed.status_code == 422 and 'id="fout-confirm"' in unconfirmed.text and "Geen punten" in unconfirmed.text
    assert cancelled.status_code == 200 and "De vergadering is geannuleerd" in cancelled.text
    assert str(meetings_of(session_factory_, tenant)[0].status) == "cancelled"


async def test_roles_csrf_and_other_associations(app, session_factory_):
    tenant, other = board_tenant(session_factory_), board_tenant(session_factory_, name="Andere vereniging")
    theirs = add_meeting(session_factory_, other, "Hun vergadering")
    ours = add_meeting(session_factory_, tenant, "Onze vergadering")
    web, csrf = signed_in(app, session_factory_, tenant)
    async with web:
        gets = [await web.get(f"{BASE}/{theirs}"), await web.get(f"{BASE}/{theirs}/agenda")]
        posts = [await web.post(f"{BASE}/{theirs}{path}", data={"csrf_token": csrf, "confirm": "ja", "action": "submit"})
                 for path in ("/agenda", "/annuleren", "/verplaatsen", "/verslag", "/starten", "/ondertekening/opnieuw")]
        listed = await web.get(BASE, params={"toon": "alle"})
        no_csrf = await web.post(f"{BASE}/{ours}/annuleren", data={"confirm": "ja"})
    async with client_for(app, signed_in_session(session_factory_, tenant, "editor")[0]) as editor:
        forbidden = await editor.get(BASE)
    async with client_for(app) as anonymous:
        redirected = await anonymous.get(f"{BASE}/{ours}")
    assert [r.status_code for r in gets + posts] == [404] * 8
    assert "Onze vergadering" in listed.text and "Hun vergadering" not in listed.text
    assert no_csrf.status_code == 403 and forbidden.status_code == 403
    assert redirected.status_code == 303 and redirected.headers["location"].startswith("/inloggen?next=")


def add_committee(sessions, tenant, policy: str = "{}") -> int:
    """'Commissie Financiën': contact0 chairs it, the staff secretary is its secretary, contact1 a member."""
    with session_scope(sessions) as s:
        body = Body(association_id=tenant.association_id, kind=BodyKind.committee, name="Commissie Financiën",
                    policy_json=policy)
        s.add(body)
        s.flush()
        s.add_all([Membership(body_id=body.id, person_id=tenant.people["contact0"], role=MemberRole.chair),
                   Membership(body_id=body.id, person_id=tenant.people["secretary"], role=MemberRole.secretary),
                   Membership(body_id=body.id, person_id=tenant.people["contact1"], role=MemberRole.member)])
        return body.id


async def sign_by_link(web, message) -> None:
    link = f"/l/{link_of(message)}"
    approval = await web.get(link)
    decided = await web.post(link, data={"csrf": link_csrf_of(approval.text), "decision": "approve"})
    assert decided.status_code == 200, decided.text


async def test_a_committee_meeting_is_planned_and_signed_by_its_own_chair_and_secretary(
        app, running, session_factory_, settings, sink):
    tenant = board_tenant(session_factory_)
    committee = add_committee(session_factory_, tenant, policy='{"convocation_before": "14d"}')
    web, csrf = signed_in(app, session_factory_, tenant)
    async with web:
        listing = await web.get(BASE)
        form = await web.get(f"{BASE}/nieuw", params={"orgaan": "commissie"})
        planned = await plan(web, csrf, title="", body_id=str(committee))
        meeting_id = int(planned.headers["location"].split("/")[-1].split("?")[0])
        page = await web.get(planned.headers["location"])
        url = f"{BASE}/{meeting_id}/agenda"
        submitted = await web.post(url, data=form_fields((await web.get(url)).text) | {"action": "submit"})
        assert submitted.status_code == 303
        await sign_by_link(web, (await wait_for_mail(sink, tenant.email("contact0"), "Agenda ter ondertekening"))[-1])
        await sign_by_link(web, (await wait_for_mail(sink, tenant.email("secretary"), "Agenda ter ondertekening"))[-1])
        await wait_for_mail(sink, tenant.email("contact1"), "Uitnodiging vergadering")
    assert 'href="/werkruimte/vergaderingen/nieuw?orgaan=commissie">Commissievergadering plannen' in listing.text
    assert f'<option value="{committee}" selected>Commissie Financiën</option>' in form.text
    assert 'id="veld-notice_days" name="notice_days" value="14"' in form.text and "Commissie Financiën 14 dagen" in form.text
    [meeting] = meetings_of(session_factory_, tenant)
    assert (str(meeting.kind), meeting.body_id, meeting.title) == ("committee", committee, "Vergadering Commissie Financiën")
    assert '"convocation_before": "60d"' in meeting.policy_json
    assert "Begeleiding: <strong>loopt</strong>" in page.text and "Commissie · Commissie Financiën" in page.text
    assert "Uitnodiging uiterlijk (oproeptermijn)" in page.text  # the body's policy gives the planned moments
    assert not [m for m in sink.to(tenant.email("chair")) if "Agenda ter ondertekening" in str(m["Subject"])]
    await wait_until(lambda: "meeting-convocation" in sent_kinds(session_factory_, meeting_id), what="convocation")


async def test_new_meeting_refuses_a_body_it_cannot_plan_in_place(app, session_factory_):
    tenant, other = board_tenant(session_factory_), board_tenant(session_factory_, name="Andere vereniging")
    theirs = add_committee(session_factory_, other)
    with session_factory_() as s:
        alv = s.exec(select(Body.id).where(Body.association_id == tenant.association_id,
                                           Body.kind == BodyKind.general_meeting)).one()
    web, csrf = signed_in(app, session_factory_, tenant)
    async with web:
        answers = [await plan(web, csrf, title="Typte ik dit", body_id=body_id) for body_id in (str(theirs), str(alv), "x")]
    assert [a.status_code for a in answers] == [422] * 3
    assert all('id="fout-body_id"' in a.text and 'value="Typte ik dit"' in a.text for a in answers)
    assert "Kies een orgaan uit de lijst" in answers[0].text and "Kies een orgaan uit de lijst" in answers[2].text
    assert "Extra ALV bijeenroepen" in answers[1].text
    assert meetings_of(session_factory_, tenant) == [] and meetings_of(session_factory_, other) == []


async def submit_when_ready(web, url: str) -> None:
    """Submit the editor's agenda; a workflow started a moment ago is still loading its meeting and says so (409)."""
    for _ in range(40):
        answer = await web.post(url, data=form_fields((await web.get(url)).text) | {"action": "submit"})
        if answer.status_code == 303:
            return
        assert answer.status_code == 409 and "klaargezet" in answer.text, answer.text[:300]
        await asyncio.sleep(0.25)
    raise AssertionError("the workflow never became ready for an agenda")


async def test_a_committee_meeting_is_steered_like_a_board_meeting(app, running, session_factory_, settings, sink):
    tenant = board_tenant(session_factory_)
    committee = add_committee(session_factory_, tenant)
    web, csrf = signed_in(app, session_factory_, tenant)
    async with web:
        planned = await plan(web, csrf, title="", body_id=str(committee))
        meeting_id = int(planned.headers["location"].split("/")[-1].split("?")[0])
        await submit_when_ready(web, f"{BASE}/{meeting_id}/agenda")
        await wait_for_mail(sink, tenant.email("contact0"), "Agenda ter ondertekening")
        await wait_for_mail(sink, tenant.email("secretary"), "Agenda ter ondertekening")
        signing = await page_with(web, f"{BASE}/{meeting_id}", "Zelf goedkeuren")  # the phase moves just after the mails
        dashboard = await web.get("/werkruimte")
        resent = await web.post(f"{BASE}/{meeting_id}/ondertekening/opnieuw", data={
            "csrf_token": csrf, "person_id": str(tenant.people["contact0"]), "purpose": "agenda-signoff"})
        own = await web.post(f"{BASE}/{meeting_id}/ondertekening/goedkeuren",
                             data={"csrf_token": csrf, "purpose": "agenda-signoff"})
        chair_mails = await wait_for_mail(sink, tenant.email("contact0"), "Agenda ter ondertekening", count=2)
        await sign_by_link(web, chair_mails[-1])
        await wait_for_mail(sink, tenant.email("contact1"), "Uitnodiging vergadering")
        await wait_until(lambda: "meeting-convocation" in sent_kinds(session_factory_, meeting_id), what="convocation")
        convened = await web.get(f"{BASE}/{meeting_id}")
        moved = await web.post(f"{BASE}/{meeting_id}/verplaatsen", data={
            "csrf_token": csrf, "date": meeting_day(32), "start": "10:00", "end": "12:00", "reason": "Zaal bezet"})
        for key in ("contact0", "contact1"):  # the committee's chair and member
            await wait_for_mail(sink, tenant.email(key), "Gewijzigd: vergadering Commissie Financiën")
    assert "Begeleiding: <strong>loopt</strong>" in signing and "Agenda ter ondertekening" in signing
    assert "Ondertekening agenda" in signing and "Contact 000 (voorzitter)" in signing
    assert "Secretary van VNG Testland (secretaris)" in signing and "Zelf goedkeuren" in signing
    assert "Vergadering Commissie Financiën" in dashboard.text and "Agenda ter ondertekening" in dashboard.text
    assert "nog niet getekend: Contact 000 (voorzitter)" in dashboard.text
    assert resent.status_code == 303 and own.status_code == 303
    assert sent_kinds(session_factory_, meeting_id).count("agenda-signoff-resend-v1") == 1
    assert "Uitnodiging verstuurd" in convened.text and f'action="{BASE}/{meeting_id}/verplaatsen"' in convened.text
    assert moved.status_code == 200 and "De vergadering is verplaatst naar" in moved.text
    assert not [m for m in sink.to(tenant.email("chair")) if "Gewijzigd" in str(m["Subject"])]  # the board's chair
