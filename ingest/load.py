"""Load one batch into the raw layer: one transaction, bulk through Arrow, idempotent.

Re-loading the same batch changes nothing but `last_seen_at`: articles are keyed
by `article_id`, quarantine rows by a hash of where they came from, and an
article's mentions are written only when the article is new (or on replay,
where they are replaced after a gazetteer or parser upgrade).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from ingest.articles import known_articles, write_articles
from ingest.extract import ExtractionResult, Gazetteer
from ingest.memory import give_back
from ingest.models import (
    Article,
    BatchStats,
    Feed,
    FeedState,
    FetchResult,
    Mention,
    MentionColumns,
    PayloadRecord,
    Rejection,
    mention_columns,
)
from ingest.normalize import stable_id
from ingest.polling import Observation, failure_class, next_state
from ingest.shingles import Signature
from ingest.validate import ValidationRun
from ingest.warehouse import commit, insert_columns, insert_rows


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
    observations: dict[str, Observation] = field(default_factory=dict)
    all_articles: Sequence[Article] = ()  # before validation, for the per-feed share of new entries
    extracted: dict[str, ExtractionResult] = field(default_factory=dict)  # quotes and candidate names per article
    signatures: dict[str, Signature] = field(default_factory=dict)  # articles' story signatures made by the workers
    unextracted: AbstractSet[str] = frozenset()  # left out by the workers as stored unchanged (on a replay: met already)
    validation_runs: Sequence[ValidationRun] = ()
    # (payload, feed) pairs an earlier batch loaded, not fetched again now (a replay, a folder ingested again): their
    # entries were counted as sightings then, and count no more (`ingest.articles`); `load_batch` finds them
    loaded_before: set[tuple[str, str]] = field(default_factory=set)
    stats: BatchStats = field(default_factory=lambda: BatchStats(batch_id=""))
    # rows `load_batch` wrote (inserted or updated, as DuckDB counts them), by table; deletes not counted
    rows_written: Counter[str] = field(default_factory=Counter)
    written: set[str] = field(default_factory=set)  # ids whose text and mentions `load_batch` wrote: now current


def _reference_tables(con: duckdb.DuckDBPyConnection, gaz: Gazetteer, written: Counter[str]) -> None:
    current = con.execute("select any_value(extractor_version) from raw.actors").fetchall()
    if current and current[0][0] == gaz.version:
        return
    con.execute("delete from raw.actors")
    con.execute("delete from raw.topics")
    actors = [dict(dataclasses.asdict(a), actor_id=a.id, extractor_version=gaz.version) for a in gaz.actors]
    topics = [dict(dataclasses.asdict(t), topic_id=t.id, extractor_version=gaz.version) for t in gaz.topics]
    written["raw.actors"] += insert_rows(con, "raw.actors", actors, ["actor_id", "name", "type", "country", "theatre", "role",
                                                                      "extractor_version"])  # fmt: skip
    written["raw.topics"] += insert_rows(con, "raw.topics", topics, ["topic_id", "name", "description", "extractor_version"])


def _feeds(con: duckdb.DuckDBPyConnection, feeds: Sequence[Feed], now: datetime, written: Counter[str]) -> None:
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
    written["raw.feeds"] += insert_rows(
        con,
        "raw.feeds",
        rows,
        list(rows[0]) if rows else [],
        "on conflict (feed_id) do update set url = excluded.url, publisher = excluded.publisher, "
        "language = excluded.language, tags = excluded.tags, poll_minutes = excluded.poll_minutes, "
        "updated_at = excluded.updated_at",
    )
    # Seed feed_state for feeds never fetched, so health shows them from the first batch on.
    seeded = con.execute(
        "insert into raw.feed_state (feed_id, url, consecutive_failures, failure_score, status) "
        "select feed_id, url, 0, 0, 'new' from raw.feeds on conflict do nothing"
    ).fetchone()
    written["raw.feed_state"] += int(seeded[0]) if seeded else 0


FETCH_COLUMNS = ["fetch_id", "batch_id", "feed_id", "url", "final_url", "requested_at", "outcome", "status_code", "bytes",
                 "duration_ms", "error_class", "failure_class", "error", "etag", "last_modified", "payload_sha256",
                 "sent_validators", "retry_after", "cache_control"]  # fmt: skip
STATE_COLUMNS = [f.name for f in dataclasses.fields(FeedState)]


def read_states(con: duckdb.DuckDBPyConnection) -> dict[str, FeedState]:
    cursor = con.execute(f"select {', '.join(STATE_COLUMNS)} from raw.feed_state")
    return {row[0]: FeedState(**dict(zip(STATE_COLUMNS, row, strict=True))) for row in cursor.fetchall()}


def _fetches(con: duckdb.DuckDBPyConnection, batch: Batch, now: datetime) -> None:
    """Record every attempt, then move each fetched feed's state on (`ingest.polling`)."""
    rows = []
    for f in batch.fetches:
        row = dataclasses.asdict(f)
        row.update(fetch_id=stable_id("fetch", batch.batch_id, f.feed_id, f.requested_at.isoformat()), batch_id=batch.batch_id,
                   payload_sha256=f.sha256, bytes=f.size, failure_class=failure_class(f.error_class))  # fmt: skip
        rows.append(row)
    batch.rows_written["raw.fetches"] += insert_rows(con, "raw.fetches", rows, FETCH_COLUMNS, "on conflict do nothing")
    states = read_states(con)
    feeds = {f.id: f for f in batch.feeds}
    updated = []
    for f in batch.fetches:
        feed = feeds.get(f.feed_id) or Feed(id=f.feed_id, url=f.url, publisher=f.feed_id)
        observation = batch.observations.get(f.feed_id, Observation())
        updated.append(dataclasses.asdict(next_state(feed, states.get(f.feed_id), f, observation, now)))
    assignments = ", ".join(f"{c} = excluded.{c}" for c in STATE_COLUMNS if c != "feed_id")
    batch.rows_written["raw.feed_state"] += insert_rows(con, "raw.feed_state", updated, STATE_COLUMNS,
                                                        f"on conflict (feed_id) do update set {assignments}")  # fmt: skip


PAYLOAD_COLUMNS = ["payload_sha256", "feed_id", "url", "received_at", "content_type", "bytes", "parse_status", "parse_error",
                   "entries", "batch_id"]  # fmt: skip


def _payloads(con: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    rows = [dict(dataclasses.asdict(p), payload_sha256=p.sha256, batch_id=batch.batch_id) for p in batch.payloads]
    polled = {(f.sha256, f.feed_id) for f in batch.fetches if f.sha256}  # a poll's body is seen again, whatever it holds
    batch.loaded_before = _loaded_before(con, rows) - polled
    batch.rows_written["raw.payloads"] += insert_rows(
        con, "raw.payloads", rows, PAYLOAD_COLUMNS,
        "on conflict do update set parse_status = excluded.parse_status, parse_error = excluded.parse_error, "
        "entries = excluded.entries, batch_id = case when raw.payloads.batch_id is null "
        "or raw.payloads.parse_status = 'rejected' then excluded.batch_id else raw.payloads.batch_id end",
    )  # fmt: skip


def _loaded_before(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> set[tuple[str, str]]:
    """Of the batch's payloads, those a batch loaded before (listed, and not as part of a rejected batch)."""
    if not rows:
        return set()
    con.register("_payloads", pa.table({"payload_sha256": [r["payload_sha256"] for r in rows],
                                        "feed_id": [r["feed_id"] for r in rows]}))  # fmt: skip
    try:
        found = con.execute("select payload_sha256, feed_id from raw.payloads join _payloads using (payload_sha256, feed_id) "
                            "where parse_status is distinct from 'rejected'").fetchall()  # fmt: skip
    finally:
        con.unregister("_payloads")
    return {(sha, feed_id) for sha, feed_id in found}


def _observe(batch: Batch, known: set[str]) -> None:
    """Per feed: how many of its parsed entries were new, for the adaptive poll interval."""
    totals: dict[str, list[int]] = {}
    for article in batch.all_articles or batch.articles:
        counts = totals.setdefault(article.feed_id, [0, 0])
        counts[0] += 1
        counts[1] += article.article_id in known
    for feed_id, (total, seen) in totals.items():
        previous = batch.observations.get(feed_id, Observation())
        batch.observations[feed_id] = dataclasses.replace(previous, seen_share=seen / total, new_entries=total - seen)


MENTION_COLUMNS = ["article_id", "kind", "entity_id", "field", "start_offset", "end_offset", "surface", "salience",
                   "extractor_version"]  # fmt: skip


def _mentions(con: duckdb.DuckDBPyConnection, batch: Batch, written: set[str]) -> None:
    if not written:
        return
    con.register("_ids", pa.table({"article_id": pa.array(sorted(written), pa.string())}))
    con.execute("delete from raw.mentions where article_id in (select article_id from _ids)")
    con.unregister("_ids")
    # column by column: a dict per mention (dataclasses.asdict deep-copies every field) was most of the load's time
    mentions = MentionColumns.view(batch.mentions)
    kept = mentions.where([article_id in written for article_id in mention_columns(mentions)["article_id"]])
    columns = mention_columns(kept)
    columns.update(start_offset=columns["start"], end_offset=columns["end"],
                   extractor_version=[batch.gazetteer.version] * len(kept))  # fmt: skip
    batch.rows_written["raw.mentions"] += insert_columns(con, "raw.mentions", {c: columns[c] for c in MENTION_COLUMNS})
    batch.stats.mentions_loaded = len(kept)
    _quotes_and_candidates(con, batch, written)


QUOTE_COLUMNS = ["article_id", "start_offset", "end_offset", "quote", "speaker", "speaker_actor_id", "extractor_version"]
NAME_COLUMNS = ["article_id", "name", "occurrences", "extractor_version"]


def _quotes_and_candidates(con: duckdb.DuckDBPyConnection, batch: Batch, written: set[str]) -> None:
    ids = pa.table({"article_id": pa.array(sorted(written), pa.string())})
    con.register("_ids", ids)
    try:
        con.execute("delete from raw.quotes where article_id in (select article_id from _ids)")
        con.execute("delete from raw.name_candidates where article_id in (select article_id from _ids)")
    finally:
        con.unregister("_ids")
    version = batch.gazetteer.version
    quotes: dict[str, list[Any]] = {c: [] for c in QUOTE_COLUMNS}
    names: dict[str, list[Any]] = {c: [] for c in NAME_COLUMNS}
    for article_id in sorted(written):
        result = batch.extracted.get(article_id)
        if result is None:
            continue
        for q in result.quotes:
            quotes["article_id"].append(article_id)
            quotes["start_offset"].append(q.start)
            quotes["end_offset"].append(q.end)
            quotes["quote"].append(q.text)
            quotes["speaker"].append(q.speaker)
            quotes["speaker_actor_id"].append(q.speaker_actor_id)
        for name, count in Counter(result.candidates).items():
            names["article_id"].append(article_id)
            names["name"].append(name)
            names["occurrences"].append(count)
    quotes["extractor_version"] = [version] * len(quotes["article_id"])
    names["extractor_version"] = [version] * len(names["article_id"])
    batch.rows_written["raw.quotes"] += insert_columns(con, "raw.quotes", quotes)
    batch.rows_written["raw.name_candidates"] += insert_columns(con, "raw.name_candidates", names)


QUARANTINE_COLUMNS = ["quarantine_id", "batch_id", "quarantined_at", "stage", "rule", "value", "reason", "feed_id",
                      "payload_sha256", "position", "article_id"]  # fmt: skip


def _quarantine(con: duckdb.DuckDBPyConnection, batch: Batch, now: datetime) -> None:
    rows = batch.rejections
    columns: dict[str, list[Any]] = {
        "quarantine_id": [
            stable_id("q", r.stage, r.rule, str(r.feed_id), str(r.payload_sha256), str(r.position), str(r.article_id))
            for r in rows
        ],
        "batch_id": [batch.batch_id] * len(rows),
        "quarantined_at": [now] * len(rows),
        **{c: [getattr(r, c) for r in rows] for c in QUARANTINE_COLUMNS[3:]},
    }
    batch.rows_written["raw.quarantine"] += insert_columns(con, "raw.quarantine", columns, "on conflict do nothing")


def record_validation_runs(con: duckdb.DuckDBPyConnection, batch_id: str, runs: Sequence[ValidationRun]) -> int:
    """One row per suite run; returns the rows written."""
    rows = [dict(dataclasses.asdict(r), batch_id=batch_id) for r in runs]
    return insert_rows(con, "raw.validation_runs", rows,
                       ["run_id", "batch_id", "suite", "run_at", "success", "evaluated", "unexpected", "detail"])  # fmt: skip


def _resolve_quarantine(con: duckdb.DuckDBPyConnection, batch: Batch, now: datetime) -> None:
    """Entries quarantined earlier that this batch (a replay after a fix) loaded are resolved."""
    loaded = [{"payload_sha256": a.payload_sha256, "position": a.position} for a in batch.articles]
    if not loaded:
        return
    con.register("_loaded", pa.Table.from_pylist(loaded))
    try:
        resolved = con.execute(
            """update raw.quarantine q set resolved_at = $now
               from _loaded l where q.payload_sha256 = l.payload_sha256 and q.position = l.position
                 and q.resolved_at is null and q.batch_id <> $batch""",
            {"now": now, "batch": batch.batch_id},
        ).fetchone()
        batch.rows_written["raw.quarantine"] += int(resolved[0]) if resolved else 0
    finally:
        con.unregister("_loaded")


def load_batch(con: duckdb.DuckDBPyConnection, batch: Batch, *, memory_limit: str | None = None,
               vacuum: bool = True) -> BatchStats:  # fmt: skip
    """Write everything the batch produced in one transaction; on any error nothing is written.

    The commit checkpoints (`warehouse.commit`, under `memory_limit` or DuckDB's headroom, merging small row groups
    unless `vacuum=False`): the batch is in the database file when this returns (in its WAL, when another
    connection's write kept DuckDB from checkpointing).
    """
    now = datetime.now(UTC)
    batch.stats.batch_id = batch.batch_id
    con.execute("begin transaction")
    try:
        _reference_tables(con, batch.gazetteer, batch.rows_written)
        _feeds(con, batch.feeds, now, batch.rows_written)
        _observe(batch, set(known_articles(con, [a.article_id for a in batch.all_articles or batch.articles])))
        _fetches(con, batch, now)
        _payloads(con, batch)
        written = batch.written = write_articles(con, batch, now)
        _mentions(con, batch, written)
        _quarantine(con, batch, now)
        _resolve_quarantine(con, batch, now)
        batch.rows_written["raw.validation_runs"] += record_validation_runs(con, batch.batch_id, batch.validation_runs)
        s = batch.stats
        recorded = con.execute(
            "insert into raw.batches (batch_id, source, started_at, finished_at, feeds_total, feeds_ok, feeds_not_modified, "
            "feeds_failed, entries_seen, articles_new, articles_duplicate, rows_quarantined, mentions_loaded, extractor_version) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) on conflict do nothing",
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
        ).fetchone()
        batch.rows_written["raw.batches"] += int(recorded[0]) if recorded else 0
        give_back()  # the load's Arrow tables and lists, before the checkpoint takes its share
        commit(con, memory_limit, vacuum=vacuum)
    except BaseException:
        # a commit that failed has rolled back already (and one whose checkpoint failed invalidated the database)
        with contextlib.suppress(duckdb.TransactionException, duckdb.FatalException):
            con.execute("rollback")
        raise
    return batch.stats
