from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.identity import Identity, NoIdentity, assign, trusted_guids
from ingest.language import normalise_tag
from ingest.language import resolve as resolve_language
from ingest.models import RawEntry
from ingest.normalize import canonical_url, html_to_text, normalise_entry, resolve_date, story_key

FETCHED = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Example.COM/a/b?utm_source=rss&utm_medium=feed#frag", "https://example.com/a/b"),
        ("https://example.com:443/x?b=2&a=1&fbclid=abc", "https://example.com/x?a=1&b=2"),
        ("http://m.example.org:8080/story?id=7&gclid=z", "http://example.org:8080/story?id=7"),
        ("https://amp.news.example/", "https://news.example/"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_canonical_url_strips_tracking_and_noise(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_relative_link_resolved_against_base() -> None:
    assert (
        canonical_url("/world/story-1?utm_campaign=x", "https://www.outlet.example/feed/")
        == "https://outlet.example/world/story-1"
    )


def test_html_to_text_breaks_after_blocks_and_straightens_quotes() -> None:
    html = "<p>Poland</p><p>Taiwan&#8217;s <b>navy</b></p><script>evil()</script><ul><li>one</li><li>two</li></ul>"
    assert html_to_text(html) == "Poland\nTaiwan's navy\none\ntwo"


def test_html_to_text_plain_text_passes_through() -> None:
    assert html_to_text("  Xi\u00a0Jinping  said  ") == "Xi Jinping said"


def test_dates_missing_and_future_are_repaired_with_a_flag() -> None:
    assert resolve_date(None, FETCHED) == (FETCHED, "missing")
    assert resolve_date(FETCHED + timedelta(days=3), FETCHED) == (FETCHED, "future_clamped")
    past = FETCHED - timedelta(days=2)
    assert resolve_date(past, FETCHED) == (past, None)


def _entry(**kw: object) -> RawEntry:
    base: dict[str, object] = dict(position=0, guid=None, link=None, title="T", summary_html=None, content_html=None,
                                   published=None, author=None)  # fmt: skip
    base.update(kw)
    return RawEntry(**base)  # type: ignore[arg-type]


def test_same_story_with_different_tracking_params_gets_one_id() -> None:
    (a,) = assign([_entry(link="https://wire.example/s?utm_source=a")], "f1", None)
    (b,) = assign([_entry(link="https://www.wire.example/s?utm_source=b#top")], "f2", None)
    assert isinstance(a, Identity) and isinstance(b, Identity)
    assert a.article_id == b.article_id and a.url == "https://wire.example/s"


def test_a_repeated_guid_is_not_trusted_and_loses_no_entry() -> None:
    entries = [_entry(position=i, guid="cms-item-0", link=f"https://a.example/{i}") for i in range(20)]
    ids = assign(entries, "f", None)
    assert len({i.article_id for i in ids if isinstance(i, Identity)}) == 20
    assert trusted_guids(entries) == set()


def test_more_than_5_percent_bad_guids_distrusts_the_whole_feed() -> None:
    good = [_entry(guid=f"g{i}", link=f"https://a.example/{i}") for i in range(19)]
    assert len(trusted_guids(good + [_entry(guid="g0", link="https://a.example/x")])) == 0  # 2 of 20 bad: 10%
    many = [_entry(guid=f"g{i}") for i in range(40)] + [_entry(guid=None)]  # 1 of 41 bad: 2.4%
    assert len(trusted_guids(many)) == 40


def test_a_link_shared_by_many_entries_falls_back_to_link_date_then_title() -> None:
    day = FETCHED - timedelta(days=1)
    entries = [
        _entry(link="https://a.example/", published=day, title="one"),
        _entry(link="https://a.example/", published=FETCHED, title="two"),
        _entry(link="https://a.example/", published=FETCHED, title="three"),
    ]
    ids = [i for i in assign(entries, "f", None) if isinstance(i, Identity)]
    assert [i.key for i in ids] == ["url+date", "url+date+title", "url+date+title"]
    assert len({i.article_id for i in ids}) == 3


def test_an_entry_without_a_usable_link_has_no_identity() -> None:
    for entry in (_entry(guid="urn:1"), _entry(title=None), _entry(link="javascript:alert(1)"), _entry(link="ftp://a/b")):
        (ident,) = assign([entry], "f", None)
        assert isinstance(ident, NoIdentity) and "no usable http(s) link" in str(ident)


def test_a_link_urllib_cannot_split_is_no_link_and_fails_nothing_else() -> None:
    """An unclosed IPv6 host made urljoin raise, and the whole payload (every other entry) failed with it."""
    entries = [_entry(link="http://[::1/x", title="broken"), _entry(link="https://a.example/ok", title="fine"),
               _entry(link="http://[::1/y", guid="https://a.example/by-guid", title="guid"),
               _entry(link="http://a.example:99999/x", title="port"),
               _entry(link="http://a.example:abc/x", title="port")]  # fmt: skip
    broken, fine, by_guid, *bad_ports = assign(entries, "f", "https://a.example/")
    assert isinstance(broken, NoIdentity) and "no usable http(s) link" in str(broken)
    assert all(isinstance(i, NoIdentity) for i in bad_ports)  # they passed the suite's URL shape, and loaded
    assert isinstance(fine, Identity) and fine.url == "https://a.example/ok"
    assert isinstance(by_guid, Identity) and by_guid.url == "https://a.example/by-guid"
    absolute, relative = assign([_entry(link="https://a.example/abs"), _entry(link="/rel")], "f", "http://[::1")
    assert isinstance(absolute, Identity) and absolute.url == "https://a.example/abs"  # a broken base: the feed's link
    assert isinstance(relative, NoIdentity)


def test_a_permalink_guid_serves_as_the_link() -> None:
    (ident,) = assign([_entry(guid="https://a.example/story?utm_medium=rss")], "f", None)
    assert isinstance(ident, Identity) and ident.url == "https://a.example/story"


def test_normalised_article_keeps_sanitised_html_apart_from_text() -> None:
    html = '<p onclick="x()">Poland <script>bad()</script><a href="javascript:alert(1)">link</a></p>'
    entry = _entry(link="https://a.example/1", content_html=html)
    (ident,) = assign([entry], "f", None)
    assert isinstance(ident, Identity)
    article = normalise_entry(entry, ident, feed_id="f", language="EN", payload_sha256="x", fetched_at=FETCHED)
    assert article.text == "Poland link"
    assert "script" not in article.html and "onclick" not in article.html and "javascript" not in article.html
    assert article.language == "en" and article.date_flag == "missing"


@pytest.mark.parametrize(
    ("raw", "expected", "flag"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC), None),
        ("mer, 16 nov 2022 00:38:15 +0100", datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC), None),
        ("Sat, Dec 16 2023 02:02:33 PM", datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC), "zone_assumed"),
        ("Wed, 17 Jan 2018 15:50:00 EST", datetime(2018, 1, 17, 20, 50, tzinfo=UTC), None),
        ("not a date", FETCHED, "missing"),
    ],
)
def test_non_rfc_dates_are_read(raw: str, expected: datetime, flag: str | None) -> None:
    assert resolve_date(None, FETCHED, raw) == (expected, flag)


@pytest.mark.parametrize("raw", ["9999-12-31T23:59:59-23:59", "Sun, 31 Dec 9999 23:59:59 -2400", "0001-01-01T00:00:00+00:01"])
def test_a_date_that_has_no_utc_time_is_missing_not_a_crash(raw: str) -> None:
    """dateutil read these, then astimezone(UTC) raised (OverflowError past year 9999 or before year 1, ValueError
    for a 24-hour zone) outside parse_loose_date's try, and the whole payload failed in process_payload."""
    assert resolve_date(None, FETCHED, raw) == (FETCHED, "missing")


def test_language_hint_normalised_and_overridden_only_on_a_clear_mismatch() -> None:
    italian = (
        "Il ministro della difesa ha incontrato gli alleati della NATO per discutere del sostegno all'Ucraina e delle spese."
    )
    assert resolve_language("en", italian) == ("it", "it")
    english = "NATO allies met in Warsaw as Poland raised defence spending to four percent of its gross domestic product."
    assert resolve_language("en-us", english) == ("en-US", "en")
    assert resolve_language("IT-it", "short") == ("it-IT", None)  # too short to judge: the hint stands
    assert normalise_tag("not a tag!") is None


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_canonical_url_never_raises_and_is_idempotent(text: str) -> None:
    once = canonical_url(text)
    assert canonical_url(once) == once


@given(
    st.from_regex(
        r"https?://(www\.|m\.)?[a-z]{1,10}\.example(:[1-9][0-9]{1,3})?/[a-z0-9/]{0,20}(\?[a-z_]{1,8}=[a-z0-9]{0,5})?(#x)?",
        fullmatch=True,
    )
)
@settings(max_examples=300, deadline=None)
def test_canonical_url_of_real_urls_is_idempotent_and_clean(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "#" not in once and "utm_" not in once
    # "www." goes when a name follows it; in "www.example" it is the name itself (www.com is not com)
    assert "://www." not in once or once.split("/")[2].split(":")[0] == "www.example"


def test_story_key_ignores_case_and_punctuation() -> None:
    assert story_key("NATO warns: Xi could enlist Putin") == story_key("Nato warns Xi could enlist Putin!")
    assert story_key("a") != story_key("b")
