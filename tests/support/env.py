"""What every kind of test needs from its surroundings: a secret key, a free port, a tenant slug of its own."""
from __future__ import annotations

import socket
import uuid

# Strong enough for raadsbode/start_guard.py, so the real `raadsbode worker`/`web` processes tests start accept it.
TEST_SECRET_KEY = "tX3q9Vd7Lm2Rk8Pw5Zb1Hn6Jc4Fy0Sg-Ue_Ai3Oo7Qe"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_slug(prefix: str = "assoc") -> str:
    """Each test makes its own tenant, so tests share a database without seeing each other."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
