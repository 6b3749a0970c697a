"""The only place the stages are composed.

`fetch_and_land` (network, parallel-safe) and `process_and_load` (the single
writer) are what the CLI, the Airflow tasks and the tests all call; `run_microbatch`
chains them with the dbt build and the publish step.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import logging
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import numpy as np
import pyarrow as pa

from expectations.runner import preparing
from ingest import landing, polling
from ingest.articles import known_articles, replay_choice, rewritten, sightings_only, stored_keys
from ingest.catalog import load_catalog
from ingest.extract import ExtractionResult, Gazetteer, extract, load_gazetteer
from ingest.fetch import Target, fetch_targets
from ingest.load import PAYLOAD_COLUMNS, Batch, load_batch, read_states, record_validation_runs
from ingest.memory import give_back, tune_heap
from ingest.models import Article, BatchStats, Catalog, Feed, FetchResult, MentionColumns, PayloadRecord
from ingest.parallel import PayloadJob, Workers, process_landed
from ingest.process import Processed, collector_paused, dedupe, stored_key
from ingest.settings import Settings
from ingest.validate import BatchRejected, ValidationRun, gate, validate_articles, validate_mentions
from ingest.warehouse import insert_rows, open_lookup, open_writer

log = logging.getLogger(__name__)


def new_batch_id(source: str) -> str:
    return f"{source}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def plan(settings: Settings, catalog: Catalog, *, due_only: bool = True, now: datetime | None = None) -> list[Target]:
    """The feeds to poll now, at their current URL, with the validators to send.

    `due_only=False` polls every feed that is not muted (an operator's one-off run).
    """
    now = now or datetime.now(UTC)
    with open_writer(settings) as con:
        states = read_states(con)
    targets = []
    for feed in catalog.feeds:
        state = states.get(feed.id)
        if polling.is_muted(feed, state) or (due_only and not polling.is_due(feed, state, now)):
            continue
        targets.append(Target(feed.id, polling.current_url(feed, state), polling.validators_for(state, now)))
    return targets


def fetch_and_land(targets: Iterable[Target], settings: Settings, catalog: Catalog) -> list[FetchResult]:
    """Fetch (conditional GET), land every 200 body and journal it as pending.

    Touches no database, so it can run in parallel with the writer (Airflow mapped tasks).
    A body whose hash is the one loaded last time is `unchanged`: it is not parsed again.
    """
    targets = list(targets)
    previous = {t.feed_id: t.validators.last_sha256 for t in targets}
    results = fetch_targets(targets, settings, catalog.allow_private_network, catalog.allowed_networks)
    for result in results:
        if result.body is None:
            continue
        result.sha256 = landing.land(settings.landing_dir, result.body)
        result.body = None  # the landing zone holds the bytes from here on
        if result.sha256 == previous.get(result.feed_id):
            result.outcome = "unchanged"
        else:
            landing.mark_pending(settings.landing_dir, result.sha256, result.feed_id, fetch_result_to_dict(result))
    return results


def _recovered(settings: Settings, fetches: Sequence[FetchResult]) -> list[FetchResult]:
    """Bodies landed by a batch that died before its commit (the pending journal)."""
    in_batch = {(f.sha256, f.feed_id) for f in fetches}
    found = [fetch_result_from_dict(r) for r in landing.pending(settings.landing_dir)]
    recovered = [f for f in found if (f.sha256, f.feed_id) not in in_batch]
    if recovered:
        log.warning("recovering %d landed payload(s) from an interrupted batch", len(recovered))
    return recovered


def payload_jobs(settings: Settings, feeds: Sequence[Feed], fetches: Sequence[FetchResult]) -> list[PayloadJob]:
    """What there is to parse: every fetch that landed a body, with its feed (or a stand-in for an unknown one)."""
    by_id = {f.id: f for f in feeds}
    return [
        PayloadJob(result.sha256, by_id.get(result.feed_id) or Feed(id=result.feed_id, url=result.url, publisher=result.feed_id),
                   result.requested_at, result.final_url or result.url, result.content_type,
                   result.size or landing.landed_bytes(settings.landing_dir, result.sha256))
        for result in fetches if result.sha256 and result.outcome == "ok"
    ]  # fmt: skip


P = ParamSpec("P")
R = TypeVar("R")


def writer_entry(function: Callable[Concatenate[Settings, P], R]) -> Callable[Concatenate[Settings, P], R]:
    """A way into the writer's work: `function(settings, ...)` with the process's heap tuned first (`memory.tune_heap`,
    before the threads below start) and GX imported and its context opened on a thread meanwhile, for the
    validations it reaches (`expectations.runner.preparing`: waited for at its end, however it ends)."""

    @functools.wraps(function)
    def prepared(settings: Settings, /, *args: P.args, **kwargs: P.kwargs) -> R:
        tune_heap()
        with preparing(settings.gx_dir):
            return function(settings, *args, **kwargs)

    return prepared


@collector_paused
@writer_entry
def process_and_load(settings: Settings, feeds: Sequence[Feed], fetches: Sequence[FetchResult], *, source: str = "fetch",
                     replace: bool = False, batch_id: str | None = None, record_fetches: bool = True,
                     fulltext: Catalog | None = None, processed: Processed | None = None,
                     vacuum: bool = True, met: Met | None = None) -> BatchStats:  # fmt: skip
    """The writer's half: parse the landed bodies, validate, and load everything in one transaction.

    `processed` is the batch already parsed (by `load_in_batches`, which parses the next batches while
    this one loads); by default it is parsed here, while GX is imported and its context opened.
    `vacuum=False` leaves DuckDB's merge of small row groups to a later batch (`warehouse.commit`). `met`: a replay's
    record of what its batches loaded (`Met`), read before the load and added to after it.
    """
    gaz = load_gazetteer()
    recovered = _recovered(settings, fetches) if record_fetches else []
    if processed is None:
        jobs = payload_jobs(settings, feeds, [*fetches, *recovered])
        processed = process_landed(settings.landing_dir, jobs, workers=settings.workers, stored=_stored(settings, jobs, replace))
    out = processed
    # a replay's last copy of each article, in the order the payloads came (`Met.add`), before one is put first
    last_copies = list({a.article_id: a for a in out.articles}.values()) if met is not None else []
    if replace:
        _replay_choice(settings, out)
    everything = dedupe(out)
    origins = _origins(settings, out.payloads) if met is not None else {}
    if met is not None:
        met.leave_out(out, origins)
    batch_id = batch_id or new_batch_id(source)
    runs: list[ValidationRun] = []
    try:
        validated = validate_articles(settings.gx_dir, out.articles)
        runs += validated.runs
        rejected_entries = {(r.payload_sha256, r.position) for r in out.rejections + validated.rejections
                            if r.position is not None}  # fmt: skip
        # the gate is over the rows GX checked: an entry without a link is an input problem, recorded
        # and quarantined; a batch whose checked rows mostly fail means something upstream broke
        failing_rows = len({r.article_id for r in validated.rejections})
        runs.append(gate(settings.gx_dir, len(out.articles), failing_rows))
        good = validated.good
        if fulltext is not None:  # optional: the article pages, for feeds that give one-line summaries
            good = _with_fulltext(settings, good, fulltext)
        parsed = {a.article_id: a for a in out.articles}
        # an article the workers found stored unchanged keeps its stored mentions: those the load may write are checked
        writes = _to_write(settings, good, out.unextracted, replace)
        extracted = {a.article_id: _extraction(gaz, a, parsed, out.extracted) for a in writes}
        signatures = {a.article_id: out.signatures[a.article_id] for a in writes
                      if a.article_id in out.signatures and _as_parsed(a, parsed)}  # fmt: skip
        mentions, bad_mentions, mention_run = validate_mentions(
            settings.gx_dir, writes, MentionColumns.of(result.mentions for result in extracted.values()), gaz.entity_ids()
        )
        runs.append(mention_run)
    except BatchRejected as exc:
        record_rejected_batch(settings, batch_id, source, runs + exc.runs, str(exc), out.payloads)
        landing.clear_pending(settings.landing_dir, [(f.sha256, f.feed_id) for f in [*fetches, *recovered] if f.sha256])
        raise
    rejections = out.rejections + validated.rejections + bad_mentions
    stats = BatchStats(
        batch_id=batch_id, feeds_total=len(fetches),
        feeds_ok=sum(f.outcome == "ok" for f in fetches),
        feeds_not_modified=sum(f.outcome in ("not_modified", "unchanged") for f in fetches),
        feeds_failed=sum(f.outcome == "error" for f in fetches), entries_seen=out.entries_seen,
        articles_duplicate=out.in_batch_duplicates, rows_quarantined=len(rejected_entries),
    )  # fmt: skip
    batch = Batch(
        batch_id=stats.batch_id, source=source, started_at=min((f.requested_at for f in fetches), default=datetime.now(UTC)),
        gazetteer=gaz, feeds=feeds, fetches=fetches if record_fetches else (), payloads=out.payloads, articles=good,
        mentions=mentions, rejections=rejections, replace=replace, stats=stats, unextracted=out.unextracted,
        observations=out.observations, all_articles=everything, extracted=extracted, signatures=signatures,
        validation_runs=runs,
    )  # fmt: skip
    with open_writer(settings) as con:  # the commit checkpoints, under a cap: the close would checkpoint without
        loaded = load_batch(con, batch, memory_limit=settings.warehouse_memory_limit, vacuum=vacuum)
    if met is not None:  # a payload no batch had loaded (listed by a rejected one) is this one's from now on
        met.add(out.articles, {(p.sha256, p.feed_id): origins.get((p.sha256, p.feed_id), batch.batch_id)
                               for p in out.payloads}, batch.written, last=last_copies)  # fmt: skip
    landing.clear_pending(settings.landing_dir, [(f.sha256, f.feed_id) for f in [*fetches, *recovered] if f.sha256])
    return loaded


# landed bytes per batch in a large run, about 2,000 entries: a batch of 58 MB peaked at 2 GB; with 8 MB batches
# 30,000 entries peaked at 1.1 GB in the writer, 1.6 GB with its workers
BATCH_BYTES = 8 * 1024 * 1024
# DuckDB merges a table's small trailing row groups at a checkpoint, in doubling steps, so that with a checkpoint per
# batch each row of the text tables was rewritten about six times on its way into a full row group: at 100,000
# entries the checkpoints took 37 of the run's 122 s. A run in batches merges at every VACUUM_EVERY-th batch and at
# its last instead (`warehouse.commit`); on 40 batches of 2,000 rows of text: 7.6 s of checkpoints -> 4.3 s.
VACUUM_EVERY = 16
# Batches handed to the workers ahead of the one the writer validates and loads. With one, the workers idled whenever
# the writer was the slower (its checkpoint's disk writes) and the writer then waited for them. In turn: 30,000
# entries in 16 batches 77.0 and 81.6 s with one, 66.9 and 74.2 s with two (three: no faster); `defnews
# ingest-files` over 100,000 entries 231.3 and 227.5 s -> 217.9 and 216.9 s, its peak 1,243-1,245 -> 1,299-1,303 MB.
READ_AHEAD = 2


@writer_entry  # GX imported while the workers parse
def load_in_batches(settings: Settings, feeds: Sequence[Feed], fetches: Iterable[FetchResult], *, source: str,
                    replace: bool = False, batch_bytes: int | None = None) -> BatchStats:  # fmt: skip
    """A large run (a folder of files, a replay) as consecutive batches of at most `batch_bytes` landed bytes (one
    body may exceed it), `fetches` taken as they come.

    Memory stays bounded by about three batches (the workers parse the next two while one loads), whatever
    the run's size. Each batch is its own transaction, and loading is idempotent, so a run stopped
    half-way is finished by running it again. The batches behave exactly as if their files had been
    ingested one after another: a later copy of an article an earlier batch loaded is a sighting, or
    a revision when its text differs (inside one batch the first copy wins), and a story's id is
    that of its member loaded first. With `replace` (a replay), a stored article is rewritten from the copy that
    made its current revision; an earlier copy, and a later copy of the version the run left current (`Met`), are
    sightings (`replay`).
    """
    total: BatchStats | None = None
    met = Met() if replace else None  # a replay's own: what its batches loaded
    with Workers(settings.workers) as workers:
        # the workers parse the next batches while this one is validated and loaded
        def submit(chunk: list[FetchResult]) -> tuple[list[FetchResult], Callable[[], Processed]]:
            jobs = payload_jobs(settings, feeds, chunk)
            stored = met.for_feeds(jobs) if met is not None else _stored(settings, jobs, replace)
            return chunk, workers.submit(settings.landing_dir, jobs, stored=stored)

        pending = _chunks(settings, fetches, BATCH_BYTES if batch_bytes is None else batch_bytes)
        ahead = deque(submit(chunk) for chunk in itertools.islice(pending, READ_AHEAD))
        number = 0
        while ahead:
            chunk, result = ahead.popleft()
            processed = result()
            ahead.extend(submit(chunk) for chunk in itertools.islice(pending, 1))
            last = not ahead
            stats = process_and_load(settings, feeds, chunk, source=source, replace=replace, record_fetches=False,
                                     processed=processed, vacuum=last or (number + 1) % VACUUM_EVERY == 0, met=met)  # fmt: skip
            del processed  # the batch's memory is given back now, not after the next one is taken in
            total = stats if total is None else total.plus(stats)
            give_back()
            if number or not last:
                log.info("batch %s: %d entries, %d new articles", stats.batch_id, stats.entries_seen, stats.articles_new)
            number += 1
    assert total is not None
    return total


Origins = Mapping[tuple[str, str], str]  # (payload sha, feed id) -> the batch that first loaded it (`raw.payloads.batch_id`)


class Met:
    """What a replay has made of each article so far: the version its batches left current, whatever feed it came
    from (8 bytes of the id, sorted, beside the `stored_key` of the id and content; 0 while it has written none), and
    the batch that first loaded the last copy of it the replay met (8 bytes of `raw.payloads.batch_id`, 0 when
    unknown). A later copy of that version, in any feed, is a sighting only: the workers leave it out when they know
    of it as they start (they run ahead of the loads), the writer in any case (`leave_out`), and the load does not
    rewrite it (`ingest.articles.sightings_only`). A feed's snapshots repeat most of what the one before held, so a
    replay would otherwise extract, check and write each article once for every snapshot it was in, and a copy in a
    second feed would take the first one's place. Only the current version counts: a feed that went back to an
    earlier one is met with a revision, as it was. But for a copy from the batch the last one met came from, once the
    run has written the article: that batch kept its first copy of the article and dropped the others (`dedupe`),
    whatever their text, so the replay drops them again wherever it cuts its own batches. Before the run has written
    it, the copies met are those fetched before its current revision was first seen, sightings only whatever their
    batch (`ingest.articles.earlier_copies`): a polled batch keeps its copies in the catalog's order, not the order
    they were fetched in, so one of them may be the copy that batch dropped, met before the one it kept."""

    def __init__(self) -> None:
        self.ids = np.empty(0, dtype=np.uint64)  # sorted
        self.current = np.empty(0, dtype=np.uint64)  # beside each id: `stored_key` of its current version (0: none)
        self.batches = np.empty(0, dtype=np.uint64)  # beside each id: the key of its last copy's first batch (0: unknown)
        self._sorted: np.ndarray | None = None  # `current` sorted, for the workers; made again after a change

    @staticmethod
    def _id_key(article_id: str) -> int:
        return int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest(), "big")

    def _find(self, articles: Sequence[Article]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each article's id key, its place in `ids`, and whether it is there."""
        keys = np.array([self._id_key(a.article_id) for a in articles], dtype=np.uint64)
        at = np.searchsorted(self.ids, keys)
        found = np.zeros(len(keys), dtype=bool)
        inside = at < len(self.ids)
        found[inside] = self.ids[at[inside]] == keys[inside]
        return keys, at, found

    def for_feeds(self, jobs: Sequence[PayloadJob]) -> dict[str, np.ndarray]:
        """What the workers are told is stored, for each of the jobs' feeds: every current version (one array)."""
        if self._sorted is None:
            self._sorted = np.sort(self.current[self.current != 0])
        if not len(self._sorted):
            return {}
        return {job.feed.id: self._sorted for job in jobs}

    def leave_out(self, processed: Processed, origins: Origins) -> None:
        """Marks the batch's articles (one an id: after `dedupe`) whose copy is the version the run left current, or
        comes from the batch the last copy met came from (`origins`) once the run has written the article, as left out
        (`Processed.unextracted`), and only those (the writer extracts any other the workers left out)."""
        _, at, found = self._find(processed.articles)
        met = np.zeros(len(found), dtype=bool)
        batches, current = self._batches(processed.articles, origins), self.current[at[found]]
        met[found] = (current == self._versions(processed.articles)[found]) | (
            (self.batches[at[found]] == batches[found]) & (batches[found] != 0) & (current != 0)
        )
        for article, left_out in zip(processed.articles, met, strict=True):
            if left_out:
                processed.unextracted.add(article.article_id)
                processed.extracted.pop(article.article_id, None)
                processed.signatures.pop(article.article_id, None)
            else:  # the workers were told as they started, two loads ago: since then the run made another current
                processed.unextracted.discard(article.article_id)

    def add(self, articles: Sequence[Article], origins: Origins, written: AbstractSet[str] | None = None, *,
            last: Sequence[Article] = ()) -> None:  # fmt: skip
        """A batch's articles (one copy an id: after `dedupe`), met: the versions of those it wrote (`Batch.written`;
        by default all) are now current, and the batch of each one's last copy in it (`last`, by default the copy
        given) is the last met."""
        articles = list({a.article_id: a for a in articles}.values())  # one copy an id, or `ids` would hold it twice
        keys, at, found = self._find(articles)
        lasts = {a.article_id: a for a in last}
        versions = self._versions(articles)
        batches = self._batches([lasts.get(a.article_id, a) for a in articles], origins)
        wrote = np.array([written is None or a.article_id in written for a in articles], dtype=bool)
        self.current[at[found & wrote]] = versions[found & wrote]
        self.batches[at[found]] = batches[found]
        order = np.argsort(keys[~found])  # new ids, inserted in order: a sorted merge, not a sort
        self.ids = np.insert(self.ids, at[~found][order], keys[~found][order])
        self.current = np.insert(self.current, at[~found][order], np.where(wrote, versions, 0)[~found][order])
        self.batches = np.insert(self.batches, at[~found][order], batches[~found][order])
        self._sorted = None

    @staticmethod
    def _versions(articles: Sequence[Article]) -> np.ndarray:
        return np.array([stored_key(a.article_id, a.content_hash) for a in articles], dtype=np.uint64)

    @classmethod
    def _batches(cls, articles: Sequence[Article], origins: Origins) -> np.ndarray:
        keys = {batch: cls._id_key(batch) for batch in set(origins.values())}
        return np.array([keys.get(origins.get((a.payload_sha256, a.feed_id), ""), 0) for a in articles], dtype=np.uint64)


def _origins(settings: Settings, payloads: Sequence[PayloadRecord]) -> dict[tuple[str, str], str]:
    """The batch that first loaded each of the payloads (`raw.payloads.batch_id`; not one a gate rejected)."""
    if not payloads or not settings.warehouse.exists():
        return {}
    with open_lookup(settings) as con:
        listed = pa.table({"payload_sha256": [p.sha256 for p in payloads], "feed_id": [p.feed_id for p in payloads]})
        con.register("_listed", listed)
        rows = con.execute("select payload_sha256, feed_id, batch_id from raw.payloads join _listed "
                           "using (payload_sha256, feed_id) where batch_id is not null "
                           "and parse_status is distinct from 'rejected'").fetchall()  # fmt: skip
    return {(sha, feed_id): batch_id for sha, feed_id, batch_id in rows}


def _chunks(settings: Settings, fetches: Iterable[FetchResult], limit: int) -> Iterator[list[FetchResult]]:
    """`fetches` as consecutive runs of at most `limit` landed bytes (one body may exceed it), taken as they come;
    one run, empty, when there are none (the run is still recorded)."""
    chunk: list[FetchResult] = []
    size = 0
    for fetch in fetches:
        bytes_ = fetch.size or (landing.landed_bytes(settings.landing_dir, fetch.sha256) if fetch.sha256 else 0)
        if chunk and size + bytes_ > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(fetch)
        size += bytes_
    yield chunk


def _replay_choice(settings: Settings, out: Processed) -> None:
    """Of the copies of an article in a replay batch, the one to load put first (`ingest.articles.replay_choice`); the
    workers' extraction of another copy is not its."""
    if not settings.warehouse.exists():
        return
    with open_lookup(settings) as con:
        moved = replay_choice(con, out.articles)
    for article_id in moved:
        out.extracted.pop(article_id, None)
        out.signatures.pop(article_id, None)
        out.unextracted.discard(article_id)


def _stored(settings: Settings, jobs: Sequence[PayloadJob], replace: bool) -> dict[str, np.ndarray] | None:
    """What the warehouse holds of the jobs' feeds (`ingest.articles.stored_keys`), for the workers to skip what
    they meet unchanged; nothing when the batch replaces what is stored (a replay tells them what it met: `Met`)."""
    if replace or not jobs or not settings.warehouse.exists():
        return None
    with open_lookup(settings) as con:
        try:
            return stored_keys(con, sorted({job.feed.id for job in jobs}))
        except duckdb.CatalogException:  # a file no load has made yet: the load says what is wrong with it
            return None


def _to_write(settings: Settings, articles: Sequence[Article], unextracted: AbstractSet[str], replace: bool) -> list[Article]:
    """The articles whose mentions the load may write (`ingest.articles.rewritten`, as the warehouse stands now; the
    single writer is the only one to change it): all but those the workers left out as stored unchanged (`_stored`),
    unless changed or gone since; on a replay, all but those that are sightings only (`sightings_only`)."""
    skipped = [a for a in articles if a.article_id in unextracted]
    if not (replace or skipped) or not settings.warehouse.exists():  # gone since: every article is new, extracted here
        return list(articles)
    with open_lookup(settings) as con:
        if replace:
            known = known_articles(con, [a.article_id for a in articles])
            sightings = sightings_only(con, articles, known, unextracted)
            return [a for a in articles if a.article_id not in sightings]
        changed = rewritten(skipped, known_articles(con, [a.article_id for a in skipped]))
    return [a for a in articles if a.article_id not in unextracted or a.article_id in changed]


def _as_parsed(article: Article, parsed: dict[str, Article]) -> bool:
    """Whether the article's title and text are still those it was parsed with (a full-text fetch changes them)."""
    before = parsed.get(article.article_id)
    return before is not None and (before.title, before.text) == (article.title, article.text)


def _extraction(gaz: Gazetteer, article: Article, parsed: dict[str, Article],
                done: dict[str, ExtractionResult]) -> ExtractionResult:  # fmt: skip
    """The extraction made beside the parse, unless the text changed since (full text fetched): then again."""
    result = done.get(article.article_id)
    if result is not None and _as_parsed(article, parsed):
        return result
    return extract(gaz, article.article_id, article.title, article.text)


def _with_fulltext(settings: Settings, articles: list[Article], catalog: Catalog) -> list[Article]:
    from ingest.fulltext import enrich

    with open_writer(settings) as con:
        known = set(known_articles(con, [a.article_id for a in articles]))
    return enrich(articles, settings, catalog, known)


def record_rejected_batch(settings: Settings, batch_id: str, source: str, runs: Sequence[ValidationRun], reason: str,
                          payloads: Sequence[PayloadRecord]) -> None:  # fmt: skip
    """A batch that failed a structural gate loads nothing, but its validation runs are history, and its
    payloads are listed (status `rejected`) so that `defnews replay` finds them after the fix."""
    rows = [dict(dataclasses.asdict(p), payload_sha256=p.sha256, parse_status="rejected", parse_error=reason[:500],
                 batch_id=batch_id) for p in payloads]  # fmt: skip
    with open_writer(settings) as con:
        record_validation_runs(con, batch_id, runs)
        insert_rows(con, "raw.payloads", rows, PAYLOAD_COLUMNS, "on conflict do nothing")
        con.execute(
            "insert into raw.batches (batch_id, source, started_at, finished_at, status, reason) "
            "values ($1, $2, now(), now(), 'rejected', $3) on conflict do nothing",
            [batch_id, source, reason],
        )


@writer_entry  # GX imported while the feeds are fetched
def ingest_batch(settings: Settings, catalog: Catalog | None = None, *, due_only: bool = False,
                 fulltext: bool = False) -> BatchStats:  # fmt: skip
    """Plan, fetch, land, process and load (no dbt): the raw half of a micro-batch."""
    catalog = catalog or load_catalog(settings.feeds_file)
    fetches = fetch_and_land(plan(settings, catalog, due_only=due_only), settings, catalog)
    return process_and_load(settings, catalog.feeds, fetches, fulltext=catalog if fulltext else None)


# Under a folder given to `defnews ingest-files`: files that are no feed body. Hidden files (".DS_Store", an editor's
# swap file) and JSON (the generator's `ground_truth.json`; JSON Feed is not a format this pipeline reads). A file
# named on the command line is always taken.
NOT_FEEDS = (".json",)


def feed_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files to ingest from `paths` (a file as given; every file under a folder, in name order, but hidden ones
    and `NOT_FEEDS`), and those left out under the folders. A path that does not exist raises FileNotFoundError."""
    taken: list[Path] = []
    left_out: list[Path] = []
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist")
        if not path.is_dir():
            taken.append(path)
            continue
        for found in sorted(p for p in path.rglob("*") if p.is_file()):
            hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
            (left_out if hidden or found.suffix.lower() in NOT_FEEDS else taken).append(found)
    return taken, left_out


def files_as_fetches(paths: Iterable[Path], settings: Settings) -> tuple[list[Feed], list[FetchResult]]:
    """Treat local files as fetched bodies: each file is its own feed, `file-<stem>`, fetched a microsecond after the
    one before it (a replay takes them in the order given, as the first load did)."""
    feeds, fetches = [], []
    start = datetime.now(UTC)
    for number, path in enumerate(paths):
        now = start + timedelta(microseconds=number)
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


def fetch_result_to_dict(result: FetchResult) -> dict[str, Any]:
    """A small, JSON-safe form for Airflow XCom (the body stays in the landing zone)."""
    data = dataclasses.asdict(dataclasses.replace(result, body=None))
    data["requested_at"] = result.requested_at.isoformat()
    return data


def fetch_result_from_dict(data: dict[str, Any]) -> FetchResult:
    values = dict(data)
    values["requested_at"] = datetime.fromisoformat(str(values["requested_at"]))
    return FetchResult(**values)


def transform_and_publish(settings: Settings) -> list[str]:
    """dbt build (models and their tests), then publish the marts for readers."""
    from ingest.publish import publish
    from ingest.transform import build

    build(settings)
    return publish(settings)


def run_microbatch(settings: Settings, catalog: Catalog | None = None, *, due_only: bool = False,
                   fulltext: bool = False) -> BatchStats:  # fmt: skip
    """One micro-batch end to end: fetch, land, parse, normalise, extract, validate, load, dbt build, publish."""
    stats = ingest_batch(settings, catalog, due_only=due_only, fulltext=fulltext)
    transform_and_publish(settings)
    return stats


# payloads listed at a time by a replay: its listing, like its batches, stays the same size however long the range
REPLAY_PAGE = 10_000


def replay(settings: Settings, since: datetime | None = None, until: datetime | None = None) -> BatchStats:
    """Re-process landed payloads received in [since, until) (until: by default, when the replay starts) with the
    current parser and gazetteer, in the order they came, nothing fetched.

    In batches of landed bytes (`load_in_batches`), so that a year of landed feeds replays in the memory of one
    batch. Each article is rewritten from the copy that made its current revision (its text, mentions, quotes and
    names made again; a new revision when the parser now reads it otherwise); a copy fetched before that one, and a
    later copy of the version the run left current (`Met`), are sightings only (`ingest.articles.sightings_only`),
    and a later version is a revision, as it was. Idempotent: a payload loaded before counts no sighting again, and a
    replay run twice writes the same rows.
    """
    since, until = (moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC) for moment in (since, until))
    until = min(until, datetime.now(UTC)) if until else datetime.now(UTC)
    with open_writer(settings) as con:
        rows = con.execute(
            """select p.feed_id, any_value(f.url), any_value(f.publisher), any_value(f.language), any_value(f.tags),
                      any_value(f.poll_minutes), min_by(p.url, p.received_at)
               from raw.payloads p left join raw.feeds f using (feed_id)
               where ($since is null or p.received_at >= $since) and p.received_at < $until
               group by p.feed_id order by p.feed_id""",
            {"since": since, "until": until},
        ).fetchall()
    # as the catalog last gave them (a replay must not blank a feed's tags or poll interval), or as its payloads did
    feeds = [Feed(id=feed_id, url=url or first_url or "", publisher=publisher or feed_id, language=language,
                  tags=tuple(tags or ()), poll_minutes=poll_minutes)
             for feed_id, url, publisher, language, tags, poll_minutes, first_url in rows]  # fmt: skip
    return load_in_batches(settings, feeds, _landed(settings, since, until), source="replay", replace=True)


def _landed(settings: Settings, since: datetime | None, until: datetime) -> Iterator[FetchResult]:
    """The payloads received in [since, until), oldest first, as fetches: listed `REPLAY_PAGE` at a time."""
    after: tuple[datetime, str, str] | None = None
    while True:
        with open_lookup(settings) as con:
            rows = con.execute(
                """select payload_sha256, feed_id, url, received_at, content_type, bytes from raw.payloads
                   where ($since is null or received_at >= $since) and received_at < $until
                     and ($at is null or received_at > $at or received_at = $at
                          and (payload_sha256 > $sha or payload_sha256 = $sha and feed_id > $feed))
                   order by received_at, payload_sha256, feed_id limit $page""",
                {"since": since, "until": until, "at": after and after[0], "sha": after and after[1],
                 "feed": after and after[2], "page": REPLAY_PAGE},
            ).fetchall()  # fmt: skip
        for sha, feed_id, url, received_at, content_type, size in rows:
            yield FetchResult(feed_id=feed_id, url=url or "", requested_at=received_at, outcome="ok", sha256=sha,
                              content_type=content_type, final_url=url, size=size or 0)  # fmt: skip
        if len(rows) < REPLAY_PAGE:
            return
        after = (rows[-1][3], rows[-1][0], rows[-1][1])
