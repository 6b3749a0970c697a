"""Hostile entries through `process_payload` and the article suite: a bad value is a rejection, never a crash.

RSS 2.0, Atom and RDF bodies whose entries (and channel) carry broken links, absurd dates, huge, empty or
control-character text, lone surrogates and NULs as numeric character references, deep markup and garbage
language, ttl and sy:* values; each body well-formed (the lxml fast path) and broken (feedparser). Anything
escaping `process_payload` failed a whole `ingest-files` run; `validate_articles` must quarantine, not raise.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract import Gazetteer, load_gazetteer
from ingest.models import Feed
from ingest.parse import parse_feed
from ingest.process import Processed, process_payload

FEED = Feed("hostile", "https://outlet.example/rss", "Hostile")
FETCHED = datetime(2026, 11, 20, 9, tzinfo=UTC)
SANE = {"link": "https://outlet.example/sane", "title": "NATO ministers meet in Brussels",
        "date": "Mon, 01 Jan 2024 00:00:00 GMT"}  # fmt: skip
_GAZ: list[Gazetteer] = []

LINKS = [
    "http://[::1/x", "http://[", "http://]/x", "http://[::1]]/x", "http://[v1.x]/x", "https://[::1]:99999/",
    "http://a.example:99999/x", "http://a.example:abc/x", "http://a.example:-1/x", "http://a.example:8080:90/x",
    "http://a.example: 80/x", "http://a.example:1_0/x", "http://a.example:\u0661\u0662/x", "http://a\x01b.example/x",
    "http://a b.example/x y", "http://a.example\t/x\n/y", "http://bücher.example/x", "http://\u3002example/x",
    "http://a.example\uff0fx", "http://\u2100.example/", "http://xn--/x", "http:///x", "https://", "http://@/x",
    "http://a..example/x", "/relative", "relative?utm_source=x", "//proto.example/x", "javascript:alert(1)",
    "http://a.example/%zz?x=%ff&utm_medium=%00", "http://[fe80::1%25eth0]/x", "http://2130706433/", "",
    "http://" + "a" * 3000 + ".example/", "https://a.example/" + "x/" * 5000,
]  # fmt: skip
BASES = [None, "http://[::1", "http://a.example:abc/", "not a url", "http:///", "//x", "https://outlet.example/dir/"]
DATES = [
    "Mon, 01 Jan 0000 00:00:00 GMT", "Mon, 01 Jan 10000 00:00:00 GMT", "0000-00-00T00:00:00Z", "9999-12-31T23:59:59-23:59",
    "Sun, 31 Dec 9999 23:59:59 -2400", "0001-01-01T00:00:00+00:01", "0001-01-01T00:00:00+14:00", "1969-12-31T23:59:59Z",
    "1970-01-01T00:00:00-99:99", "2024-02-30T00:00:00Z", "2024-13-45", "2024-01-01T25:61:61Z", "Mon, 32 Foo 2024",
    "12:00 PM 31 dez 9999 -1200", "31 Dec 9999 23:59:59 EST", "1 Jan 1 00:00:00 JST", "-2024-01-01", "99999-01-01",
    "99999999999999999999", "1e308", "garbage", "", " ", "0", "-1", "\u0661\u0669\u0669\u0660-01-01", "2024-W60-9",
]  # fmt: skip
# as written in the XML (character references are not escaped: "&#xD800;" is a lone surrogate, "&#0;" a NUL)
RAW_TEXTS = [
    "", " ", "\t\n ", "&#0;", "&#xD800;", "&#xDFFF;x", "&#x110000;", "&#1;&#x1F;", "&#xFFFE;&#xFFFF;", "&undefined;",
    "&nbsp;", "&amp;#xD800;", "&amp;#0;", "&lt;![CDATA[", "&lt;!--", "<![CDATA[<p>cdata</p>]]>", "<![CDATA[]]>",
    "\u202e\u200b\ufeff", "&#128512;" * 50, "A" * 1500, "NATO " * 2000,
]  # fmt: skip
HTML = [
    "<b>" * 3000 + "deep", "<div>" * 2000, "<script>alert(1)</script>NATO", "<style>*{}</style>x", "<svg><script>x",
    "<math><mi>&#0;", "<p>&#xD800;</p>", "<a href='javascript:alert(1)'>x</a>", "<!--", "<![CDATA[x", "<p>" + "y" * 20000,
]  # fmt: skip
LANGS = ["", " ", "x", "en_us", "EN-gb-", "12", "e n", "en-" + "a" * 100, "\u00e9n", "---", "en--gb", "&#0;", "&#xD800;"]
NUMBERS = ["", "-1", "9" * 30, "9" * 5000, "abc", "\u0661\u0662", "1e9", " 5 ", "0", "²", "①", "&#xD800;"]
PERIODS = ["hourly", "DAILY", "weekly ", "x", ""]


def _gaz() -> Gazetteer:
    if not _GAZ:
        _GAZ.append(load_gazetteer())
    return _GAZ[0]


def _text() -> st.SearchStrategy[str]:
    """A text value as it goes into the XML."""
    plain = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(escape)
    refs = st.lists(st.sampled_from(["&#0;", "&#xD800;", "&#xDC00;", "&#x7F;", "&#xFFFE;", "&#x10FFFF;", "&amp;", "x"]),
                    max_size=6).map("".join)  # fmt: skip
    return st.one_of(st.sampled_from(RAW_TEXTS), plain, refs)


def _link() -> st.SearchStrategy[str]:
    port = st.one_of(st.none(), st.integers(-5, 10**6).map(str), st.text("0123456789abc:_ \u0661", max_size=6))
    host = st.one_of(st.sampled_from(["a.example", "[::1", "[::1]", "bücher.example", "", "a b", "xn--", "\u3002"]),
                     st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))  # fmt: skip
    built = st.builds(lambda scheme, h, p, path: f"{scheme}{h}{'' if p is None else ':' + p}/{path}",
                      st.sampled_from(["http://", "https://", "HTTP://", "http:/", "ftp://", ""]), host, port,
                      st.text(max_size=12, alphabet=st.characters(blacklist_categories=("Cs",))))  # fmt: skip
    return st.one_of(st.sampled_from(LINKS), built)


def _date() -> st.SearchStrategy[str]:
    built = st.builds(lambda y, mo, d, off: f"{y:04d}-{mo:02d}-{d:02d}T12:00:00{off}",
                      st.integers(0, 10001), st.integers(0, 13), st.integers(0, 32),
                      st.sampled_from(["Z", "+00:01", "-00:01", "+23:59", "-24:00", "+99:99", "", "EST"]))  # fmt: skip
    rfc = st.builds(lambda y, off: f"Fri, 31 Dec {y} 23:59:59 {off}", st.integers(0, 10001),
                    st.sampled_from(["GMT", "-2400", "+2400", "-0001", "+9999", "XYZ", "-1200"]))  # fmt: skip
    return st.one_of(st.sampled_from(DATES), built, rfc)


_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "link": _link(), "guid": _link(), "title": _text(), "author": _text(), "date": _date(),
        "html": st.one_of(st.sampled_from(HTML), _text()), "cdata": st.booleans(),
    },
)  # fmt: skip
_CHANNEL = st.fixed_dictionaries(
    {},
    optional={
        "link": st.sampled_from([b for b in BASES if b] + LINKS[:8]), "lang": st.sampled_from(LANGS),
        "ttl": st.sampled_from(NUMBERS), "period": st.sampled_from(PERIODS), "frequency": st.sampled_from(NUMBERS),
        "base": st.sampled_from([b for b in BASES if b]),
    },
)  # fmt: skip


def _attr(value: str) -> str:
    return quoteattr(value.replace("\x00", ""))


def _xml(value: str) -> str:
    return escape(value)


def _body(kind: str, entries: list[dict[str, object]], channel: dict[str, str], broken: bool) -> bytes:
    """An RSS 2.0, Atom or RDF body; `broken` adds junk after the root, so the fast path hands it to feedparser."""
    items = []
    for i, e in enumerate(entries):
        text = e.get("html")
        html = "" if text is None else f"<![CDATA[{text}]]>" if e.get("cdata") and "]]>" not in str(text) else _xml(str(text))
        parts = []
        if kind == "atom":
            if "link" in e:
                parts.append(f"<link rel='alternate' href={_attr(str(e['link']))}/>")
            if "guid" in e:
                parts.append(f"<id>{_xml(str(e['guid']))}</id>")
            if "date" in e:
                parts.append(f"<updated>{_xml(str(e['date']))}</updated>")
            if "author" in e:
                parts.append(f"<author><name>{e['author']}</name></author>")
            if html:
                parts.append(f"<content type='html'>{html}</content>")
        else:
            if "link" in e:
                parts.append(f"<link>{_xml(str(e['link']))}</link>")
            if "guid" in e and kind == "rss":
                parts.append(f"<guid>{_xml(str(e['guid']))}</guid>")
            if "date" in e:
                when = "pubDate" if kind == "rss" else "dc:date"
                parts.append(f"<{when}>{_xml(str(e['date']))}</{when}>")
            if "author" in e:
                parts.append(f"<dc:creator>{e['author']}</dc:creator>")
            if html:
                parts.append(f"<description>{html}</description>")
        if "title" in e:
            parts.append(f"<title>{e['title']}</title>")
        tag = "entry" if kind == "atom" else "item"
        about = f" rdf:about={_attr(str(e.get('guid', f'urn:x:{i}')))}" if kind == "rdf" else ""
        items.append(f"<{tag}{about}>{''.join(parts)}</{tag}>")
    head = []
    if "link" in channel:
        head.append(f"<link href={_attr(channel['link'])}/>" if kind == "atom" else f"<link>{_xml(channel['link'])}</link>")
    if "lang" in channel and kind != "atom":
        head.append(f"<dc:language>{channel['lang']}</dc:language>")
    for key, tag in (("ttl", "ttl"), ("period", "sy:updatePeriod"), ("frequency", "sy:updateFrequency")):
        if key in channel:
            head.append(f"<{tag}>{channel[key]}</{tag}>")
    base = f" xml:base={_attr(channel['base'])}" if "base" in channel else ""
    lang = f" xml:lang={_attr(channel['lang'])}" if "lang" in channel and kind == "atom" else ""
    ns = ("xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:sy='http://purl.org/rss/1.0/modules/syndication/' "
          "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'")  # fmt: skip
    if kind == "rss":
        doc = f"<rss version='2.0' {ns}{base}><channel><title>T</title>{''.join(head)}{''.join(items)}</channel></rss>"
    elif kind == "atom":
        doc = f"<feed xmlns='http://www.w3.org/2005/Atom' {ns}{base}{lang}><title>T</title>{''.join(head)}{''.join(items)}</feed>"
    else:
        doc = (f"<rdf:RDF xmlns='http://purl.org/rss/1.0/' {ns}{base}><channel rdf:about='c'><title>T</title>"
               f"{''.join(head)}</channel>{''.join(items)}</rdf:RDF>")  # fmt: skip
    return ("<?xml version='1.0' encoding='utf-8'?>" + doc + ("<junk" if broken else "")).encode("utf-8", "surrogatepass")


def _process(body: bytes) -> Processed:
    out = Processed()
    process_payload(body, "sha", FEED, FETCHED, FEED.url, "application/rss+xml", out, _gaz())
    return out


def _accounted(out: Processed) -> None:
    """Every entry the parser gave is an article or a rejection with its reason; a body it refused, one rejection."""
    (record,) = out.payloads
    if record.parse_status == "error":
        assert [r.stage for r in out.rejections] == ["parse"] and out.rejections[0].reason
        return
    assert out.entries_seen == record.entries == len(out.articles) + len(out.rejections)
    assert all(r.stage == "normalise" and r.reason for r in out.rejections)
    for article in out.articles:
        assert article.published_at.tzinfo is not None and article.url.startswith(("http://", "https://"))
        assert article.article_id in out.extracted


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(kind=st.sampled_from(["rss", "atom", "rdf"]), entries=st.lists(_ENTRY, min_size=1, max_size=3), channel=_CHANNEL,
       broken=st.booleans())  # fmt: skip
def test_process_payload_never_raises_on_hostile_entries(kind: str, entries: list[dict[str, object]],
                                                         channel: dict[str, str], broken: bool) -> None:  # fmt: skip
    _accounted(_process(_body(kind, [*entries, SANE], channel, broken)))


@pytest.mark.parametrize("kind", ["rss", "atom", "rdf"])
def test_both_parse_paths_are_fuzzed(kind: str) -> None:
    """The generated bodies reach the lxml fast path when well-formed and feedparser when broken."""
    assert parse_feed(_body(kind, [SANE], {}, broken=False)).parser == "fast"
    assert parse_feed(_body(kind, [SANE], {}, broken=True)).parser == "feedparser"


@pytest.mark.parametrize(
    ("entry", "channel"),
    [
        ({"link": "http://[::1/x", "title": "unclosed IPv6 host"}, {}),
        ({"link": "relative", "title": "relative link, broken feed link"}, {"link": "http://[::1"}),
        ({"link": "https://a.example/1", "title": "t"}, {"ttl": "²"}),
        ({"link": "https://a.example/1", "title": "t"}, {"period": "hourly", "frequency": "①"}),
        ({"link": "https://a.example/1", "title": "t"}, {"ttl": "9" * 5000}),
        ({"link": "https://a.example/1", "title": "t", "date": "9999-12-31T23:59:59-23:59"}, {}),
        ({"link": "https://a.example/1", "title": "t", "date": "Sun, 31 Dec 9999 23:59:59 -2400"}, {}),
        ({"link": "https://a.example/1", "title": "&#xD800;", "author": "&#0;", "html": "<p>&#xD800;</p>"}, {}),
    ],
)
@pytest.mark.parametrize("broken", [False, True])
@pytest.mark.parametrize("kind", ["rss", "atom", "rdf"])
def test_inputs_that_once_failed_a_whole_run(kind: str, broken: bool, entry: dict[str, object], channel: dict[str, str]) -> None:
    out = _process(_body(kind, [entry, SANE], channel, broken))
    _accounted(out)
    assert any(a.url == SANE["link"] for a in out.articles)  # the sane entry beside it is loaded


@pytest.fixture(scope="module")
def gx_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gx")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])  # fmt: skip
@given(kind=st.sampled_from(["rss", "atom", "rdf"]), entries=st.lists(_ENTRY, min_size=1, max_size=4), channel=_CHANNEL,
       broken=st.booleans())  # fmt: skip
def test_the_article_suite_quarantines_hostile_values(gx_dir: Path, kind: str, entries: list[dict[str, object]],
                                                      channel: dict[str, str], broken: bool) -> None:  # fmt: skip
    """Row-level failures become rejections with their rule; no hostile value rejects the batch or raises."""
    from ingest.process import dedupe
    from ingest.validate import validate_articles

    out = _process(_body(kind, [*entries, SANE], channel, broken))
    dedupe(out)
    checked = validate_articles(gx_dir, out.articles)
    rejected = {r.article_id for r in checked.rejections}
    assert all(r.stage == "validate" and r.rule and r.reason for r in checked.rejections)
    assert {a.article_id for a in checked.good} | rejected == {a.article_id for a in out.articles}
    assert not {a.article_id for a in checked.good} & rejected
