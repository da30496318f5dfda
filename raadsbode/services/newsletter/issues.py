"""Newsletter issues in the database: compose (freeze the content), editor links, freeze recipients."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session, select

from raadsbode.mail.render import Renderer
from models.tables.ledger import AuditEvent
from models.tables.newsletter import IssueStatus, NewsletterIssue
from models.messages.newsletter import KIND, ComposeRequest, ComposeResult
from models.tables.org import Association, Person, normalise_email
from models.tables.types import utcnow
from raadsbode.domain.newsletter_period import check_period
from raadsbode.services.newsletter.content import render_issue
from raadsbode.store.people import upsert_person
from raadsbode.store.tokens import issue_token, revoke
from raadsbode.domain.vocabulary import TokenPurpose
from raadsbode.store.audit import record_audit

APPROVE_PURPOSE = TokenPurpose.newsletter_approve
EDITOR_LINK_VALID = timedelta(days=45)
RELAY_REFUSED = "newsletter-relay-refused"
FINAL = (IssueStatus.sending, IssueStatus.paused, IssueStatus.sent, IssueStatus.cancelled)


def workflow_id(slug: str, period: str) -> str:
    return f"newsletter-{slug}-{period}"


def subject_ref(slug: str, period: str) -> str:
    return f"{KIND}-{slug}-{period}"


def issue_for(session: Session, association_id: int, period: str) -> NewsletterIssue | None:
    return session.exec(select(NewsletterIssue).where(
        NewsletterIssue.association_id == association_id, NewsletterIssue.period == period)).first()


def compose(session: Session, renderer: Renderer, req: ComposeRequest) -> ComposeResult:
    """Render the issue and freeze its content as a version. Idempotent for activity retries: an issue
    already composed is only rendered again when a new version is asked for, and never once sending began."""
    check_period(req.period)
    association = session.get(Association, req.association_id)
    issue = issue_for(session, req.association_id, req.period)
    if issue is None:
        issue = NewsletterIssue(association_id=association.id, period=req.period,
                                subject_ref=subject_ref(association.slug, req.period), intro=req.intro)
    if issue.status not in FINAL and (issue.version == 0 or req.recompose):
        if req.intro:
            issue.intro = req.intro
        rendered = render_issue(renderer, session, association, req.period, issue.intro)
        issue.subject, issue.html, issue.text = rendered.subject, rendered.html, rendered.text
        issue.version += 1
        issue.status = IssueStatus.draft
        revoke(session, issue.subject_ref, APPROVE_PURPOSE, below_version=issue.version)  # no approving an old proof
    session.add(issue)
    session.flush()
    return ComposeResult(issue.id, issue.version, issue.subject_ref, issue.subject)


def editor_link_token(session: Session, issue: NewsletterIssue, editor_email: str) -> str:
    """The editor's link: approve or ask for changes, later go/pause/resume/cancel. Bound like a sign-off link
    (purpose, issue, version, and the person it is mailed to, as whom its actions are recorded). Several uses
    by design: the workflow refuses what its state does not allow, and a new version revokes older links."""
    return issue_token(session, association_id=issue.association_id, purpose=APPROVE_PURPOSE,
                       subject_ref=issue.subject_ref, version=issue.version,
                       person_id=_editor_person_id(session, issue.association_id, editor_email),
                       expires_at=utcnow() + EDITOR_LINK_VALID, single_use=False)


def _editor_person_id(session: Session, association_id: int, email: str) -> int:
    """The association's person with this address; made (named by the address) when the proof goes to an
    address nobody has yet, such as the association's mailbox or an editor given on the command line."""
    address = normalise_email(email)
    person = session.exec(select(Person).where(Person.association_id == association_id,
                                               Person.email == address)).first()
    if person is None:
        person, _ = upsert_person(session, association_id, None, address[:200], address, "redactie")
    return person.id


def set_status(session: Session, issue_id: int, status: IssueStatus, approved_by: str = "", comment: str = "") -> None:
    issue = session.get(NewsletterIssue, issue_id)
    issue.status = status
    if status == IssueStatus.approved and approved_by:
        issue.approved_by, issue.approved_at = approved_by[:254], utcnow()
    if comment:
        issue.comment = comment
    session.add(issue)


def record_relay_refusal(session: Session, issue_id: int, refusal: str, source: str) -> None:
    """The audit trail's record that the relay refused the issue and the send paused; once per source
    (the activity's attempt key), so a retried activity does not write it twice."""
    issue = session.get(NewsletterIssue, issue_id)
    seen = session.exec(select(AuditEvent.id).where(AuditEvent.action == RELAY_REFUSED, AuditEvent.source == source,
                                                    AuditEvent.subject_ref == issue.subject_ref)).first()
    if seen is None:
        record_audit(session, issue.association_id, "newsletter-relay-refused", subject_ref=issue.subject_ref,
                     detail={"reason": refusal[:1000]}, source=source)


def freeze_recipients(session: Session, issue_id: int) -> int:
    """Copy the confirmed subscribers into the issue's recipient list, once, in one statement."""
    issue = session.get(NewsletterIssue, issue_id)
    if issue.recipients_frozen is not None:
        return issue.recipients_frozen
    session.execute(text(
        "INSERT INTO issuerecipient (issue_id, position, subscriber_id, email, name) "
        "SELECT :issue_id, ROW_NUMBER() OVER (ORDER BY id) - 1, id, email, name FROM subscriber "
        "WHERE association_id = :association_id AND status = 'confirmed'"
    ), {"issue_id": issue_id, "association_id": issue.association_id})
    issue.recipients_frozen = session.execute(text(
        "SELECT COUNT(*) FROM issuerecipient WHERE issue_id = :issue_id"), {"issue_id": issue_id}).scalar_one()
    session.add(issue)
    return issue.recipients_frozen
