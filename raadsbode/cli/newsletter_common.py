"""What the newsletter and subscriber commands share: their options, the association, a policy.
(Failures, the Temporal client and running a command's async part: raadsbode.cli.common.)"""
from __future__ import annotations

import typer

from models.messages.newsletter import NewsletterPolicy
from raadsbode.store.associations import AssociationError, get_association_by_slug
from raadsbode.cli.common import fail, header_text, open_sessions
from raadsbode.db import session_scope

RATE = typer.Option(0.0, "--rate", min=0, help="Messages per second for the relay (0: no limit).")
LATE_AFTER = typer.Option(48.0, "--late-after", min=0, help="Hours after the slot after which an approval waits for an explicit go.")
CONNECTIONS = typer.Option(4, "--connections", min=1, max=50, help="SMTP connections per batch.")
PARALLEL = typer.Option(2, "--parallel", min=1, max=16, help="Batches sent at the same time.")
EDITORS = typer.Option([], "--editor", "-e", callback=header_text("Het adres van de redacteur"),
                       help="Editor's address for the proof and report (repeatable; default: the association's mailbox).")


def association(slug: str) -> tuple[int, str]:
    """(id, slug) of the association, or a Dutch message listing the known ones."""
    try:
        with session_scope(open_sessions()) as session:
            found = get_association_by_slug(session, slug)
            return found.id, found.slug
    except AssociationError as err:
        fail(str(err), 2)


def policy(rate: float, late_after_hours: float, connections: int, parallel: int) -> NewsletterPolicy:
    return NewsletterPolicy(rate_per_second=rate, late_after=late_after_hours * 3600, connections=connections,
                            parallel_batches=parallel)
