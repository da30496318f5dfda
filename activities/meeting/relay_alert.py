"""The secretariat hears of it when the relay keeps refusing our mail itself (a 5xx at MAIL FROM or DATA,
activities/smtp_refusal): retrying cannot fix a wrong relay account or a message the relay will not
carry, and nobody reads worker logs. Meeting, ALV and network mail (meeting_io.deliver_all) come here;
the newsletter pauses and tells its editors instead (workflows/newsletter/send.py).

From the activity's third attempt on, so a relay's passing hiccup alerts nobody: an audit event and a
mail to the association's mailbox, each at most once per refused subject per day (the ledger's business
key and the event's source). The alert goes through the same relay and may be refused too (a refused
MAIL FROM refuses every mail); the audit event stands either way.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlmodel import select
from temporalio import activity

from raadsbode.mail.mailer import Mailer, TemporarySendError
from raadsbode.mail.render import Renderer, make_renderer
from models.tables.ledger import AuditEvent
from models.messages.mail import OutboundEmail
from raadsbode.db import SessionFactory, session_scope
from raadsbode.store.audit import record_audit

log = logging.getLogger(__name__)
ALERT_FROM_ATTEMPT = 3
ACTION = "mail-relay-refused"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def alert_relay_refused(mailer: Mailer, outs: list[OutboundEmail], refusal: str) -> None:
    if activity.in_activity() and activity.info().attempt < ALERT_FROM_ATTEMPT:
        return
    first = outs[0]
    day = int(datetime.now(AMSTERDAM).strftime("%Y%m%d"))
    await asyncio.to_thread(_record, mailer.ledger.sessions, first, len(outs), refusal, day)
    try:
        await mailer.deliver(_alert(mailer, first, len(outs), refusal, day))
    except (TemporarySendError, ValueError) as exc:
        log.warning("relay alert for %s not delivered: %s", first.subject_ref, exc)


def _record(sessions: SessionFactory, first: OutboundEmail, count: int, refusal: str, day: int) -> None:
    source = f"relay-alert {day}"
    with session_scope(sessions) as session:
        seen = session.exec(select(AuditEvent.id).where(AuditEvent.action == ACTION, AuditEvent.source == source,
                                                        AuditEvent.subject_ref == first.subject_ref[:128])).first()
        if seen is None:
            detail = {"reason": refusal[:1000], "subject": first.subject[:200], "recipients": count}
            record_audit(session, first.association_id, "mail-relay-refused", subject_ref=first.subject_ref,
                         detail=detail, source=source)


@cache
def _renderer() -> Renderer:
    return make_renderer()


def _alert(mailer: Mailer, first: OutboundEmail, count: int, refusal: str, day: int) -> OutboundEmail:
    mailbox = (first.from_email or mailer.settings.mail_from).strip()
    ctx = {"association_name": first.from_name or "Raadsbode", "subject": first.subject, "count": count,
           "refusal": refusal}
    return OutboundEmail(
        kind="relay-alert", subject_ref=first.subject_ref, version=day, recipient_email=mailbox,
        recipient_name="Secretariaat", subject="E-mail geweigerd door de mailserver",
        html=_renderer().render_html("email/relay_alert.html.j2", **ctx),
        text=_renderer().render_text("email/relay_alert.txt.j2", **ctx),
        association_id=first.association_id, from_email=first.from_email, from_name=first.from_name,
    )
