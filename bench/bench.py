"""`make bench`: throughput of every stage, end to end, fetch and micro-batches, as ONE JSON object on stdout (issue 9).

    .venv/bin/python bench/bench.py [--quick]

Progress goes to stderr. Every stage calls the project's own functions on a corpus from
`ingest.generate` (full: 10,000 entries of 300-800 words; quick: 1,000). Figures are
measured with `time.perf_counter()` and reported, never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import hashlib
import io
import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from typing import Any

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")

from ingest import pipeline
from ingest.extract import extract, load_gazetteer
from ingest.extract.lines import answer, read_line
from ingest.extract.matcher import native_available
from ingest.fetch import Target, fetch_targets
from ingest.generate import generate
from ingest.identity import NoIdentity, assign
from ingest.models import Article, ParsedFeed
from ingest.normalize import base_for, normalise_entry
from ingest.parse import parse_feed
from ingest.settings import Settings, load_settings
from ingest.validate import validate_articles
from ingest.warehouse import connect

STARTED = time.perf_counter()
LATENCY_S = 0.2
PER_HOST_CONCURRENCY = 100
PACKAGES = ("feedparser", "duckdb", "dbt-core", "dbt-duckdb", "great-expectations", "apache-airflow", "lxml", "pyahocorasick",
            "selectolax", "pyarrow", "pandas")  # fmt: skip


def log(message: str) -> None:
    print(f"[bench {time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def rate(count: float, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


@contextmanager
def clock(into: dict[str, float], key: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        into[key] = into.get(key, 0.0) + time.perf_counter() - start


def settings_for(data_dir: Path) -> Settings:
    return load_settings(data_dir)


LISTED_FOR_S = 1.0


class Descendants:
    """A process's descendants (psutil), listed again at most every `LISTED_FOR_S` s.

    Listing them walks every process of the machine (`/proc/*/stat`): every 50 ms that cost the bench's sampling
    thread 7.6% of a core (0.76 s of CPU in 10 s, four children), taken from the run it measures on two cores.
    Reading one known process (`cpu_times`, `memory_info`) reads one file, and its CPU time is a running total, read
    in full whatever the listing's age. What a listing a second old can miss: a process that started and ended within
    that second. The workers start with a run's first batch and live until its end."""

    def __init__(self, root: Any) -> None:
        self.root, self._listed, self._at = root, list[Any](), -LISTED_FOR_S

    def now(self) -> list[Any]:
        import psutil

        if time.monotonic() - self._at >= LISTED_FOR_S:
            with contextlib.suppress(psutil.Error):  # the root has just ended: the last listing stands
                self._listed, self._at = self.root.children(recursive=True), time.monotonic()
        return self._listed


class DescendantsCpu:
    """CPU seconds (user + system) of a process's descendants while a block runs, and of the whole machine.

    The workers are the forkserver's children, and the forkserver is nobody's to reap, so `RUSAGE_CHILDREN` never
    counts them: each descendant is read every `interval` s on a thread (or at each `read` by a caller that polls
    already), and its figure is the last one read before it ended (at most `interval` short). Reading costs the
    reading process CPU: `cost` is that time, for a caller that reads its own CPU from `resource` to take off. The
    descendants are listed again only every `LISTED_FOR_S` (`Descendants`). `machine_busy_s` is every core's busy time
    over the block, the machine's other users included, to tell a run that leaves a core idle from one that another
    process slowed.
    """

    def __init__(self, pid: int, interval: float | None = 0.05) -> None:
        import psutil

        self._root, self._interval, self._stop = Descendants(psutil.Process(pid)), interval, threading.Event()
        self.seen: dict[tuple[int, float], float] = {}  # (pid, start time): a pid the system gives out again is another
        self._before: dict[tuple[int, float], float] = {}  # what the descendants alive at the start had used already
        self.cost = 0.0
        self.machine_busy_s = self.steal_s = 0.0
        self._machine: Any = None
        self._thread = threading.Thread(target=self._run, name="bench-cpu", daemon=True) if interval else None

    def read(self, children: list[Any] | None = None) -> None:
        """Read the descendants now (`children`: the caller's own listing of them, to save a second one)."""
        import psutil

        started = time.thread_time()
        try:
            for process in self._root.now() if children is None else children:
                with contextlib.suppress(psutil.Error):  # ended between the listing and the reading
                    times = process.cpu_times()
                    self.seen[(process.pid, process.create_time())] = times.user + times.system
        except psutil.Error:
            pass  # the root has just ended
        finally:
            self.cost += time.thread_time() - started

    def _run(self) -> None:
        assert self._interval is not None
        while not self._stop.wait(self._interval):
            self.read()

    def __enter__(self) -> DescendantsCpu:
        import psutil

        self.read()
        self._before = dict(self.seen)
        self._machine = psutil.cpu_times()
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        import psutil

        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.read()
        now, then = psutil.cpu_times(), self._machine
        # Linux's fields; guest time is counted in user time already, so it is not added again
        busy = ("user", "nice", "system", "irq", "softirq")
        self.machine_busy_s = sum(getattr(now, name, 0.0) - getattr(then, name, 0.0) for name in busy)
        self.steal_s = getattr(now, "steal", 0.0) - getattr(then, "steal", 0.0)

    @property
    def total(self) -> float:
        return sum(seconds - self._before.get(key, 0.0) for key, seconds in self.seen.items())


def cpu_seconds(who: int) -> float:
    """User + system CPU seconds of `resource.RUSAGE_SELF` or `RUSAGE_CHILDREN` (the children waited for)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def cpu_figures(prefix: str, entries: int, wall_s: float, own_s: float, others: DescendantsCpu) -> dict[str, float]:
    """The run's CPU: the writer's, its workers' (the forkserver's included), per entry, as cores kept busy, and the
    machine's cores busy over the same time (with the time the hypervisor gave other guests, `steal`).

    Two cores give 0.4 ms of CPU an entry to go 5,000 entries a second (issue #9). The run's `cores_busy` near
    the machine's says it is bound by CPU; well under, with the machine's own figure near its cores, that other
    processes took the rest."""
    total = own_s + others.total
    return {f"{prefix}_writer_cpu_s": round(own_s, 2), f"{prefix}_workers_cpu_s": round(others.total, 2),
            f"{prefix}_cpu_ms_per_entry": round(1000 * total / entries, 3) if entries else 0.0,
            f"{prefix}_cores_busy": round(total / wall_s, 2) if wall_s > 0 else 0.0,
            f"{prefix}_machine_cores_busy": round(others.machine_busy_s / wall_s, 2) if wall_s > 0 else 0.0,
            f"{prefix}_machine_steal_cores": round(others.steal_s / wall_s, 2) if wall_s > 0 else 0.0}  # fmt: skip


# --------------------------------------------------------------------------- parse, normalise, extract, validate


def lxml_reader() -> Callable[[bytes], int]:
    """Bare lxml: parse the bytes, then each item's or entry's title, link and description/content, namespace-blind."""
    from lxml import etree

    items = etree.XPath("//*[local-name()='item' or local-name()='entry']")
    title = etree.XPath("string(*[local-name()='title'])")
    link = etree.XPath("string((*[local-name()='link']/@href | *[local-name()='link']/text())[1])")
    content = etree.XPath("string(*[local-name()='description' or local-name()='content' or local-name()='summary'])")
    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)

    def read(body: bytes) -> int:
        found = [(title(item), link(item), content(item)) for item in items(etree.fromstring(body, parser))]
        return len(found)

    return read


def bench_parse(bodies: list[bytes], out: dict[str, Any]) -> list[ParsedFeed]:
    """`parse_feed`, feedparser alone and bare lxml on the same bytes, body by body in turn (so drift hits all three).

    `parse_feed` takes the fast lxml path (`ingest.fastparse`) when it accepts a body; the shares say how often.
    """
    import feedparser

    read_lxml, t, parsed, counts = lxml_reader(), {}, [], Counter[str]()
    for body in bodies:
        with clock(t, "parse"):
            parsed.append(parse_feed(body))
        with clock(t, "feedparser"):
            counts["feedparser"] += len(feedparser.parse(io.BytesIO(body)).entries)
        with clock(t, "lxml"):
            counts["lxml"] += read_lxml(body)
    entries = sum(len(p.entries) for p in parsed)
    fast = [p for p in parsed if p.parser == "fast"]  # the rest fell back to feedparser (ingest.fastparse)
    out.update(parse_fast_bodies_share=round(len(fast) / max(len(parsed), 1), 3),
               parse_fast_entries_share=round(sum(len(p.entries) for p in fast) / max(entries, 1), 3))  # fmt: skip
    out.update(entries=entries, parse_entries_per_s=rate(entries, t["parse"]), parse_s=round(t["parse"], 3),
               feedparser_entries_per_s=rate(counts["feedparser"], t["feedparser"]),
               lxml_entries_per_s=rate(counts["lxml"], t["lxml"]))  # fmt: skip
    out["parse_vs_feedparser_ratio"] = round(out["parse_entries_per_s"] / max(out["feedparser_entries_per_s"], 1e-9), 3)
    out["parse_vs_lxml_ratio"] = round(out["parse_entries_per_s"] / max(out["lxml_entries_per_s"], 1e-9), 4)
    return parsed


def bench_normalise(parsed: list[ParsedFeed], bodies: list[bytes], out: dict[str, Any]) -> list[Article]:
    now, articles, t = datetime.now(UTC), [], {}
    with clock(t, "normalise"):
        for number, (feed, body) in enumerate(zip(parsed, bodies, strict=True)):
            feed_id, sha = f"bench-{number}", hashlib.sha256(body).hexdigest()
            for entry, identity in zip(feed.entries, assign(feed.entries, feed_id, base_for(feed, None)), strict=True):
                if not isinstance(identity, NoIdentity):
                    articles.append(normalise_entry(entry, identity, feed_id=feed_id, language=feed.language, payload_sha256=sha,
                                                    fetched_at=now))  # fmt: skip
    out.update(normalise_entries_per_s=rate(sum(len(p.entries) for p in parsed), t["normalise"]), articles=len(articles))
    return articles


FIVE_KB = 5_000
EXTRACT_ROUNDS = 3  # alternating rounds of extract and of defnews extract's code on the 5 KB articles


def five_kb(articles: list[Article]) -> list[tuple[str, str, str]]:
    """(id, title, text) of 5 KB each (issue #5's unit): consecutive bodies joined, cut at the last space before
    5,000 bytes of title and text; the generator's articles are 300-800 words, 3.5 KB on average."""
    docs, title, text = [], "", ""
    for article in articles:
        title, text = title or article.title, f"{text}\n{article.text}" if text else article.text
        room, encoded = FIVE_KB - len(title.encode()), text.encode()
        if len(encoded) >= room:
            cut = encoded[:room].decode(errors="ignore")
            docs.append((f"5kb-{len(docs)}", title, cut[: cut.rfind(" ")] if " " in cut else cut))
            title, text = "", ""
    return docs


def bench_extract(articles: list[Article], out: dict[str, Any]) -> None:
    """`extract` on the normalised articles, then on the same text in articles of 5 KB, then on those as `defnews
    extract` reads and answers them (JSON lines, text cleaned as the pipeline cleans it), in turn."""
    gaz = load_gazetteer()
    extract(gaz, "warm-up", "NATO", "Poland and the Taiwan Strait")  # builds the automaton outside the clock
    t: dict[str, float] = {}
    with clock(t, "extract"):
        mentions = sum(len(extract(gaz, a.article_id, a.title, a.text).mentions) for a in articles)
    megabytes = sum(len(a.title.encode()) + len(a.text.encode()) for a in articles) / 1e6
    docs = five_kb(articles)
    size = sum(len(title.encode()) + len(text.encode()) for _, title, text in docs) / max(len(docs), 1)
    # the same articles through `defnews extract`'s own code too, JSON line in, JSON line out (no process start-up).
    # This machine's speed drifts by a third within minutes, so the two are timed in alternating rounds, and each
    # figure is its best round: drift then moves both alike, and their ratio is what the CLI adds.
    lines = [json.dumps({"id": i, "title": title, "text": text}, ensure_ascii=False) for i, title, text in docs]
    rounds: dict[str, list[float]] = {"extract_5kb": [], "extract_cli_5kb": []}
    for _ in range(EXTRACT_ROUNDS):
        started = time.perf_counter()
        for doc in docs:
            extract(gaz, *doc)
        rounds["extract_5kb"].append(time.perf_counter() - started)
        started = time.perf_counter()
        for number, line in enumerate(lines, start=1):
            answer(gaz, read_line(line, number), number)
        rounds["extract_cli_5kb"].append(time.perf_counter() - started)
    best = {key: min(times) for key, times in rounds.items()}
    every_round = {key: [rate(len(docs), seconds) for seconds in times] for key, times in rounds.items()}
    out.update(extract_docs_per_s=rate(len(articles), t["extract"]), extract_mb_per_s=round(megabytes / t["extract"], 3),
               extract_mentions=mentions, extract_native=native_available(gaz),
               extract_5kb_docs_per_s=rate(len(docs), best["extract_5kb"]), extract_5kb_docs=len(docs),
               extract_5kb_mean_bytes=round(size), extract_cli_5kb_docs_per_s=rate(len(docs), best["extract_cli_5kb"]),
               extract_5kb_rounds_docs_per_s=every_round)  # fmt: skip


def bench_validate(gx_dir: Path, articles: list[Article], out: dict[str, Any]) -> None:
    t: dict[str, float] = {}
    with clock(t, "cold"):  # imports GX and creates the file context
        validate_articles(gx_dir, articles[:20])
    with clock(t, "startup"):  # the fixed cost every batch pays: context, suite, checkpoint
        validate_articles(gx_dir, articles[:20])
    with clock(t, "batch"):
        result = validate_articles(gx_dir, articles)
    rejected = result.rejections if hasattr(result, "rejections") else result[1]
    out.update(validate_rows_per_s=rate(len(articles), t["batch"]), validate_startup_s=round(t["startup"], 3),
               validate_cold_start_s=round(t["cold"], 3), validate_batch_s=round(t["batch"], 3),
               validate_rows_per_s_after_startup=rate(len(articles) - 20, t["batch"] - t["startup"]) or None,
               validate_rejected=len(rejected))  # fmt: skip


# --------------------------------------------------------------------------- end to end, with the stages timed inside it


@contextmanager
def stage_clocks(into: dict[str, float]) -> Iterator[None]:
    """Wrap the stage functions `ingest.pipeline` calls, so one real run also yields its breakdown."""
    names = dict(process_landed="parse_normalise_extract_s", validate_articles="validate_s", gate="validate_s",
                 validate_mentions="validate_s", extract="extract_again_s", load_batch="load_s")  # fmt: skip
    originals = {name: getattr(pipeline, name) for name in names if hasattr(pipeline, name)}

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with clock(into, names[name]):
                return function(*args, **kwargs)

        return timed

    for name, function in originals.items():
        setattr(pipeline, name, wrap(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(pipeline, name, function)


def ingest_files(settings: Settings, files: list[Path], into: dict[str, float]) -> Any:
    with stage_clocks(into), clock(into, "total_s"):
        feeds, fetches = pipeline.files_as_fetches(files, settings)
        return pipeline.process_and_load(settings, feeds, fetches, source="files", record_fetches=False)


def bench_end_to_end(root: Path, files: list[Path], out: dict[str, Any]) -> None:
    t: dict[str, float] = {}
    loaded: list[Any] = []  # the batches `load_batch` wrote: each carries the rows it wrote, by table
    real_load = pipeline.load_batch

    def load_and_keep(con: Any, batch: Any, **options: Any) -> Any:
        stats = real_load(con, batch, **options)
        loaded.append(batch)
        return stats

    pipeline.load_batch = load_and_keep
    own = cpu_seconds(resource.RUSAGE_SELF)
    try:
        with DescendantsCpu(os.getpid()) as workers:
            stats = ingest_files(settings_for(root / "e2e"), files, t)
    finally:
        pipeline.load_batch = real_load
    # this process's threads: the writer's work, GX's preparing included, not the reading of the workers' CPU
    own = cpu_seconds(resource.RUSAGE_SELF) - own - workers.cost
    written: Counter[str] = Counter()
    for batch in loaded:
        written.update(batch.rows_written)
    rows = sum(written.values())
    # load_rows_per_s: every row load_batch wrote (inserted or updated, as DuckDB counted them: articles, texts,
    # revisions, mentions, quotes, name candidates, sightings, story signatures and bands, quarantine, payloads,
    # validation runs, ...) per second of load_batch; load_articles_per_s: new articles per second of load_batch.
    # Since session 12 load_batch's commit is the batch's checkpoint (`warehouse.commit`), timed inside it.
    out.update(end_to_end_entries_per_s=rate(stats.entries_seen, t["total_s"]), end_to_end_s=round(t["total_s"], 3),
               load_rows_per_s=rate(rows, t["load_s"]), load_articles_per_s=rate(stats.articles_new, t["load_s"]),
               load_rows_written=rows, load_rows_written_by_table=dict(sorted(written.items())), load_s=round(t["load_s"], 3),
               validate_share_of_load=round(t["validate_s"] / t["load_s"], 3), articles_loaded=stats.articles_new,
               mentions_loaded=stats.mentions_loaded,
               end_to_end_breakdown_s={k: round(v, 3) for k, v in sorted(t.items())},
               **cpu_figures("end_to_end", stats.entries_seen, t["total_s"], own, workers))  # fmt: skip


def bench_end_to_end_batched(root: Path, files: list[Path], out: dict[str, Any]) -> None:
    """The same files through `defnews ingest-files`'s path: batches of 8 MB, the workers parsing the next two batches
    while the writer validates and loads one (`pipeline.load_in_batches`). Then the same files again into the same
    warehouse, every entry stored unchanged: what a feed's next snapshot mostly is (not extracted again)."""
    settings, t = settings_for(root / "e2e-batched"), dict[str, float]()
    with clock(t, "total"):
        feeds, fetches = pipeline.files_as_fetches(files, settings)
        stats = pipeline.load_in_batches(settings, feeds, fetches, source="files")
    with clock(t, "again"):
        feeds, fetches = pipeline.files_as_fetches(files, settings)
        again = pipeline.load_in_batches(settings, feeds, fetches, source="files")
    if again.articles_new:
        raise RuntimeError(f"the same files again gave {again.articles_new} new articles")
    out.update(end_to_end_batched_entries_per_s=rate(stats.entries_seen, t["total"]),
               end_to_end_batched_s=round(t["total"], 3), end_to_end_batches=stats.batches,
               end_to_end_batched_again_entries_per_s=rate(again.entries_seen, t["again"]),
               end_to_end_batched_again_s=round(t["again"], 3))  # fmt: skip


# --------------------------------------------------------------------------- polled snapshots

# A feed as a poller lands it: each snapshot its newest SNAPSHOT_WINDOW entries, SNAPSHOT_STEP of them new since the
# one before. Its body changes at every poll that brings a new entry (and, for many feeds, at every poll: a new
# `lastBuildDate`), so each snapshot is parsed and normalised whole, and a replay meets each entry in every snapshot
# that held it: SNAPSHOT_WINDOW / SNAPSHOT_STEP times here.
SNAPSHOT_WINDOW, SNAPSHOT_STEP = 20, 4


def write_snapshots(pages: list[Path], out: Path, window: int = SNAPSHOT_WINDOW,
                    step: int = SNAPSHOT_STEP) -> list[tuple[str, Path]]:  # fmt: skip
    """The snapshots of each feed's first page (`pages`), written to `out`; (feed, file) in the order polled: round by
    round, every feed once a round, oldest round first."""
    from lxml import etree

    out.mkdir(parents=True, exist_ok=True)
    rounds: list[list[tuple[str, Path]]] = []
    for page in pages:
        tree = etree.parse(str(page), etree.XMLParser(resolve_entities=False, huge_tree=True))
        root = tree.getroot()
        items = [e for e in root.iter() if etree.QName(e).localname in ("item", "entry")]
        for item in items:
            parent = item.getparent()
            assert parent is not None
            parent.remove(item)
        for seq in (e for e in root.iter() if etree.QName(e).localname == "Seq"):  # RDF's list of the items
            for li in list(seq):
                seq.remove(li)
        holder = root if etree.QName(root).localname in ("RDF", "feed") else next(root.iter("{*}channel"))
        ends = range(len(items), window - 1, -step) if len(items) >= window else [len(items)]
        for number, end in enumerate(ends):  # oldest window first: the items are newest first
            snapshot = copy.deepcopy(tree)
            target = snapshot.getroot() if holder is root else next(snapshot.getroot().iter("{*}channel"))
            for item in items[max(0, end - window) : end]:
                target.append(copy.deepcopy(item))
            path = out / f"{page.stem}@{number:04d}.xml"
            snapshot.write(str(path), xml_declaration=True, encoding="utf-8")
            if number == len(rounds):
                rounds.append([])
            rounds[number].append((page.stem, path))
    return [polled for one_round in rounds for polled in one_round]


def bench_snapshots(root: Path, truth: Any, out: dict[str, Any]) -> None:
    """The corpus as polled (`write_snapshots`), each snapshot landed as a fetch of its feed, loaded in batches as
    `defnews ingest-files` loads files: the copies an article has in later snapshots are sightings, and what a worker
    cleaned and extracted lately is given again (`ingest.recent`)."""
    from ingest import landing
    from ingest.models import Feed, FetchResult

    first_pages = {f["feed"]: root / "corpus" / f["path"] for f in reversed(truth.files)}  # each feed's newest entries
    polled = write_snapshots(sorted(first_pages.values()), root / "snapshots")
    settings = settings_for(root / "snapshots-data")
    feeds = {name: Feed(id=f"snap-{name}", url=f"http://127.0.0.1/{name}.xml", publisher=name) for name, _ in polled}
    start, fetches = datetime(2026, 3, 1, tzinfo=UTC), []
    for number, (name, path) in enumerate(polled):
        body = path.read_bytes()
        fetches.append(FetchResult(feed_id=feeds[name].id, url=feeds[name].url, requested_at=start + timedelta(minutes=number),
                                   outcome="ok", status_code=200, size=len(body), sha256=landing.land(settings.landing_dir, body),
                                   final_url=None))  # fmt: skip
    t: dict[str, float] = {}
    own = cpu_seconds(resource.RUSAGE_SELF)
    with DescendantsCpu(os.getpid()) as workers, clock(t, "total"):
        stats = pipeline.load_in_batches(settings, list(feeds.values()), fetches, source="files")
    own = cpu_seconds(resource.RUSAGE_SELF) - own - workers.cost
    entries_per_s = rate(stats.entries_seen, t["total"])
    out.update(snapshots_entries_per_s=entries_per_s, snapshots_s=round(t["total"], 3),
               snapshots_files=len(polled), snapshots_entries=stats.entries_seen, snapshots_articles=stats.articles_new,
               snapshots_batches=stats.batches,
               snapshots_vs_feedparser_ratio=round(entries_per_s / max(out["feedparser_entries_per_s"], 1e-9), 3),
               **cpu_figures("snapshots", stats.entries_seen, t["total"], own, workers))  # fmt: skip


# --------------------------------------------------------------------------- fetch


def serve(body: bytes, keep_alive: bool) -> ThreadingHTTPServer:
    """127.0.0.1, a thread per connection; every response after `LATENCY_S`."""

    class Slow(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            time.sleep(LATENCY_S)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            if not keep_alive:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
            return

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    server = Server(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fetch_wall(root: Path, feeds: int, body: bytes, keep_alive: bool) -> tuple[float, int]:
    """`fetch_targets` on `feeds` URLs of one loopback server: (wall seconds, feeds fetched ok)."""
    server = serve(body, keep_alive)
    settings = dataclasses.replace(settings_for(root / "fetch"), per_host_concurrency=PER_HOST_CONCURRENCY,
                                   concurrency=PER_HOST_CONCURRENCY)  # fmt: skip
    targets = [Target(f"bench-{k}", f"http://127.0.0.1:{server.server_address[1]}/feed/{k}.xml") for k in range(feeds)]
    t: dict[str, float] = {}
    try:
        with clock(t, "fetch"):
            results = fetch_targets(targets, settings, allow_private_network=True)
    finally:
        server.shutdown()
        server.server_close()
    return round(t["fetch"], 3), sum(r.outcome == "ok" for r in results)


def bench_fetch(root: Path, feeds: int, body: bytes, out: dict[str, Any]) -> None:
    wall, ok = fetch_wall(root, feeds, body, keep_alive=False)
    reused, reused_ok = fetch_wall(root, feeds, body, keep_alive=True)
    out.update(fetch_500_feeds_wall_s=wall, fetch_feeds=feeds, fetch_ok=ok, fetch_latency_ms=int(LATENCY_S * 1000),
               fetch_per_host_concurrency=PER_HOST_CONCURRENCY, fetch_body_bytes=len(body),
               fetch_floor_s=round(-(-feeds // PER_HOST_CONCURRENCY) * LATENCY_S, 3),
               fetch_500_feeds_keepalive_wall_s=reused, fetch_keepalive_ok=reused_ok,
               fetch_note="headline: one connection per feed (Connection: close), as with 500 distinct hosts; "
                          "keepalive: the server keeps connections open and httpx reuses them")  # fmt: skip


# --------------------------------------------------------------------------- micro-batches


HISTORY_SQL = """
insert into raw.feeds (feed_id, url, publisher, language, updated_at)
select 'hist-feed-' || k, 'https://history' || k || '.example/feed', 'History ' || k, 'en', now() from range(100) f(k)
on conflict do nothing;
insert into raw.articles (article_id, feed_id, url, guid, title, published_at, language, content_hash, story_key,
    story_id, first_seen_at, last_seen_at, updated_at, extractor_version, entry_key, revision)
select {aid}, 'hist-feed-' || (i % 100), 'https://history.example/a/' || i, 'hist-' || i, 'Historical article ' || i,
    p, 'en', md5('content' || i), substr(md5('story' || i), 1, 20),
    case when i % 50 = 1 then substr(md5('hist' || (i - 1)), 1, 20) else {aid} end,
    p + interval 1 hour, p + interval 1 hour, p + interval 1 hour, '{version}', 'url', 1
from (select i, timestamptz '{first}' + to_seconds(i * {span} // {rows}) as p from range({rows}) r(i));
insert into raw.article_texts (article_id, text, text_method)
select {aid}, 'Historical article ' || i || '. ' || repeat(md5(i::varchar) || ' ', 30), 'feed' from range({rows}) r(i);
insert into raw.sightings
select article_id, feed_id, first_seen_at, last_seen_at, 1 from raw.articles where feed_id like 'hist-feed-%';
insert into raw.story_signatures (article_id, story_id, published_at, signature, title_numbers)
select article_id, story_id, published_at, list_transform(range(64), lambda x: hash(article_id, x)),
    regexp_extract(title, '[0-9]+')
from raw.articles where feed_id like 'hist-feed-%';
insert into raw.story_bands (band_key, article_id)
select (hash(article_id, b) >> 1)::bigint, article_id from raw.articles cross join range(16) r(b)
where feed_id like 'hist-feed-%';
create temp table _actors as select row_number() over () - 1 as k, actor_id, name from raw.actors;
create temp table _topics as select row_number() over () - 1 as k, topic_id, name from raw.topics;
insert into raw.mentions (article_id, kind, entity_id, field, start_offset, end_offset, surface, extractor_version,
    salience)
select {aid}, 'actor', a.actor_id, case when j = 0 then 'title' else 'body' end, j * 90, j * 90 + length(a.name),
    a.name, '{version}', 0.8
from range({rows}) r(i) cross join range(10) m(j)
join _actors a on a.k = cast(floor(pow((hash(i, j) % 1000003) / 1000003.0, 2) * {actors}) as bigint);
insert into raw.mentions (article_id, kind, entity_id, field, start_offset, end_offset, surface, extractor_version,
    salience)
select {aid}, 'topic', t.topic_id, 'body', 1000 + j * 50, 1010 + j * 50, t.name, '{version}', 0.7
from range({rows}) r(i) cross join range(2) m(j)
join _topics t on t.k = (i * 7 + j * 3) % {topics};
checkpoint;
"""


def prefill(settings: Settings, rows: int, end: date) -> float:
    """`rows` synthetic articles over the 365 days before `end`: texts, 12 mentions each, sightings, story signatures
    and their 16 bands (what a micro-batch's story clustering searches); bulk SQL, no Python rows."""
    span = 365 * 86_400
    first = datetime(end.year, end.month, end.day, tzinfo=UTC) - timedelta(seconds=span)
    gaz = load_gazetteer()
    sql = HISTORY_SQL.format(aid="substr(md5('hist' || i), 1, 20)", version=gaz.version, first=first.isoformat(), span=span,
                             rows=rows, actors=len(gaz.actors), topics=len(gaz.topics))  # fmt: skip
    started = time.perf_counter()
    with connect(settings.warehouse) as con:
        con.execute(sql)
    return time.perf_counter() - started


def microbatch(settings: Settings, files: list[Path]) -> dict[str, float]:
    """Load 1,000 new entries, then `dbt build`: the seconds of each part."""
    from ingest.transform import build

    t: dict[str, float] = {}
    ingest_files(settings, files, t)
    t["ingest_s"] = t.pop("total_s")  # files_as_fetches + process_and_load
    with clock(t, "dbt_s"):
        build(settings)
    return {k: round(v, 3) for k, v in sorted(t.items())}


def bench_microbatches(root: Path, history: int, out: dict[str, Any]) -> None:
    today = datetime.now(UTC).date()
    batch = sorted((root / "mb").glob("*.xml")) if (root / "mb").exists() else []
    if not batch:
        generate(root / "mb", 10, 1000, 2, 901, today - timedelta(days=2))
        batch = sorted((root / "mb").glob("*.xml"))
    out_t: dict[str, float] = {}
    with clock(out_t, "dbt_import"):
        import dbt.cli.main  # noqa: F401 - the import (seconds) is paid once per process, not per batch
    from ingest.transform import build

    seed_files = generate(root / "seed", 1, 20, 1, 902, today - timedelta(days=3))
    seed = [root / "seed" / f["path"] for f in seed_files.files]
    # Both warehouses get the same untimed start (seed batch: reference tables, feeds, the GX context; one dbt
    # build: dbt's partial-parse state), so the two timed batches differ by the history alone, not by first-run costs.
    log("micro-batch on an empty warehouse (seeded and built once, untimed)")
    empty = settings_for(root / "mb-empty")
    ingest_files(empty, seed, {})
    build(empty)
    t = microbatch(empty, batch)
    out.update(microbatch_empty_s=round(t["ingest_s"] + t["dbt_s"], 3), microbatch_empty_breakdown_s=t,
               dbt_import_s=round(out_t["dbt_import"], 3))  # fmt: skip
    settings = settings_for(root / "mb-history")
    ingest_files(settings, seed, {})  # reference tables, feeds
    log(f"pre-filling {history:,} articles")
    out["microbatch_history_prefill_s"] = round(prefill(settings, history, today - timedelta(days=1)), 3)
    log("first dbt build over the history (untimed in the micro-batch)")

    with clock(out_t, "first_build"):
        build(settings)
    log("micro-batch on the pre-filled warehouse")
    t = microbatch(settings, batch)
    out.update(microbatch_1m_history_s=round(t["ingest_s"] + t["dbt_s"], 3), microbatch_1m_history_breakdown_s=t,
               microbatch_history_rows=history,
               microbatch_history_first_build_s=round(out_t["first_build"], 3), microbatch_entries=1000,
               microbatch_history_tables=["articles", "article_texts", "mentions", "sightings", "story_signatures",
                                          "story_bands", "feeds"])  # fmt: skip


# --------------------------------------------------------------------------- memory at scale


def rss_run(data_dir: Path, args: list[str], prefix: str = "rss") -> dict[str, Any]:
    """`defnews <args>` (`ingest-files` and its files, `replay`) in a process of its own, and the peak memory it took.

    The command runs as an operator runs it (`python -m ingest`), so its workers carry what the command
    imports, not this script's imports. Sampled every 50 ms from here: the command (the writer) and its
    whole tree, the forkserver and the workers included (listed again every `LISTED_FOR_S`, `Descendants`).
    """
    import subprocess

    import psutil

    command = [sys.executable, "-m", "ingest", *args, "--data-dir", str(data_dir)]
    started, peak, writer_cpu = time.perf_counter(), [0, 0], cpu_seconds(resource.RUSAGE_CHILDREN)  # peak: [tree, writer]
    with (
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child,
        DescendantsCpu(child.pid, interval=None) as workers,  # read in this loop, from its listing
    ):
        tree = Descendants(psutil.Process(child.pid))
        while child.poll() is None:
            try:
                total = own = tree.root.memory_info().rss
                children = tree.now()
                for process in children:
                    with contextlib.suppress(psutil.Error):  # ended between the listing and the reading
                        total += process.memory_info().rss
            except psutil.Error:
                break  # the command has just ended
            workers.read(children)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], own)
            time.sleep(0.05)
        out, err = child.communicate()
    seconds = time.perf_counter() - started
    writer_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - writer_cpu  # the command's own, once waited for
    if child.returncode != 0:
        raise RuntimeError(f"defnews {args[0]} failed ({child.returncode}): {err[-2000:]}")
    stats = json.loads(out.strip().splitlines()[-1])
    return dict(entries=stats["entries_seen"], batches=stats["batches"], seconds=round(seconds, 1),
                workers=settings_for(data_dir).workers, writer_mb=round(peak[1] / 1024 / 1024, 1),
                tree_mb=round(peak[0] / 1024 / 1024, 1),
                cpu=cpu_figures(prefix, stats["entries_seen"], seconds, writer_cpu, workers))  # fmt: skip


def bench_rss(root: Path, entries: int, out: dict[str, Any]) -> None:
    """Peak RSS of ingesting `entries` entries from files with `defnews ingest-files` (the bench's own process is larger),
    then of `defnews replay` over all of them, in batches as the ingest ran."""
    feeds = max(1, entries // 1000)
    generate(root / "rss-corpus", feeds, entries, 30, 20261127)
    found = rss_run(root / "rss-data", ["ingest-files", *map(str, sorted((root / "rss-corpus").glob("*.xml")))])
    out.update(rss_entries=found["entries"], rss_batches=found["batches"], rss_ingest_s=found["seconds"],
               rss_entries_per_s=rate(found["entries"], found["seconds"]), rss_workers=found["workers"],
               rss_writer_peak_mb=found["writer_mb"], rss_process_tree_peak_mb=found["tree_mb"], **found["cpu"])  # fmt: skip
    log("replay")
    again = rss_run(root / "rss-data", ["replay"], prefix="replay")
    if again["entries"] != found["entries"]:
        raise RuntimeError(f"replay met {again['entries']} entries of the {found['entries']} ingested")
    out.update(replay_entries=again["entries"], replay_batches=again["batches"], replay_s=again["seconds"],
               replay_entries_per_s=rate(again["entries"], again["seconds"]), replay_writer_peak_mb=again["writer_mb"],
               replay_peak_rss_mb=again["tree_mb"], **again["cpu"])  # fmt: skip


# --------------------------------------------------------------------------- main


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def run(root: Path, quick: bool) -> dict[str, Any]:
    entries, feeds, fetch_feeds, history = (1000, 10, 100, 50_000) if quick else (10_000, 20, 500, 1_000_000)
    rss_entries = 5_000 if quick else 100_000
    out: dict[str, Any] = {"quick": quick, "machine": {"cpus": os.cpu_count(), "platform": platform.platform()}}
    log(f"generating {entries:,} entries in {feeds} feeds")
    t: dict[str, float] = {}
    with clock(t, "generate"):
        truth = generate(root / "corpus", feeds, entries, 30, 20261126)
    files = [root / "corpus" / f["path"] for f in truth.files]
    bodies = [path.read_bytes() for path in files]
    out.update(generate_entries_per_s=rate(entries, t["generate"]), corpus_mb=round(sum(map(len, bodies)) / 1e6, 1),
               words_per_entry=truth.words)  # fmt: skip
    log("parse (project parser, feedparser alone, bare lxml)")
    parsed = bench_parse(bodies, out)
    log("normalise")
    articles = bench_normalise(parsed, bodies, out)
    log("extract")
    bench_extract(articles, out)
    log("validate (GX)")
    bench_validate(root / "gx", articles, out)
    del parsed, articles
    log("end to end: files_as_fetches + process_and_load on a fresh warehouse")
    bench_end_to_end(root, files, out)
    log("end to end in batches, as `defnews ingest-files` runs (the workers two batches ahead), then the same files again")
    bench_end_to_end_batched(root, files, out)
    log(f"polled snapshots: each feed's newest {SNAPSHOT_WINDOW} entries, {SNAPSHOT_STEP} new a poll, loaded in batches")
    bench_snapshots(root, truth, out)
    log(f"fetch: {fetch_feeds} loopback feeds, {int(LATENCY_S * 1000)} ms each")
    small = generate(root / "small", 1, 20, 1, 7)
    bench_fetch(root, fetch_feeds, (root / "small" / small.files[0]["path"]).read_bytes(), out)
    bench_microbatches(root, history, out)
    log(f"peak memory of ingesting {rss_entries:,} entries from files, in a process of its own")
    bench_rss(root, rss_entries, out)
    # the figure: ingesting `rss_entries` entries, the writer and its workers together; the bench's
    # own process also held the 1M-article warehouse and dbt, so it is reported apart
    out.update(peak_rss_mb=out["rss_process_tree_peak_mb"],
               bench_process_peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
               versions=versions(), total_s=round(time.perf_counter() - STARTED, 1))  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="1,000 entries, 100 feeds to fetch, 50,000 rows of history")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = run(args.keep, args.quick)
    else:
        with tempfile.TemporaryDirectory(prefix="defnews-bench-") as tmp:
            result = run(Path(tmp), args.quick)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
