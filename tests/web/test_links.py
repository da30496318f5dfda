"""The link pages: GET/HEAD change nothing, bad links are refused alike, forms are checked before acting."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from models.tables import ActionToken, Attendance, AuditEvent, Meeting
from raadsbode.services.meeting.actions import meeting_handle

from raadsbode.db import session_scope
from raadsbode.store.tokens import csrf_for, hash_token, mark_used, revoke
from tests.support.links_flow import (approve, history_length, settled_history_length, start_flow, to_signoff, wait_filed,
                              wait_for_link)
from tests.support.links import (add_agenda_version, add_minutes, client_for, csrf_of, form_fields, issue,
                                 make_board, snapshot)

LINK_KINDS = [("agenda-signoff", "chair", 1), ("minutes-signoff", "chair", 1), ("rsvp", "member", 0),
              ("agenda-draft", "secretary", 0), ("minutes-draft", "secretary", 0)]


@pytest.fixture
def board(session_factory_):
    board = make_board(session_factory_)
    add_agenda_version(session_factory_, board.meeting_id, 1, ["Opening", "Begroting 2027 <script>x</script>"])
    add_minutes(session_factory_, board.meeting_id, 1, "Verslag van de vorige vergadering.")
    return board


def assert_link_headers(response) -> None:
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "noindex" in response.headers["x-robots-tag"]
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script" not in csp


@pytest.mark.parametrize(("purpose", "role", "version"), LINK_KINDS)
async def test_get_and_head_change_nothing(app, board, session_factory_, purpose, role, version):
    raw = issue(session_factory_, board, purpose, role, version)
    before = snapshot(session_factory_, board)
    async with client_for(app) as client:
        page = await client.get(f"/l/{raw}")
        head = await client.head(f"/l/{raw}")
    assert page.status_code == 200 and head.status_code == 200
    assert_link_headers(page)
    assert "Vergadering Dagelijks bestuur" in page.text and "Stadhuis Lelystad" in page.text
    assert 'name="csrf"' in page.text and "<script>" not in page.text
    assert snapshot(session_factory_, board) == before


async def test_signoff_page_shows_the_version_and_both_buttons(app, board, session_factory_):
    raw = issue(session_factory_, board, "agenda-signoff", "chair", 1)
    async with client_for(app) as client:
        page = (await client.get(f"/l/{raw}")).text
    assert "versie 1" in page and "Begroting 2027 &lt;script&gt;" in page
    assert "Goedkeuren" in page and "Wijzigingen vragen" in page and "https://example.org/stuk.pdf" in page


def refusal_cases(session_factory_, board):
    other = make_board(session_factory_)
    raw_revoked = issue(session_factory_, board, "agenda-signoff", "chair", 1)
    with session_scope(session_factory_) as s:
        revoke(s, board.subject, "agenda-signoff", below_version=2)  # no newer version exists: plain refusal
    return {
        "unknown": "dit-is-geen-geldige-token-0000000000000000000",
        "too long": "x" * 300,
        "expired": issue(session_factory_, board, "agenda-signoff", "chair", 1, expires_in=timedelta(seconds=-1)),
        "revoked": raw_revoked,
        "wrong purpose": issue(session_factory_, board, "newsletter-proof", "chair"),
        "other association": issue(session_factory_, board, "agenda-signoff", "chair", 1,
                                   association_id=other.association_id),
        "other association's person": issue(session_factory_, board, "rsvp", person_id=other.people["member"]),
    }


async def test_bad_links_all_get_the_same_404_and_change_nothing(app, board, session_factory_):
    cases = refusal_cases(session_factory_, board)
    before = snapshot(session_factory_, board)
    bodies = set()
    async with client_for(app) as client:
        for name, raw in cases.items():
            for response in (await client.get(f"/l/{raw}"),
                             await client.post(f"/l/{raw}", data={"decision": "approve", "csrf": "0" * 64})):
                assert response.status_code == 404, name
                assert "Traceback" not in response.text and "Deze link werkt niet" in response.text
                bodies.add(response.text)
    assert len(bodies) == 1  # no hint which check failed
    assert snapshot(session_factory_, board) == before


async def test_used_link_says_who_decided_and_shows_no_buttons(app, board, session_factory_, settings):
    raw = issue(session_factory_, board, "agenda-signoff", "chair", 1)
    with session_scope(session_factory_) as s:
        token_id = snapshot(session_factory_, board)["tokens"][-1][0]
        assert mark_used(s, token_id, "approve")
    async with client_for(app) as client:
        page = await client.get(f"/l/{raw}")
        csrf = csrf_for(settings.secret_key, hash_token(raw))
        again = await client.post(f"/l/{raw}", data={"decision": "approve", "csrf": csrf})
    assert page.status_code == 200
    assert "Mw. A. Voorzitter" in page.text and "goedgekeurd" in page.text
    assert "Goedkeuren</button>" not in page.text and 'name="csrf"' not in page.text
    assert "al besloten" in again.text


async def test_old_version_link_is_explained_and_refused(app, board, session_factory_):
    old = issue(session_factory_, board, "agenda-signoff", "chair", 1)
    not_yet_revoked = issue(session_factory_, board, "agenda-signoff", "secretary", 1)
    async with client_for(app) as client:
        csrf = csrf_of((await client.get(f"/l/{not_yet_revoked}")).text)
    add_agenda_version(session_factory_, board.meeting_id, 2, ["Opening", "Nieuw punt"])
    with session_scope(session_factory_) as s:
        revoke(s, board.subject, "agenda-signoff", below_version=2)
    before = snapshot(session_factory_, board)
    async with client_for(app) as client:
        shown = await client.get(f"/l/{old}")
        posted = await client.post(f"/l/{old}", data={"decision": "approve", "csrf": csrf})
    assert shown.status_code == 410 and "oudere versie" in shown.text and "nieuwe link" in shown.text
    assert posted.status_code == 410 and "Goedkeuren</button>" not in shown.text
    assert snapshot(session_factory_, board) == before


async def test_rsvp_after_the_start_says_registration_is_closed(app, session_factory_):
    board = make_board(session_factory_, starts_in=timedelta(minutes=-5))
    raw = issue(session_factory_, board, "rsvp", "member", expires_in=timedelta(minutes=-5))
    async with client_for(app) as client:
        page = await client.get(f"/l/{raw}")
    assert page.status_code == 410 and "Aanmelden is gesloten" in page.text


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
async def test_post_without_the_right_csrf_field_is_forbidden(app, board, session_factory_, csrf):
    raw = issue(session_factory_, board, "agenda-signoff", "chair", 1)
    before = snapshot(session_factory_, board)
    data = {"decision": "approve"} | ({"csrf": csrf} if csrf is not None else {})
    async with client_for(app) as client:
        response = await client.post(f"/l/{raw}", data=data)
    assert response.status_code == 403 and "Formulier niet geaccepteerd" in response.text
    assert snapshot(session_factory_, board) == before


@pytest.mark.parametrize("header", [{"origin": "https://evil.example"},
                                   {"referer": "https://evil.example/l/x"},
                                   {"origin": "http://raadsbode.test.evil.example"}])
async def test_post_from_another_site_is_forbidden(app, board, session_factory_, header):
    raw = issue(session_factory_, board, "agenda-signoff", "chair", 1)
    async with client_for(app) as client:
        csrf = csrf_of((await client.get(f"/l/{raw}")).text)
        before = snapshot(session_factory_, board)
        response = await client.post(f"/l/{raw}", data={"decision": "approve", "csrf": csrf}, headers=header)
    assert response.status_code == 403
    assert snapshot(session_factory_, board) == before


async def test_request_for_changes_needs_a_comment(app, board, session_factory_):
    raw = issue(session_factory_, board, "agenda-signoff", "chair", 1)
    async with client_for(app) as client:
        csrf = csrf_of((await client.get(f"/l/{raw}")).text)
        before = snapshot(session_factory_, board)
        response = await client.post(f"/l/{raw}", data={"decision": "request_changes", "comment": " ", "csrf": csrf})
    assert response.status_code == 400 and "wat er moet veranderen" in response.text
    assert snapshot(session_factory_, board) == before


async def test_agenda_form_keeps_what_was_typed_and_marks_errors(app, board, session_factory_):
    raw = issue(session_factory_, board, "agenda-draft", "secretary")
    async with client_for(app) as client:
        csrf = csrf_of((await client.get(f"/l/{raw}")).text)
        before = snapshot(session_factory_, board)
        form = {"csrf": csrf, "row_count": "3", "action": "submit",
                "number_0": "1", "title_0": "Opening", "kind_0": "decision",
                "number_1": "2", "title_1": "", "kind_1": "information", "presenter_1": "Wethouder Jansen",
                "number_2": "3", "title_2": "Stukken", "kind_2": "information",
                "documents_2": "Notitie | javascript:alert(1)"}
        response = await client.post(f"/l/{raw}", data=form)
        added = await client.post(f"/l/{raw}", data=form | {"action": "add_row"})
    assert response.status_code == 400
    assert "de titel ontbreekt" in response.text and "http:// of https://" in response.text
    assert 'value="Wethouder Jansen"' in response.text and "javascript:alert(1)</textarea>" in response.text
    assert added.status_code == 200 and 'name="row_count" value="4"' in added.text
    assert snapshot(session_factory_, board) == before


async def test_first_agenda_draft_opens_with_the_standing_items(app, session_factory_):
    board = make_board(session_factory_)
    raw = issue(session_factory_, board, "agenda-draft", "secretary")
    async with client_for(app) as client:
        page = (await client.get(f"/l/{raw}")).text
    assert 'value="Opening en vaststelling agenda"' in page and 'value="Rondvraag"' in page


async def test_minutes_form_requires_text(app, board, session_factory_):
    raw = issue(session_factory_, board, "minutes-draft", "secretary")
    async with client_for(app) as client:
        page = await client.get(f"/l/{raw}")
        assert "Verslag van de vorige vergadering." in page.text  # the latest version is pre-filled
        before = snapshot(session_factory_, board)
        response = await client.post(f"/l/{raw}", data={"csrf": csrf_of(page.text), "minutes_text": "",
                                                        "decisions": "Besluit B"})
    assert response.status_code == 400 and "Het verslag is leeg." in response.text and "Besluit B" in response.text
    assert snapshot(session_factory_, board) == before


# --- with the real meeting workflow ---------------------------------------------------------------


async def test_links_from_the_emails_draft_and_approve(app, running, session_factory_, settings, sink):
    flow = await start_flow(session_factory_, settings, running)
    async with client_for(app) as web:
        await to_signoff(flow, web, sink, session_factory_)
        flow.links["chair", "minutes-signoff"] = issue(session_factory_, flow.board, "minutes-signoff", "chair", 1)
        flow.links["secretary", "minutes-draft"] = issue(session_factory_, flow.board, "minutes-draft", "secretary")
        history, before = await settled_history_length(running, flow.board), snapshot(session_factory_, flow.board)
        for raw in flow.links.values():
            assert (await web.get(f"/l/{raw}")).status_code == 200
            assert (await web.head(f"/l/{raw}")).status_code == 200
        assert await history_length(running, flow.board) == history
        assert snapshot(session_factory_, flow.board) == before

        approved = await approve(web, flow.links["chair", "agenda-signoff"])
        assert approved.status_code == 200 and "goedgekeurd" in approved.text
        await wait_filed(session_factory_, flow.links["chair", "agenda-signoff"])
        decided = await web.get(f"/l/{flow.links['chair', 'agenda-signoff']}")
        assert "al besloten" in decided.text and "Mw. A. Voorzitter" in decided.text
        with session_factory_() as s:
            events = s.exec(select(AuditEvent).where(AuditEvent.association_id == flow.board.association_id)).all()
        assert [e.action for e in events if "signoff" in e.action] == ["agenda-signoff:approve"]
        assert "203.0.113.7" in events[-1].source


async def test_two_concurrent_approvals_make_one_decision(app, running, session_factory_, settings, sink):
    flow = await start_flow(session_factory_, settings, running)
    async with client_for(app) as web:
        await to_signoff(flow, web, sink, session_factory_)
        raw = flow.links["chair", "agenda-signoff"]
        csrf = csrf_of((await web.get(f"/l/{raw}")).text)
        # More at once than the connection pool holds: no request may keep a connection while it waits.
        answers = await asyncio.wait_for(asyncio.gather(
            *(web.post(f"/l/{raw}", data={"csrf": csrf, "decision": "approve"}) for _ in range(20))), 30)
    assert {a.status_code for a in answers} == {200}, [a.text for a in answers if a.status_code != 200][:1]
    assert len({a.text for a in answers}) == 1  # everyone sees the one decision's answer
    history = await meeting_handle(running, flow.board.meeting_id).fetch_history()
    accepted = [e for e in history.events if e.HasField("workflow_execution_update_accepted_event_attributes")
                and e.workflow_execution_update_accepted_event_attributes.protocol_instance_id == f"token-{_token_id(session_factory_, raw)}"]
    assert len(accepted) == 1
    await wait_filed(session_factory_, raw)
    with session_factory_() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.association_id == flow.board.association_id)).all()
    assert actions.count("agenda-signoff:approve") == 1


def _token_id(sessions, raw: str) -> int:
    with sessions() as s:
        return s.exec(select(ActionToken.id).where(ActionToken.token_hash == hash_token(raw))).one()


async def test_workflow_rejections_are_shown_and_change_nothing(app, running, session_factory_, settings, sink):
    flow = await start_flow(session_factory_, settings, running)
    async with client_for(app) as web:
        await to_signoff(flow, web, sink, session_factory_)
        not_a_signer = issue(session_factory_, flow.board, "agenda-signoff", "member", 1)
        member_draft = issue(session_factory_, flow.board, "agenda-draft", "member")
        early_minutes = issue(session_factory_, flow.board, "minutes-draft", "secretary")
        history, before = await settled_history_length(running, flow.board), snapshot(session_factory_, flow.board)

        refused = await approve(web, not_a_signer)
        draft = form_fields((await web.get(f"/l/{member_draft}")).text)
        draft_refused = await web.post(f"/l/{member_draft}", data=draft | {"action": "submit", "title_1": "Nieuw"})
        minutes = form_fields((await web.get(f"/l/{early_minutes}")).text)
        minutes_refused = await web.post(f"/l/{early_minutes}", data=minutes | {"minutes_text": "Verslag"})
    assert refused.status_code == 409 and "niet ondertekenen" in refused.text
    assert draft_refused.status_code == 409 and "Alleen de secretaris" in draft_refused.text
    assert 'value="Nieuw"' in draft_refused.text  # nothing typed is lost
    assert minutes_refused.status_code == 409 and "na de vergadering" in minutes_refused.text
    assert "Verslag</textarea>" in minutes_refused.text
    assert await history_length(running, flow.board) == history
    assert snapshot(session_factory_, flow.board) == before


async def test_rsvp_link_records_and_changes_the_answer(app, running, session_factory_, settings, sink):
    flow = await start_flow(session_factory_, settings, running)
    async with client_for(app) as web:
        await to_signoff(flow, web, sink, session_factory_)
        for role in ("chair", "secretary"):
            assert (await approve(web, flow.links[role, "agenda-signoff"])).status_code == 200
        raw = await wait_for_link(sink, session_factory_, flow.board, "member", "rsvp")
        history = await settled_history_length(running, flow.board)
        csrf = csrf_of((await web.get(f"/l/{raw}")).text)
        assert (await web.head(f"/l/{raw}")).status_code == 200
        assert await history_length(running, flow.board) == history
        coming = await web.post(f"/l/{raw}", data={"csrf": csrf, "response": "attending"})
        assert "U bent aangemeld" in coming.text
        assert "U komt." in (await web.get(f"/l/{raw}")).text
        await web.post(f"/l/{raw}", data={"csrf": csrf, "response": "not_attending"})
        assert "U komt niet." in (await web.get(f"/l/{raw}")).text
    with session_factory_() as s:
        row = s.exec(select(Attendance).where(Attendance.meeting_id == flow.board.meeting_id,
                                              Attendance.person_id == flow.board.people["member"])).one()
    assert str(row.response) == "not_attending"


async def test_minutes_links_draft_and_sign_after_the_meeting(app, running, session_factory_, settings, sink):
    flow = await start_flow(session_factory_, settings, running, starts_in=timedelta(seconds=2),
                            policy={"agenda_request_before": "60d", "minutes_request_after": "1s"})
    with session_scope(session_factory_) as s:  # a one-second meeting: the minutes are asked for at once
        meeting = s.get(Meeting, flow.board.meeting_id)
        meeting.ends_at = meeting.starts_at + timedelta(seconds=1)
    async with client_for(app) as web:
        raw = await wait_for_link(sink, session_factory_, flow.board, "secretary", "minutes-draft")
        form = form_fields((await web.get(f"/l/{raw}")).text)
        saved = await web.post(f"/l/{raw}", data=form | {"minutes_text": "De voorzitter opent de vergadering.",
                                                          "decisions": "Begroting vastgesteld\nJaarplan vastgesteld"})
        assert saved.status_code == 200 and "Versie 1 van het verslag" in saved.text, saved.text
        chair_link = await wait_for_link(sink, session_factory_, flow.board, "chair", "minutes-signoff")
        page = await web.get(f"/l/{chair_link}")
        assert "De voorzitter opent de vergadering." in page.text and "<li>Jaarplan vastgesteld</li>" in page.text
        approved = await approve(web, chair_link)
    assert approved.status_code == 200 and "verslag (versie 1) goedgekeurd" in approved.text
