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

import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ingest import landing
from ingest.extract import Gazetteer, load_gazetteer
from ingest.models import Feed
from ingest.process import Processed, process_payload

log = logging.getLogger(__name__)

POOL_MIN_BYTES = 4 * 1024 * 1024  # below this a batch is processed in the calling process


@dataclass(frozen=True)
class PayloadJob:
    """One landed body to process: where it is and what the fetch said about it."""

    sha256: str
    feed: Feed
    fetched_at: datetime
    response_url: str | None
    content_type: str | None
    size: int = 0  # bytes, when known: decides whether a pool pays


def default_workers() -> int:
    """`DEFNEWS_WORKERS`, else one worker per core the process may use."""
    configured = os.environ.get("DEFNEWS_WORKERS")
    if configured:
        return max(1, int(configured))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _run(landing_dir: Path, job: PayloadJob, gaz: Gazetteer, out: Processed) -> None:
    body = landing.read_payload(landing_dir, job.sha256)
    process_payload(body, job.sha256, job.feed, job.fetched_at, job.response_url, job.content_type, out, gaz)


def _in_worker(landing_dir: Path, job: PayloadJob) -> Processed:
    part = Processed()
    _run(landing_dir, job, load_gazetteer(), part)
    return part


def _warm() -> None:
    """Load the gazetteer and build its automaton once per worker, before the first payload."""
    from ingest.extract import extract

    extract(load_gazetteer(), "warm-up", "NATO", "Poland")


def process_landed(landing_dir: Path, jobs: Sequence[PayloadJob], *, workers: int | None = None,
                   min_bytes: int | None = None) -> Processed:  # fmt: skip
    """Every job parsed, normalised and extracted, merged in job order; on `workers` processes when it pays."""
    workers = min(workers or default_workers(), len(jobs))
    out = Processed()
    if workers > 1 and sum(job.size for job in jobs) >= (POOL_MIN_BYTES if min_bytes is None else min_bytes):
        try:
            context = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm) as pool:
                for part in pool.map(_in_worker, [landing_dir] * len(jobs), jobs):
                    out.add(part)
            return out
        except (BrokenProcessPool, OSError) as exc:
            log.warning("process pool failed (%s); processing the %d payload(s) in this process", exc, len(jobs))
            out = Processed()
    gaz = load_gazetteer()
    for job in jobs:
        _run(landing_dir, job, gaz, out)
    return out
