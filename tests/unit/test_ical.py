"""Invitations (RFC 5545 / 5546 / 6047): built per recipient, sent over real SMTP, parsed back."""
from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, UTC
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from raadsbode.mail.compose import build_message
from raadsbode.mail.ical import CalendarEvent, build_calendar
from raadsbode.mail.mailer import Mailer
from models.messages.mail import OutboundEmail
from raadsbode.settings import Settings

AMS = ZoneInfo("Europe/Amsterdam")
BARE_LF = re.compile(rb"(?<!\r)\n")
STANDARD = ["BEGIN:STANDARD", "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
            "TZNAME:CET", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD"]
DAYLIGHT = ["BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
            "TZNAME:CEST", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT"]


def make_event(**changes) -> CalendarEvent:
    values = dict(
        uid=f"meeting-{uuid.uuid4().hex[:8]}@raadsbode.test", sequence=0,
        summary="Vergadering DB, VNG Flevoland; 1e kwartaal",
        description="Agenda en stukken:\nhttp://raadsbode.test/m/1/agenda?v=2\nPunt 1, 2; 3",
        location="Gemeentehuis Dronten, De Rede 1", starts_at=datetime(2027, 1, 14, 14, 0, tzinfo=AMS),
        ends_at=datetime(2027, 1, 14, 16, 0, tzinfo=AMS), organizer_email="info@vng-flevoland.test",
        organizer_name="VNG Flevoland", attendee_email="jan@dronten.test", attendee_name="Jan de Vries, wethouder",
        url="http://raadsbode.test/m/1")
    values.update(changes)
    return CalendarEvent(**values)


def parsed_event(raw: bytes):
    cal = Calendar.from_ical(raw)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return cal, events[0]


def test_request_has_one_attendee_and_the_organizer():
    event = make_event()
    raw = build_calendar(event)
    assert BARE_LF.search(raw) is None and raw.endswith(b"\r\n")
    cal, vevent = parsed_event(raw)
    assert (str(cal["METHOD"]), str(cal["VERSION"]), str(cal["PRODID"])) == ("REQUEST", "2.0", "-//Raadsbode//Raadsbode 0.1//NL")
    attendee = vevent["ATTENDEE"]
    assert not isinstance(attendee, list) and str(attendee) == "mailto:jan@dronten.test"
    assert dict(attendee.params) == {"CN": "Jan de Vries, wethouder", "RSVP": "TRUE",
                                      "PARTSTAT": "NEEDS-ACTION", "ROLE": "REQ-PARTICIPANT"}
    assert str(vevent["ORGANIZER"]) == "mailto:info@vng-flevoland.test"
    assert vevent["ORGANIZER"].params["CN"] == "VNG Flevoland"
    assert (str(vevent["UID"]), vevent["SEQUENCE"], str(vevent["STATUS"])) == (event.uid, 0, "CONFIRMED")
    assert str(vevent["URL"]) == event.url
    stamp = vevent.decoded("DTSTAMP")
    assert stamp.utcoffset() == timedelta(0) and abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)


def test_text_is_escaped_by_the_library_and_round_trips():
    event = make_event()
    raw = build_calendar(event)
    assert b"SUMMARY:Vergadering DB\\, VNG Flevoland\\; 1e kwartaal\r\n" in raw
    _, vevent = parsed_event(raw)
    assert str(vevent["SUMMARY"]) == event.summary
    assert str(vevent["DESCRIPTION"]) == event.description
    assert str(vevent["LOCATION"]) == event.location


def test_vtimezone_is_the_compact_two_rule_form():
    raw = build_calendar(make_event()).decode()
    lines = raw.split("\r\n")
    start = lines.index("BEGIN:VTIMEZONE")
    end = lines.index("END:VTIMEZONE")
    assert lines[start:end + 1] == ["BEGIN:VTIMEZONE", "TZID:Europe/Amsterdam", *STANDARD, *DAYLIGHT, "END:VTIMEZONE"]
    assert raw.count("BEGIN:VTIMEZONE") == 1 and "RDATE" not in raw


@pytest.mark.parametrize(("local", "wire", "utc"), [
    (datetime(2027, 1, 14, 14, 0), "20270114T140000", datetime(2027, 1, 14, 13, 0, tzinfo=UTC)),
    (datetime(2027, 7, 2, 14, 0), "20270702T140000", datetime(2027, 7, 2, 12, 0, tzinfo=UTC)),
])
def test_local_time_is_right_in_winter_and_summer(local, wire, utc):
    # The caller may pass any aware datetime; here UTC, to prove the conversion.
    event = make_event(starts_at=utc, ends_at=utc + timedelta(hours=2))
    raw = build_calendar(event)
    assert f"DTSTART;TZID=Europe/Amsterdam:{wire}\r\n".encode() in raw
    _, vevent = parsed_event(raw)
    starts = vevent.decoded("DTSTART")
    assert starts.replace(tzinfo=None) == local and starts.astimezone(UTC) == utc


def test_cancel_is_cancelled_and_asks_no_reply():
    cal, vevent = parsed_event(build_calendar(make_event(method="CANCEL", sequence=2)))
    assert str(cal["METHOD"]) == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 2 and vevent["ATTENDEE"].params["RSVP"] == "FALSE"


@pytest.mark.parametrize("changes", [
    {"method": "REPLY"},
    {"starts_at": datetime(2027, 1, 14, 14, 0)},
    {"ends_at": datetime(2027, 1, 14, 13, 0, tzinfo=AMS)},
    {"uid": ""},
])
def test_invalid_events_are_refused(changes):
    with pytest.raises(ValueError):
        build_calendar(make_event(**changes))


def test_mime_method_must_equal_the_calendar_method():
    out = invitation(make_event(), version=1)
    with pytest.raises(ValueError):
        build_message(replace(out, calendar_method="CANCEL"), "<x@vng-flevoland.test>", Settings())


def test_organizer_must_be_the_from_address():
    out = invitation(make_event(), version=1)
    with pytest.raises(ValueError, match="ORGANIZER"):
        build_message(replace(out, from_email="secretariaat@vng-flevoland.test"), "<x@vng-flevoland.test>", Settings())
    with pytest.raises(ValueError, match="ORGANIZER"):  # the configured sender is no organizer either
        build_message(replace(out, from_email=None), "<x@vng-flevoland.test>", Settings())
    # An IDN domain: ORGANIZER carries it as punycode, exactly as the From header does (a long line
    # folds inside the address; the check unfolds it). Case makes no difference.
    idn = make_event(organizer_email="Info@Súdwest-Fryslân-samenwerkende-gemeenten.test",
                     organizer_name="Samenwerkende gemeenten Súdwest-Fryslân")
    raw = build_message(replace(invitation(idn, 1), from_email="info@súdwest-fryslân-samenwerkende-gemeenten.test"),
                        "<x@vng-flevoland.test>", Settings())
    _, vevent, _ = calendar_of(raw)
    sender = message_from_bytes(raw, policy=policy.default)["From"].addresses[0]
    assert sender.domain.startswith("xn--") and str(vevent["ORGANIZER"]) == f"mailto:{sender.addr_spec}"


def invitation(event: CalendarEvent, version: int) -> OutboundEmail:
    return OutboundEmail(
        kind="convocation", subject_ref=event.uid, version=version, recipient_email=event.attendee_email,
        recipient_name=event.attendee_name, subject=f"Uitnodiging: {event.summary}",
        html="<p>Uitnodiging</p>", text="Uitnodiging\n", from_email=event.organizer_email,
        from_name=event.organizer_name, calendar=build_calendar(event), calendar_method=event.method)


def calendar_of(raw: bytes):
    """The text/calendar part: last inside the multipart/alternative, MIME method = METHOD, ORGANIZER = From."""
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    parts = msg.get_payload()
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    part = parts[-1]
    assert part.get_content_disposition() in (None, "inline")
    cal_raw = part.get_payload(decode=True)
    cal, vevent = parsed_event(cal_raw)
    assert part.get_param("method") == str(cal["METHOD"])
    assert part.get_content_charset() == "utf-8"
    assert re.search(rb"\r\nContent-Type: text/calendar; method=" + str(cal["METHOD"]).encode() + rb"; charset=UTF-8\r\n", raw)
    assert BARE_LF.search(cal_raw) is None
    assert str(vevent["ORGANIZER"]).lower() == f"mailto:{msg['From'].addresses[0].addr_spec}".lower()
    return cal, vevent, cal_raw


async def test_invitation_update_cancel_series_through_the_sink(settings, session_factory_, sink):
    mailer = Mailer(settings, session_factory_)
    first = make_event(organizer_name="Gemeente Súdwest-Fryslân", attendee_name="Sietske Fûgelsang")
    moved = replace(first, sequence=1, starts_at=datetime(2027, 7, 2, 10, 0, tzinfo=AMS),
                    ends_at=datetime(2027, 7, 2, 12, 0, tzinfo=AMS), location="Stadhuis Lelystad")
    cancelled = replace(moved, sequence=2, method="CANCEL")
    for version, event in enumerate((first, moved, cancelled), start=1):
        assert (await mailer.deliver(invitation(event, version))).status == "sent"
    raws = [m.data for m in sink.messages]
    assert len(raws) == 3 and all(BARE_LF.search(raw) is None for raw in raws)
    calendars = [calendar_of(raw) for raw in raws]
    assert {str(v["UID"]) for _, v, _ in calendars} == {first.uid}
    assert [v["SEQUENCE"] for _, v, _ in calendars] == [0, 1, 2]
    assert [str(c["METHOD"]) for c, _, _ in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [str(v["STATUS"]) for _, v, _ in calendars] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert calendars[0][1]["ORGANIZER"].params["CN"] == "Gemeente Súdwest-Fryslân"
    assert calendars[0][1].decoded("DTSTART").astimezone(UTC).hour == 13
    assert calendars[1][1].decoded("DTSTART").astimezone(UTC).hour == 8
    assert b"\r\nDTSTART;TZID=Europe/Amsterdam:20270702T100000\r\n" in calendars[1][2]
    assert b"\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Amsterdam\r\n" + "\r\n".join(STANDARD + DAYLIGHT).encode() in calendars[2][2]


async def test_one_message_per_recipient_lists_only_that_recipient(settings, session_factory_, sink):
    base = make_event()
    people = [("jan@dronten.test", "Jan"), ("anna@urk.test", "Anna"), ("piet@zeewolde.test", "Piet")]
    outs = [invitation(replace(base, attendee_email=email, attendee_name=name), 1) for email, name in people]
    results = await Mailer(settings, session_factory_).deliver_many(outs, connections=2)
    assert [r.status for r in results] == ["sent"] * 3
    for email, name in people:
        (raw,) = [m.data for m in sink.messages if m.rcpt_tos == [email]]
        _, vevent, _ = calendar_of(raw)
        attendees = vevent["ATTENDEE"]
        assert not isinstance(attendees, list) and str(attendees) == f"mailto:{email}"
        assert attendees.params["CN"] == name
