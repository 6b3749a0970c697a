"""The polling policy, rule by rule (pure functions, no clock but the one passed in)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from ingest.models import Feed, FeedState, FetchResult
from ingest.polling import (
    DAY_S,
    DEFAULT_INTERVAL_S,
    MIN_INTERVAL_S,
    Observation,
    adapt_interval,
    failure_class,
    feed_ttl_s,
    is_due,
    is_muted,
    max_age,
    next_state,
    seconds_until,
    validators_for,
)

NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
FEED = Feed(id="f", url="https://a.example/feed", publisher="A")


def result(**kw: object) -> FetchResult:
    base: dict[str, object] = dict(feed_id="f", url=FEED.url, requested_at=NOW, outcome="ok", status_code=200)
    base.update(kw)
    return FetchResult(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error_class", "expected"),
    [(None, None), ("http_404", "soft"), ("http_429", "soft"), ("http_503", "soft"), ("timeout", "soft"),
     ("tls_error", "soft"), ("unknown_host", "soft"), ("too_many_redirects", "soft"), ("parse_error", "soft"),
     ("dns_temporary", "temporary"), ("http_403", "hard"), ("blocked_address", "hard"), ("body_too_large", "hard")],
)  # fmt: skip
def test_failure_classes(error_class: str | None, expected: str | None) -> None:
    assert failure_class(error_class) == expected


def test_scores_add_up_by_class_and_reset_on_success() -> None:
    state = None
    for error_class, score in (("timeout", 0.5), ("dns_temporary", 0.75), ("http_403", 1.75)):
        state = next_state(FEED, state, result(outcome="error", status_code=None, error_class=error_class), Observation(), NOW)
        assert state.failure_score == score and state.status == "failing"
    assert state is not None and state.consecutive_failures == 3
    healed = next_state(FEED, state, result(sha256="x"), Observation(seen_share=0.0, new_entries=3), NOW)
    assert (healed.failure_score, healed.consecutive_failures, healed.status, healed.last_error) == (0.0, 0, "ok", None)


def test_backoff_is_linear_in_the_score_and_capped_at_a_day() -> None:
    state = FeedState(feed_id="f", url=FEED.url, poll_interval_s=3600, failure_score=1.5)
    after = next_state(FEED, state, result(outcome="error", error_class="http_500", status_code=500), Observation(), NOW)
    assert after.next_poll_at == NOW + timedelta(seconds=3600 * (1 + 2.0))
    worn = FeedState(feed_id="f", url=FEED.url, poll_interval_s=7200, failure_score=40)
    assert next_state(
        FEED, worn, result(outcome="error", error_class="timeout"), Observation(), NOW
    ).next_poll_at == NOW + timedelta(seconds=DAY_S)


def test_retry_after_is_honoured_capped_and_jittered_on_429() -> None:
    rng = random.Random(7)
    r = result(outcome="error", error_class="http_503", status_code=503, retry_after="7200")
    assert next_state(FEED, None, r, Observation(), NOW).next_poll_at == NOW + timedelta(seconds=7200)
    r = result(outcome="error", error_class="http_503", status_code=503, retry_after=str(30 * DAY_S))
    assert next_state(FEED, None, r, Observation(), NOW).next_poll_at == NOW + timedelta(seconds=DAY_S)
    r = result(outcome="error", error_class="http_429", status_code=429, retry_after="3000")
    delays = {(next_state(FEED, None, r, Observation(), NOW, rng).next_poll_at - NOW).total_seconds() for _ in range(20)}  # type: ignore[operator]
    assert min(delays) >= 3000 and max(delays) <= 3600 and len(delays) > 1


def test_410_mutes_until_the_catalog_url_changes() -> None:
    muted = next_state(FEED, None, result(outcome="error", error_class="http_410", status_code=410), Observation(), NOW)
    assert muted.status == "muted" and muted.next_poll_at is None and "410" in (muted.last_error or "")
    assert is_muted(FEED, muted) and not is_due(FEED, muted, NOW + timedelta(days=30))
    moved = Feed(id="f", url="https://a.example/new-feed", publisher="A")
    assert not is_muted(moved, muted) and is_due(moved, muted, NOW)


def test_permanent_redirect_moves_the_url_for_that_catalog_url_only() -> None:
    r = result(final_url="https://b.example/feed", permanent_redirect=True, sha256="s")
    state = next_state(FEED, None, r, Observation(), NOW)
    assert (state.url, state.redirected_from) == ("https://b.example/feed", FEED.url)
    temporary = next_state(FEED, None, result(final_url="https://b.example/feed", sha256="s"), Observation(), NOW)
    assert temporary.url == FEED.url


def test_validators_are_dropped_every_12_hours_and_on_expires_0() -> None:
    state = FeedState(feed_id="f", url=FEED.url, etag='"1"', last_modified="x", last_sha256="s", last_unconditional_at=NOW)
    assert validators_for(state, NOW + timedelta(hours=1)).etag == '"1"'
    forced = validators_for(state, NOW + timedelta(hours=12))
    assert (forced.etag, forced.last_modified, forced.last_sha256) == (None, None, "s")
    lying = next_state(FEED, None, result(etag='"2"', expires="0", sha256="t"), Observation(), NOW)
    assert lying.etag is None and lying.last_modified is None and lying.last_sha256 == "t"


def test_interval_adapts_to_new_entries_and_publisher_hints() -> None:
    assert adapt_interval(3600, 1.0, None) == 5400  # nothing new: poll less
    assert adapt_interval(3600, 0.2, None) == 1800  # mostly new: poll more
    assert adapt_interval(3600, 0.7, None) == 3600
    assert adapt_interval(600, 0.0, None) == MIN_INTERVAL_S  # floor
    assert adapt_interval(80_000, 1.0, None) == DAY_S  # ceiling
    assert adapt_interval(900, 0.0, 7200) == 7200  # the publisher asks for no more than every 2 h
    assert feed_ttl_s("60", None, None) == 3600
    assert feed_ttl_s(None, "hourly", "2") == 1800 and feed_ttl_s(None, "daily", None) == DAY_S
    assert max_age("public, max-age=1200") == 1200 and max_age("no-cache") is None
    assert seconds_until("120", NOW) == 120
    assert seconds_until("Tue, 20 Oct 2026 13:00:00 GMT", NOW) == 3600
    assert seconds_until("garbage", NOW) is None


def test_a_ttl_or_update_frequency_that_is_no_whole_number_is_no_hint() -> None:
    """A ttl of "²" passed str.isdigit, int() refused it, and the ValueError failed the whole payload (process_payload)."""
    assert feed_ttl_s("²", None, None) is None and feed_ttl_s("9" * 5000, None, None) is None  # past int()'s digits
    assert feed_ttl_s(" \u0663\u0660 ", None, None) == 1800  # Arabic-Indic digits are digits
    assert feed_ttl_s("-1", None, None) is None and feed_ttl_s("1e9", None, None) is None
    assert feed_ttl_s(None, "hourly", "²") == 3600 and feed_ttl_s(None, "hourly", "0") == 3600
    assert feed_ttl_s("abc", "daily", "-2") == DAY_S


def test_catalog_poll_minutes_overrides_the_adaptive_interval() -> None:
    fixed = Feed(id="f", url=FEED.url, publisher="A", poll_minutes=45)
    state = next_state(fixed, None, result(cache_control="max-age=86400", sha256="s"), Observation(seen_share=1.0), NOW)
    assert state.poll_interval_s == 2700 and state.next_poll_at == NOW + timedelta(minutes=45)


def test_not_modified_counts_as_all_seen_and_keeps_validators() -> None:
    state = FeedState(feed_id="f", url=FEED.url, etag='"1"', poll_interval_s=DEFAULT_INTERVAL_S, status="ok")
    after = next_state(FEED, state, result(outcome="not_modified", status_code=304), Observation(), NOW)
    assert after.etag == '"1"' and after.poll_interval_s == DEFAULT_INTERVAL_S * 1.5
