"""The newsletter's emails as OutboundEmail: the issue template, the editor's proof, the report,
the subscriber's confirmation. Synchronous (DB + rendering); activities run it in a thread."""
from __future__ import annotations

import hashlib
import re

from activities.deps import Deps
from activities.newsletter.mime import NAME_MARK, UNSUB_MARK
from models.messages.mail import OutboundEmail
from models.tables.newsletter import NewsletterIssue
from models.messages.newsletter import KIND, ProofRequest, RelayAlert, ReportRequest
from models.tables.org import Association
from raadsbode.services.newsletter import issues
from raadsbode.db import session_scope
from raadsbode.mail.render import month_name
from raadsbode.services.newsletter.subscribers import CONFIRM_KIND

BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def issue_email(deps: Deps, issue: NewsletterIssue) -> OutboundEmail:
    """The issue with placeholders; the batch sender personalises each copy."""
    with session_scope(deps.sessions) as session:
        association = session.get(Association, issue.association_id)
    mailto = f"mailto:{association.mailbox_email}?subject=unsubscribe"
    return OutboundEmail(
        kind=KIND, subject_ref=issue.subject_ref, version=issue.version, recipient_email="", recipient_name="",
        subject=issue.subject, html=issue.html, text=issue.text, association_id=issue.association_id,
        from_email=association.mailbox_email, from_name=association.name,
        headers={
            "List-Unsubscribe": f"<{UNSUB_MARK}>, <{mailto}>",  # RFC 8058: one https URL, plus mailto
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Nieuwsbrief {association.name} <nieuwsbrief.{association.slug}.raadsbode>",
            "Precedence": "bulk",
        },
    )


def editor_mails(deps: Deps, req: ProofRequest) -> list[OutboundEmail]:
    """One proof per editor, each with its own editor link (approve / request changes / go)."""
    with session_scope(deps.sessions) as session:
        issue = session.get(NewsletterIssue, req.issue_id)
        association = session.get(Association, issue.association_id)
        return [_proof(deps, session, issue, association, editor, req.late) for editor in _editors(req.editors, association)]


def _editors(editors: list[str], association: Association) -> list[str]:
    return [e.strip().lower() for e in editors if e.strip()] or [association.mailbox_email]


def _proof(deps: Deps, session, issue: NewsletterIssue, association: Association, editor: str, late: bool) -> OutboundEmail:
    url = f"{deps.settings.public_base_url}/nieuwsbrief/redactie/{issues.editor_link_token(session, issue, editor)}"
    ctx = {"late": late, "month_name": month_name(issue.period), "version": issue.version, "editor_url": url}
    sample = f"{deps.settings.public_base_url}/nieuwsbrief/afmelden/voorbeeld"
    html = issue.html.replace(NAME_MARK, "redactie").replace(UNSUB_MARK, sample)
    banner = deps.renderer.render_html("email/newsletter_proof_banner.html.j2", **ctx)
    # Right after the opening body tag, which the CSS inliner gives a style attribute.
    html, found = BODY_TAG.subn(lambda m: m.group(0) + banner, html, count=1)
    html = html if found else banner + html
    text = deps.renderer.render_text("email/newsletter_proof_banner.txt.j2", **ctx)
    text += issue.text.replace(NAME_MARK, "redactie").replace(UNSUB_MARK, sample)
    prefix = "Te laat goedgekeurd" if late else f"Proef v{issue.version}"
    return OutboundEmail(
        kind="newsletter-late" if late else "newsletter-proof", subject_ref=issue.subject_ref, version=issue.version,
        recipient_email=editor, recipient_name="", subject=f"[{prefix}] {issue.subject}", html=html, text=text,
        association_id=association.id, from_email=association.mailbox_email, from_name=association.name,
    )


def report_mails(deps: Deps, req: ReportRequest) -> list[OutboundEmail]:
    with session_scope(deps.sessions) as session:
        issue = session.get(NewsletterIssue, req.issue_id)
        association = session.get(Association, issue.association_id)
    ctx = {"association_name": association.name, "month_name": month_name(issue.period), "total": req.total,
           "sent": req.sent, "failed": req.failed, "suppressed": req.suppressed, "cancelled": req.cancelled}
    html = deps.renderer.render_html("email/newsletter_report.html.j2", **ctx)
    text = deps.renderer.render_text("email/newsletter_report.txt.j2", **ctx)
    return [OutboundEmail(
        kind="newsletter-report", subject_ref=issue.subject_ref, version=issue.version, recipient_email=editor,
        recipient_name="", subject=f"Verzendrapport: {issue.subject}", html=html, text=text,
        association_id=association.id, from_email=association.mailbox_email, from_name=association.name,
    ) for editor in _editors(req.editors, association)]


def relay_alert_mails(deps: Deps, alert: RelayAlert) -> list[OutboundEmail]:
    """To the editors: the relay refused the issue itself, the send paused, the readers are untouched."""
    with session_scope(deps.sessions) as session:
        issue = session.get(NewsletterIssue, alert.issue_id)
        association = session.get(Association, issue.association_id)
    ctx = {"association_name": association.name, "month_name": month_name(issue.period), "refusal": alert.refusal,
           "sent": alert.sent, "total": alert.total}
    html = deps.renderer.render_html("email/newsletter_relay_alert.html.j2", **ctx)
    text = deps.renderer.render_text("email/newsletter_relay_alert.txt.j2", **ctx)
    return [OutboundEmail(
        kind="newsletter-relay-alert", subject_ref=issue.subject_ref, version=alert.number, recipient_email=editor,
        recipient_name="", subject=f"Verzending gepauzeerd: {issue.subject}", html=html, text=text,
        association_id=association.id, from_email=association.mailbox_email, from_name=association.name,
    ) for editor in _editors(alert.editors, association)]


def confirmation_mail(deps_settings, renderer, association: Association, email: str, name: str, token: str,
                      subscriber_id: int) -> OutboundEmail:
    """Double opt-in: the link shows a page with a button; only its POST confirms."""
    ctx = {"association_name": association.name, "reader_name": name,
           "confirm_url": f"{deps_settings.public_base_url}/nieuwsbrief/bevestigen/{token}"}
    return OutboundEmail(
        kind=CONFIRM_KIND, subject_ref=f"subscriber-{subscriber_id}", version=_token_version(token),
        recipient_email=email, recipient_name=name, subject=f"Bevestig uw aanmelding: nieuwsbrief {association.name}",
        html=renderer.render_html("email/newsletter_confirm.html.j2", **ctx),
        text=renderer.render_text("email/newsletter_confirm.txt.j2", **ctx),
        association_id=association.id, from_email=association.mailbox_email, from_name=association.name,
    )


def _token_version(token: str) -> int:
    """Each subscribe request mails its own link: a distinct ledger key per token (stable per token)."""
    return int(hashlib.sha256(token.encode()).hexdigest()[:8], 16) % 2_000_000_000
