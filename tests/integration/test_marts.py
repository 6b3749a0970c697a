"""The marts on the sample data: surges, example queries, incremental = full refresh, lock-free readers."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.catalog import load_catalog
from ingest.pipeline import files_as_fetches, ingest_batch, process_and_load, replay, transform_and_publish
from ingest.publish import publish
from ingest.serve import FeedServer
from ingest.settings import Settings, load_settings
from ingest.transform import build, unit_tests
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


def test_dbts_unit_tests_run_apart_from_the_scheduled_build_and_pass(demo: Settings) -> None:
    """The build a batch runs leaves dbt's unit tests out (`transform.BUILD_FLAGS`); CI runs them here."""
    built = json.loads((demo.dbt_state_dir / "target" / "run_results.json").read_text())["results"]
    assert any(r["unique_id"].startswith("model.") for r in built)
    assert not [r["unique_id"] for r in built if r["unique_id"].startswith("unit_test.")]
    assert sorted(unit_tests(demo)) == [
        "a_sustained_jump_is_a_surge_and_a_one_day_blip_is_not",
        "counts_articles_stories_mentions_sources_and_shares",
        "lift_discounts_actors_named_everywhere",
    ]


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_query_returns_rows(demo: Settings, query: Path) -> None:
    assert _rows(demo.analytics, query.read_text()), f"{query.name} returned no rows"


LATE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Late Desk</title><link>https://late.example/</link><description>late</description>
<item><title>{title}</title><link>https://late.example/2026/09/late-story</link><guid>late-story-1</guid>
<pubDate>{date}</pubDate><description>{body}</description></item>
</channel></rss>
"""


def _late_file(folder: Path, date: str, title: str, body: str) -> Path:
    path = folder / "late-desk.xml"
    path.write_text(LATE.format(date=date, title=title, body=body), encoding="utf-8")
    return path


def _ingest_files(settings: Settings, paths: list[Path]) -> None:
    feeds, fetches = files_as_fetches(paths, settings)
    process_and_load(settings, feeds, fetches, source="files", record_fetches=False)


MARTS = ("actor_mentions_daily", "topic_mentions_daily", "actor_comentions", "theatre_linkage_daily",
         "attention_trends_daily", "surges", "actors", "topics", "topic_actor_matrix", "topic_source_diversity",
         "feed_coverage_daily", "articles")  # fmt: skip


def _marts(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    """Every mart's rows in a stable order; floats rounded (a parallel sum may differ in its last bits)."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return {
            m: [tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                for row in con.execute(f"select * exclude (built_at) from marts.{m} order by all"
                                       if m.endswith("mentions_daily") else f"select * from marts.{m} order by all").fetchall()]
            for m in MARTS
        }  # fmt: skip
    finally:
        con.close()


def _day_of(settings: Settings, mart: str, day: str) -> list[tuple[object, ...]]:
    return _rows(
        settings.warehouse, f"select actor_a_id, actor_b_id, articles from marts.{mart} where day = '{day}' order by all"
    )


def test_incremental_builds_equal_a_full_refresh(sample_server: FeedServer, tmp_path: Path) -> None:
    """Batch A, build; batch B, build; a late article for an old day, build; a revision that moves it to another
    day, build; a replay that rewrites every mention, build: the marts equal a --full-refresh build each time."""
    settings = load_settings(tmp_path / "data", DEMO_CATALOG)
    catalog = load_catalog(DEMO_CATALOG)

    def assert_equals_full_refresh() -> dict[str, list[tuple[object, ...]]]:
        incremental = _marts(settings)
        shutil.copy(settings.warehouse, tmp_path / "incremental.duckdb")
        build(settings, full_refresh=True)
        full = _marts(settings)
        assert all(full[m] for m in MARTS if m != "surges")  # nothing surges in the sample's last week
        for mart in MARTS:
            assert incremental[mart] == full[mart], f"{mart}: the incremental build differs from a full refresh"
        shutil.copy(tmp_path / "incremental.duckdb", settings.warehouse)  # go on from the incremental state
        return full

    ingest_batch(settings, dataclasses.replace(catalog, feeds=catalog.feeds[:4]))
    build(settings)
    ingest_batch(settings, catalog)  # the rest arrives later
    build(settings)
    assert_equals_full_refresh()

    # A late article for an old day, naming two actors that day already had.
    body = "Xi Jinping and Vladimir Putin discussed NATO and Taiwan; Mark Rutte answered from Brussels."
    late = _late_file(tmp_path, "Tue, 08 Sep 2026 09:00:00 GMT", "Xi and Putin talk about NATO", body)
    before = _day_of(settings, "actor_comentions", "2026-09-08")
    _ingest_files(settings, [late])
    build(settings)
    after = _day_of(settings, "actor_comentions", "2026-09-08")
    assert after != before and ("vladimir-putin", "xi-jinping") in {(a, b) for a, b, _ in after} | {(b, a) for a, b, _ in after}
    assert_equals_full_refresh()

    # A revision of it that moves it to another day: the old day must lose it.
    moved = _late_file(tmp_path, "Wed, 16 Sep 2026 09:00:00 GMT", "Xi and Putin talk about NATO, updated",
                       body + " Kim Jong Un was not mentioned until now.")  # fmt: skip
    _ingest_files(settings, [moved])
    build(settings)
    assert _day_of(settings, "actor_comentions", "2026-09-08") == before
    assert_equals_full_refresh()

    # A replay rewrites the mentions of existing articles: marts built on broken mentions must be repaired.
    con = duckdb.connect(str(settings.warehouse))
    con.execute("delete from raw.mentions where hash(article_id) % 2 = 0")
    con.close()
    build(settings, full_refresh=True)
    broken = _marts(settings)
    replay(settings)
    build(settings)
    repaired = assert_equals_full_refresh()
    assert broken["actor_comentions"] != repaired["actor_comentions"]


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
