"""Who is who inside one feed payload: article ids and entry keys under FreshRSS-style GUID rules.

`article_id` is the hash of the canonical URL whenever that URL is unique in the payload
(so the same story reached through differently tagged links, from any feed, is one article).
A GUID is trusted only while it is unique in its feed, and not at all once more than 5% of
the feed's GUIDs are missing or repeated; an entry whose link is shared with other entries
(a feed that links every item to its home page) is keyed by link + date, then link + date +
title, so no entry is folded into another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ingest.models import RawEntry

BAD_GUID_SHARE = 0.05


@dataclass(frozen=True)
class Identity:
    article_id: str
    url: str  # canonical, absolute; "" when the entry has no usable link
    key: str  # how the entry was told apart in its feed: guid, url, url+date, url+date+title


class NoIdentity(ValueError):
    """Nothing to key the entry on: no usable http(s) link (the GUID alone is no address)."""


def _http_link(entry: RawEntry, base: str | None) -> str | None:
    from ingest.normalize import canonical_url

    for candidate in (entry.link, entry.guid if _looks_like_url(entry.guid) else None):
        if candidate:
            absolute = urljoin(base or "", candidate.strip())
            if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).netloc:
                return canonical_url(absolute)
    return None


def _looks_like_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("http://", "https://"))


def trusted_guids(entries: Sequence[RawEntry]) -> set[str]:
    """GUIDs unique in the payload, or none at all when more than 5% are missing or repeated."""
    counts = Counter(e.guid for e in entries if e.guid)
    bad = sum(1 for e in entries if not e.guid or counts[e.guid] > 1)
    if entries and bad / len(entries) > BAD_GUID_SHARE:
        return set()
    return {guid for guid, n in counts.items() if n == 1}


def assign(entries: Sequence[RawEntry], feed_id: str, base: str | None) -> list[Identity | NoIdentity]:
    from ingest.normalize import stable_id

    links = [_http_link(e, base) for e in entries]
    link_counts = Counter(link for link in links if link)
    dated = Counter((link, e.published) for link, e in zip(links, entries, strict=True) if link)
    guids = trusted_guids(entries)
    out: list[Identity | NoIdentity] = []
    for link, entry in zip(links, entries, strict=True):
        when = entry.published.isoformat() if entry.published else ""
        title = (entry.title or "").strip()
        if link and link_counts[link] == 1:
            out.append(Identity(stable_id("url", link), link, "guid" if entry.guid in guids else "url"))
        elif link and dated[(link, entry.published)] == 1 and when:
            out.append(Identity(stable_id("entry", feed_id, link, when), link, "url+date"))
        elif link:
            out.append(Identity(stable_id("entry", feed_id, link, when, title), link, "url+date+title"))
        else:
            # an article must have an absolute link (the contract's `url`); quarantined, replayable
            out.append(NoIdentity(f"entry has no usable http(s) link (guid {entry.guid!r}, title {title[:80]!r})"))
    return out
