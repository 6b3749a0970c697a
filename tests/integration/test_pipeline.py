"""The raw half and the marts, for real: loopback HTTP, DuckDB, GX, dbt, publish."""

from __future__ import annotations

import json
import struct

import duckdb
import pytest

from ingest.catalog import load_catalog
from ingest.pipeline import ingest_batch, transform_and_publish
from ingest.serve import FeedServer
from ingest.settings import Settings
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def _count(settings: Settings, sql: str) -> int:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return int(con.execute(sql).fetchall()[0][0])
    finally:
        con.close()


def test_sample_feeds_load_then_a_second_batch_adds_nothing(sample_server: FeedServer, settings: Settings) -> None:
    catalog = load_catalog(settings.feeds_file)
    first = ingest_batch(settings, catalog)
    assert first.feeds_total == len(catalog.feeds) and first.feeds_failed == 0
    assert first.articles_new >= 300
    assert first.entries_seen == first.articles_new + first.articles_duplicate + first.rows_quarantined
    articles = _count(settings, "select count(*) from raw.articles")
    mentions = _count(settings, "select count(*) from raw.mentions")
    assert articles == first.articles_new and mentions > articles

    second = ingest_batch(settings, catalog)  # the server answers 304 to our conditional GETs
    assert second.articles_new == 0
    assert second.feeds_not_modified == len(catalog.feeds)
    assert _count(settings, "select count(*) from raw.articles") == articles
    assert _count(settings, "select count(*) from raw.mentions") == mentions
    assert _count(settings, "select count(*) from raw.fetches") == 2 * len(catalog.feeds)


def test_syndicated_copies_collapse_by_url_and_cluster_into_one_story(sample_server: FeedServer, settings: Settings) -> None:
    ingest_batch(settings)
    assert (
        _count(settings, "select count(*) from raw.articles where url like '%utm_%' or url like '%fbclid%' or url like '%#%'")
        == 0
    )
    planted = json.loads((SAMPLES.parent / "manifest.json").read_text())["syndication"]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        rows = con.execute(
            "select a.article_id, a.story_id, f.publisher from raw.articles a join raw.feeds f using (feed_id) where a.title = ?",
            [planted["title"]],
        ).fetchall()
        sightings = con.execute(
            "select count(*), count(distinct feed_id) from raw.sightings where article_id in (select unnest($ids))",
            {"ids": [r[0] for r in rows]},
        ).fetchall()[0]
        multi = con.execute("select count(*) from (select story_id from raw.articles group by 1 having count(*) > 1)").fetchall()
    finally:
        con.close()
    # four copies in four feeds: three URLs (the wire's two feeds share one), one story, three outlets
    assert len(rows) == 3 and len({r[1] for r in rows}) == 1 and len({r[2] for r in rows}) == 3
    assert sightings == (4, 4)
    # precision on the sample: the planted story is the only cluster with more than one article
    assert multi == [(1,)]


def test_repeated_guid_feed_loses_no_entry(sample_server: FeedServer, settings: Settings) -> None:
    ingest_batch(settings)
    planted = json.loads((SAMPLES.parent / "manifest.json").read_text())["repeated_guid"]
    feed = planted["feed_id"]
    assert _count(settings, f"select count(*) from raw.articles where feed_id = '{feed}'") == planted["items"]


def test_undated_entries_are_kept_and_flagged(sample_server: FeedServer, settings: Settings) -> None:
    ingest_batch(settings)
    assert _count(settings, "select count(*) from raw.articles where date_flag = 'missing'") >= 5


def test_marts_are_built_tested_and_published(sample_server: FeedServer, settings: Settings) -> None:
    ingest_batch(settings)
    tables = transform_and_publish(settings)
    assert {
        "articles",
        "actors",
        "topics",
        "actor_mentions_daily",
        "topic_mentions_daily",
        "actor_comentions",
        "feed_health",
    } <= set(tables)
    con = duckdb.connect(str(settings.analytics), read_only=True)
    try:
        names = {r[0] for r in con.execute("select distinct actor_name from marts.actor_mentions_daily").fetchall()}
        assert {"Xi Jinping", "Vladimir Putin", "NATO", "Taiwan"} <= names
        assert con.execute("select count(*) from marts.topic_mentions_daily").fetchall()[0][0] > 0
        articles = con.execute("select count(*) from marts.articles").fetchall()[0][0]
        assert articles == _count(settings, "select count(*) from raw.articles")
        # the planted five-day Taiwan Strait surge shows in the daily topic mart, over a flat baseline
        planted = json.loads((SAMPLES.parent / "manifest.json").read_text())["taiwan_strait"]
        daily = dict(con.execute("select day::varchar, articles from marts.topic_mentions_daily "
                                 "where topic_id = 'taiwan_strait'").fetchall())  # fmt: skip
        assert min(daily[d] for d in planted["surge_days"]) >= 8
        outside = [n for d, n in daily.items() if d not in planted["surge_days"]]
        assert max(outside) <= 2
    finally:
        con.close()
    # DuckDB 1.5 clients (and the BI drivers that bundle them) read storage versions 64 to 68 only
    header = settings.analytics.read_bytes()[:20]
    assert header[8:12] == b"DUCK" and 64 <= struct.unpack("<Q", header[12:20])[0] <= 68
    assert {p.stem for p in settings.exports_dir.glob("*.parquet")} == set(tables)
    assert duckdb.sql(f"select count(*) from '{settings.exports_dir / 'articles.parquet'}'").fetchall()[0][0] == articles


def test_a_reader_holding_the_published_file_does_not_block_the_next_publish(
    sample_server: FeedServer, settings: Settings
) -> None:
    ingest_batch(settings)
    transform_and_publish(settings)
    reader = duckdb.connect(str(settings.analytics), read_only=True)
    try:
        before = reader.execute("select count(*) from marts.articles").fetchall()[0][0]
        transform_and_publish(settings)  # renames a new file into place; the reader keeps its snapshot
        assert reader.execute("select count(*) from marts.articles").fetchall()[0][0] == before
    finally:
        reader.close()
