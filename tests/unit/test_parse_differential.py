"""The fast parse path against feedparser (the oracle) on every project fixture, entry by normalised entry.

Each body is parsed by `parse_feed` (the fast path when it accepts it) and by feedparser alone
(`fast=False`); both are normalised as `ingest.process` does and compared field by field with
`bench.parse_diff.differences`, the same comparison `make parse-diff` runs over the shared corpora.
The only difference allowed is the one `bench.parse_diff.EXPLAINED` names with its reason (HTML
attribute order, the same HTML). Anything the fast path declines must go to feedparser unchanged.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.parse_diff import ARTICLE_FIELDS, EXPLAINED, articles, compare, differences
from ingest.fastparse import NotFast, read
from ingest.generate import generate
from ingest.models import Article
from ingest.parse import ParseError, parse_fast, parse_feed
from tests.conftest import FIXTURES, SAMPLES

COMPARED = {"title", "text", "url", "guid", "published_at", "date_flag", "author", "html", "language", "article_id",
            "content_hash", "story_key", "entry_key", "position"}  # fmt: skip


# RawEntry fields that must be equal before normalisation too; summary_html and content_html are not: feedparser
# runs its HTML sanitizer over them and the fast path keeps the publisher's HTML (nh3 sanitises both downstream)
RAW_EQUAL = ("position", "guid", "link", "title", "published", "published_raw", "author")


def unexplained(body: bytes, content_type: str | None = None) -> list[tuple[str, object, object]]:
    found = [d for d in compare(body, content_type).differences if not d[0].endswith("(explained)")]
    try:
        fast, slow = parse_feed(body, content_type), parse_feed(body, content_type, fast=False)
    except ParseError:
        return found  # not a feed either way: compare() reports it if only one path failed
    for one, two in zip(fast.entries, slow.entries, strict=True):
        found += [(f"raw.{k}", getattr(one, k), getattr(two, k)) for k in RAW_EQUAL if getattr(one, k) != getattr(two, k)]
    return found


def test_the_comparison_covers_every_field_that_matters() -> None:
    assert set(ARTICLE_FIELDS) >= COMPARED
    assert set(EXPLAINED) == {"html"}  # every other field must be equal


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xml")), ids=lambda p: p.name)
def test_samples_take_the_fast_path_and_agree_with_feedparser(path: Path) -> None:
    body = path.read_bytes()
    assert parse_feed(body).parser == "fast"
    assert unexplained(body) == []


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.xml")), ids=lambda p: p.name)
def test_fixtures_agree_with_feedparser(path: Path) -> None:
    assert unexplained(path.read_bytes()) == []


def test_generated_rss_atom_and_rdf_take_the_fast_path_and_agree(tmp_path: Path) -> None:
    truth = generate(tmp_path, 3, 90, 3, 11)
    formats = {f["format"] for f in truth.files}
    assert formats == {"rss2", "atom", "rdf"}
    for item in truth.files:
        body = (tmp_path / item["path"]).read_bytes()
        result = compare(body)
        assert result.parser == "fast", (item, result.declined)
        assert result.entries == item["entries"]
        assert result.differences == [], item
        assert unexplained(body) == []


def test_a_different_parse_is_caught_field_by_field() -> None:
    body = (SAMPLES / "keel-and-rotor.xml").read_bytes()
    fast, slow = parse_feed(body), parse_feed(body, fast=False)
    assert fast.parser == "fast" and slow.parser == "feedparser"
    assert differences(fast, slow) == []
    first = fast.entries[0]
    changes = {
        "title": {"title": "Another title"},
        "text": {"summary_html": "<p>other</p>", "content_html": None},
        "url": {"link": "https://elsewhere.example/1"},
        "guid": {"guid": "other-guid"},
        "published_at": {"published": datetime(2020, 1, 1, tzinfo=UTC)},
        "author": {"author": "Someone Else"},
    }
    for name, change in changes.items():
        altered = dataclasses.replace(fast, entries=[dataclasses.replace(first, **change), *fast.entries[1:]])
        assert name in {d[0] for d in differences(altered, slow)}, name
    assert "feed.language" in {d[0] for d in differences(dataclasses.replace(fast, language="fr"), slow)}
    shorter = dataclasses.replace(fast, entries=fast.entries[1:])
    assert differences(shorter, slow)[-1][0] == "entries"


def rss(items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>', extra_ns: str = "") -> bytes:
    return (
        f'{head}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content='
        f'"http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/"{extra_ns}><channel>'
        "<title>t</title><link>https://outlet.example/</link><language>en-GB</language><ttl>30</ttl>"
        f"{items}</channel></rss>"
    ).encode()


def atom(entries: str, attrs: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"{attrs}>'
        '<title>t</title><id>tag:outlet.example,2026:feed</id><link rel="self" href="https://outlet.example/feed"/>'
        f'<link href="https://outlet.example/"/>{entries}</feed>'
    ).encode()


RDF = (
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
    b'<channel rdf:about="https://outlet.example/rdf"><title>t</title><link>https://outlet.example/</link>'
    b"<dc:language>pt-BR</dc:language><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>"
    b'</channel><item rdf:about="https://outlet.example/a/1"><title>Um &amp; dois</title><link>https://outlet.example/a/1'
    b"</link><description>&lt;p&gt;Corpo&lt;/p&gt;</description><dc:date>2026-10-12T08:00:00-03:00</dc:date>"
    b"<dc:creator>Ana Lima</dc:creator></item></rdf:RDF>"
)

# what the fast path must read exactly as feedparser does
ACCEPTED = {
    "rss: CDATA, entities, content:encoded, dc:creator": rss(
        "<item><title>NATO &amp; Poland: &quot;talks&quot; &lt;begin&gt;</title><link>https://outlet.example/1?a=1&amp;b=2"
        '</link><guid isPermaLink="false">id-1</guid><pubDate>Tue, 13 Oct 2026 08:30:00 +0800</pubDate>'
        "<dc:creator>Jane Roe</dc:creator><description><![CDATA[<p>Lead &amp; more</p>]]></description>"
        "<content:encoded><![CDATA[<p>Full <em>text</em> with <a href='/rel'>a relative link</a></p>]]></content:encoded>"
        "</item>"
    ),
    "rss: permalink guid stands in for a missing link; relative link; no date": rss(
        "<item><title>Two</title><guid>https://outlet.example/2</guid></item><item><title>Three</title><link>/3</link>"
        "<description>plain text &amp; an ampersand</description></item><item><title>Four</title>"
        "<link>https:///outlet.example/4?database=x</link></item>"
    ),
    "rss: double-escaped title, character references, author email": rss(
        "<item><title>Defence &amp;amp; security &#8211; &#x201C;quoted&#x201D;</title><link>https://outlet.example/4</link>"
        "<author>editor@outlet.example (Ed Itor)</author><pubDate>Mon, 12 Oct 2026 01:00:00 GMT</pubDate></item>"
    ),
    "rss: double-encoded UTF-8 and C1 controls (feedparser repairs both)": rss(
        "<item><title>Caf\u00c3\u00a9 \u0093quoted\u0094</title><link>https://outlet.example/5</link>"
        "<pubDate>Sat, Dec 16 2023 02:02:33 PM</pubDate></item>"
    ),
    "rss: dc:date only, odd date kept raw, media thumbnails ignored": rss(
        "<item><title>Six</title><link>https://outlet.example/6</link><dc:date>2026-10-12T08:00:00Z</dc:date>"
        '<media:thumbnail url="https://outlet.example/6.jpg"/><category>x</category></item>'
        "<item><title>Seven</title><link>https://outlet.example/7</link><pubDate>mer, 16 nov 2022 00:38:15 +0100</pubDate>"
        "</item>"
    ),
    "atom: html, text and default content, author name and email, id as link": atom(
        '<entry><title type="html">A &lt;b&gt;bold&lt;/b&gt; move</title><id>tag:outlet.example,2026:1</id>'
        '<link rel="alternate" type="text/html" href="https://outlet.example/1"/><link rel="enclosure" href="https://x.example/a.mp3"/>'
        "<published>2026-10-13T11:49:00-04:00</published><updated>2026-10-14T11:49:00-04:00</updated>"
        "<author><name>Callum Reyes</name><email>cr@outlet.example</email></author>"
        '<summary>Short</summary><content type="html">&lt;p&gt;Long &amp;amp; full&lt;/p&gt;</content></entry>'
        "<entry><title>Plain &lt;not a tag&gt;</title><id>https://outlet.example/2</id><updated>2026-10-13T00:00:00Z</updated>"
        '<content type="text">Text &amp; more</content></entry>'
        "<entry><title>No link</title><id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><content>x</content></entry>"
    ),
    "rdf: rdf:about, dc:date, dc:language, sy:*": RDF,
    "atom: dc:description and content:encoded are HTML by default there too": atom(
        '<entry><title>a</title><id>urn:1</id><dc:description xmlns:dc="http://purl.org/dc/elements/1.1/">&lt;p&gt;x '
        "&amp;amp; y&lt;/p&gt;</dc:description></entry><entry><title>b</title><id>urn:2</id><c:encoded "
        'xmlns:c="http://purl.org/rss/1.0/modules/content/">&lt;p&gt;z&lt;/p&gt;</c:encoded></entry>'
    ),
}

LATIN1 = (
    '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>t</title><link>https://outlet.example/</link>'
    "<item><title>Defesa: avi\u00e3o n\u00e3o tripulado \u0093x\u0094 \u00c3\u00a9 &#8217;</title><link>https://outlet.example/pt/1"
    "</link><description>&lt;p&gt;Cora\u00e7\u00e3o&lt;/p&gt;</description><pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate>"
    "</item></channel></rss>"
).encode("latin-1")
ACCEPTED["rss: ISO-8859-1, C1 bytes as cp1252, no double-UTF-8 repair"] = LATIN1

# what the fast path must hand to feedparser, with the reason it gives
DECLINED = {
    "DOCTYPE or entity declaration": rss("<item><title>&x;</title></item>").replace(
        b"<rss", b'<!DOCTYPE rss [<!ENTITY x "y">]><rss', 1
    ),
    "xml:base": atom('<entry xml:base="https://outlet.example/sub/"><title>t</title><link href="a"/><id>i</id></entry>'),
    "not well-formed": rss("<item><title>Tom & Jerry</title></item>"),
    "declared encoding windows-1251": rss("<item><title>t</title></item>", '<?xml version="1.0" encoding="windows-1251"?>'),
    "charset utf-8": b"",  # LATIN1 served as UTF-8: feedparser follows the header, not the declaration
    "RSS version 0.91": rss("<item><title>t</title></item>").replace(b'version="2.0"', b'version="0.91"'),
    "<media:title> nested in <media:content>": rss(
        '<item><media:content url="u"><media:title>Other</media:title></media:content><title>t</title></item>'
    ),
    "content type application/xhtml+xml": atom(
        '<entry><title>t</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></content></entry>'
    ),
    "<iframe> in description": rss("<item><title>t</title><description>&lt;iframe&gt;x&lt;/iframe&gt;</description></item>"),
    "markup inside <title>": rss("<item><title>a<!-- c -->b</title></item>"),
    "more than one author": rss("<item><title>t</title><dc:creator>A</dc:creator><dc:creator>B</dc:creator></item>"),
    "two <guid>": rss("<item><title>t</title><guid>a</guid><guid>b</guid></item>"),
    "no entries": rss(""),
    "root element html": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
}


@pytest.mark.parametrize("body", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_the_fast_path_reads_what_feedparser_reads(body: bytes) -> None:
    assert parse_feed(body).parser == "fast"
    assert unexplained(body) == []
    assert unexplained(body, "application/rss+xml; charset=utf-8") == []


@pytest.mark.parametrize(("reason", "body"), DECLINED.items(), ids=DECLINED.keys())
def test_what_the_fast_path_is_not_sure_of_goes_to_feedparser(reason: str, body: bytes) -> None:
    content_type = None
    if reason == "charset utf-8":
        body, content_type = LATIN1, "application/rss+xml; charset=utf-8"
    with pytest.raises(NotFast, match=reason.replace("(", r"\(").replace("+", r"\+")):
        read(body, content_type)
    assert unexplained(body, content_type) == []
    try:
        parsed = parse_feed(body, content_type)
    except ParseError:
        return  # feedparser's own verdict (ParseError), as before
    assert parsed.parser == "feedparser" and parsed.fast_declined and reason in parsed.fast_declined


def test_charsets_feedparser_would_override_go_to_feedparser() -> None:
    body = rss("<item><title>Caf\u00e9</title><link>https://outlet.example/1</link></item>")
    assert parse_feed(body, "application/rss+xml").parser == "fast"
    assert parse_feed(body, "text/xml").parser == "feedparser"  # RFC 3023: text/xml without charset is us-ascii
    assert parse_feed(body, "text/xml; charset=windows-1252").parser == "feedparser"
    assert parse_feed(body, "text/html").parser == "feedparser"


def test_fast_values_in_detail() -> None:
    parsed = parse_fast(ACCEPTED["rss: CDATA, entities, content:encoded, dc:creator"])
    entry = parsed.entries[0]
    assert (parsed.feed_link, parsed.language, parsed.ttl) == ("https://outlet.example/", "en-GB", "30")
    assert entry.title == 'NATO & Poland: "talks" <begin>'
    assert entry.link == "https://outlet.example/1?a=1&b=2" and entry.guid == "id-1"
    assert entry.published == datetime(2026, 10, 13, 0, 30, tzinfo=UTC)
    assert entry.summary_html == "<p>Lead &amp; more</p>" and entry.author == "Jane Roe"
    assert entry.content_html is not None and "<em>text</em>" in entry.content_html
    rdf = parse_fast(RDF)
    assert (rdf.language, rdf.sy_period, rdf.sy_frequency) == ("pt-BR", "hourly", "2")
    assert rdf.entries[0].guid == "https://outlet.example/a/1"
    assert rdf.entries[0].published == datetime(2026, 10, 12, 11, 0, tzinfo=UTC)
    feed = parse_fast(ACCEPTED["atom: html, text and default content, author name and email, id as link"])
    assert feed.language == "de" and feed.feed_link == "https://outlet.example/"
    assert [e.link for e in feed.entries] == ["https://outlet.example/1", "https://outlet.example/2",
                                             "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"]  # fmt: skip
    assert feed.entries[0].author == "Callum Reyes (cr@outlet.example)"


def test_normalised_articles_compare_every_field() -> None:
    parsed = parse_feed((SAMPLES / "pacific-sentinel.xml").read_bytes())
    normalised = [a for a in articles(parsed) if isinstance(a, Article)]
    assert len(normalised) == len(parsed.entries)
    assert all(getattr(a, name) is not None for a in normalised for name in ("title", "text", "url", "published_at"))


# Random feeds from pieces that exercise feedparser's rules (entities, CDATA, double escaping, C1 characters,
# double-encoded UTF-8, relative and odd links, permalink guids, dates it can and cannot read, authors, types).
PIECES = ["NATO", " &amp; ", "&lt;b&gt;x&lt;/b&gt;", "<![CDATA[<i>y</i> & z]]>", "caf\u00e9", "\u0093q\u0094", "\u00c3\u00a9",
          "&#8217;", "&#150;", "  ", "\n", "Київ", "&amp;amp;", "&amp;nbsp;", "&lt;p&gt;", "&lt;/p&gt;", "a &lt; b", "&quot;",
          '&lt;img src="/x.png" alt="a" width="1"&gt;', '&lt;a href="rel/p?a=1&amp;amp;b=2"&gt;l&lt;/a&gt;', "&lt;br/&gt;",
          "&#x201C;", "&gt;"]  # fmt: skip
DATES = ["Tue, 13 Oct 2026 08:30:00 +0800", "2026-10-12T08:00:00Z", "2026-10-12T08:00:00.123+02:00", "2026-10-12", "",
         "mer, 16 nov 2022 00:38:15 +0100", "Sat, Dec 16 2023 02:02:33 PM", " 2026-10-12T08:00:00Z ", "garbage",
         "12 Oct 2026 08:00 EST", "2026-13-45T99:99:99Z"]  # fmt: skip
LINKS = ["https://o.example/a", "/rel", "rel", "https://o.example/a?x=1&amp;y=2", "https://WWW.o.example/a?utm_source=x",
         "  https://o.example/sp  ", "javascript:x", "https:///o.example/a", "", "https://o.example/a#frag",
         "tag:o.example,2026:1"]  # fmt: skip
AUTHORS = ["Jane Roe", "jane@o.example (Jane Roe)", "jane@o.example", " J\u00f6rg ", "<![CDATA[Ann & Bo]]>", ""]
text = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
optional = st.none() | st.just(True)


@st.composite
def rss_item(draw: st.DrawFn) -> str:
    parts = [
        f"<title>{draw(text)}</title>" if draw(optional) else "",
        f"<link>{draw(st.sampled_from(LINKS))}</link>" if draw(optional) else "",
        f'<guid isPermaLink="{draw(st.sampled_from(["true", "false", "True"]))}">{draw(st.sampled_from(LINKS))}</guid>'
        if draw(optional) else "",
        f"<pubDate>{draw(st.sampled_from(DATES))}</pubDate>" if draw(optional) else "",
        f"<dc:date>{draw(st.sampled_from(DATES))}</dc:date>" if draw(optional) else "",
        f"<dc:creator>{draw(st.sampled_from(AUTHORS))}</dc:creator>" if draw(optional) else "",
        f"<description>{draw(text)}</description>" if draw(optional) else "",
        f"<content:encoded>{draw(text)}</content:encoded>" if draw(optional) else "",
        f'<atom:link rel="{draw(st.sampled_from(["alternate", "self"]))}" href="{draw(st.sampled_from(LINKS[:4]))}"/>'
        if draw(optional) else "",
    ]  # fmt: skip
    return "<item>" + "".join(draw(st.permutations(parts))) + "</item>"


@st.composite
def atom_entry(draw: st.DrawFn) -> str:
    kind = st.sampled_from(['type="text"', 'type="html"', ""])
    parts = [
        f"<id>{draw(st.sampled_from(LINKS))}</id>",
        f"<title {draw(kind)}>{draw(text)}</title>" if draw(optional) else "",
        f'<link rel="{draw(st.sampled_from(["alternate", "self"]))}" href="{draw(st.sampled_from(LINKS[:4]))}"/>'
        if draw(optional) else "",
        f'<link href="{draw(st.sampled_from(LINKS[:4]))}"/>' if draw(optional) else "",
        f"<published>{draw(st.sampled_from(DATES))}</published>" if draw(optional) else "",
        f"<updated>{draw(st.sampled_from(DATES))}</updated>" if draw(optional) else "",
        f"<author><name>{draw(st.sampled_from(AUTHORS))}</name>{'<email>e@o.example</email>' * draw(st.booleans())}</author>"
        if draw(optional) else "",
        f"<summary {draw(kind)}>{draw(text)}</summary>" if draw(optional) else "",
        f"<content {draw(kind)}>{draw(text)}</content>" if draw(optional) else "",
    ]  # fmt: skip
    return "<entry>" + "".join(draw(st.permutations(parts))) + "</entry>"


random_feeds = st.one_of(
    st.lists(rss_item(), min_size=1, max_size=3).map(
        lambda items: rss("".join(items), extra_ns=' xmlns:atom="http://www.w3.org/2005/Atom"')
    ),
    st.lists(atom_entry(), min_size=1, max_size=3).map(lambda entries: atom("".join(entries))),
)


@settings(max_examples=80, deadline=None)
@given(random_feeds)
def test_random_feeds_agree_with_feedparser(body: bytes) -> None:
    assert parse_feed(body).parser == "fast"
    assert unexplained(body) == []
