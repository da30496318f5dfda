"""The whole ALV against the real dev server, SMTP sink and database, compressed into seconds:
the association's yearly Schedule fires -> the planned ALV is created and its workflow started -> save the date ->
motion before and after the closing date -> agenda sign-off through the link pages ->
convocation -> registrations by link and by iTIP REPLY email -> reminder only to non-responders ->
attendance list -> decision list signed off, sent and published; then the history is replayed."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import aiosmtplib
import pytest
from temporalio.worker import Replayer

from models.messages.alv import DecisionEntry, SubmitDecisions
from models.messages.inbox import InboxInput
from models.messages.meeting import SubmitAgenda
from models.tables.meetings import Attendance, Meeting
from models.tables.alv import InboundMessage, PlanningEntry
from models.tables.types import utcnow
from raadsbode.services.meeting.agenda import standing_items
from raadsbode.services.alv.actions import alv_handle
from raadsbode.services.alv.cycle import cycle_handle, trigger_cycle, upsert_cycle_schedule
from raadsbode.services.alv.planning import add_planning_entry
from raadsbode.services.alv.motions import draft_alv_agenda, motion_views, set_motion_status
from raadsbode.db import session_scope
from raadsbode.store.staff import add_staff, start_session
from sqlmodel import select
from tests.support.alv import calendars_in, links_in, make_association, text_of
from tests.support.itip_samples import gmail_reply, outlook_reply
from tests.support.links import client_for, csrf_of
from web.app import create_app
from web.common.auth import SESSION_COOKIE
from worker import build_worker
from workflows.alv.workflow import AlvWorkflow
from workflows.inbox import InboxWorkflow
from tests.support.alv import first_mail, post_form, wait_for
from tests.support.histories import RECORD, record

START_IN = 40  # seconds
POLICY = {"save_the_date_before": "40s", "motions_close_before": "32s", "convocation_before": "24s",
          "reminder_before": "13s", "registration_deadline_before": "8s", "attendance_list_before": "5s",
          "signoff_reminder_after": "1h", "decisions_request_after": "1s"}


def kinds_to(sink, address: str) -> list[str]:
    return [str(m["Subject"]) for m in sink.to(address)]


def _staff_cookie(sessions, association_id: int, email: str) -> str:
    """A signed-in workspace session of the person with `email` as secretary (the sign-in flow has its own tests)."""
    with session_scope(sessions) as s:
        role = add_staff(s, association_id, email, "secretary")
        raw, _ = start_session(s, role.person_id, association_id)
    return f"{SESSION_COOKIE}={raw}"


async def sign(client, sink, address: str, subject_part: str) -> None:
    mail = await wait_for(lambda: first_mail(sink, address, subject_part), what=f"{subject_part} to {address}")
    [path] = links_in(mail, "l")
    response = await post_form(client, path, decision="approve")
    assert response.status_code == 200 and "Dank u" in response.text, response.text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_full_alv_cycle(temporal_env, settings, session_factory_, sink):
    settings.inbox_maildir = sink.maildir
    a = make_association(session_factory_, contacts_per_town=2)
    with session_scope(session_factory_) as s:
        starts = utcnow().replace(microsecond=0) + timedelta(seconds=START_IN)
        entry_id = add_planning_entry(s, a.association_id, starts, starts + timedelta(seconds=1), a.venue_id).id
    contacts = {town: [f"contact{n}@{town.lower()}.{a.slug}.test" for n in range(2)] for town in a.contacts}
    chair, secretary = f"chair@{a.slug}.test", f"secretary@{a.slug}.test"
    client = temporal_env.client
    app = create_app(settings, client)
    async with build_worker(client, settings), client_for(app) as web:
        await upsert_cycle_schedule(client, settings.temporal_task_queue, a.association_id, a.slug, policy=POLICY,
                                    batch_size=4)
        await trigger_cycle(client, a.slug)  # the spring firing, now
        meeting_id, uid = await wait_for(lambda: _planned(session_factory_, entry_id), what="the ALV from the schedule")
        if RECORD:  # the run the schedule started, before the schedule goes
            cycle_run = (await cycle_handle(client, a.slug).describe()).info.recent_actions[-1].action.workflow_id
        await cycle_handle(client, a.slug).delete()
        inbox = await client.start_workflow(InboxWorkflow.run, InboxInput(batch_size=20, poll_seconds=1),
                                            id=f"inbox-{uuid.uuid4().hex[:8]}", task_queue=settings.temporal_task_queue)
        try:
            await _before_meeting(web, client, sink, session_factory_, a, meeting_id, uid, contacts, chair, secretary, settings)
            await _after_meeting(web, client, sink, session_factory_, a, meeting_id, chair, secretary)
        finally:
            await inbox.terminate()
        history = await alv_handle(client, meeting_id).fetch_history()
        if RECORD:
            record(await client.get_workflow_handle(cycle_run).fetch_history(), "alv_cycle_workflow")
            record(await inbox.fetch_history(), "inbox")
    await Replayer(workflows=[AlvWorkflow]).replay_workflow(history)
    assert len(history.events) < 1000
    record(history, "alv_cycle_v2")


async def _before_meeting(web, temporal, sink, sessions, a, meeting_id, uid, contacts, chair, secretary, settings) -> None:
    almere = contacts["Almere"]
    # 1. Save the date: every member contact and the board, with an iTIP REQUEST; not the secretary.
    save = await wait_for(lambda: first_mail(sink, almere[0], "Save the date"), what="save the date")
    [cal] = calendars_in(save)
    assert b"METHOD:REQUEST" in cal and uid.encode() in cal
    await wait_for(lambda: all(first_mail(sink, c, "Save the date") for t in contacts.values() for c in t)
                   and first_mail(sink, chair, "Save the date"), what="save the date to all")
    assert not first_mail(sink, secretary, "Save the date")
    # 2. A motion before the closing date, through the personal link.
    [motion_path] = links_in(save, "motie")
    page = await web.get(motion_path)
    assert "Motie of agendavoorstel indienen" in page.text
    done = await post_form(web, motion_path, kind="motion", title="Lokale energie", text="De ALV verzoekt het bestuur ...",
                           municipality=str(a.towns["Almere"]), cosigners=[str(a.towns["Urk"]), str(a.towns["Dronten"])])
    assert done.status_code == 200 and "is ingediend" in done.text
    # 3. After the closing date: refused with a clear message; the secretary is told.
    closed = await wait_for(lambda: first_mail(sink, secretary, "Termijn moties gesloten"), what="motions closed")
    late = await web.post(motion_path, data={"csrf": csrf_of(page.text), "kind": "motion", "title": "Te laat",
                                             "text": "...", "municipality": str(a.towns["Almere"])})
    assert late.status_code == 409 and "termijn voor moties en agendavoorstellen is gesloten" in late.text
    assert "is gesloten op" in (await web.get(motion_path)).text
    overview_path = f"/werkruimte/vergaderingen/{meeting_id}/moties"  # the workspace: the secretary signs in
    assert overview_path in text_of(closed)
    overview = await web.get(overview_path, headers={"cookie": _staff_cookie(sessions, a.association_id, secretary)})
    assert "Lokale energie" in overview.text and "Dronten, Urk" in overview.text and "Te laat" not in overview.text
    # 4. Agenda with the admitted motion, signed off by chair and secretary through the board's link pages.
    with session_scope(sessions) as s:
        [motion] = motion_views(s, meeting_id)
        set_motion_status(s, meeting_id, motion["id"], "admitted")
    with sessions() as s:
        items = draft_alv_agenda(s, meeting_id, standing_items(None))
    result = await alv_handle(temporal, meeting_id).execute_update(
        AlvWorkflow.submit_agenda, SubmitAgenda(submitted_by_person_id=a.board["secretary"], items=items))
    assert result.version == 1
    await sign(web, sink, chair, "Agenda ter ondertekening")
    await sign(web, sink, secretary, "Agenda ter ondertekening")
    # 5. Convocation: agenda with the motion, registration link, the same UID.
    conv = await wait_for(lambda: first_mail(sink, almere[1], "Uitnodiging"), what="convocation", timeout=30)
    assert "Motie: Lokale energie (Almere)" in conv.get_body(preferencelist=("plain",)).get_content()
    assert uid.encode() in calendars_in(conv)[0]
    # 6. Registrations: by link (attending; represented) and by calendar replies (Outlook accept, Gmail decline).
    [reg_path] = links_in(conv, "aanmelden")
    answered = await post_form(web, reg_path, response="attending")
    assert answered.status_code == 200 and "genoteerd" in answered.text
    deputy_id = a.contacts["Dronten"][1]
    [dronten_reg] = links_in(await wait_for(lambda: first_mail(sink, contacts["Dronten"][0], "Uitnodiging")), "aanmelden")
    represented = await post_form(web, dronten_reg, response="represented", represented_by=str(deputy_id))
    assert represented.status_code == 200, represented.text
    await _calendar_replies(sink, a, uid, contacts, settings)
    await wait_for(lambda: _answers(sessions, meeting_id) >= 4, what="4 registrations")
    # 7. The reminder only to those who did not answer; 8. the attendance list per municipality.
    await wait_for(lambda: first_mail(sink, contacts["Lelystad"][1], "Herinnering"), what="reminder", timeout=30)
    for answered_address in (almere[1], contacts["Dronten"][0], contacts["Urk"][0], contacts["Lelystad"][0]):
        assert not first_mail(sink, answered_address, "Herinnering"), answered_address
    presence = await wait_for(lambda: first_mail(sink, secretary, "Presentielijst"), what="attendance list", timeout=30)
    text = presence.get_body(preferencelist=("plain",)).get_content()
    assert "Almere" in text and "Contact 1 Almere: aanwezig" in text and "vertegenwoordigd door Contact 1 Dronten" in text
    assert "Contact 0 Urk: aanwezig" in text and "Contact 0 Lelystad: afwezig" in text
    with sessions() as s:
        outcomes = {m.outcome for m in s.exec(select(InboundMessage).where(InboundMessage.association_id == a.association_id))}
    assert {"recorded", "ignored"} <= outcomes


def _planned(sessions, entry_id: int) -> tuple[int, str] | None:
    """(meeting id, UID) once the schedule's firing created the planned ALV."""
    with sessions() as s:
        entry = s.get(PlanningEntry, entry_id)
        meeting = s.get(Meeting, entry.meeting_id) if entry.meeting_id else None
        return (meeting.id, meeting.ical_uid) if meeting else None


def _answers(sessions, meeting_id: int) -> int:
    with sessions() as s:
        return len(s.exec(select(Attendance).where(Attendance.meeting_id == meeting_id)).all())


async def _calendar_replies(sink, a, uid, contacts, settings) -> None:
    organizer = a.mailbox
    replies = [outlook_reply(uid, contacts["Urk"][0], organizer, "ACCEPTED"),
               gmail_reply(uid, contacts["Lelystad"][0], organizer, "DECLINED"),
               outlook_reply("unknown-uid@elders", contacts["Urk"][1], organizer),  # unknown UID: ignored
               outlook_reply(uid, contacts["Urk"][1], organizer, sender=contacts["Lelystad"][1])]  # not the sender
    for raw in replies:
        await aiosmtplib.send(raw, sender="x@mail.example", recipients=[organizer], hostname="127.0.0.1",
                              port=settings.smtp_port)


async def _after_meeting(web, client, sink, sessions, a, meeting_id, chair, secretary) -> None:
    await wait_for(lambda: first_mail(sink, secretary, "Besluitenlijst opstellen"), what="decisions request", timeout=30)
    entries = [DecisionEntry("item", "1", "Opening en vaststelling agenda", "adopted"),
               DecisionEntry("motion", "", "Lokale energie", "deferred")]
    await alv_handle(client, meeting_id).execute_update(
        AlvWorkflow.submit_decisions, SubmitDecisions(a.board["secretary"], entries, "Besluitenlijst"))
    await sign(web, sink, chair, "Verslag ter ondertekening")
    await sign(web, sink, secretary, "Verslag ter ondertekening")
    result = await alv_handle(client, meeting_id).result()
    assert result.final_phase == "closed"
    mail = await wait_for(lambda: first_mail(sink, f"contact0@almere.{a.slug}.test", "Besluitenlijst"), what="decisions")
    assert "Motie: Lokale energie: aangehouden" in mail.get_body(preferencelist=("plain",)).get_content()
    public = await web.get(f"/openbaar/{a.slug}")
    assert "Besluitenlijst" in public.text and "aangehouden" in public.text and "Lokale energie" in public.text
    with sessions() as s:
        assert str(s.get(Meeting, meeting_id).status) == "closed"
    assert re.search("Eerdere vergaderingen", public.text)
