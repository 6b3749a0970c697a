"""Normalise parsed entries into `Article`s: identity, UTC dates, clean text.

Pure functions. Identity is the canonical URL (tracking parameters, fragments and
`www.` removed), so the same story reached through differently tagged links is
one article; issue 4 adds GUID rules and near-duplicate clustering.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from ingest.models import Article, ParsedFeed, RawEntry

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "yclid",
        "msclkid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "xtor",
        "maca",
        "ocid",
        "cmpid",
        "mkt_tok",
        "_ga",
        "_gl",
        "ito",
        "smid",
        "rss",
        "feedtype",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_")
HOST_PREFIXES = ("www.", "m.", "amp.")
DEFAULT_PORTS = {"http": 80, "https": 443}
FUTURE_TOLERANCE = timedelta(days=1)

_BLOCK_END = re.compile(
    r"(?i)(<\s*(?:br|hr)\b[^>]*>|</\s*(?:p|div|li|h[1-6]|tr|td|th|blockquote|section|article|ul|ol|table|pre|figure|figcaption|header|footer)\s*>)"
)
_TRANSLATE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\u00ad": "",
    }
)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n\s*\n+")
_WORDS = re.compile(r"\w+")


class NormaliseError(ValueError):
    """The entry cannot become an article (no identity at all)."""


def clean_text(text: str) -> str:
    """NFC, straight quotes, no invisible characters, single spaces, paragraphs kept."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n", "\n".join(lines)).strip()


def html_to_text(html: str | None) -> str:
    """HTML to plain text with a break after every block element ("Poland</p><p>Taiwan")."""
    if not html:
        return ""
    if "<" not in html:
        return clean_text(html)
    tree = LexborHTMLParser(_BLOCK_END.sub(lambda m: m.group(0) + "\n", html))
    for node in tree.css("script, style, noscript, iframe"):
        node.decompose()
    return clean_text(tree.text(separator="") if tree.body is not None else "")


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute, lower-case scheme and host, no default port, fragment or tracking parameters."""
    parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    port = parts.port if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else None
    netloc = f"{host}:{port}" if port else host
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(sorted(query)), ""))


def stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def story_key(title: str) -> str:
    """Exact-title syndication key; issue 4 replaces it with near-duplicate clustering."""
    return stable_id("story", " ".join(_WORDS.findall(title.casefold())))


def resolve_date(published: datetime | None, fetched_at: datetime) -> tuple[datetime, str | None]:
    if published is None:
        return fetched_at, "missing"
    if published > fetched_at + FUTURE_TOLERANCE:
        return fetched_at, "future_clamped"
    return published, None


def _identity(entry: RawEntry, feed_id: str, base: str | None) -> tuple[str, str]:
    if entry.link and urlsplit(urljoin(base or "", entry.link)).scheme in ("http", "https"):
        url = canonical_url(entry.link, base)
        return stable_id("url", url), url
    if entry.guid:
        url = canonical_url(entry.link, base) if entry.link else ""
        return stable_id("guid", feed_id, entry.guid), url
    raise NormaliseError("entry has neither a usable http(s) link nor a GUID")


def normalise_entry(
    entry: RawEntry, *, feed_id: str, base_url: str | None, language: str | None, payload_sha256: str, fetched_at: datetime
) -> Article:
    article_id, url = _identity(entry, feed_id, base_url)
    title = html_to_text(entry.title)
    text = html_to_text(entry.content_html or entry.summary_html)
    published_at, flag = resolve_date(entry.published, fetched_at)
    return Article(
        article_id=article_id,
        feed_id=feed_id,
        url=url,
        guid=entry.guid,
        title=title,
        text=text,
        published_at=published_at,
        date_flag=flag,
        language=language,
        author=clean_text(entry.author) if entry.author else None,
        content_hash=stable_id("content", title, text),
        story_key=story_key(title),
        payload_sha256=payload_sha256,
        position=entry.position,
        fetched_at=fetched_at,
    )


def base_for(parsed: ParsedFeed, response_url: str | None) -> str | None:
    return parsed.feed_link or response_url
