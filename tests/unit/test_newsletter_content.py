"""What goes into an issue: the blog posts of the previous month, by the Amsterdam calendar."""
from __future__ import annotations

from datetime import date, datetime, UTC
from zoneinfo import ZoneInfo

from raadsbode.db import session_scope
from raadsbode.services.newsletter.content import add_post, posts_for
from tests.support.newsletter import make_tenant

AMS = ZoneInfo("Europe/Amsterdam")


def test_posts_of_the_previous_month_count_by_amsterdam_time(session_factory_):
    association_id, _, _ = make_tenant(session_factory_, 0)
    with session_scope(session_factory_) as s:
        for title, local in [("Laat in september", datetime(2026, 9, 30, 23, 30)),
                             ("Net in oktober", datetime(2026, 10, 1, 0, 30)),  # 30 September 22:30 UTC
                             ("Eind oktober", datetime(2026, 10, 31, 23, 0))]:
            add_post(s, association_id, title, published_at=local.replace(tzinfo=AMS))
        now = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
        titles = [p.title for p in posts_for(s, association_id, date(2026, 11, 1), now)]
    assert titles == ["Eind oktober", "Net in oktober"]
