"""The editor's link page for one issue: its state from the workflow, and the allowed actions."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.service import RPCError

from raadsbode.newsletter_content import month_name
from activities.render import Renderer
from models.newsletter import NewsletterIssue
from models.newsletter_messages import Ack, Command, Decision, Progress
from models.org import Association
from raadsbode import newsletter_control as control
from raadsbode.newsletter import APPROVE_PURPOSE
from raadsbode.newsletter_control import STATE_LABELS as LABELS
from raadsbode.settings import Settings
from raadsbode.tokens import TokenRefused, csrf_for, hash_token, look_up
from web.link_security import post_allowed, render_page
from workflows.newsletter import NewsletterWorkflow

ACTIONS = {
    "proof": [("approve", "Goedkeuren en versturen", False), ("changes", "Wijzigingen vragen", True)],
    "awaiting_go": [("start_now", "Nu versturen", False), ("cancel", "Annuleren", True)],
    "sending": [("pause", "Pauzeren", False), ("cancel", "Annuleren", True)],
    "paused": [("resume", "Hervatten", False), ("cancel", "Annuleren", True)],
}


def _issue_of(session: Session, token: str) -> tuple[NewsletterIssue, Association, int]:
    grant = look_up(session, token, {APPROVE_PURPOSE})
    issue = session.exec(select(NewsletterIssue).where(NewsletterIssue.subject_ref == grant.subject_ref)).first()
    if issue is None or issue.association_id != grant.association_id:
        raise TokenRefused()
    return issue, session.get(Association, issue.association_id), grant.version


async def _progress(temporal: Client, association: Association, issue: NewsletterIssue) -> Progress:
    try:
        return await control.progress(temporal, association.slug, issue.period)
    except RPCError:  # no workflow (any more): what the database knows
        return Progress(str(issue.status), issue.version, comment=issue.comment)


async def editor_view(token: str, session: Session, renderer: Renderer, settings: Settings, temporal: Client,
                      ack: Ack | None = None) -> HTMLResponse:
    try:
        issue, association, link_version = _issue_of(session, token)
    except TokenRefused:
        return render_page(renderer, "newsletter_page.html.j2", status_code=404, heading="Link ongeldig",
                           text="Deze link is niet (meer) geldig.", association_name="", error="", form=None, done=False)
    progress = await _progress(temporal, association, issue)
    stale = progress.state == "proof" and link_version != progress.version
    return render_page(renderer, "newsletter_editor.html.j2", association_name=association.name,
                       month_name=month_name(issue.period), progress=progress, link_version=link_version,
                       state_label=LABELS.get(progress.state, progress.state), stale=stale,
                       actions=[] if stale else ACTIONS.get(progress.state, []),
                       csrf=csrf_for(settings.secret_key, hash_token(token)),
                       message=ack.message if ack else "", ok=ack.ok if ack else True)


async def editor_post(token: str, request: Request, session: Session, renderer: Renderer, settings: Settings,
                      temporal: Client) -> HTMLResponse:
    form = await request.form()
    try:
        issue, association, link_version = _issue_of(session, token)
        if not post_allowed(request, settings, hash_token(token), str(form.get("csrf", ""))):
            raise TokenRefused()
    except TokenRefused:
        return render_page(renderer, "newsletter_page.html.j2", status_code=403, heading="Niet toegestaan",
                           text="Deze actie is niet toegestaan.", association_name="", error="", form=None, done=False)
    action, by = str(form.get("action", "")), f"link:{hash_token(token)[:12]}"
    handle = control.handle(temporal, association.slug, issue.period)
    if action in ("approve", "changes"):
        decision = Decision(action, by, str(form.get("comment", ""))[:2000], link_version)
        ack = await handle.execute_update(NewsletterWorkflow.decide, decision)
    elif action in ("start_now", "pause", "resume", "cancel"):
        ack = await control.command(temporal, association.slug, issue.period, action, by)
    else:
        ack = Ack(False, "Onbekende actie.")
    return await editor_view(token, session, renderer, settings, temporal, ack)
