"""Jinja2 environments: HTML always autoescaped (whatever the file name), text never; Dutch dates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from raadsbode.domain.newsletter_period import check_period

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
LOCALE = "nl_NL"


def _local(value: datetime, tz: str) -> datetime:
    return value.astimezone(ZoneInfo(tz))


def month_name(period: str) -> str:
    """"november 2026" for 2026-11 (a newsletter issue's period)."""
    return format_date(check_period(period), "MMMM y", locale=LOCALE)


def _filters(tz: str) -> dict:
    return {
        # "dinsdag 3 maart 2026"
        "nl_date": lambda v: format_date(_local(v, tz), "EEEE d MMMM y", locale=LOCALE),
        "nl_time": lambda v: format_time(_local(v, tz), "HH:mm", locale=LOCALE),
        # "dinsdag 3 maart 2026 om 14:00"
        "nl_datetime": lambda v: format_datetime(_local(v, tz), "EEEE d MMMM y 'om' HH:mm", locale=LOCALE),
        "nl_short": lambda v: format_datetime(_local(v, tz), "d MMM y HH:mm", locale=LOCALE),
    }


@dataclass(frozen=True)
class Renderer:
    """Two environments over one template folder: `html` escapes everything, `text` nothing."""

    html: Environment
    text: Environment

    def render_html(self, name: str, **ctx) -> str:
        return self.html.get_template(name).render(**ctx)

    def render_text(self, name: str, **ctx) -> str:
        return self.text.get_template(name).render(**ctx)

    def render_string(self, source: str, **ctx) -> str:
        """Subjects and other one-line text; never escaped, never trusted for HTML."""
        return self.text.from_string(source).render(**ctx)


def make_renderer(tz: str = "Europe/Amsterdam", templates_dir: Path = TEMPLATES_DIR) -> Renderer:
    loader = FileSystemLoader(str(templates_dir))
    # autoescape=True, not select_autoescape(): that one misses *.html.j2.
    html = Environment(loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    for env in (html, text):
        env.filters.update(_filters(tz))
    return Renderer(html=html, text=text)
