"""Reading an RSS/Atom feed that a person supplies (a workspace upload, a CLI file or URL) as data, never as a
path: feedparser.parse() treats a str or bytes argument as a URL or a local file name when it looks like one,
so an upload whose content was '/etc/passwd' or 'file:///...' made the server read that file. Every feed goes
through read_feed(): bytes only, wrapped in a stream (feedparser then reads the stream and nothing else),
at most MAX_FEED_BYTES, parsed in a worker thread with a time limit so a hostile file cannot stall the loop."""
from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import datetime, UTC

import feedparser
import httpx

MAX_FEED_BYTES = 2_000_000
PARSE_SECONDS = 10.0
FETCH_SECONDS = 20.0
NOT_A_FEED = "Dit is geen geldige feed (RSS of Atom); er is niets geïmporteerd."
TOO_BIG = f"De feed is te groot (hoogstens {MAX_FEED_BYTES // 1_000_000} MB); er is niets geïmporteerd."
TOO_SLOW = "Het lezen van de feed duurde te lang; er is niets geïmporteerd."


class FeedError(ValueError):
    """Dutch, shown to the user as it is."""


@dataclass(frozen=True)
class FeedPost:
    title: str
    summary_html: str
    url: str
    published_at: datetime | None
    guid: str


def _parse(data: bytes) -> list[FeedPost]:
    # A stream, not the bytes themselves: feedparser only reads a stream, it never opens or fetches one.
    feed = feedparser.parse(io.BytesIO(data))
    if not feed.entries and (feed.bozo or not feed.get("version")):
        raise FeedError(NOT_A_FEED)
    posts = []
    for entry in feed.entries:
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        posts.append(FeedPost(
            title=entry.get("title", ""), summary_html=entry.get("summary", ""), url=entry.get("link", ""),
            published_at=datetime(*published[:6], tzinfo=UTC) if published else None,
            guid=entry.get("id") or entry.get("link") or ""))
    return posts


async def read_feed(data: bytes) -> list[FeedPost]:
    """The posts of a feed given as its content. FeedError (Dutch) when it is none, too big or too slow.
    On timeout the thread runs on to its end (threads cannot be stopped), but the size cap bounds that work."""
    if not isinstance(data, bytes):  # a str here would be the old path/URL door
        raise TypeError("read_feed takes the feed's bytes")
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(TOO_BIG)
    try:
        return await asyncio.wait_for(asyncio.to_thread(_parse, data), PARSE_SECONDS)
    except TimeoutError:
        raise FeedError(TOO_SLOW) from None


def fetch_feed(url: str) -> bytes:
    """A feed's bytes from an http(s) URL (the CLI), with a time and size limit; nothing else is fetched."""
    if not url.startswith(("https://", "http://")):
        raise FeedError(f"'{url}' is geen http(s)-adres.")
    try:
        with httpx.stream("GET", url, timeout=FETCH_SECONDS, follow_redirects=True) as response:
            response.raise_for_status()
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_FEED_BYTES:
                    raise FeedError(TOO_BIG)
    except httpx.HTTPError as exc:
        raise FeedError(f"De feed kon niet worden opgehaald: {exc}.") from None
    return bytes(body)
