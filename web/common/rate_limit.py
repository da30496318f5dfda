"""How often the public forms that send a confirmation email (newsletter subscription, network sign-up) may do
so: per client IP (as the app sees it: uvicorn applies the proxy's forwarded headers) across those forms, and
per email address per form. Over a limit the form answers 429 and sends nothing.

Likewise how often one personal link (a registration link can be forwarded to anyone) may change something
through a workflow update: each update costs the meeting's workflow history and a share of its update budget,
so `LinkChangeLimits` counts the POSTs that would send one, per token. A POST that changes nothing (the same
answer again) is answered without an update and costs nothing.

The counts live in this process's memory (one `PublicFormLimits` per app, on app.state): several web processes
each count their own, and a restart forgets. A deployment behind a proxy may add a limit of its own there.
Only posts that send an email are counted, so a typo or an "already registered" answer costs nothing: a post
takes its place before it awaits the workflow or the mail relay (so posts at once cannot all pass the check) and
gives it back when no mail went out after all.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request

IP_WINDOW = 10 * 60.0  # seconds
LINK_WINDOW = 10 * 60.0
ADDRESS_WINDOW = 60 * 60.0
MAX_KEYS = 50_000  # beyond this the oldest keys are dropped: memory stays bounded under a flood of addresses


class SlidingWindow:
    """At most `limit` hits per key in the last `window` seconds; a limit of 0 means no limit."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self._clock = limit, window, clock
        self._hits: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        hits = self._hits.get(key, deque())
        cutoff = self._clock() - self.window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        return hits

    def wait_seconds(self, key: str) -> float:
        """0 when one more hit is allowed now; otherwise how long until it is."""
        hits = self._recent(key)
        if self.limit <= 0 or len(hits) < self.limit:
            return 0.0
        return max(hits[-self.limit] + self.window - self._clock(), 1.0)

    def hit(self, key: str) -> None:
        if self.limit <= 0:
            return
        hits = self._recent(key)
        hits.append(self._clock())
        self._hits.pop(key, None)
        self._hits[key] = hits  # re-inserted: the dict's order is least recently hit first
        while len(self._hits) > MAX_KEYS:
            del self._hits[next(iter(self._hits))]

    def unhit(self, key: str) -> None:
        """Forget the latest hit of `key` (one taken for a mail that was not sent)."""
        hits = self._hits.get(key)
        if hits:
            hits.pop()


class PublicFormLimits:
    """The limits of one web process; thread-safe (sync handlers run in a thread pool)."""

    def __init__(self, per_ip: int, per_address: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ip = SlidingWindow(per_ip, IP_WINDOW, clock)
        self._address = SlidingWindow(per_address, ADDRESS_WINDOW, clock)
        self._lock = threading.Lock()

    def take(self, form: str, ip: str, address: str) -> int:
        """Count a mail to `address` through `form` from this client now and answer 0; over a limit, count
        nothing and answer the minutes to wait. Checked and counted at once: posts in parallel cannot all pass."""
        keys = (f"ip|{ip}", f"{form}|{address}")
        with self._lock:
            seconds = max(self._ip.wait_seconds(keys[0]), self._address.wait_seconds(keys[1]))
            if not seconds:
                self._ip.hit(keys[0])
                self._address.hit(keys[1])
        return math.ceil(seconds / 60)

    def give_back(self, form: str, ip: str, address: str) -> None:
        """The mail taken for this post did not go out (refused, already known, relay away): it does not count."""
        with self._lock:
            self._ip.unhit(f"ip|{ip}")
            self._address.unhit(f"{form}|{address}")


class LinkChangeLimits:
    """Updates one link token may send per 10 minutes, in one web process; thread-safe like PublicFormLimits.
    What counts is distinct updates: POSTs that race with the same update id (web/links/changes.py) are one."""

    def __init__(self, per_token: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._token = SlidingWindow(per_token, LINK_WINDOW, clock)
        self._taken: dict[str, float] = {}  # update id -> when counted, oldest first
        self._clock = clock
        self._lock = threading.Lock()

    def take(self, token_id: int, update_id: str) -> int:
        """Count this update through this token now and answer 0; over the limit, count nothing and answer the
        minutes to wait. Checked and counted at once, so POSTs in parallel cannot all pass."""
        key = str(token_id)
        with self._lock:
            self._forget_old()
            if update_id in self._taken:
                return 0
            seconds = self._token.wait_seconds(key)
            if not seconds:
                self._token.hit(key)
                self._taken[update_id] = self._clock()
                while len(self._taken) > MAX_KEYS:
                    del self._taken[next(iter(self._taken))]
        return math.ceil(seconds / 60)

    def _forget_old(self) -> None:
        cutoff = self._clock() - LINK_WINDOW
        while self._taken and next(iter(self._taken.values())) <= cutoff:
            del self._taken[next(iter(self._taken))]


def link_limits_of(request: Request) -> LinkChangeLimits:
    """The app's per-link limits (made with the app, web/app.py)."""
    return request.app.state.link_change_limits


def limits_of(request: Request) -> PublicFormLimits:
    """The app's limits (made with the app, web/app.py)."""
    return request.app.state.public_form_limits


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def too_many_text(minutes: int) -> str:
    """The polite Dutch answer of a 429: what happened, that nothing was sent, and when to try again."""
    unit = "minuut" if minutes == 1 else "minuten"
    return ("Er is vanaf uw verbinding of voor dit e-mailadres de afgelopen tijd al vaak een bevestiging verstuurd. "
            f"Er is nu niets verstuurd. Probeer het over {minutes} {unit} opnieuw.")


def link_too_many_text(minutes: int) -> str:
    """The Dutch answer of a link page's 429: nothing was changed, when to try again."""
    unit = "minuut" if minutes == 1 else "minuten"
    return ("Via deze link is de afgelopen minuten al vaak iets gewijzigd. Er is nu niets gewijzigd. "
            f"Probeer het over {minutes} {unit} opnieuw.")
