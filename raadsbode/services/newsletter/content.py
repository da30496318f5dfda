"""What goes into an issue: blog posts (CLI, web, RSS/Atom), upcoming public meetings, the intro;
and the rendering of it to responsive HTML with inlined CSS plus a plain-text part."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import css_inline
from sqlmodel import Session, select

from activities.newsletter.mime import NAME_MARK, UNSUB_MARK
from raadsbode.domain.newsletter_period import ContentError, check_period
from raadsbode.mail.render import Renderer, month_name
from models.tables.meetings import Meeting, MeetingStatus
from models.tables.newsletter import BlogPost
from models.messages.newsletter import AMSTERDAM
from models.tables.org import Association, Venue
from models.tables.types import utcnow
from raadsbode.services.newsletter.feed_reader import FeedPost

MAX_POSTS = 10
MAX_MEETINGS = 6
MEETINGS_AHEAD = timedelta(days=120)
_INLINER = css_inline.CSSInliner(keep_style_tags=True)  # keep the @media rules for phones


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    html: str
    text: str


def add_post(session: Session, association_id: int, title: str, summary: str = "", url: str = "",
             published_at: datetime | None = None, source: str = "cli", guid: str = "") -> BlogPost:
    title, url = " ".join(title.split()), url.strip()
    if not title or len(title) > 300:
        raise ContentError("Een blogbericht heeft een titel nodig (hoogstens 300 tekens).")
    if url and not url.startswith(("https://", "http://")):
        raise ContentError("De link van een blogbericht begint met https:// of http://.")
    published = published_at or utcnow()
    guid = guid or "local-" + hashlib.sha256(f"{title}|{url}|{published.isoformat()}".encode()).hexdigest()[:32]
    post = session.exec(select(BlogPost).where(BlogPost.association_id == association_id, BlogPost.guid == guid)).first()
    post = post or BlogPost(association_id=association_id, guid=guid, title=title, published_at=published)
    post.title, post.summary, post.url, post.published_at, post.source = title, summary.strip(), url, published, source
    session.add(post)
    session.flush()
    return post


def import_feed(session: Session, association_id: int, posts: list[FeedPost]) -> int:
    """Blog posts read by raadsbode.services.newsletter.feed_reader.read_feed; known entries are updated, not doubled."""
    for post in posts:
        add_post(session, association_id, post.title, _plain(post.summary_html), post.url,
                 post.published_at or utcnow(), "feed", post.guid)
    return len(posts)


def _plain(html: str) -> str:
    """Feed summaries are HTML; the issue shows them as text (the template escapes it)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())[:1500]


def posts_for(session: Session, association_id: int, month: date, now: datetime) -> list[BlogPost]:
    """The posts since the start of the previous month (Amsterdam): an issue early in month M reports on M-1."""
    since = datetime(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1, tzinfo=AMSTERDAM)
    return list(session.exec(select(BlogPost).where(
        BlogPost.association_id == association_id, BlogPost.published_at >= since, BlogPost.published_at <= now,
    ).order_by(BlogPost.published_at.desc()).limit(MAX_POSTS)).all())


def upcoming_meetings(session: Session, association_id: int, now: datetime) -> list[tuple[Meeting, str]]:
    rows = session.exec(select(Meeting, Venue).join(Venue, Meeting.venue_id == Venue.id, isouter=True).where(
        Meeting.association_id == association_id, Meeting.is_public == True,  # noqa: E712
        Meeting.status != MeetingStatus.cancelled, Meeting.starts_at >= now, Meeting.starts_at <= now + MEETINGS_AHEAD,
    ).order_by(Meeting.starts_at).limit(MAX_MEETINGS)).all()
    return [(m, v.name if v else "") for m, v in rows]


def render_issue(renderer: Renderer, session: Session, association: Association, period: str, intro: str,
                 now: datetime | None = None) -> RenderedIssue:
    """The issue with placeholders for the reader's name and unsubscribe URL (filled per copy)."""
    month, now = check_period(period), now or utcnow()
    ctx = {
        "association_name": association.name, "month_name": month_name(period), "intro": intro.strip(),
        "posts": posts_for(session, association.id, month, now),
        "meetings": upcoming_meetings(session, association.id, now),
        "reader_name": NAME_MARK, "unsubscribe_url": UNSUB_MARK,
    }
    html = _INLINER.inline(renderer.render_html("email/newsletter_issue.html.j2", **ctx))
    text = renderer.render_text("email/newsletter_issue.txt.j2", **ctx)
    return RenderedIssue(f"Nieuwsbrief {association.name} – {ctx['month_name']}", html, text)
