import gzip

import pytest

from ingest.parse import ParseError, parse_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title><link>https://outlet.example/</link>
<item><title>One</title><link>https://outlet.example/1</link><guid>g1</guid>
<pubDate>Tue, 13 Oct 2026 08:30:00 +0800</pubDate><description>&lt;p&gt;Body&lt;/p&gt;</description></item>
<item><title>Two</title><link>/2</link></item>
</channel></rss>"""


def test_rss_entries_with_utc_dates_and_positions() -> None:
    parsed = parse_feed(RSS, "application/rss+xml")
    assert [e.title for e in parsed.entries] == ["One", "Two"]
    first = parsed.entries[0]
    assert first.published is not None and first.published.isoformat() == "2026-10-13T00:30:00+00:00"
    assert first.summary_html == "<p>Body</p>"
    assert parsed.entries[1].published is None
    assert [e.position for e in parsed.entries] == [0, 1]
    assert parsed.feed_link == "https://outlet.example/"


def test_gzip_without_content_encoding_is_undone() -> None:
    assert len(parse_feed(gzip.compress(RSS)).entries) == 2


def test_truncated_feed_is_an_error_not_an_empty_feed() -> None:
    with pytest.raises(ParseError, match="not a usable feed"):
        parse_feed(RSS[: RSS.index(b"<item>")] + b"<item><title>cut")


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(ParseError):
        parse_feed(b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")


def test_gb2312_label_is_read_as_gb18030() -> None:
    # 镕 (U+9555) is outside GB2312: publishers who label GB2312 still send it
    title = "朱镕基谈台湾海峡"
    body = (
        '<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{title}</title><link>https://news.example/1</link></item></channel></rss>"
    ).encode("gb18030")
    assert parse_feed(body).entries[0].title == title
    assert parse_feed(body, "text/xml; charset=GB2312").entries[0].title == title


def test_windows_1251_and_undeclared_latin1_decode() -> None:
    cyr = '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>t</title><item><title>Минобороны России</title><link>https://a.example/1</link></item></channel></rss>'
    assert parse_feed(cyr.encode("cp1251")).entries[0].title == "Минобороны России"
    latin = '<rss version="2.0"><channel><title>t</title><item><title>Defesa: avião não tripulado</title><link>https://a.example/2</link></item></channel></rss>'
    assert parse_feed(latin.encode("latin-1")).entries[0].title == "Defesa: avião não tripulado"


def test_well_formed_rss_takes_the_fast_path_with_the_same_entries() -> None:
    fast, slow = parse_feed(RSS), parse_feed(RSS, fast=False)
    assert (fast.parser, slow.parser) == ("fast", "feedparser")
    assert fast.fast_declined is None and slow.fast_declined is None
    assert fast.entries == slow.entries
    assert (fast.feed_link, fast.language, fast.bozo) == (slow.feed_link, slow.language, slow.bozo)


def test_gzip_body_takes_the_fast_path_after_gunzip() -> None:
    assert parse_feed(gzip.compress(RSS)).parser == "fast"


def test_entity_declarations_never_reach_the_fast_path() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><rss version="2.0"><channel><title>&lol3;</title>'
        b"<item><title>&lol3;</title><link>https://a.example/1</link></item></channel></rss>"
    )
    xxe = RSS.replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY leak SYSTEM "file:///etc/passwd">]><rss', 1).replace(b"One", b"&leak;")
    for body in (laughs, xxe):
        try:
            parsed = parse_feed(body)
        except ParseError:
            continue  # feedparser's verdict, as before the fast path
        assert parsed.parser == "feedparser"
        assert parsed.fast_declined == "DOCTYPE or entity declaration"
        assert all("root:" not in (e.title or "") for e in parsed.entries)  # no external entity read


def test_truncated_and_non_feed_bodies_fall_back_and_fail_as_before() -> None:
    cut = RSS[: RSS.index(b"<item>")] + b"<item><title>cut"
    with pytest.raises(ParseError, match="not a usable feed"):
        parse_feed(cut)
    with pytest.raises(ParseError):
        parse_feed(b"<html><body><h1>502 Bad Gateway</h1></body></html>")


def test_a_doctype_after_a_long_prolog_is_found_on_the_parsed_tree() -> None:
    prolog = b'<?xml version="1.0"?><!--' + b"x" * 6000 + b"-->"
    xxe = prolog + RSS.split(b"?>", 1)[1].replace(
        b"<rss", b'<!DOCTYPE rss [<!ENTITY leak SYSTEM "file:///etc/passwd">]><rss', 1
    ).replace(b"One", b"&leak;")
    laughs = prolog + (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode() for i in range(1, 10)
        )
        + b']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://a.example/1</link></item>'
        + b"</channel></rss>"
    )
    for body in (xxe, laughs):
        try:
            parsed = parse_feed(body)
        except ParseError:
            continue
        assert parsed.parser == "feedparser" and parsed.fast_declined
        assert all("root:" not in (e.title or "") and "lollollol" not in (e.title or "") for e in parsed.entries)


def test_an_unknown_datetime_element_is_not_taken_for_the_converted_date() -> None:
    """feedparser keeps an unknown <datetime> element's text under the key the fast path uses for its date."""
    body = b"""<?xml version="1.0"?><rss version="0.92"><channel><title>t</title>
    <item><title>One</title><link>https://outlet.example/1</link><datetime>yesterday</datetime>
    <pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"""
    parsed = parse_feed(body)
    assert parsed.parser == "feedparser"  # RSS 0.92 is left to feedparser
    assert parsed.entries[0].published is not None and parsed.entries[0].published.isoformat() == "2026-11-02T10:00:00+00:00"


def test_a_utf8_byte_order_mark_with_a_latin1_declaration_is_left_to_feedparser() -> None:
    body = b'\xef\xbb\xbf<?xml version="1.0" encoding="iso-8859-1"?>' + RSS.split(b"?>", 1)[1]
    assert parse_feed(body).parser == "feedparser"


def test_a_character_reference_to_a_lone_surrogate_costs_only_its_own_text() -> None:
    """ "&#xD800;" is not well-formed (feedparser reads the body); feedparser's charref handler raised
    UnicodeEncodeError on it, and the whole body became a parse error, every entry lost."""
    body = RSS.replace(b"<title>One</title>", b"<title>&#xD800;One &#55296;</title>")
    parsed = parse_feed(body, "application/rss+xml")
    assert parsed.parser == "feedparser" and [e.title for e in parsed.entries] == ["\ufffdOne \ufffd", "Two"]
