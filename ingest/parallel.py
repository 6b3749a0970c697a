"""Parse, normalise and extract landed payloads on every core; the writer stays one process.

Each worker reads its payloads from the landing zone (bytes never cross a pipe), runs the
same `process_payload` as the sequential path, with extraction, and sends back the articles and
their mentions; the parent merges the parts in the order of the payloads, so the result is the
sequential one exactly (first sightings, rejections and feed observations included).

Small batches (a micro-batch of a few feeds) stay in the calling process: a pool costs about
a second to start. Workers come from a `forkserver`, never a fork of the caller, which may hold
DuckDB or Airflow threads. If the pool cannot start or a worker dies, the batch is processed
here instead, with a warning: slower, never lost.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from ingest import landing
from ingest.extract import Gazetteer, load_gazetteer
from ingest.models import Feed
from ingest.process import Processed, collector_paused, extract_new, process_payload
from ingest.settings import default_workers

log = logging.getLogger(__name__)

POOL_MIN_BYTES = 4 * 1024 * 1024  # below this a batch is processed in the calling process
CHUNK_BYTES = 2 * 1024 * 1024  # landed bytes per pool task, at most (`chunks`)
CHUNKS_PER_WORKER = 4
# The workers parse ahead (the next batches while the writer loads one), and the writer is the critical path: at a
# lower priority they take the cores the writer leaves. `load_in_batches` over 10,000 entries in five batches:
# 10.1 -> 9.3 s (two runs each); one batch is unchanged (the writer waits while the workers parse it).
WORKER_NICENESS = 10

Stored = Mapping[str, np.ndarray] | None  # feed id -> sorted keys of the articles stored from it (`process.stored_key`)


@dataclass(frozen=True)
class PayloadJob:
    """One landed body to process: where it is and what the fetch said about it."""

    sha256: str
    feed: Feed
    fetched_at: datetime
    response_url: str | None
    content_type: str | None
    size: int = 0  # bytes, when known: decides whether a pool pays


def _run(landing_dir: Path, jobs: Sequence[PayloadJob], gaz: Gazetteer, out: Processed, stored: Stored = None) -> None:
    """Parse and normalise every job's body, then extract the new articles of all of them, stage by stage (not
    those the warehouse holds unchanged from their feed: `stored`, `process.is_stored`)."""
    first = len(out.articles)
    for job in jobs:
        body = landing.read_payload(landing_dir, job.sha256)
        process_payload(body, job.sha256, job.feed, job.fetched_at, job.response_url, job.content_type, out)
    extract_new(out, gaz, first, stored)


def _of_feeds(stored: Stored, jobs: Sequence[PayloadJob]) -> Stored:
    """The stored articles' keys of the jobs' feeds only: what a pool task is sent."""
    if not stored:
        return None
    return {job.feed.id: stored[job.feed.id] for job in jobs if job.feed.id in stored}


@collector_paused
def _in_worker(landing_dir: Path, jobs: Sequence[PayloadJob], stored: Stored = None) -> Processed:
    part = Processed()
    _run(landing_dir, jobs, load_gazetteer(), part, stored)
    return part


def chunks(jobs: Sequence[PayloadJob], workers: int) -> list[Sequence[PayloadJob]]:
    """Consecutive runs of jobs, each one pool task: about `CHUNK_BYTES` each, and at least `CHUNKS_PER_WORKER`
    per worker so that the last ones still share out. A run of small feeds then goes through each stage
    together (`extract_new`), as one big feed does."""
    sizes = [max(job.size, 1) for job in jobs]  # a size not known counts as a byte: small bodies share a task
    target = max(1, min(CHUNK_BYTES, sum(sizes) // max(1, workers * CHUNKS_PER_WORKER)))
    found: list[Sequence[PayloadJob]] = []
    start, size = 0, 0
    for end, job_size in enumerate(sizes, start=1):
        size += job_size
        if size >= target:
            found.append(jobs[start:end])
            start, size = end, 0
    if start < len(jobs):
        found.append(jobs[start:])
    return found


def _warm() -> None:
    """Load the gazetteer, build its automaton and the language model once per worker, before the first payload;
    tune the worker's heap as the writer's (`memory.tune_heap`); and yield the CPU to the writer (`WORKER_NICENESS`)."""
    from ingest.extract import extract
    from ingest.language import warm
    from ingest.memory import tune_heap

    tune_heap()
    with contextlib.suppress(OSError):  # a sandbox that refuses it: the worker runs at the writer's priority
        os.nice(WORKER_NICENESS)
    extract(load_gazetteer(), "warm-up", "NATO", "Poland")
    warm()


_MAIN_SCRIPT = threading.Lock()


@contextlib.contextmanager
def _main_script_left_out() -> Iterator[None]:
    """Start worker processes without running the caller's main script in each of them.

    multiprocessing prepares every child it starts (forkserver, spawn) by running the parent's `__main__`
    file again, as `__mp_main__`, when the parent was started as a script. Under Airflow that script is the
    `airflow` command: each worker imported Airflow before its first payload, about 2 s of the pool's start
    and 100 MB of each worker's memory on this machine. The workers run `ingest` code only, never a function
    of the caller's script, so the main module's `__file__` is hidden while they start: a main module without
    one (an interactive session's) is left alone.
    """
    with _MAIN_SCRIPT:  # two pools starting at once on two threads: one hides and restores it at a time
        main = sys.modules.get("__main__")
        path = main.__dict__.pop("__file__", None) if main is not None else None
        try:
            yield
        finally:
            if main is not None and path is not None:
                main.__file__ = path


class Workers:
    """A pool for a whole run (one or many batches), or none: `submit` a batch now, take its result later.

    While the writer validates and loads one batch, the workers already parse the next ones.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _started(self) -> ProcessPoolExecutor | None:
        if self._pool is None and self.workers > 1:
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_warm)
        return self._pool

    def _give_up(self, exc: BaseException, jobs: int) -> None:
        if self.workers > 1:  # once a run: the batches submitted since fail with it
            log.warning("process pool failed (%s: %s); processing the %d payload(s) in this process and the run's "
                        "next ones", type(exc).__name__, exc, jobs)  # fmt: skip
        self.__exit__()
        self.workers = 1

    def submit(self, landing_dir: Path, jobs: Sequence[PayloadJob], min_bytes: int | None = None,
               stored: Stored = None) -> Callable[[], Processed]:  # fmt: skip
        """Start on `jobs` (in the pool when the batch is big enough); the returned call gives the merged result.

        `stored`: the keys of the articles the warehouse holds, by feed (`ingest.articles.stored_keys`); those
        seen unchanged are parsed and normalised but not extracted. Each pool task is sent its own feeds' keys."""
        big = sum(job.size for job in jobs) >= (POOL_MIN_BYTES if min_bytes is None else min_bytes)
        if not big or len(jobs) < 2 or self.workers < 2:
            return lambda: _here(landing_dir, jobs, stored)
        try:  # workers start on the first submit: a process that may not have children finds out here
            pool = self._started()
            assert pool is not None
            with _main_script_left_out():  # the pool starts its processes as tasks are submitted
                futures = [pool.submit(_in_worker, landing_dir, chunk, _of_feeds(stored, chunk))
                           for chunk in chunks(jobs, self.workers)]  # fmt: skip
        except (OSError, AssertionError, BrokenProcessPool) as exc:
            self._give_up(exc, len(jobs))
            return lambda: _here(landing_dir, jobs, stored)

        def result() -> Processed:
            out = Processed()
            try:
                for future in futures:
                    out.add(future.result())
                return out
            # a worker died (killed, out of memory): nothing is lost, it is only slower; and a batch submitted before
            # another's result gave the pool up finds its tasks broken, or cancelled by the pool's shutdown
            except (BrokenProcessPool, CancelledError) as exc:
                self._give_up(exc, len(jobs))
                return _here(landing_dir, jobs, stored)

        return result


@collector_paused
def _here(landing_dir: Path, jobs: Sequence[PayloadJob], stored: Stored = None) -> Processed:
    out = Processed()
    _run(landing_dir, jobs, load_gazetteer(), out, stored)
    return out


def process_landed(landing_dir: Path, jobs: Sequence[PayloadJob], *, workers: int | None = None,
                   min_bytes: int | None = None, stored: Stored = None) -> Processed:  # fmt: skip
    """Every job parsed, normalised and extracted (but for the articles `stored` unchanged), merged in job order;
    on `workers` processes when it pays."""
    with Workers(min(workers or default_workers(), max(len(jobs), 1))) as pool:
        return pool.submit(landing_dir, jobs, min_bytes, stored)()
