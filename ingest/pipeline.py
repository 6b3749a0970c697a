"""The only place the stages are composed.

`fetch_and_land` (network, parallel-safe) and `process_and_load` (the single
writer) are what the CLI, the Airflow tasks and the tests all call; `run_batch`
chains them with the dbt build and the publish step.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest import landing
from ingest.catalog import load_catalog
from ingest.extract import extract, load_gazetteer
from ingest.fetch import fetch_feeds
from ingest.load import Batch, PayloadRecord, load_batch, read_validators
from ingest.models import Article, BatchStats, Catalog, Feed, FetchResult, Rejection, Validators
from ingest.normalize import NormaliseError, base_for, normalise_entry
from ingest.parse import ParseError, parse_feed
from ingest.settings import Settings
from ingest.validate import validate_articles
from ingest.warehouse import connect

log = logging.getLogger(__name__)


@dataclass
class Processed:
    payloads: list[PayloadRecord]
    articles: list[Article]
    rejections: list[Rejection]
    entries_seen: int = 0
    in_batch_duplicates: int = 0


def new_batch_id(source: str) -> str:
    return f"{source}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def stored_validators(settings: Settings) -> dict[str, Validators]:
    with connect(settings.warehouse) as con:
        return read_validators(con)


def fetch_and_land(
    feeds: Iterable[Feed], settings: Settings, catalog: Catalog, validators: dict[str, Validators]
) -> list[FetchResult]:
    """Fetch feeds (conditional GET with the given validators) and land every 200 body.

    Touches no database, so it can run in parallel with the writer (Airflow mapped tasks).
    """
    results = fetch_feeds(list(feeds), validators, settings, catalog.allow_private_network)
    for result in results:
        if result.body is not None:
            result.sha256 = landing.land(settings.landing_dir, result.body)
            result.body = None  # the landing zone holds the bytes from here on
    return results


def _reject(feed_id: str, sha: str, position: int | None, stage: str, rule: str, reason: str) -> Rejection:
    return Rejection(feed_id, sha, position, None, stage, rule, None, reason)


def process_payload(
    body: bytes, sha: str, feed: Feed, fetched_at: datetime, response_url: str | None, content_type: str | None, out: Processed
) -> None:
    """Parse and normalise one landed body, appending to `out`; never raises for bad input."""
    record = PayloadRecord(sha, feed.id, response_url, fetched_at, content_type, len(body), "ok", None, 0)
    out.payloads.append(record)
    try:
        parsed = parse_feed(body, content_type)
    except ParseError as exc:
        record.parse_status, record.parse_error = "error", str(exc)
        out.rejections.append(_reject(feed.id, sha, None, "parse", "parse_feed", str(exc)))
        return
    record.entries = len(parsed.entries)
    if parsed.bozo:
        record.parse_status, record.parse_error = "bozo", parsed.bozo_reason
    base = base_for(parsed, response_url)
    for entry in parsed.entries:
        out.entries_seen += 1
        try:
            article = normalise_entry(
                entry,
                feed_id=feed.id,
                base_url=base,
                language=feed.language or parsed.language,
                payload_sha256=sha,
                fetched_at=fetched_at,
            )
        except NormaliseError as exc:
            out.rejections.append(_reject(feed.id, sha, entry.position, "normalise", "identity", str(exc)))
            continue
        out.articles.append(article)


def _dedupe(processed: Processed) -> None:
    """One article per id in a batch (the same story in two feeds); the first sighting wins."""
    seen: dict[str, Article] = {}
    for article in processed.articles:
        seen.setdefault(article.article_id, article)
    processed.in_batch_duplicates = len(processed.articles) - len(seen)
    processed.articles = list(seen.values())


def process_and_load(
    settings: Settings,
    feeds: Sequence[Feed],
    fetches: Sequence[FetchResult],
    *,
    source: str = "fetch",
    replace: bool = False,
    batch_id: str | None = None,
    record_fetches: bool = True,
) -> BatchStats:
    """The writer's half: parse the landed bodies, validate, and load everything in one transaction."""
    gaz = load_gazetteer()
    by_id = {f.id: f for f in feeds}
    out = Processed([], [], [])
    for result in fetches:
        if result.sha256 and result.outcome == "ok":
            body = landing.read_payload(settings.landing_dir, result.sha256)
            process_payload(
                body,
                result.sha256,
                by_id[result.feed_id],
                result.requested_at,
                result.final_url or result.url,
                result.content_type,
                out,
            )
    _dedupe(out)
    good, rejected = validate_articles(settings.gx_dir, out.articles)
    mentions = [m for a in good for m in extract(gaz, a.article_id, a.title, a.text).mentions]
    stats = BatchStats(
        batch_id=batch_id or new_batch_id(source),
        feeds_total=len(fetches),
        feeds_ok=sum(f.outcome == "ok" for f in fetches),
        feeds_not_modified=sum(f.outcome == "not_modified" for f in fetches),
        feeds_failed=sum(f.outcome == "error" for f in fetches),
        entries_seen=out.entries_seen,
        articles_duplicate=out.in_batch_duplicates,
        rows_quarantined=len({(r.payload_sha256, r.position) for r in out.rejections + rejected}),
    )
    batch = Batch(
        batch_id=stats.batch_id,
        source=source,
        started_at=min((f.requested_at for f in fetches), default=datetime.now(UTC)),
        gazetteer=gaz,
        feeds=feeds,
        fetches=fetches if record_fetches else (),
        payloads=out.payloads,
        articles=good,
        mentions=mentions,
        rejections=out.rejections + rejected,
        replace=replace,
        stats=stats,
    )
    with connect(settings.warehouse) as con:
        return load_batch(con, batch)


def ingest_batch(settings: Settings, catalog: Catalog | None = None) -> BatchStats:
    """Fetch every catalog feed, land, process and load (no dbt): the raw half of a micro-batch."""
    catalog = catalog or load_catalog(settings.feeds_file)
    fetches = fetch_and_land(catalog.feeds, settings, catalog, stored_validators(settings))
    return process_and_load(settings, catalog.feeds, fetches)


def files_as_fetches(paths: Iterable[Path], settings: Settings) -> tuple[list[Feed], list[FetchResult]]:
    """Treat local files as fetched bodies: each file is its own feed, `file-<stem>`."""
    feeds, fetches = [], []
    now = datetime.now(UTC)
    for path in paths:
        body = path.read_bytes()
        feed = Feed(
            id="file-" + "".join(c if c.isalnum() else "-" for c in path.stem.lower()).strip("-"),
            url=path.resolve().as_uri(),
            publisher=path.stem,
        )
        sha = landing.land(settings.landing_dir, body)
        feeds.append(feed)
        fetches.append(
            FetchResult(
                feed_id=feed.id,
                url=feed.url,
                requested_at=now,
                outcome="ok",
                status_code=200,
                size=len(body),
                sha256=sha,
                final_url=None,
            )
        )
    return feeds, fetches


def fetch_result_to_dict(result: FetchResult) -> dict[str, object]:
    """A small, JSON-safe form for Airflow XCom (the body stays in the landing zone)."""
    data = dataclasses.asdict(dataclasses.replace(result, body=None))
    data["requested_at"] = result.requested_at.isoformat()
    return data


def fetch_result_from_dict(data: dict[str, object]) -> FetchResult:
    values = dict(data)
    values["requested_at"] = datetime.fromisoformat(str(values["requested_at"]))
    return FetchResult(**values)  # type: ignore[arg-type]


def transform_and_publish(settings: Settings) -> list[str]:
    """dbt build (models and their tests), then publish the marts for readers."""
    from ingest.publish import publish
    from ingest.transform import build

    build(settings)
    return publish(settings)


def run_microbatch(settings: Settings, catalog: Catalog | None = None) -> BatchStats:
    """One micro-batch end to end: fetch, land, parse, normalise, extract, validate, load, dbt build, publish."""
    stats = ingest_batch(settings, catalog)
    transform_and_publish(settings)
    return stats


def replay(settings: Settings, since: datetime | None = None, until: datetime | None = None) -> BatchStats:
    """Re-process landed payloads received in [since, until) with the current parser and gazetteer.

    Articles, texts and mentions are rewritten in place (idempotent); nothing is fetched.
    """
    with connect(settings.warehouse) as con:
        rows = con.execute(
            """select p.payload_sha256, p.feed_id, p.url, p.received_at, p.content_type,
                      f.url, f.publisher, f.language
               from raw.payloads p left join raw.feeds f using (feed_id)
               where ($since is null or p.received_at >= $since) and ($until is null or p.received_at < $until)
               order by p.received_at""",
            {"since": since, "until": until},
        ).fetchall()
    feeds: dict[str, Feed] = {}
    fetches = []
    for sha, feed_id, url, received_at, content_type, feed_url, publisher, language in rows:
        feeds.setdefault(feed_id, Feed(id=feed_id, url=feed_url or url or "", publisher=publisher or feed_id, language=language))
        fetches.append(
            FetchResult(
                feed_id=feed_id,
                url=url or "",
                requested_at=received_at,
                outcome="ok",
                sha256=sha,
                content_type=content_type,
                final_url=url,
            )
        )
    return process_and_load(settings, list(feeds.values()), fetches, source="replay", replace=True, record_fetches=False)
