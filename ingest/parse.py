"""Parse a landed body (on the bytes, never on a URL): a fast lxml path, feedparser for the rest.

Pure: bytes in, `ParsedFeed` out. Well-formed RSS 2.0, Atom 1.0 and RSS 1.0 bodies go through
`ingest.fastparse` (issue 9), which gives feedparser's values for the fields we read; whatever it
is not sure of (`NotFast`) is parsed by feedparser exactly as before, and `ParsedFeed.parser`
says which one did. One difference by design: on the fast path `summary_html`/`content_html` are
the publisher's HTML, not feedparser-sanitised; `ingest.normalize` sanitises with nh3 either way
(`bench/parse_diff.py` and tests/unit/test_parse_differential.py compare the normalised results).

A bozo (not well-formed) feed is still used when feedparser recovered entries; one that yields
nothing raises `ParseError` with feedparser's reason, so the caller records it instead of seeing
"empty".
"""

from __future__ import annotations

import calendar
import gzip
import io
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from ingest import fastparse
from ingest.models import ParsedFeed, RawEntry

GZIP_MAGIC = b"\x1f\x8b"
log = logging.getLogger(__name__)


class ParseError(ValueError):
    """The body is not a usable feed."""


def _when(entry: Any) -> datetime | None:
    found = entry.get("datetime")  # the fast path's, already converted the same way
    if isinstance(found, datetime):  # feedparser keeps an unknown <datetime> element's text under the same key
        return found
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed: time.struct_time | None = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _content(entry: Any) -> str | None:
    parts = [c.get("value") for c in entry.get("content") or () if c.get("value")]
    return "\n".join(parts) if parts else None


def _entry(position: int, entry: Any) -> RawEntry:
    return RawEntry(
        position=position,
        guid=entry.get("id") or None,
        link=entry.get("link") or None,
        title=entry.get("title") or None,
        summary_html=entry.get("summary") or None,
        content_html=_content(entry),
        published=_when(entry),
        author=entry.get("author") or None,
        published_raw=entry.get("published") or entry.get("updated") or entry.get("created") or None,
    )


def _gunzip(body: bytes, cap: int) -> bytes:
    """Some servers send gzip bytes without `Content-Encoding`; undo it, within the body cap."""
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise ParseError(f"gzip body decompresses past {cap} bytes")
    return data


def parse_fast(body: bytes, content_type: str | None = None) -> ParsedFeed:
    """The fast path alone (no gzip): a `ParsedFeed`, or `fastparse.NotFast` with the reason."""
    entries, feed = fastparse.read(body, content_type)
    return ParsedFeed(
        feed_link=feed.get("link") or None,
        language=feed.get("language") or None,
        entries=[_entry(i, e) for i, e in enumerate(entries)],
        ttl=feed.get("ttl") or None,
        sy_period=feed.get("sy_updateperiod") or None,
        sy_frequency=feed.get("sy_updatefrequency") or None,
        parser="fast",
    )


def parse_feed(body: bytes, content_type: str | None = None, max_bytes: int = 15 * 1024 * 1024, *,
               fast: bool = True) -> ParsedFeed:  # fmt: skip
    """`fast=False` skips the fast path (the differential test and `bench/parse_diff.py` compare the two)."""
    if body[:2] == GZIP_MAGIC:
        try:
            body = _gunzip(body, max_bytes)
        except (OSError, EOFError) as exc:
            raise ParseError(f"body looks gzipped but does not decompress: {exc}") from exc
    declined = None
    if fast:
        try:
            return parse_fast(body, content_type)
        except fastparse.NotFast as exc:
            declined = str(exc)
        except Exception as exc:  # noqa: BLE001 (a fast-path bug must cost speed, never a body)
            declined = f"fast path failed: {type(exc).__name__}: {exc}"
            log.warning("fast parse path failed, feedparser used instead: %s", declined)
    return _parse_feedparser(body, content_type, declined)


_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _surrogate_ref(match: re.Match[bytes]) -> bytes:
    digits = match.group(1)
    code = int(digits[1:], 16) if digits[:1] in b"xX" else int(digits)
    return b"&#xFFFD;" if 0xD800 <= code <= 0xDFFF else match.group(0)


def _parse_feedparser(body: bytes, content_type: str | None, declined: str | None) -> ParsedFeed:
    headers = {"content-type": content_type} if content_type else {}
    if b"&#" in body:
        # feedparser's loose parser encodes a character reference to a lone surrogate ("&#xD800;") as UTF-8 and
        # raises: one such title cost every entry of the body. It becomes U+FFFD, as an HTML parser reads it.
        body = _CHARREF.sub(_surrogate_ref, body)
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    except Exception as exc:  # feedparser's loose parser can crash on hostile markup
        raise ParseError(f"feedparser failed: {type(exc).__name__}: {exc}") from exc
    reason = str(result.get("bozo_exception") or "") or None
    entries = [_entry(i, e) for i, e in enumerate(result.entries)]
    if result.get("bozo"):
        # A recovering parse of a truncated body leaves empty shells of entries: they are not entries.
        entries = [e for e in entries if e.guid or e.link or e.title or e.summary_html or e.content_html]
    if not entries and result.get("bozo"):
        raise ParseError(f"not a usable feed: {reason or 'no entries recovered'}")
    if not entries and not result.get("version"):
        raise ParseError("not a feed: no RSS, Atom or RDF root element found")
    feed = result.get("feed", {})
    return ParsedFeed(
        feed_link=feed.get("link") or None,
        language=feed.get("language") or None,
        entries=entries,
        bozo=bool(result.get("bozo")),
        bozo_reason=reason,
        ttl=feed.get("ttl") or None,
        sy_period=feed.get("sy_updateperiod") or None,
        sy_frequency=feed.get("sy_updatefrequency") or None,
        fast_declined=declined,
    )
