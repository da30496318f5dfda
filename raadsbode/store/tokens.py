"""Action tokens for links in emails: random, stored hashed, bound, expiring, single-use where asked.

The raw token only ever exists in the email; the database keeps its SHA-256.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from models.tables.ledger import ActionToken
from models.tables.types import utcnow


class TokenRefused(Exception):
    """The one error a link page shows: never says which check failed (no oracle)."""


@dataclass(frozen=True)
class TokenGrant:
    """What a valid token allows; plain data, safe to pass on."""

    token_id: int
    association_id: int
    purpose: str
    subject_ref: str
    version: int
    person_id: int | None
    expires_at: datetime
    used_at: datetime | None
    used_decision: str


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(
    session: Session, *, association_id: int, purpose: str, subject_ref: str, version: int,
    person_id: int | None, expires_at: datetime, single_use: bool = True,
) -> str:
    """Create a token row and return the raw token (≥128 bits; 32 bytes here). Caller commits."""
    raw = secrets.token_urlsafe(32)
    session.add(ActionToken(
        token_hash=hash_token(raw), association_id=association_id, purpose=purpose, subject_ref=subject_ref,
        version=version, person_id=person_id, expires_at=expires_at, single_use=single_use,
    ))
    session.flush()
    return raw


def as_grant(row: ActionToken) -> TokenGrant:
    """What a token row allows, without the row (also for a used or superseded token's page)."""
    return TokenGrant(row.id, row.association_id, row.purpose, row.subject_ref, row.version, row.person_id,
                      row.expires_at, row.used_at, row.used_decision)


def look_up(session: Session, raw: str, purposes: set[str], now: datetime | None = None) -> TokenGrant:
    """Find a live token for one of `purposes`. A used single-use token is returned (the page says
    who decided and when); an unknown, expired, revoked or wrong-purpose one is refused."""
    if not raw or len(raw) > 200:
        raise TokenRefused()
    row = session.exec(select(ActionToken).where(ActionToken.token_hash == hash_token(raw))).first()
    if row is None or row.revoked or row.purpose not in purposes or row.expires_at <= (now or utcnow()):
        raise TokenRefused()
    return as_grant(row)


def look_up_superseded(session: Session, raw: str, purposes: set[str], now: datetime | None = None) -> TokenGrant | None:
    """A real, unexpired token of `purposes` that was revoked because a newer version came (revoke below):
    its holder may be told so instead of "invalid"; only the raw token finds it, so a guesser learns nothing."""
    if not raw or len(raw) > 200:
        return None
    row = session.exec(select(ActionToken).where(ActionToken.token_hash == hash_token(raw))).first()
    if row is None or not row.revoked or row.purpose not in purposes or row.expires_at <= (now or utcnow()):
        return None
    return as_grant(row)


def mark_used(session: Session, token_id: int, decision: str, now: datetime | None = None) -> bool:
    """Atomically claim a single-use token; False if someone else already did. Caller commits."""
    result = session.execute(
        update(ActionToken)
        .where(ActionToken.id == token_id, ActionToken.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=now or utcnow(), used_decision=decision)
    )
    return result.rowcount == 1


def revoke(session: Session, subject_ref: str, purpose: str, below_version: int) -> int:
    """Void every outstanding token of older versions (a new agenda version makes old links stale)."""
    result = session.execute(
        update(ActionToken)
        .where(ActionToken.subject_ref == subject_ref, ActionToken.purpose == purpose,
               ActionToken.version < below_version, ActionToken.used_at.is_(None))  # type: ignore[union-attr]
        .values(revoked=True)
    )
    return result.rowcount


def csrf_for(secret_key: str, token_hash: str) -> str:
    """A form field bound to the link token: a forged cross-site POST cannot know it."""
    return hmac.new(secret_key.encode(), f"csrf|{token_hash}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret_key: str, token_hash: str, presented: str) -> bool:
    return hmac.compare_digest(csrf_for(secret_key, token_hash), presented or "")
