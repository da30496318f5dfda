"""The editor's link page for one issue: its state from the workflow, and the allowed actions."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.service import RPCError

from raadsbode.mail.render import month_name
from raadsbode.mail.render import Renderer
from models.tables.newsletter import NewsletterIssue
from models.messages.newsletter import Ack, Decision, Progress
from models.tables.org import Association, Person
from raadsbode.services.newsletter import control
from raadsbode.services.newsletter.issues import APPROVE_PURPOSE
from raadsbode.services.newsletter.control import STATE_LABELS as LABELS
from raadsbode.settings import Settings
from raadsbode.store.tokens import TokenRefused, csrf_for, hash_token, look_up, look_up_superseded
from web.common.link_security import post_allowed, render_page
from workflows.newsletter.workflow import NewsletterWorkflow

ACTIONS = {
    "proof": [("approve", "Goedkeuren en versturen", False), ("changes", "Wijzigingen vragen", True)],
    "awaiting_go": [("start_now", "Nu versturen", False), ("cancel", "Annuleren", True)],
    "sending": [("pause", "Pauzeren", False), ("cancel", "Annuleren", True)],
    "paused": [("resume", "Hervatten", False), ("cancel", "Annuleren", True)],
}


@dataclass(frozen=True)
class EditorLink:
    """What an editor link is bound to: its issue, the proof version it was mailed with, and the editor."""

    issue: NewsletterIssue
    association: Association
    version: int
    editor: str  # the address of the person it was mailed to: the actions are recorded as them

    @property
    def current(self) -> bool:
        """Only the newest proof's link acts: an older one cannot approve, go, pause, resume or cancel."""
        return self.version == self.issue.version


def _editor_link(session: Session, token: str) -> EditorLink:
    """The one check every use of an editor link goes through (its page and its POST). A link revoked for a
    newer proof is still recognised, so its page can say so; an unbound, unknown or expired one is refused."""
    try:
        grant = look_up(session, token, {APPROVE_PURPOSE})
    except TokenRefused:
        grant = look_up_superseded(session, token, {APPROVE_PURPOSE})
        if grant is None:
            raise
    issue = session.exec(select(NewsletterIssue).where(NewsletterIssue.subject_ref == grant.subject_ref)).first()
    person = session.get(Person, grant.person_id) if grant.person_id is not None else None
    if issue is None or issue.association_id != grant.association_id or person is None \
            or person.association_id != grant.association_id:
        raise TokenRefused()
    return EditorLink(issue, session.get(Association, issue.association_id), grant.version, person.email)


async def _progress(temporal: Client, association: Association, issue: NewsletterIssue) -> Progress:
    try:
        return await control.progress(temporal, association.slug, issue.period)
    except RPCError:  # no workflow (any more): what the database knows
        return Progress(str(issue.status), issue.version, comment=issue.comment)


async def editor_view(token: str, session: Session, renderer: Renderer, settings: Settings, temporal: Client,
                      ack: Ack | None = None, status_code: int = 200) -> HTMLResponse:
    try:
        link = _editor_link(session, token)
    except TokenRefused:
        return render_page(renderer, "newsletter_page.html.j2", status_code=404, heading="Link ongeldig",
                           text="Deze link is niet (meer) geldig.", association_name="", error="", form=None, done=False)
    issue, association = link.issue, link.association
    progress = await _progress(temporal, association, issue)
    return render_page(renderer, "newsletter_editor.html.j2", status_code=status_code,
                       association_name=association.name, month_name=month_name(issue.period), progress=progress,
                       link_version=link.version, newest_version=issue.version,
                       state_label=LABELS.get(progress.state, progress.state), stale=not link.current,
                       actions=ACTIONS.get(progress.state, []) if link.current else [],
                       csrf=csrf_for(settings.secret_key, hash_token(token)),
                       message=ack.message if ack else "", ok=ack.ok if ack else True)


async def editor_post(token: str, request: Request, session: Session, renderer: Renderer, settings: Settings,
                      temporal: Client) -> HTMLResponse:
    form = await request.form()
    try:
        link = _editor_link(session, token)
        if not post_allowed(request, settings, hash_token(token), str(form.get("csrf", ""))):
            raise TokenRefused()
    except TokenRefused:
        return render_page(renderer, "newsletter_page.html.j2", status_code=403, heading="Niet toegestaan",
                           text="Deze actie is niet toegestaan.", association_name="", error="", form=None, done=False)
    if not link.current:  # the page says there is a newer proof; nothing reaches the workflow
        return await editor_view(token, session, renderer, settings, temporal, status_code=409)
    action, slug, period = str(form.get("action", "")), link.association.slug, link.issue.period
    if action in ("approve", "changes"):
        decision = Decision(action, link.editor, str(form.get("comment", ""))[:2000], link.version)
        ack = await control.handle(temporal, slug, period).execute_update(NewsletterWorkflow.decide, decision)
    elif action in ("start_now", "pause", "resume", "cancel"):
        ack = await control.command(temporal, slug, period, action, link.editor)
    else:
        ack = Ack(False, "Onbekende actie.")
    return await editor_view(token, session, renderer, settings, temporal, ack)
