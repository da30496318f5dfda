"""The network meeting workflow's sign-up validator (pure; Dutch messages), beside meeting_checks and alv_checks."""
from __future__ import annotations

from models.messages.network import NetworkSignupInput
from raadsbode.domain.header_text import header_text_problem

LABELS = (("name", "Uw naam"), ("email", "Uw e-mailadres"), ("organisation", "Uw organisatie"))
MAX_LENGTHS = {"name": 200, "email": 254, "organisation": 200}  # as the form's own checks


def check_signup(inp: NetworkSignupInput) -> None:
    """The name and address go into the To header of every mail to this person, the organisation beside them
    wherever sign-ups are listed; the header rule holds here for whoever calls the update, not only the form."""
    if not inp.name.strip() or "@" not in inp.email:
        raise ValueError("Vul uw naam en e-mailadres in.")
    for name, label in LABELS:
        problem = header_text_problem(getattr(inp, name), MAX_LENGTHS[name])
        if problem:
            raise ValueError(f"{label} {problem}.")
