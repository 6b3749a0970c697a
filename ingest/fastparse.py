"""The fast parse path (issue 9): well-formed RSS 2.0, Atom 1.0 and RSS 1.0 (RDF) read with lxml.

`read` returns entries and feed values as the same keys feedparser fills (`id`, `link`, `title`,
`summary`, `content`, `published`/`updated`/`created` and their `_parsed` struct_time, `author`),
following feedparser 6's rules for the subset it accepts, so `ingest.parse` turns both into the
same `RawEntry`. Whatever it is not sure of raises `NotFast` with the reason, and the caller hands
the body to feedparser unchanged: not well-formed XML, a DOCTYPE (entity declarations, XXE,
billion laughs), an encoding other than UTF-8 and ISO-8859-1 or a charset feedparser would read
otherwise, a root or version other than RSS 2.0 / Atom 1.0 / RSS 1.0, `xml:base`, XHTML or base64
content, markup inside text elements, repeated or nested elements whose order feedparser resolves
in its own way, and any element feedparser would map into one of our fields that this module does
not handle. lxml never resolves entities or reaches the network.

The one difference by design: feedparser runs its own HTML sanitizer over HTML-typed summaries and
content; this path does not (about 300 us an entry, more than the whole lxml parse). The HTML is
sanitised downstream by nh3 (`ingest.normalize.sanitise_html`) in both cases, and the feedparser
sanitizer's element allowlist is checked here: content naming an element that feedparser would
strip goes to feedparser, so the clean text does not change with the path.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _HTMLSanitizer, _sanitize_html
from feedparser.urls import _urljoin, resolve_relative_uris
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_ABOUT = f"{{{RDF}}}about"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PREFIXES: dict[str, str] = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_MEDIA_TYPES = frozenset({"application/xml", "text/xml", "application/rss+xml", "application/atom+xml", "application/rdf+xml"})
ACCEPTABLE_ELEMENTS = frozenset(_HTMLSanitizer.acceptable_elements)
# feedparser's names (prefix:localname, lower case) that it maps into an entry field we read
TITLE = frozenset({"title", "dc:title"})
DESCRIPTION = frozenset({"description", "dc:description"})
PUBLISHED = frozenset({"pubdate", "published", "issued", "dcterms:issued"})
UPDATED = frozenset({"updated", "modified", "lastbuilddate", "dc:date", "dcterms:modified"})
CREATED = frozenset({"created", "dcterms:created"})
AUTHOR = frozenset({"author", "dc:creator", "dc:author", "managingeditor"})
MAPPED = (
    TITLE | DESCRIPTION | PUBLISHED | UPDATED | CREATED | AUTHOR
    | {"link", "guid", "id", "summary", "content", "content:encoded", "body", "xhtml:body", "fullitem", "abstract",
       "media:title", "media:description", "itunes:summary", "itunes:author", "item", "entry", "image", "textinput",
       "name", "email", "svg"}
)  # fmt: skip
IGNORED_SUBTREES = frozenset({"source", "contributor"})  # feedparser files what is inside elsewhere
# what an entry's child element is to feedparser; a name in MAPPED without a role here is not handled: NotFast
ROLES: dict[str, str] = {
    **dict.fromkeys(MAPPED, "unhandled"),
    **dict.fromkeys(TITLE, "title"),
    "link": "link",
    "guid": "id",
    "id": "id",
    **dict.fromkeys(DESCRIPTION, "summary"),
    "summary": "atom summary",
    "content:encoded": "content",
    "content": "atom content",
    **dict.fromkeys(PUBLISHED, "published"),
    **dict.fromkeys(UPDATED, "updated"),
    **dict.fromkeys(CREATED, "created"),
    **dict.fromkeys(AUTHOR, "author"),
    **dict.fromkeys(IGNORED_SUBTREES, "ignored subtree"),
}
_ENCODING_DECL = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\s;\"']+)", re.IGNORECASE)
_TAGS = re.compile(r"</?([A-Za-z][A-Za-z0-9:_.-]*)")
_AMP_REF = re.compile("&([A-Za-z0-9_]+);")
_C1_BYTES = bytes(range(0x80, 0xA0))
# xml:base, or a `base` attribute (feedparser reads both, attribute names in lower case); XPath runs in C
_BASE_ATTRS = etree.XPath("//@*[translate(local-name(), 'BASE', 'base') = 'base']")
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "iso-8859-1": "iso-8859-1"}  # declared or header label -> codec
Fix = Callable[[str], str]
_LOCAL = threading.local()
_NAMES: dict[str, str] = {}  # tag -> feedparser's name, for tags in no or a known namespace


class NotFast(Exception):
    """The fast path is not sure of this body: feedparser reads it."""


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                                 remove_blank_text=False, collect_ids=False)  # fmt: skip
        _LOCAL.parser = parser
    return parser


def check_encoding(body: bytes, content_type: str | None) -> str:
    """The encoding the XML declares (UTF-8 without a declaration) if feedparser would read the same, else `NotFast`.

    Only "utf-8" and "iso-8859-1"; a header charset that overrides the declaration is not sure either.
    """
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:1] == b"\x00" or body[1:2] == b"\x00":
        raise NotFast("UTF-16 or UTF-32 body")
    declared = _ENCODING_DECL.match(body[:512])
    label = declared.group(1).decode("ascii", "replace").lower() if declared else "utf-8"
    encoding = ENCODINGS.get(label)
    if encoding is None:
        raise NotFast(f"declared encoding {label}")
    if body[:3] == b"\xef\xbb\xbf" and encoding != "utf-8":  # lxml lets the mark win, feedparser the declaration
        raise NotFast(f"UTF-8 byte order mark with a declared {label}")
    if content_type:
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in XML_MEDIA_TYPES:
            raise NotFast(f"content type {media or '(empty)'}")
        charset = _CHARSET.search(content_type)
        if charset and ENCODINGS.get(charset.group(1).lower()) != encoding:  # feedparser follows the header
            raise NotFast(f"charset {charset.group(1).lower()}")
        if not charset and media.startswith("text/") and not body.isascii():
            raise NotFast("text/* without charset (us-ascii per RFC 3023)")
    return encoding


def _name(el: Any) -> str:
    """feedparser's name for an element: known namespaces by their prefix, others by the document's, lower case."""
    tag = el.tag
    name = _NAMES.get(tag)  # no namespace, or a namespace feedparser knows: the tag decides
    if name is not None:
        return name
    if tag[0] != "{":
        name = _NAMES[tag] = str(tag).lower()
        return name
    uri, local = tag[1:].split("}", 1)
    prefix = PREFIXES.get(uri.lower())
    if prefix is not None:
        name = _NAMES[tag] = f"{prefix}:{local}".lower() if prefix else local.lower()
        return name
    prefix = el.prefix or ""  # an unknown namespace: feedparser goes by the document's prefix
    return f"{prefix}:{local}".lower() if prefix else local.lower()


def _resolve(uri: str) -> str:
    """feedparser's `resolve_uri` with no base: only `scheme:///x` changes (to `scheme://x`)."""
    return _urljoin("", uri) if "://" in uri and uri.partition("://")[2][:1] == "/" else uri


def _amp(match: re.Match[str]) -> str:
    return "&" + match.group(1)


def _fix(text: str) -> str:
    """What feedparser does to every text value of a UTF-8 document: strip, undo double UTF-8, map C1 to cp1252.

    Both repairs need a character in U+0080-U+00FF; the Latin-1 bytes of the text say whether there is one.
    """
    text = text.strip()
    if text.isascii():
        return text
    latin = text.encode("iso-8859-1", "ignore")
    if latin.isascii():
        return text
    if len(latin) == len(text):  # all Latin-1: feedparser tries reading it as UTF-8
        with contextlib.suppress(UnicodeDecodeError):
            text = latin.decode("utf-8")
            latin = text.encode("iso-8859-1", "ignore")
    if len(latin.translate(None, _C1_BYTES)) != len(latin):
        text = text.translate(_cp1252)
    return text


def _fix_latin1(text: str) -> str:
    """The same for an ISO-8859-1 document: feedparser repairs double UTF-8 only in UTF-8 documents."""
    text = text.strip()
    if text.isascii():
        return text
    latin = text.encode("iso-8859-1", "ignore")
    if len(latin.translate(None, _C1_BYTES)) != len(latin):
        text = text.translate(_cp1252)
    return text


def _text(el: Any, what: str) -> str:
    if len(el):
        raise NotFast(f"markup inside <{what}>")
    return el.text or ""


def _attr(el: Any, name: str) -> str | None:
    """An attribute by feedparser's rule (names in lower case, no namespace)."""
    attrib = el.attrib
    if not attrib:
        return None
    found = attrib.get(name)
    if found is not None:
        return str(found)
    for key, value in attrib.items():
        if str(key).lower() == name:
            return str(value)
    return None


def _content_type(el: Any, default: str) -> str:
    if not el.attrib:
        return default
    if _attr(el, "mode") is not None or _attr(el, "src") is not None:
        raise NotFast("content with mode or src")
    kind = str(_FeedParserMixin.map_content_type(_attr(el, "type") or default))
    if kind != "text/plain" and kind != "text/html":
        raise NotFast(f"content type {kind}")
    return kind


def _html(value: str, what: str) -> str:
    """HTML content as written: feedparser would sanitise it; nh3 does later. Elements feedparser drops -> NotFast."""
    if "<" in value:
        unacceptable = {tag.lower() for tag in set(_TAGS.findall(value))} - ACCEPTABLE_ELEMENTS
        if unacceptable:
            raise NotFast(f"<{min(unacceptable)}> in {what}")
    return value


def _title(value: str, kind: str, atom: bool) -> str:
    """Titles are short: run feedparser's own URI resolution and sanitizer on HTML-typed ones, as it does."""
    if kind == "text/plain" and (atom or ("<" not in value and "&" not in value)
                                 or not _FeedParserMixin.looks_like_html(value)):  # fmt: skip
        return value
    return str(_sanitize_html(resolve_relative_uris(value, "", "utf-8", "text/html"), "utf-8", "text/html"))


def _dates(entry: dict[str, Any]) -> None:
    """feedparser's `*_parsed` for the dates `ingest.parse` reads, and as `datetime` the first that gives a time."""
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if value is None:
            continue
        parsed = _parse_date(value)
        entry[f"{key}_parsed"] = parsed
        if parsed:
            try:
                entry["datetime"] = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
            return


def _check_subtree(el: Any, where: str) -> None:
    for sub in el.iterdescendants():
        if not isinstance(sub.tag, str):
            continue
        if _name(sub) in MAPPED:
            raise NotFast(f"<{_name(sub)}> nested in <{where}>")


def _author(entry: dict[str, Any], el: Any, fix: Fix) -> None:
    if "author" in entry:
        raise NotFast("more than one author")
    if not len(el):
        entry["author"] = fix(el.text or "")
        return
    if (el.text or "").strip():
        raise NotFast("text and markup in an author")
    found: dict[str, str] = {}
    for sub in el:
        if not isinstance(sub.tag, str):
            continue
        name = _name(sub)
        if name not in ("name", "email", "uri", "url", "homepage") or name in found or len(sub):
            raise NotFast(f"<{name}> in an author")
        found[name] = (sub.text or "").strip()
    given, email = found.get("name"), found.get("email")
    entry["author"] = f"{given} ({email})" if given and email else given or email or ""


def _link(entry: dict[str, Any], el: Any, atom: bool, fix: Fix) -> None:
    href = _attr(el, "url") or _attr(el, "uri") or _attr(el, "href")
    if href:
        rel = (_attr(el, "rel") or "alternate").lower()
        kind = (_attr(el, "type") or ("application/atom+xml" if rel == "self" else "text/html")).lower()
        if rel == "alternate" and _FeedParserMixin.map_content_type(kind) in HTML_TYPES:
            entry["link"] = _resolve(href)
        return
    if atom:
        raise NotFast("atom link without href")
    value = _resolve(fix(_text(el, "link")))
    entry["link"] = _AMP_REF.sub(_amp, value.replace("&amp;", "&")) if "&" in value else value


def _entry(item: Any, atom: bool, fix: Fix) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for key in item.attrib:
        if key == RDF_ABOUT:
            entry["id"] = item.attrib[key]
        elif str(key).lower() in ("lastmod", "href"):
            raise NotFast("CDF attributes on an item")
    title_done, has_content, seen = False, False, set()
    for el in item:
        if not isinstance(el.tag, str):
            continue
        name = _name(el)
        role = ROLES.get(name)
        if role is None:
            if len(el):
                _check_subtree(el, name)
        elif role == "title":
            if title_done:
                continue
            if "title" in seen:
                raise NotFast("two titles")
            seen.add("title")
            kind = _content_type(el, "text/plain")
            entry["title"] = _title(fix(_text(el, name)), kind, atom)
            title_done = bool(entry["title"])
        elif role == "link":
            _link(entry, el, atom, fix)
        elif role == "id":
            if name in seen:
                raise NotFast(f"two <{name}>")
            seen.add(name)
            is_link = (_attr(el, "ispermalink") or "true") == "true"
            value = fix(_text(el, name))
            entry["id"] = _resolve(value) if is_link else value
            if is_link and "link" not in entry:
                entry["link"] = entry["id"]
        elif role == "summary" or (atom and role == "atom summary"):
            if "summary" in entry and not has_content or "summary" in seen:
                raise NotFast("a second summary")
            seen.add("summary")
            kind = _content_type(el, "text/plain" if role == "atom summary" else "text/html")
            if kind == "text/plain" and not atom:
                raise NotFast(f"<{name}> typed text/plain (feedparser guesses)")
            value = fix(_text(el, name))
            entry["summary"] = _html(value, name) if kind == "text/html" else value
        elif role == "content" or (atom and role == "atom content"):
            has_content = True
            kind = _content_type(el, "text/plain" if role == "atom content" else "text/html")
            if kind == "text/plain" and not atom:
                raise NotFast(f"<{name}> typed text/plain (feedparser guesses)")
            value = fix(_text(el, name))
            value = _html(value, name) if kind == "text/html" else value
            entry.setdefault("content", []).append({"value": value})
            entry.setdefault("summary", value)
        elif role in ("published", "updated", "created"):
            if role in seen:
                raise NotFast(f"two {role} dates")
            seen.add(role)
            entry[role] = fix(_text(el, name))
        elif role == "author":
            _author(entry, el, fix)
        elif role == "ignored subtree":
            title_done = title_done and name != "source"
        else:
            raise NotFast(f"<{name}> in an entry")
    _dates(entry)
    return entry


def _feed(head: Any, root: Any, atom: bool, fix: Fix) -> dict[str, Any]:
    """Feed link, language, ttl, sy:updatePeriod/updateFrequency from the channel (RSS, RDF) or feed (Atom)."""
    feed: dict[str, Any] = {}
    lang = root.get(f"{{{XML_NS}}}lang")
    if lang is None:
        lang = _attr(root, "lang")
    if lang:
        feed["language"] = lang.replace("_", "-")
    for key in head.attrib:
        if str(key).lower() in ("lastmod", "href"):
            raise NotFast("CDF attributes on a channel")
    for el in head:
        if not isinstance(el.tag, str):
            continue
        name = _name(el)
        if name in ("item", "entry"):
            continue
        if name == "link":
            href = _attr(el, "url") or _attr(el, "uri") or _attr(el, "href")
            if href:
                rel = (_attr(el, "rel") or "alternate").lower()
                kind = (_attr(el, "type") or ("application/atom+xml" if rel == "self" else "text/html")).lower()
                if rel == "alternate" and _FeedParserMixin.map_content_type(kind) in HTML_TYPES:
                    feed["link"] = _resolve(href)
            elif atom:
                raise NotFast("atom link without href")
            else:
                feed["link"] = _AMP_REF.sub(_amp, _resolve(fix(_text(el, "link"))))
        elif name in ("guid", "id"):
            if (_attr(el, "ispermalink") or "true") == "true" and "link" not in feed:
                feed["link"] = _resolve(fix(_text(el, name)))
        elif name in ("language", "dc:language"):
            feed["language"] = fix(_text(el, name))
        elif name in ("ttl", "sy:updateperiod", "sy:updatefrequency"):
            if el.attrib:
                raise NotFast(f"attributes on <{name}>")
            feed[name.replace(":", "_")] = fix(_text(el, name))
        elif name in ("image", "textinput"):
            allowed = ("title", "link", "description", "url", "href", "width", "height", "name")
            if any(isinstance(s.tag, str) and _name(s) not in allowed for s in el):
                raise NotFast(f"unusual <{name}>")
    return feed


def _root(tree: Any) -> tuple[Any, list[Any], bool]:
    """(the element holding feed values, the entries, is it Atom) for RSS 2.0, Atom 1.0 and RSS 1.0; else NotFast."""
    tag = tree.tag
    if tag == "rss":
        if tree.get("version") != "2.0":
            raise NotFast(f"RSS version {tree.get('version')}")
        channels = [c for c in tree if isinstance(c.tag, str)]
        if len(channels) != 1 or channels[0].tag != "channel":
            raise NotFast("rss root without exactly one channel")
        channel = channels[0]
        return channel, [c for c in channel if c.tag == "item"], False
    if tag == f"{{{ATOM}}}feed":
        return tree, [c for c in tree if c.tag == f"{{{ATOM}}}entry"], True
    if tag == f"{{{RDF}}}RDF":
        heads = [c for c in tree if c.tag == f"{{{RSS1}}}channel"]
        if len(heads) != 1:
            raise NotFast("RDF without exactly one RSS 1.0 channel")
        if any(c.tag == f"{{{RSS1}}}item" for c in heads[0]):
            raise NotFast("RDF items inside the channel")
        return heads[0], [c for c in tree if c.tag == f"{{{RSS1}}}item"], False
    raise NotFast(f"root element {tag if isinstance(tag, str) else type(tag).__name__}")


def read(body: bytes, content_type: str | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Entries and feed values with feedparser's keys, or `NotFast` with the reason."""
    fix = _fix if check_encoding(body, content_type) == "utf-8" else _fix_latin1
    if b"<!DOCTYPE" in body[:4096]:  # the usual place; one further on is found on the parsed tree below
        raise NotFast("DOCTYPE or entity declaration")
    try:
        tree = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise NotFast(f"not well-formed: {exc}") from exc
    docinfo = tree.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise NotFast("DOCTYPE or entity declaration")  # parsed without resolving entities or reaching the network
    if _BASE_ATTRS(tree):
        raise NotFast("xml:base (relative URIs resolved against it)")
    head, items, atom = _root(tree)
    if not items:
        raise NotFast("no entries")
    if tree.nsmap.get(None) not in (None, ATOM, RSS1) or head.nsmap.get(None) not in (None, ATOM, RSS1):
        raise NotFast(f"default namespace {tree.nsmap.get(None) or head.nsmap.get(None)}")
    return [_entry(item, atom, fix) for item in items], _feed(head, tree, atom, fix)
