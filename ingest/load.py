"""Load one batch into the raw layer: one transaction, bulk through Arrow, idempotent.

Re-loading the same batch changes nothing but `last_seen_at`: articles are keyed
by `article_id`, quarantine rows by a hash of where they came from, and an
article's mentions are written only when the article is new (or on replay,
where they are replaced after a gazetteer or parser upgrade).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from ingest.extract import Gazetteer
from ingest.models import Article, BatchStats, Feed, FetchResult, Mention, Rejection, Validators
from ingest.normalize import stable_id


@dataclass
class PayloadRecord:
    sha256: str
    feed_id: str
    url: str | None
    received_at: datetime
    content_type: str | None
    bytes: int
    parse_status: str
    parse_error: str | None
    entries: int


@dataclass
class Batch:
    batch_id: str
    source: str
    started_at: datetime
    gazetteer: Gazetteer
    feeds: Sequence[Feed] = ()
    fetches: Sequence[FetchResult] = ()
    payloads: Sequence[PayloadRecord] = ()
    articles: Sequence[Article] = ()
    mentions: Sequence[Mention] = ()
    rejections: Sequence[Rejection] = ()
    replace: bool = False
    stats: BatchStats = field(default_factory=lambda: BatchStats(batch_id=""))


def read_validators(con: duckdb.DuckDBPyConnection) -> dict[str, Validators]:
    rows = con.execute("select feed_id, etag, last_modified from raw.feed_state").fetchall()
    return {feed_id: Validators(etag, last_modified) for feed_id, etag, last_modified in rows}


def _arrow(rows: Sequence[object], columns: Sequence[str]) -> pa.Table:
    data = [{c: getattr(r, c) if not isinstance(r, dict) else r[c] for c in columns} for r in rows]
    return pa.Table.from_pylist(data) if data else pa.table({c: pa.array([], pa.string()) for c in columns})


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[object], columns: Sequence[str], tail: str = "") -> None:
    if not rows:
        return
    con.register("_batch", _arrow(rows, columns))
    try:
        cols = ", ".join(columns)
        con.execute(f"insert into {table} ({cols}) select {cols} from _batch {tail}")
    finally:
        con.unregister("_batch")


def _reference_tables(con: duckdb.DuckDBPyConnection, gaz: Gazetteer) -> None:
    current = con.execute("select any_value(extractor_version) from raw.actors").fetchall()
    if current and current[0][0] == gaz.version:
        return
    con.execute("delete from raw.actors")
    con.execute("delete from raw.topics")
    actors = [dict(dataclasses.asdict(a), actor_id=a.id, extractor_version=gaz.version) for a in gaz.actors]
    topics = [dict(dataclasses.asdict(t), topic_id=t.id, extractor_version=gaz.version) for t in gaz.topics]
    _insert(con, "raw.actors", actors, ["actor_id", "name", "type", "country", "theatre", "role", "extractor_version"])
    _insert(con, "raw.topics", topics, ["topic_id", "name", "description", "extractor_version"])


def _feeds(con: duckdb.DuckDBPyConnection, feeds: Sequence[Feed], now: datetime) -> None:
    rows = [
        dict(
            feed_id=f.id,
            url=f.url,
            publisher=f.publisher,
            language=f.language,
            tags=list(f.tags),
            poll_minutes=f.poll_minutes,
            updated_at=now,
        )
        for f in feeds
    ]
    _insert(
        con,
        "raw.feeds",
        rows,
        list(rows[0]) if rows else [],
        "on conflict (feed_id) do update set url = excluded.url, publisher = excluded.publisher, "
        "language = excluded.language, tags = excluded.tags, poll_minutes = excluded.poll_minutes, "
        "updated_at = excluded.updated_at",
    )
    # Seed feed_state for feeds never fetched, so health shows them from the first batch on.
    con.execute(
        "insert into raw.feed_state (feed_id, url, consecutive_failures, status) "
        "select feed_id, url, 0, 'new' from raw.feeds on conflict do nothing"
    )


def _fetches(con: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    rows = [
        dict(
            dataclasses.asdict(f),
            fetch_id=stable_id("fetch", batch.batch_id, f.feed_id, f.requested_at.isoformat()),
            batch_id=batch.batch_id,
            payload_sha256=f.sha256,
            bytes=f.size,
        )
        for f in batch.fetches
    ]
    for row in rows:
        row.pop("body", None)
    cols = [
        "fetch_id",
        "batch_id",
        "feed_id",
        "url",
        "final_url",
        "requested_at",
        "outcome",
        "status_code",
        "bytes",
        "duration_ms",
        "error_class",
        "error",
        "etag",
        "last_modified",
        "payload_sha256",
    ]
    _insert(con, "raw.fetches", rows, cols, "on conflict do nothing")
    for f in batch.fetches:
        ok = f.outcome in ("ok", "not_modified")
        con.execute(
            """
            update raw.feed_state set
                last_fetch_at = $at, last_status_code = $status,
                etag = case when $outcome = 'ok' then $etag else etag end,
                last_modified = case when $outcome = 'ok' then $lm else last_modified end,
                last_sha256 = coalesce($sha, last_sha256),
                last_success_at = case when $ok then $at else last_success_at end,
                consecutive_failures = case when $ok then 0 else consecutive_failures + 1 end,
                last_error = case when $ok then null else $error end,
                status = case when $ok then 'ok' else 'failing' end
            where feed_id = $feed
            """,
            {
                "at": f.requested_at,
                "status": f.status_code,
                "outcome": f.outcome,
                "etag": f.etag,
                "lm": f.last_modified,
                "sha": f.sha256,
                "ok": ok,
                "error": f.error,
                "feed": f.feed_id,
            },
        )


ARTICLE_COLUMNS = [
    "article_id",
    "feed_id",
    "url",
    "guid",
    "title",
    "published_at",
    "date_flag",
    "language",
    "author",
    "content_hash",
    "story_key",
    "payload_sha256",
    "first_seen_at",
    "last_seen_at",
    "extractor_version",
]
MENTION_COLUMNS = ["article_id", "kind", "entity_id", "field", "start_offset", "end_offset", "surface", "extractor_version"]


def _articles(con: duckdb.DuckDBPyConnection, batch: Batch, now: datetime) -> set[str]:
    """Insert new articles, touch known ones; return the ids whose text and mentions are (re)written."""
    ids = [a.article_id for a in batch.articles]
    con.register("_ids", pa.table({"article_id": pa.array(ids, pa.string())}))
    known = {r[0] for r in con.execute("select article_id from raw.articles join _ids using (article_id)").fetchall()}
    con.unregister("_ids")
    rows = [
        dict(
            dataclasses.asdict(a),
            first_seen_at=a.fetched_at,
            last_seen_at=a.fetched_at,
            extractor_version=batch.gazetteer.version,
        )
        for a in batch.articles
    ]
    update = (
        "title = excluded.title, url = excluded.url, published_at = excluded.published_at, "
        "date_flag = excluded.date_flag, content_hash = excluded.content_hash, story_key = excluded.story_key, "
        "extractor_version = excluded.extractor_version, "
        if batch.replace
        else ""
    )
    _insert(
        con,
        "raw.articles",
        rows,
        ARTICLE_COLUMNS,
        f"on conflict (article_id) do update set {update}"
        "last_seen_at = greatest(raw.articles.last_seen_at, excluded.last_seen_at)",
    )
    written = set(ids) if batch.replace else set(ids) - known
    texts = [{"article_id": a.article_id, "text": a.text} for a in batch.articles if a.article_id in written]
    _insert(
        con, "raw.article_texts", texts, ["article_id", "text"], "on conflict (article_id) do update set text = excluded.text"
    )
    batch.stats.articles_new = len(set(ids) - known)
    batch.stats.articles_duplicate += len(known)
    return written


def _mentions(con: duckdb.DuckDBPyConnection, batch: Batch, written: set[str]) -> None:
    if not written:
        return
    con.register("_ids", pa.table({"article_id": pa.array(sorted(written), pa.string())}))
    con.execute("delete from raw.mentions where article_id in (select article_id from _ids)")
    con.unregister("_ids")
    rows = [
        dict(dataclasses.asdict(m), start_offset=m.start, end_offset=m.end, extractor_version=batch.gazetteer.version)
        for m in batch.mentions
        if m.article_id in written
    ]
    _insert(con, "raw.mentions", rows, MENTION_COLUMNS)
    batch.stats.mentions_loaded = len(rows)


def _quarantine(con: duckdb.DuckDBPyConnection, batch: Batch, now: datetime) -> None:
    rows = [
        dict(
            dataclasses.asdict(r),
            batch_id=batch.batch_id,
            quarantined_at=now,
            quarantine_id=stable_id(
                "q", r.stage, r.rule, str(r.feed_id), str(r.payload_sha256), str(r.position), str(r.article_id)
            ),
        )
        for r in batch.rejections
    ]
    cols = [
        "quarantine_id",
        "batch_id",
        "quarantined_at",
        "stage",
        "rule",
        "value",
        "reason",
        "feed_id",
        "payload_sha256",
        "position",
        "article_id",
    ]
    _insert(con, "raw.quarantine", rows, cols, "on conflict do nothing")


def load_batch(con: duckdb.DuckDBPyConnection, batch: Batch) -> BatchStats:
    """Write everything the batch produced in one transaction; on any error nothing is written."""
    now = datetime.now(UTC)
    batch.stats.batch_id = batch.batch_id
    con.execute("begin transaction")
    try:
        _reference_tables(con, batch.gazetteer)
        _feeds(con, batch.feeds, now)
        _fetches(con, batch)
        payload_cols = [
            "sha256",
            "feed_id",
            "url",
            "received_at",
            "content_type",
            "bytes",
            "parse_status",
            "parse_error",
            "entries",
        ]
        rows = [dict(dataclasses.asdict(p), payload_sha256=p.sha256) for p in batch.payloads]
        _insert(
            con,
            "raw.payloads",
            rows,
            ["payload_sha256", *payload_cols[1:]],
            "on conflict do update set parse_status = excluded.parse_status, parse_error = excluded.parse_error, "
            "entries = excluded.entries",
        )
        written = _articles(con, batch, now)
        _mentions(con, batch, written)
        _quarantine(con, batch, now)
        s = batch.stats
        con.execute(
            "insert into raw.batches values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) on conflict do nothing",
            [
                batch.batch_id,
                batch.source,
                batch.started_at,
                now,
                s.feeds_total,
                s.feeds_ok,
                s.feeds_not_modified,
                s.feeds_failed,
                s.entries_seen,
                s.articles_new,
                s.articles_duplicate,
                s.rows_quarantined,
                s.mentions_loaded,
                batch.gazetteer.version,
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return batch.stats
