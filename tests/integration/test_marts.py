"""The marts on the sample data: surges, example queries, incremental = full refresh, lock-free readers."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.catalog import load_catalog
from ingest.pipeline import ingest_batch, transform_and_publish
from ingest.publish import publish
from ingest.serve import FeedServer
from ingest.settings import Settings, load_settings
from ingest.transform import build
from tests.conftest import DEMO_CATALOG, ROOT, SAMPLES

pytestmark = pytest.mark.slow
QUERIES = sorted((ROOT / "examples" / "queries").glob("*.sql"))
PLANTED = json.loads((SAMPLES.parent / "manifest.json").read_text())["taiwan_strait"]["surge_days"]


@pytest.fixture(scope="module")
def demo(sample_server: FeedServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = load_settings(tmp_path_factory.mktemp("marts") / "data", DEMO_CATALOG)
    ingest_batch(settings)
    transform_and_publish(settings)
    yield settings


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_planted_surge_is_found_and_nothing_is_flagged_before_it(demo: Settings) -> None:
    days = [str(r[0]) for r in _rows(demo.analytics, "select day from marts.attention_trends_daily "
                                                     "where entity_id = 'taiwan_strait' and is_surge order by day")]  # fmt: skip
    assert days == PLANTED
    early = _rows(demo.analytics, f"select count(*) from marts.attention_trends_daily where is_surge and day < '{PLANTED[0]}'")
    assert early == [(0,)]


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_query_returns_rows(demo: Settings, query: Path) -> None:
    assert _rows(demo.analytics, query.read_text()), f"{query.name} returned no rows"


def test_incremental_builds_equal_a_full_refresh(sample_server: FeedServer, tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "data", DEMO_CATALOG)
    catalog = load_catalog(DEMO_CATALOG)
    ingest_batch(settings, dataclasses.replace(catalog, feeds=catalog.feeds[:4]))
    build(settings)
    ingest_batch(settings, catalog)  # the rest arrives later: the daily marts are built incrementally
    build(settings)
    marts = ("actor_mentions_daily", "topic_mentions_daily")
    query = "select * exclude (built_at) from marts.{} order by all"
    con = duckdb.connect(str(settings.warehouse))
    incremental = {m: con.execute(query.format(m)).fetchall() for m in marts}
    con.close()
    build(settings, full_refresh=True)
    con = duckdb.connect(str(settings.warehouse))
    full = {m: con.execute(query.format(m)).fetchall() for m in marts}
    con.close()
    assert incremental == full and all(full.values())


READER = """
import sys, time, duckdb
path, seconds = sys.argv[1], float(sys.argv[2])
reads = errors = 0
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    try:
        con = duckdb.connect(path, read_only=True)
        con.execute("select count(*), sum(articles) from marts.actor_mentions_daily").fetchall()
        con.close()
        reads += 1
    except Exception as exc:
        errors += 1
        print(repr(exc), file=sys.stderr)
print(reads, errors)
"""


def test_a_reader_polling_the_published_file_never_fails_while_the_pipeline_runs(demo: Settings) -> None:
    reader = subprocess.Popen([sys.executable, "-c", READER, str(demo.analytics), "40"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    for _ in range(3):
        ingest_batch(demo)
        transform_and_publish(demo)
    publish(demo)
    out, err = reader.communicate(timeout=120)
    reads, errors = map(int, out.split())
    assert errors == 0, err[:2000]
    assert reads > 10
