"""The one gate between a personal link's POST and the workflow update it would send (board RSVP, ALV
registration, network cancellation).

A registration link is forwardable, and every update costs the meeting's workflow history (~7 events) and a
share of its run's update budget (Temporal: 2,000 per run, 10 in flight): a few thousand POSTs of one link
would otherwise leave the chair's sign-off refused. So, per POST:

- an answer equal to the stored one is answered without an update (the page reads the row the workflow's
  activity wrote before its update returned);
- a changing answer gets an update id made of the token, the answer and the stored state it changes (answer
  and time of its last change): POSTs that race with the same intent share it and Temporal runs it once,
  while a later change back (yes, no, yes) has a new stored state and so a new id;
- distinct changes per token are bounded (web/common/rate_limit.py, LinkChangeLimits); over it the page answers 429.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from web.common.rate_limit import LinkChangeLimits

NO_ANSWER = "none"


@dataclass(frozen=True)
class Standing:
    """What is stored for this link's holder: the answer, and when it last changed (None: never answered)."""

    answer: str = NO_ANSWER
    changed_at: datetime | None = None

    def key(self) -> str:
        stamp = int(self.changed_at.timestamp() * 1_000_000) if self.changed_at else 0
        return f"{self.answer}-{stamp}"


@dataclass(frozen=True)
class Verdict:
    unchanged: bool = False  # answer as if done: nothing to change
    wait_minutes: int = 0  # > 0: over the link's limit, answer 429 and change nothing
    update_id: str = ""  # otherwise: send the update under this id


def gate(limits: LinkChangeLimits, kind: str, token_id: int, answer: str, standing: Standing) -> Verdict:
    """What to do with a POST of `answer` through link `token_id` while `standing` is stored."""
    if answer == standing.answer:
        return Verdict(unchanged=True)
    update_id = f"{kind}-{token_id}-{answer}-after-{standing.key()}"
    wait = limits.take(token_id, update_id)
    return Verdict(wait_minutes=wait) if wait else Verdict(update_id=update_id)
