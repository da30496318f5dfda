"""The network meeting workflow's sign-up validator (pure; Dutch messages), beside meeting_checks and alv_checks."""
from __future__ import annotations

from models.network_messages import NetworkSignupInput
from raadsbode.header_text import header_text_problem

LABELS = (("name", "Uw naam"), ("email", "Uw e-mailadres"), ("organisation", "Uw organisatie"))


def check_signup(inp: NetworkSignupInput) -> None:
    """The name, address and organisation go into the confirmation's headers (To) and the lists staff mail
    from, so the header rule holds here too, whoever calls the update."""
    if not inp.name.strip() or "@" not in inp.email:
        raise ValueError("Vul uw naam en e-mailadres in.")
    for name, label in LABELS:
        problem = header_text_problem(getattr(inp, name))
        if problem:
            raise ValueError(f"{label} {problem}.")
