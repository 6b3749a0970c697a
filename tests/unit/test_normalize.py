from datetime import UTC, datetime, timedelta

import pytest

from ingest.models import RawEntry
from ingest.normalize import NormaliseError, canonical_url, html_to_text, normalise_entry, resolve_date, story_key

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
    base: dict[str, object] = dict(
        position=0, guid=None, link=None, title="T", summary_html=None, content_html=None, published=None, author=None
    )
    base.update(kw)
    return RawEntry(**base)  # type: ignore[arg-type]


def test_same_story_with_different_tracking_params_gets_one_id() -> None:
    common = dict(feed_id="f", base_url=None, language="en", payload_sha256="x", fetched_at=FETCHED)
    a = normalise_entry(_entry(link="https://wire.example/s?utm_source=a"), **common)  # type: ignore[arg-type]
    b = normalise_entry(_entry(link="https://www.wire.example/s?utm_source=b#top"), **common)  # type: ignore[arg-type]
    assert a.article_id == b.article_id
    assert a.url == "https://wire.example/s"


def test_guid_is_the_fallback_identity_and_no_identity_is_an_error() -> None:
    common = dict(feed_id="f", base_url=None, language=None, payload_sha256="x", fetched_at=FETCHED)
    by_guid = normalise_entry(_entry(guid="urn:1"), **common)  # type: ignore[arg-type]
    assert by_guid.article_id and by_guid.url == ""
    with pytest.raises(NormaliseError):
        normalise_entry(_entry(), **common)  # type: ignore[arg-type]


def test_story_key_ignores_case_and_punctuation() -> None:
    assert story_key("NATO warns: Xi could enlist Putin") == story_key("Nato warns Xi could enlist Putin!")
    assert story_key("a") != story_key("b")
