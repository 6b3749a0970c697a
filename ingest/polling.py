"""When to poll a feed next, and how to read a failure: pure functions over `FeedState`.

After Media Cloud's rss-fetcher and Miniflux: a failure adds to a score by its class
(hard +1, soft +0.5, temporary +0.25) and the next poll backs off linearly with the
score, capped at a day; `Retry-After` is always honoured (capped at a day, with
jitter on 429); a 410 mutes the feed, loudly. A healthy feed's interval follows the
publisher's hints (RSS `ttl`, `sy:updatePeriod`, `Cache-Control: max-age`, `Expires`)
and how much of what it served was new, clamped between a floor and a day; a
catalog `poll_minutes` fixes it. Validators are dropped for one unconditional fetch
every 12 hours, because servers get ETags wrong.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from ingest.models import Feed, FeedState, FetchResult, Validators

DAY_S = 86_400
DEFAULT_INTERVAL_S = 900
MIN_INTERVAL_S = 300
UNCONDITIONAL_EVERY = timedelta(hours=12)
WEIGHTS = {"hard": 1.0, "soft": 0.5, "temporary": 0.25}
SOFT_CLASSES = frozenset({"timeout", "connect_error", "unknown_host", "tls_error", "too_many_redirects", "parse_error",
                          "http_404", "http_408", "http_429", "empty_body"})  # fmt: skip
TEMPORARY_CLASSES = frozenset({"dns_temporary"})
SY_PERIOD_S = {"hourly": 3600, "daily": DAY_S, "weekly": 7 * DAY_S, "monthly": 30 * DAY_S, "yearly": 365 * DAY_S}


def failure_class(error_class: str | None) -> str | None:
    """hard, soft or temporary; None for a success."""
    if error_class is None:
        return None
    if error_class in TEMPORARY_CLASSES:
        return "temporary"
    if error_class in SOFT_CLASSES or error_class.startswith("http_5"):
        return "soft"
    return "hard"


def current_url(feed: Feed, state: FeedState | None) -> str:
    """The catalog URL, unless a permanent redirect moved this very catalog URL elsewhere."""
    if state and state.redirected_from == feed.url and state.url:
        return state.url
    return feed.url


def validators_for(state: FeedState | None, now: datetime) -> Validators:
    if state is None:
        return Validators()
    forced = state.last_unconditional_at is None or now - state.last_unconditional_at >= UNCONDITIONAL_EVERY
    if forced:
        return Validators(last_sha256=state.last_sha256)
    return Validators(state.etag, state.last_modified, state.last_sha256)


def is_muted(feed: Feed, state: FeedState | None) -> bool:
    """Muted by a 410 at the URL we would poll; a new catalog URL unmutes it."""
    return state is not None and state.status == "muted" and current_url(feed, state) == state.url


def is_due(feed: Feed, state: FeedState | None, now: datetime) -> bool:
    if state is not None and state.status == "muted":
        return not is_muted(feed, state)
    return state is None or state.next_poll_at is None or state.next_poll_at <= now


def seconds_until(header_value: str | None, now: datetime) -> int | None:
    """`Retry-After` / `Expires`: delta-seconds or an HTTP date, as seconds from now."""
    if not header_value:
        return None
    value = header_value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, int((when - now).total_seconds()))


def max_age(cache_control: str | None) -> int | None:
    for part in (cache_control or "").split(","):
        key, _, value = part.strip().partition("=")
        if key.lower() == "max-age" and value.strip().isdigit():
            return int(value)
    return None


def publisher_hint_s(result: FetchResult, ttl_s: int | None, now: datetime) -> int | None:
    """The longest interval the publisher asks for (feed ttl/sy, Cache-Control, Expires)."""
    hints = [ttl_s, max_age(result.cache_control), seconds_until(result.expires, now)]
    known = [h for h in hints if h]
    return max(known) if known else None


def feed_ttl_s(ttl: str | None, sy_period: str | None, sy_frequency: str | None) -> int | None:
    """RSS `<ttl>` (minutes) or `sy:updatePeriod` / `sy:updateFrequency`, in seconds."""
    values = []
    minutes = _whole(ttl)
    if minutes is not None:
        values.append(minutes * 60)
    period = SY_PERIOD_S.get((sy_period or "").strip().lower())
    if period:
        values.append(period // (_whole(sy_frequency) or 1))
    return max(values) if values else None


def _whole(text: str | None) -> int | None:
    """A whole number written in decimal digits (any script's: int() reads them), else None.

    Not `str.isdigit`: it passes "²" and "①", which int() refuses, and a publisher's "<ttl>²</ttl>"
    failed the whole payload. Past int()'s 4,300 digits it is no number either."""
    digits = (text or "").strip()
    if not digits.isdecimal():
        return None
    try:
        return int(digits)
    except ValueError:
        return None


def _clamp(seconds: float, floor: int = MIN_INTERVAL_S) -> int:
    return int(min(DAY_S, max(floor, seconds)))


def adapt_interval(previous_s: int, seen_share: float | None, hint_s: int | None) -> int:
    """Poll less when everything served was already seen, more when most of it was new."""
    interval = float(previous_s)
    if seen_share is not None:
        if seen_share >= 1.0:
            interval *= 1.5
        elif seen_share < 0.5:
            interval /= 2
    if hint_s:
        interval = max(interval, hint_s)
    return _clamp(interval)


@dataclasses.dataclass(frozen=True)
class Observation:
    """What the loader learnt about a feed in this batch, beyond the fetch itself."""

    ttl_s: int | None = None
    seen_share: float | None = None  # share of parsed entries already in the warehouse
    new_entries: int = 0
    parse_error: str | None = None


def next_state(feed: Feed, state: FeedState | None, result: FetchResult, seen: Observation, now: datetime,
               rng: random.Random | None = None) -> FeedState:  # fmt: skip
    """The feed's state after this attempt: validators, failure score, status and next poll."""
    rng = rng or random.Random()
    base = state or FeedState(feed_id=feed.id, url=feed.url)
    s = dataclasses.replace(base, url=result.url, last_fetch_at=result.requested_at, last_status_code=result.status_code)
    error_class = result.error_class or ("parse_error" if seen.parse_error else None)
    if result.final_url and result.permanent_redirect:
        s = dataclasses.replace(s, url=result.final_url, redirected_from=feed.url)
    if error_class is None:
        s = _success(s, result, seen, now)
    else:
        s = _failure(s, result, error_class, seen.parse_error or result.error, now, rng)
    if feed.poll_minutes and s.status != "muted" and error_class is None:
        fixed = feed.poll_minutes * 60
        s = dataclasses.replace(s, poll_interval_s=fixed, next_poll_at=now + timedelta(seconds=fixed))
    return s


def _success(s: FeedState, result: FetchResult, seen: Observation, now: datetime) -> FeedState:
    lying = (result.expires or "").strip() in ("0", "-1")  # "Expires: 0": the validators mean nothing
    if result.outcome == "ok":
        etag, last_modified = (None, None) if lying else (result.etag, result.last_modified)
        s = dataclasses.replace(s, etag=etag, last_modified=last_modified, last_sha256=result.sha256 or s.last_sha256)
        if not result.sent_validators:
            s = dataclasses.replace(s, last_unconditional_at=result.requested_at)
    share = 1.0 if result.outcome in ("not_modified", "unchanged") else seen.seen_share
    interval = adapt_interval(s.poll_interval_s or DEFAULT_INTERVAL_S, share, publisher_hint_s(result, seen.ttl_s, now))
    return dataclasses.replace(
        s, status="ok", consecutive_failures=0, failure_score=0.0, last_error=None, last_error_class=None,
        last_success_at=result.requested_at, poll_interval_s=interval, next_poll_at=now + timedelta(seconds=interval),
        last_new_entry_at=result.requested_at if seen.new_entries else s.last_new_entry_at,
    )  # fmt: skip


def _failure(s: FeedState, result: FetchResult, error_class: str, message: str | None, now: datetime,
             rng: random.Random) -> FeedState:  # fmt: skip
    s = dataclasses.replace(s, consecutive_failures=s.consecutive_failures + 1, last_error_class=error_class,
                            last_error=message or error_class)  # fmt: skip
    if error_class == "http_410":
        return dataclasses.replace(s, status="muted", next_poll_at=None,
                                   last_error=f"410 Gone: muted until the catalog URL changes ({message or s.url})")  # fmt: skip
    score = s.failure_score + WEIGHTS[failure_class(error_class) or "hard"]
    interval = s.poll_interval_s or DEFAULT_INTERVAL_S
    delay = min(DAY_S, interval * (1 + score))
    retry_after = seconds_until(result.retry_after, now)
    if retry_after is not None:
        delay = max(delay, min(DAY_S, retry_after))
        if result.status_code == 429:
            delay = min(DAY_S, delay * rng.uniform(1.0, 1.2))  # spread the herd that was told the same time
    return dataclasses.replace(s, status="failing", failure_score=score, next_poll_at=now + timedelta(seconds=delay))
