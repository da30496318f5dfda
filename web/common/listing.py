"""Paginate and search list pages (use with templates/web/_pagination.html.j2).

    query = select(Person).where(Person.association_id == staff.association_id).order_by(Person.name)
    query = search(query, q, Person.name, Person.email)
    page = paginate(query, page_number(pagina), session=session)   # query parameters: pagina, zoek
    # template: {% from "web/_pagination.html.j2" import pagination %} {{ pagination(page, "/werkruimte/leden", {"zoek": zoek}) }}

`paginate` also takes a plain list (already loaded rows), then no session is needed.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

PER_PAGE = 25
MAX_PER_PAGE = 200
MAX_QUERY = 100  # longer search text is cut


@dataclass(frozen=True)
class Page:
    items: list[Any] = field(default_factory=list)
    number: int = 1  # 1-based
    per_page: int = PER_PAGE
    total: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)


def page_number(raw: str | int | None) -> int:
    """A page number from the query string; anything odd is page 1."""
    try:
        return max(1, min(int(raw or 1), 1_000_000))
    except (TypeError, ValueError):
        return 1


def search_text(raw: str | None) -> str:
    return (raw or "").strip()[:MAX_QUERY]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(query: Any, text: str | None, *columns: Any) -> Any:
    """Narrow `query` to rows where any of `columns` contains `text` (case-insensitive; SQLite and
    PostgreSQL alike); an empty text leaves the query as it is."""
    text = search_text(text)
    if not text or not columns:
        return query
    pattern = f"%{_escape_like(text.lower())}%"
    return query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in columns)))


def paginate(query: Any, page: int, per_page: int = PER_PAGE, *, session: Session | None = None) -> Page:
    """One page of a select (executed on `session`) or of a list; a page past the end shows the last page."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    if isinstance(query, Sequence):
        return _paginate_list(list(query), page, per_page)
    if session is None:
        raise ValueError("paginate needs a session for a database query")
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    number = min(max(1, page), max(1, -(-total // per_page)))
    items = list(session.exec(query.offset((number - 1) * per_page).limit(per_page)).all())
    return Page(items, number, per_page, total)


def _paginate_list(rows: list[Any], page: int, per_page: int) -> Page:
    number = min(max(1, page), max(1, -(-len(rows) // per_page)))
    start = (number - 1) * per_page
    return Page(rows[start:start + per_page], number, per_page, len(rows))
