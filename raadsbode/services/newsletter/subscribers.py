"""Newsletter subscribers: double opt-in, unsubscribe, suppression.

The long-lived unsubscribe key is made in raadsbode/domain/unsubscribe_keys.py (the send activity makes one per
recipient); it is imported here too because the tests reach it through this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func
from sqlmodel import Session, select

from models.tables.ledger import OutboundMessage, SendStatus
from models.tables.newsletter import Subscriber, SubscriberStatus, Suppression
from models.tables.org import normalise_email
from models.tables.types import utcnow
from raadsbode.store.associations import email_problem
from raadsbode.domain.header_text import header_text_problem
from raadsbode.domain.unsubscribe_keys import unsubscribe_key  # noqa: F401  (the tests import it from here)
from raadsbode.store.tokens import TokenGrant, issue_token, mark_used, revoke
from raadsbode.domain.vocabulary import TokenPurpose

CONFIRM_PURPOSE = TokenPurpose.subscribe_confirm
CONFIRM_KIND = "newsletter-confirm"  # the confirmation mail's kind in the ledger
CONFIRM_VALID = timedelta(days=7)
CONFIRM_VERSION = 0  # confirmation links have no versions: revoking "below 1" voids them all
RESEND_AFTER = timedelta(minutes=10)
NAME_MAX = 200


class SubscriberError(ValueError):
    """A problem a person can fix; the message is Dutch and meant to be shown as it is."""


class LinkAlreadyUsed(Exception):
    """A confirmation link that did its work once (or lost the race to a second click): it changes nothing."""


@dataclass(frozen=True)
class Subscription:
    """What subscribing did: the subscriber, and a raw confirmation token when one must be mailed."""

    subscriber_id: int
    email: str
    name: str
    confirm_token: str | None


def check_name_and_email(name: str, email: str) -> tuple[str, str]:
    """The name and address as they will be stored, or SubscriberError: the web form, the CSV import and the
    CLI all come through here. Both go into the To header of every issue and confirmation, so the header rule
    (raadsbode/domain/header_text.py) is applied to what was typed, before spaces are tidied."""
    problem = header_text_problem(name.strip(), NAME_MAX)
    if problem:
        raise SubscriberError(f"De naam {problem}.")
    name, address = " ".join(name.split()), normalise_email(email)
    problem = email_problem(address)
    if problem:
        raise SubscriberError(f"Het e-mailadres is niet bruikbaar: {problem}.")
    return name, ascii_address(address)


def ascii_address(address: str) -> str:
    """Issues carry the address in 7-bit headers: an IDN domain as punycode; a non-ASCII local part
    would need SMTPUTF8, which relays rarely offer, so it is refused here rather than bounced later."""
    if address.isascii():
        return address
    try:
        valid = validate_email(address, check_deliverability=False, allow_smtputf8=False, test_environment=True)
    except EmailNotValidError as exc:
        raise SubscriberError("Een e-mailadres met bijzondere tekens vóór de @ kan de nieuwsbrief niet "
                              "ontvangen; gebruik een ander adres.") from exc
    return valid.ascii_email or address


def find_subscriber(session: Session, association_id: int, email: str) -> Subscriber | None:
    return session.exec(
        select(Subscriber).where(Subscriber.association_id == association_id, Subscriber.email == email)
    ).first()


def subscribe(session: Session, association_id: int, name: str, email: str) -> Subscription:
    """Record a subscription request. Subscribing again is harmless: a confirmed subscriber stays
    confirmed and gets no mail (confirm_token None), nor does a pending one whose link was mailed in the
    last RESEND_AFTER (a double click, or someone filling in another's address over and over);
    anyone else gets a fresh confirmation link."""
    name, address = check_name_and_email(name, email)
    sub = find_subscriber(session, association_id, address)
    if sub is None:
        sub = Subscriber(association_id=association_id, email=address, name=name)
    elif sub.status == SubscriberStatus.confirmed or (sub.status == SubscriberStatus.pending
                                                       and _link_sent_lately(session, sub)):
        return Subscription(sub.id, sub.email, sub.name, None)
    sub.status, sub.name = SubscriberStatus.pending, name or sub.name
    session.add(sub)
    session.flush()
    token = issue_token(session, association_id=association_id, purpose=CONFIRM_PURPOSE,
                        subject_ref=confirm_ref(sub.id), version=CONFIRM_VERSION, person_id=None,
                        expires_at=utcnow() + CONFIRM_VALID)
    return Subscription(sub.id, sub.email, sub.name, token)


def _link_sent_lately(session: Session, sub: Subscriber) -> bool:
    """Per the ledger: a confirmation that did not go out (relay away) does not count."""
    return session.exec(select(OutboundMessage.id).where(
        OutboundMessage.association_id == sub.association_id, OutboundMessage.kind == CONFIRM_KIND,
        OutboundMessage.subject_ref == confirm_ref(sub.id),
        OutboundMessage.status == SendStatus.sent, OutboundMessage.sent_at > utcnow() - RESEND_AFTER,
    )).first() is not None


def subscriber_of_grant(session: Session, grant: TokenGrant) -> Subscriber:
    sub_id = int(grant.subject_ref.removeprefix("subscriber-"))
    sub = session.get(Subscriber, sub_id)
    if sub is None or sub.association_id != grant.association_id:
        raise SubscriberError("Deze aanmelding bestaat niet meer.")
    return sub


def confirm_ref(subscriber_id: int) -> str:
    return f"subscriber-{subscriber_id}"


def _void_confirm_links(session: Session, subscriber_id: int) -> None:
    revoke(session, confirm_ref(subscriber_id), CONFIRM_PURPOSE, below_version=CONFIRM_VERSION + 1)


def confirm_by_link(session: Session, grant: TokenGrant) -> Subscriber:
    """The one way a confirmation link confirms: it claims its token first, so a link works once. Someone who
    confirmed and unsubscribed later stays unsubscribed when the old mail is opened again (LinkAlreadyUsed);
    the subscriber's other outstanding links go too. Caller commits."""
    sub = subscriber_of_grant(session, grant)
    if grant.used_at is not None or not mark_used(session, grant.token_id, "confirmed"):
        raise LinkAlreadyUsed()
    confirm(session, sub)
    _void_confirm_links(session, sub.id)
    return sub


def confirm(session: Session, sub: Subscriber) -> None:
    """Double opt-in completed; confirming twice changes nothing."""
    if sub.status != SubscriberStatus.confirmed:
        sub.status, sub.confirmed_at, sub.unsubscribed_at = SubscriberStatus.confirmed, utcnow(), None
        session.add(sub)
    # Whoever clicked the link reads this mailbox: an old bounce no longer holds.
    old = session.exec(select(Suppression).where(
        Suppression.association_id == sub.association_id, Suppression.email == sub.email)).first()
    if old is not None:
        session.delete(old)


def unsubscribe(session: Session, sub: Subscriber) -> bool:
    """Stop the newsletter for this subscriber (never meeting mail: that is another list). True if changed."""
    if sub.status == SubscriberStatus.unsubscribed:
        return False
    sub.status, sub.unsubscribed_at = SubscriberStatus.unsubscribed, utcnow()
    session.add(sub)
    # A confirmation mail still lying in the inbox must not undo this (only a new sign-up may).
    _void_confirm_links(session, sub.id)
    return True


def suppress(session: Session, association_id: int, email: str, reason: str,
             code: int | None = None, reply: str = "") -> None:
    """Never send the newsletter to this address again (idempotent; the caller commits)."""
    address = normalise_email(email)
    exists = session.exec(select(Suppression.id).where(
        Suppression.association_id == association_id, Suppression.email == address)).first()
    if exists is None:
        session.add(Suppression(association_id=association_id, email=address, reason=reason,
                                smtp_code=code, smtp_reply=reply[:1000]))
        session.flush()


def counts(session: Session, association_id: int) -> dict[str, int]:
    """Subscribers per status, and suppressed addresses."""
    rows = session.exec(select(Subscriber.status, func.count()).where(
        Subscriber.association_id == association_id).group_by(Subscriber.status)).all()
    result = {str(s): 0 for s in SubscriberStatus} | {str(status): n for status, n in rows}
    result["suppressed"] = session.exec(select(func.count()).select_from(Suppression).where(
        Suppression.association_id == association_id)).one()
    return result
