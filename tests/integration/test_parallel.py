"""The process pool gives exactly what one process gives: same articles, mentions, rejections, feed observations."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from ingest import landing, parallel
from ingest.extract import load_gazetteer
from ingest.models import Feed
from ingest.parallel import PayloadJob, Workers, process_landed
from ingest.pipeline import files_as_fetches, load_in_batches, process_and_load
from ingest.process import Processed, process_payload, stored_key
from ingest.settings import Settings
from tests.conftest import FIXTURES, SAMPLES

pytestmark = pytest.mark.slow

FETCHED = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _jobs(landing_dir: Path) -> list[PayloadJob]:
    """The sample feeds, bad entries, a body that is no feed, a cut-off one, and one feed landed twice
    after its cut-off body (its observations must merge in order)."""
    first = sorted(SAMPLES.glob("*.xml"))[0]
    bodies = [(p.stem, p.read_bytes()) for p in [*sorted(SAMPLES.glob("*.xml")), FIXTURES / "corrupted.xml"]]
    bodies += [("not-a-feed", b"<html><body>Service unavailable</body></html>"),
               (first.stem, first.read_bytes()[:5000]), (first.stem, first.read_bytes())]  # fmt: skip
    jobs = []
    for stem, body in bodies:
        feed = Feed(id=f"feed-{stem}", url=f"http://127.0.0.1/{stem}.xml", publisher=stem)
        jobs.append(PayloadJob(landing.land(landing_dir, body), feed, FETCHED, feed.url, None, len(body)))
    return jobs


def _plain(out: Processed) -> dict[str, object]:
    return {
        "payloads": [dataclasses.astuple(p) for p in out.payloads],
        "articles": [dataclasses.astuple(a) for a in out.articles],
        "rejections": out.rejections,
        "observations": out.observations,
        "extracted": out.extracted,
        "unextracted": out.unextracted,
        "entries_seen": out.entries_seen,
    }


def test_the_pool_and_one_process_give_the_same_parts_in_the_same_order(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    jobs = _jobs(tmp_path)
    alone = process_landed(tmp_path, jobs, workers=1)
    with caplog.at_level(logging.WARNING, logger="ingest.parallel"):
        pooled = process_landed(tmp_path, jobs, workers=2, min_bytes=0)
    assert not caplog.records, "the pool fell back to one process"
    assert alone.entries_seen > 300 and len(alone.extracted) > 300
    assert {p.parse_status for p in alone.payloads} >= {"ok", "error", "truncated"}  # the broken bodies are compared too
    assert alone.observations[f"feed-{sorted(SAMPLES.glob('*.xml'))[0].stem}"].parse_error  # from the cut-off copy
    assert _plain(pooled) == _plain(alone)


def test_staged_runs_give_what_entry_by_entry_processing_gives(tmp_path: Path) -> None:
    """`_run` normalises a run of payloads, then extracts its new articles stage by stage (`extract_new`); the
    result is that of `process_payload` on each body in turn, first sightings across payloads included."""
    jobs = _jobs(tmp_path)
    one_by_one, gaz = Processed(), load_gazetteer()
    for job in jobs:
        body = landing.read_payload(tmp_path, job.sha256)
        process_payload(body, job.sha256, job.feed, job.fetched_at, job.response_url, job.content_type, one_by_one, gaz)
    assert len(one_by_one.articles) > len(one_by_one.extracted)  # the feed landed twice: its second copy is not extracted again
    for workers in (1, 3):
        staged = Processed()
        for chunk in parallel.chunks(jobs, workers):
            parallel._run(tmp_path, chunk, gaz, staged)
        assert _plain(staged) == _plain(one_by_one)
        assert staged.signatures.keys() == one_by_one.signatures.keys()
        for article_id, (minhash, keys) in staged.signatures.items():
            assert np.array_equal(minhash, one_by_one.signatures[article_id][0]) and keys == one_by_one.signatures[article_id][1]


@pytest.mark.parametrize("sizes", [[10] * 50, [1] * 3, [100, 1, 1, 1, 100, 5], [5_000_000, 10, 3_000_000, 10], [0] * 20, []])
@pytest.mark.parametrize("workers", [1, 2])
def test_chunks_cover_every_job_in_order_and_share_out(sizes: list[int], workers: int) -> None:
    feed = Feed(id="f", url="http://127.0.0.1/f.xml", publisher="f")
    jobs = [PayloadJob(f"sha-{i}", feed, FETCHED, None, None, size) for i, size in enumerate(sizes)]
    found = parallel.chunks(jobs, workers)
    assert [job for chunk in found for job in chunk] == jobs and all(found)
    if len(jobs) >= workers * parallel.CHUNKS_PER_WORKER and len(set(sizes)) == 1:  # sizes not known (0) included
        assert len(found) >= workers * parallel.CHUNKS_PER_WORKER  # enough tasks for the last ones to share out
    for chunk in found:  # at most a chunk's worth, unless one body alone is more
        assert len(chunk) == 1 or sum(job.size for job in chunk[:-1]) < parallel.CHUNK_BYTES


def _snapshot(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return {
            table: con.execute(f"select {cols} from raw.{table} order by all").fetchall()
            for table, cols in {
                # an entry without a usable date gets the time of its fetch, which differs between the two runs
                # and a story is compared by its members: its id comes from whichever member was loaded first
                "articles": "article_id, feed_id, url, title, if(date_flag is null, published_at, null), language, "
                "min(article_id) over (partition by story_id)",
                "mentions": "article_id, kind, entity_id, field, start_offset, end_offset, salience",
                "quotes": "article_id, start_offset, quote, speaker_actor_id",
                "name_candidates": "article_id, name, occurrences",
                "quarantine": "stage, rule, feed_id, position, reason",
            }.items()
        }
    finally:
        con.close()


def test_a_batch_loads_the_same_rows_with_and_without_the_pool(tmp_path: Path, settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    files = [*sorted(SAMPLES.glob("*.xml")), FIXTURES / "corrupted.xml"]
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)  # the samples are smaller than a pool pays for
    snapshots = []
    for workers in (1, 2):
        run = dataclasses.replace(settings, data_dir=tmp_path / f"workers-{workers}", workers=workers)
        feeds, fetches = files_as_fetches(files, run)
        with caplog.at_level(logging.WARNING, logger="ingest.parallel"):
            stats = process_and_load(run, feeds, fetches, source="files", record_fetches=False)
        assert not caplog.records, "the pool fell back to one process"
        assert stats.articles_new > 300
        snapshots.append(_snapshot(run))
    assert snapshots[0] == snapshots[1]


def test_a_large_run_loads_in_bounded_batches_with_the_same_rows(tmp_path: Path, settings: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    """One batch in one process against several batches, each parsed by the pool while the one before loads.

    The samples have no article in two files with different texts, where the two would differ by design
    (a later batch's copy is a revision, see `load_in_batches`)."""
    files = [*sorted(SAMPLES.glob("*.xml")), FIXTURES / "corrupted.xml"]
    snapshots, runs = [], []
    for name, batch_bytes, workers, pool_from in (("one", None, 1, None), ("several", 300_000, 2, 0)):
        if pool_from is not None:
            monkeypatch.setattr(parallel, "POOL_MIN_BYTES", pool_from)
        run = dataclasses.replace(settings, data_dir=tmp_path / name, workers=workers)
        feeds, fetches = files_as_fetches(files, run)
        with caplog.at_level(logging.WARNING, logger="ingest.parallel"):
            runs.append(load_in_batches(run, feeds, fetches, source="files", batch_bytes=batch_bytes))
        assert not caplog.records, "the pool fell back to one process"
        snapshots.append(_snapshot(run))
    one, several = runs
    assert one.batches == 1 and several.batches > 2
    assert several.entries_seen == one.entries_seen and several.articles_new == one.articles_new
    assert snapshots[0] == snapshots[1]


def test_a_run_again_over_the_same_files_extracts_and_checks_none_of_it_again(tmp_path: Path, settings: Settings,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The same files again, in batches by the pool: the workers are told what each feed holds (`pipeline._stored`)
    and extract none of it, the writer checks no mention again (the articles are seen again, so they are checked),
    and the rows are the first run's."""
    files = [*sorted(SAMPLES.glob("*.xml")), FIXTURES / "corrupted.xml"]
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    run = dataclasses.replace(settings, data_dir=tmp_path / "run", workers=2)
    extracted: list[int] = []
    submit = Workers.submit

    def counting(self: Workers, *args: Any, **kwargs: Any) -> Any:
        pending = submit(self, *args, **kwargs)

        def result() -> Processed:
            out = pending()
            extracted.append(len(out.extracted))
            return out

        return result

    monkeypatch.setattr(Workers, "submit", counting)
    first = load_in_batches(run, *files_as_fetches(files, run), source="files", batch_bytes=300_000)
    before, extracted_first = _snapshot(run), sum(extracted)
    rejected = len({row[3:] for row in before["quarantine"] if row[0] == "validate"})  # stored nowhere: extracted again
    assert first.batches > 2 and first.articles_new > 300 and rejected
    assert extracted_first == first.articles_new + rejected
    extracted.clear()
    again = load_in_batches(run, *files_as_fetches(files, run), source="files", batch_bytes=300_000)
    assert len(extracted) == again.batches and sum(extracted) == rejected
    assert again.articles_new == again.mentions_loaded == 0
    assert again.articles_duplicate == first.articles_new + first.articles_duplicate
    assert _snapshot(run) == before
    con = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        runs = con.execute("select suite, list(evaluated order by run_at) from raw.validation_runs group by suite").fetchall()
    finally:
        con.close()
    evaluated = dict(runs)
    assert len(evaluated["mentions_batch"]) == first.batches + again.batches
    assert all(evaluated["mentions_batch"][: first.batches]) and not any(evaluated["mentions_batch"][first.batches :])
    assert evaluated["articles_batch"][first.batches :] == evaluated["articles_batch"][: first.batches]


def test_the_pool_leaves_out_what_each_feed_holds_unchanged_as_one_process_does(tmp_path: Path) -> None:
    """`stored`, by feed: an article stored unchanged from its feed is parsed and normalised but not extracted, in
    the pool (each task sent its own feeds' keys) as in one process; stored with other text, or from another feed,
    it is extracted."""
    jobs = _jobs(tmp_path)
    everything = process_landed(tmp_path, jobs, workers=1)
    firsts = list({a.article_id: a for a in reversed(everything.articles)}.values())  # each id's first sighting
    stored: dict[str, list[int]] = {}
    for n, article in enumerate(firsts):
        content = article.content_hash if n % 3 else "an earlier text"  # every third: changed since it was stored
        feed_id = article.feed_id if n % 5 else jobs[(n // 5) % len(jobs)].feed.id  # every fifth: stored from some feed
        stored.setdefault(feed_id, []).append(stored_key(article.article_id, content))
    arrays = {feed_id: np.unique(np.array(keys, dtype=np.uint64)) for feed_id, keys in stored.items()}
    expected = {a.article_id for a in firsts if stored_key(a.article_id, a.content_hash) not in stored.get(a.feed_id, [])}
    alone = process_landed(tmp_path, jobs, workers=1, stored=arrays)
    pooled = process_landed(tmp_path, jobs, workers=2, min_bytes=0, stored=arrays)
    assert 0 < len(expected) < len(everything.extracted)
    assert set(alone.extracted) == set(alone.signatures) == expected
    assert alone.unextracted == {a.article_id for a in firsts} - expected
    assert alone.articles == everything.articles and alone.rejections == everything.rejections
    assert _plain(pooled) == _plain(alone)


def _pool_workers() -> list[Any]:
    """This process's pool workers: the forkserver's children (the forkserver is this process's own child)."""
    import psutil

    me = psutil.Process()
    return [p for p in me.children(recursive=True) if p.ppid() != me.pid]


def test_the_workers_parse_two_batches_ahead_of_the_one_loading(tmp_path: Path, settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    """While batch k is validated and loaded, batches k+1 and k+2 are with the workers: one batch ahead, they idled
    whenever the writer was slower (its checkpoint's disk writes), and the writer then waited for them
    (`pipeline.READ_AHEAD`)."""
    from ingest import pipeline

    events: list[str] = []
    submit, load = Workers.submit, pipeline.process_and_load

    def submitting(self: Workers, landing_dir: Path, jobs: list[PayloadJob], *args: object, **kwargs: object) -> object:
        events.append(f"submit {sorted({job.feed.id for job in jobs})}")
        return submit(self, landing_dir, jobs, *args, **kwargs)  # type: ignore[arg-type]

    def loading(run: Settings, feeds: object, chunk: list[object], **kwargs: object) -> object:
        events.append(f"load {sorted({fetch.feed_id for fetch in chunk})}")  # type: ignore[attr-defined]
        return load(run, feeds, chunk, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Workers, "submit", submitting)
    monkeypatch.setattr(pipeline, "process_and_load", loading)
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    run = dataclasses.replace(settings, data_dir=tmp_path, workers=2)
    feeds, fetches = files_as_fetches(sorted(SAMPLES.glob("*.xml")), run)
    with caplog.at_level(logging.WARNING, logger="ingest.parallel"):
        stats = load_in_batches(run, feeds, fetches, source="files", batch_bytes=100_000)
    assert not caplog.records, "the pool fell back to one process"
    batches = [event.split(" ", 1)[1] for event in events if event.startswith("load")]
    assert stats.batches == len(batches) > 3
    expected = [f"submit {batches[0]}", f"submit {batches[1]}"]
    for number, batch in enumerate(batches):  # batch k+2 is handed to the workers as batch k is taken up
        if number + 2 < len(batches):
            expected.append(f"submit {batches[number + 2]}")
        expected.append(f"load {batch}")
    assert events == expected


def test_a_worker_killed_with_batches_ahead_costs_time_not_entries(tmp_path: Path, settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    """A worker killed while the writer loads the first batch, the next two with the pool: both fail with it, and
    the run processes them and the rest in its own process, once warned, with the rows of a run without the pool."""
    import signal

    from ingest import pipeline

    files = [*sorted(SAMPLES.glob("*.xml")), FIXTURES / "corrupted.xml"]
    alone = dataclasses.replace(settings, data_dir=tmp_path / "alone", workers=1)
    feeds, fetches = files_as_fetches(files, alone)
    load_in_batches(alone, feeds, fetches, source="files", batch_bytes=100_000)

    load, killed = pipeline.process_and_load, []

    def loading(run: Settings, *args: object, **kwargs: object) -> object:
        if not killed:  # the first batch is in; the next two were handed to the workers before it
            workers = _pool_workers()
            assert workers, "no worker process"
            workers[0].send_signal(signal.SIGKILL)
            killed.append(workers[0].pid)
        return load(run, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "process_and_load", loading)
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    pooled = dataclasses.replace(settings, data_dir=tmp_path / "pooled", workers=2)
    feeds, fetches = files_as_fetches(files, pooled)
    with caplog.at_level(logging.WARNING, logger="ingest.parallel"):
        stats = load_in_batches(pooled, feeds, fetches, source="files", batch_bytes=100_000)
    assert killed and stats.batches > 3
    assert len(caplog.records) == 1, [r.getMessage() for r in caplog.records]  # once a run, however many batches failed
    assert caplog.records[0].getMessage().startswith("process pool failed (BrokenProcessPool")
    assert _snapshot(pooled) == _snapshot(alone)


def test_a_worker_that_dies_costs_time_not_entries(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import signal
    import time

    jobs = _jobs(tmp_path) * 3
    alone = process_landed(tmp_path, jobs, workers=1)
    with caplog.at_level(logging.WARNING, logger="ingest.parallel"), Workers(2) as workers:
        pending = workers.submit(tmp_path, jobs, min_bytes=0)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the workers are the forkserver's children
            found = _pool_workers()
            if found:
                found[0].send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
        else:
            pytest.fail("no worker process appeared")
        pooled = pending()
    assert any("process pool failed" in r.getMessage() for r in caplog.records)
    assert _plain(pooled) == _plain(alone)


def test_the_workers_yield_the_cpu_to_the_writer() -> None:
    """They parse ahead of the writer, which is the critical path: they run at a lower priority than it."""
    import os

    with Workers(2) as workers:
        pool = workers._started()
        assert pool is not None
        assert pool.submit(os.nice, 0).result() == min(os.nice(0) + parallel.WORKER_NICENESS, 19)  # 19: the lowest


CALLER = """
import json, os, sys
from pathlib import Path

with open(os.environ["IMPORTS_LOG"], "a") as log:  # every process that runs this file says so
    log.write(f"{__name__}\\n")

if __name__ == "__main__":
    from datetime import UTC, datetime

    from ingest import landing
    from ingest.models import Feed
    from ingest.parallel import PayloadJob, Workers

    landing_dir, jobs = Path(sys.argv[1]), []
    for path in sys.argv[2:]:
        body = Path(path).read_bytes()
        feed = Feed(id=Path(path).stem, url="http://127.0.0.1/" + Path(path).name, publisher=Path(path).stem)
        jobs.append(PayloadJob(landing.land(landing_dir, body), feed, datetime.now(UTC), feed.url, None, len(body)))
    with Workers(2) as workers:
        out = workers.submit(landing_dir, jobs, min_bytes=0)()
        print(json.dumps({"articles": len(out.articles), "pooled": workers.workers == 2,
                          "file": globals().get("__file__") == sys.argv[0]}))
"""


def test_the_workers_do_not_run_the_callers_main_script(tmp_path: Path) -> None:
    """A caller started as a script (`airflow`, `celery`, `defnews`) is not run again in every worker: under
    Airflow each worker imported Airflow (about 2 s and 100 MB) before its first payload."""
    script, log = tmp_path / "caller.py", tmp_path / "imports.log"
    script.write_text(CALLER, encoding="utf-8")
    feeds = [str(p) for p in sorted(SAMPLES.glob("*.xml"))[:3]]
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "landing"), *feeds], capture_output=True, text=True,
                          env={**os.environ, "IMPORTS_LOG": str(log)}, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["pooled"] and result["articles"] > 0, done.stderr
    assert log.read_text(encoding="utf-8").split() == ["__main__"]  # the caller, and no worker
    assert result["file"]  # the main module's own `__file__` is back
