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
    for candidate in (entry.link, entry.guid if _looks_like_url(entry.guid) else None):
        if candidate and (link := _absolute_http(candidate.strip(), base)):
            return link
    return None


def _absolute_http(candidate: str, base: str | None) -> str | None:
    """The canonical absolute http(s) URL of a link (a relative one resolved against `base`), or None.

    A link urllib cannot split ("http://[::1/x", an unclosed IPv6 host, a port of 99999) is no link: its entry is
    quarantined with the others that have none, instead of failing the whole payload. A base it
    cannot split leaves absolute links as they are."""
    from ingest.normalize import canonical_url

    try:
        absolute = urljoin(base or "", candidate)
    except ValueError:  # the base (the feed's own link) is the broken one: an absolute link still stands
        absolute = candidate
    try:
        parts = urlsplit(absolute)
        _ = parts.port  # a port urllib cannot read ("99999", "abc"): no address to fetch or key on
    except ValueError:
        return None
    return canonical_url(absolute) if parts.scheme in ("http", "https") and parts.netloc else None


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
