"""A newsletter issue's period (jjjj-mm) and the Dutch error of newsletter content."""
import re
from datetime import date

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class ContentError(ValueError):
    """Dutch, shown to the user as it is."""


def check_period(period: str) -> date:
    match = PERIOD.match(period or "")
    if not match:
        raise ContentError(f"Ongeldige maand '{period}': gebruik jjjj-mm, bijv. 2026-11.")
    return date(int(match.group(1)), int(match.group(2)), 1)
