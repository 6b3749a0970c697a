"""Normalise parsed entries into `Article`s: identity, UTC dates, clean text.

Pure functions. Identity is the canonical URL (tracking parameters, fragments and
`www.` removed), so the same story reached through differently tagged links is
one article; issue 4 adds GUID rules and near-duplicate clustering.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3
from selectolax.lexbor import LexborHTMLParser

from ingest.dates import parse_loose_date
from ingest.identity import Identity
from ingest.language import resolve as resolve_language
from ingest.models import Article, ParsedFeed, RawEntry
from ingest.recent import Recent

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
_STRAIGHTEN = {
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
_HIDDEN = re.compile(r"(?i)<\s*(?:script|style|noscript|iframe)\b")
_WORDS = re.compile(r"\w+")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def clean_text(text: str) -> str:
    """NFC, straight quotes, no invisible characters, single spaces, paragraphs kept."""
    if not text.isascii():  # str.translate walks a dict per character: one replace per character present is cheaper
        text = unicodedata.normalize("NFC", text)
        for char, straight in _STRAIGHTEN.items():
            if char in text:
                text = text.replace(char, straight)
    # each line stripped, the empty ones dropped: what joining the stripped lines and then collapsing every blank run
    # (r"\n\s*\n+") and stripping the whole gives, since a stripped line is empty or has no space at either end
    return "\n".join(filter(None, map(str.strip, _single_spaces(text).split("\n"))))


def _single_spaces(text: str) -> str:
    """Every run of spaces, tabs, CR, FF and VT as one space (what `re.sub(r"[ \\t\\r\\f\\v]+", " ", text)` gives).

    Scans and replaces in C: the regex made a piece per space, about 200 an article, and cost more than
    the rest of html_to_text. Each pass halves the runs of spaces; a text without two spaces in a row
    and without the four others is scanned five times and left as it is.
    """
    for char in "\t\r\f\v":
        if char in text:
            text = text.replace(char, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _line_after(match: re.Match[str]) -> str:
    """A break after the block end (a function: Python 3.11 expands a template such as "\\1\\n" in Python, slower)."""
    return match[0] + "\n"


def html_to_text(html: str | None) -> str:
    """HTML to plain text with a break after every block element ("Poland</p><p>Taiwan")."""
    if not html:
        return ""
    if "<" not in html:
        return clean_text(html)
    tree = LexborHTMLParser(_BLOCK_END.sub(_line_after, html))
    if _HIDDEN.search(html):
        for node in tree.css("script, style, noscript, iframe"):
            node.decompose()
    return clean_text(tree.text(separator="") if tree.body is not None else "")


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute, lower-case scheme and host, no default port, fragment or tracking parameters.

    Never raises: a string that is not a URL (a bad port, a broken IPv6 host) comes back stripped,
    for the quality gate to reject with its reason.
    """
    try:
        return _trim(_canonical(_trim(url), base))
    except ValueError:
        return _trim(url)


def _trim(text: str) -> str:
    """Strip what URL parsers strip (C0 controls, spaces) and Unicode whitespace, until nothing changes."""
    while True:
        trimmed = text.strip(_C0_AND_SPACE).strip()
        if trimmed == text:
            return text
        text = trimmed


def _canonical(url: str, base: str | None) -> str:
    parts = urlsplit(urljoin(base, url) if base else url)
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


def resolve_date(published: datetime | None, fetched_at: datetime, raw: str | None = None) -> tuple[datetime, str | None]:
    """A UTC date and its flag: None, missing (fetch time), future_clamped (fetch time) or zone_assumed."""
    flag = None
    if published is None and raw:
        published, zone_assumed = parse_loose_date(raw)
        flag = "zone_assumed" if zone_assumed else None
    if published is None:
        return fetched_at, "missing"
    if published > fetched_at + FUTURE_TOLERANCE:
        return fetched_at, "future_clamped"
    return published, flag


def sanitise_html(html: str | None) -> str:
    """Safe HTML for display (nh3: no scripts, styles, handlers or javascript: links)."""
    return nh3.clean(html) if html else ""


class Cleaned(NamedTuple):
    """What normalising makes of an entry's title, body and the feed's language hint, whatever the copy."""

    title: str
    text: str
    html: str  # sanitised
    language: str | None
    language_detected: str | None
    content_hash: str
    story_key: str


def clean_entry(title_html: str | None, body_html: str | None, hint: str | None) -> Cleaned:
    """The costly part of normalising (HTML to text, sanitising, the language), from these three alone."""
    title, text = html_to_text(title_html), html_to_text(body_html)
    language, detected = resolve_language(hint, f"{title}\n{text}")
    return Cleaned(title, text, sanitise_html(body_html), language, detected, stable_id("content", title, text),
                   story_key(title))  # fmt: skip


# What a process keeps of the entries it cleaned (`CLEANED`), as `_kept_size` counts it: about 700 entries of the
# generator's (3.5 KB of text, as much HTML, often two bytes a character, and the raw title and HTML of the key).
CLEANED_BYTES = 16 * 1024 * 1024

CleanedKey = tuple[str | None, str | None, str | None]  # what `clean_entry` reads: title, body (HTML) and the hint


def _kept_size(key: CleanedKey, cleaned: Cleaned) -> int:
    """Its strings as Python holds them (the key's too), the `Cleaned` tuple, and the key's tuple with its place in
    the map (about 200 bytes)."""
    return sum(map(sys.getsizeof, (*key, *cleaned))) + sys.getsizeof(cleaned) + 200


# this process's entries cleaned last (`ingest.recent`), by the very strings `clean_entry` reads
CLEANED: Recent[CleanedKey, Cleaned] = Recent(CLEANED_BYTES, _kept_size)


def cleaned(title_html: str | None, body_html: str | None, hint: str | None,
            recent: Recent[CleanedKey, Cleaned] | None = CLEANED) -> Cleaned:  # fmt: skip
    """`clean_entry`, given from `recent` when the same three were cleaned lately (the same string objects: a copy
    costs a lookup, not 0.5 ms of HTML parsing, sanitising and language scoring, and the copies a worker pickles to
    the writer share their text). The key is the strings themselves, compared whole: never another entry's text.
    None: cleaned here, kept nowhere."""
    if recent is None:
        return clean_entry(title_html, body_html, hint)
    key = (title_html, body_html, hint)
    found = recent.get(key)
    if found is None:
        found = clean_entry(title_html, body_html, hint)
        recent.put(key, found)
    return found


def normalise_entry(entry: RawEntry, identity: Identity, *, feed_id: str, language: str | None, payload_sha256: str,
                    fetched_at: datetime, recent: Recent[CleanedKey, Cleaned] | None = CLEANED) -> Article:  # fmt: skip
    """The entry as an `Article`; its title, text and HTML cleaned through `recent` (`cleaned`)."""
    html = entry.content_html or entry.summary_html
    made = cleaned(entry.title, html, language, recent)
    published_at, flag = resolve_date(entry.published, fetched_at, entry.published_raw)
    return Article(
        article_id=identity.article_id, feed_id=feed_id, url=identity.url, guid=entry.guid, title=made.title,
        text=made.text, published_at=published_at, date_flag=flag, language=made.language,
        language_detected=made.language_detected, author=clean_text(entry.author)[:300] if entry.author else None,
        content_hash=made.content_hash, story_key=made.story_key, payload_sha256=payload_sha256,
        position=entry.position, fetched_at=fetched_at, html=made.html, entry_key=identity.key,
    )  # fmt: skip


def base_for(parsed: ParsedFeed, response_url: str | None) -> str | None:
    return parsed.feed_link or response_url
