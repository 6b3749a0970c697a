"""The real DAGs, end to end, with `dag.test()` on SQLite against the loopback sample feeds."""

from __future__ import annotations

import duckdb
import pytest

from ingest import airflow_local
from ingest.serve import FeedServer
from ingest.settings import Settings

pytestmark = pytest.mark.slow


def _one(path: str, sql: str) -> int:
    con = duckdb.connect(path, read_only=True)
    try:
        return int(con.execute(sql).fetchall()[0][0])
    finally:
        con.close()


def test_ingest_then_transform_publish_the_marts_and_rerun_adds_nothing(
    airflow_settings: Settings, sample_server: FeedServer
) -> None:
    airflow_local.test_dag("defnews_ingest")
    warehouse = str(airflow_settings.warehouse)
    articles = _one(warehouse, "select count(*) from raw.articles")
    assert articles >= 300
    assert _one(warehouse, "select count(distinct feed_id) from raw.fetches where outcome = 'ok'") >= 8

    airflow_local.test_dag("defnews_transform")
    analytics = str(airflow_settings.analytics)
    assert _one(analytics, "select count(*) from marts.actor_mentions_daily") > 0
    assert _one(analytics, "select count(*) from marts.topic_mentions_daily") > 0
    assert _one(analytics, "select count(*) from marts.articles") == articles

    airflow_local.test_dag("defnews_ingest", {"due_only": False})  # every feed again: 304s, nothing new
    assert _one(warehouse, "select count(*) from raw.articles") == articles
    assert _one(warehouse, "select articles_new from raw.batches order by finished_at desc limit 1") == 0
    assert _one(warehouse, "select count(*) from raw.fetches where outcome = 'not_modified'") >= 8


def test_replay_twice_changes_nothing_the_second_time(airflow_settings: Settings, sample_server: FeedServer) -> None:
    warehouse = str(airflow_settings.warehouse)
    if _one(warehouse, "select count(*) from raw.payloads") == 0:
        airflow_local.test_dag("defnews_ingest", {"due_only": False})
    airflow_local.test_dag("defnews_replay", {"since": None, "until": None})
    counts = [_one(warehouse, f"select count(*) from raw.{t}") for t in ("articles", "mentions", "sightings", "quarantine")]
    airflow_local.test_dag("defnews_replay", {"since": None, "until": None})
    assert [
        _one(warehouse, f"select count(*) from raw.{t}") for t in ("articles", "mentions", "sightings", "quarantine")
    ] == counts
    assert _one(str(airflow_settings.analytics), "select count(*) from marts.articles") == counts[0]


def test_nightly_rebuilds_documents_and_tidies(airflow_settings: Settings, sample_server: FeedServer) -> None:
    seeded = airflow_settings.warehouse.exists()  # by the tests before it, unless this one runs alone
    if not seeded or _one(str(airflow_settings.warehouse), "select count(*) from raw.articles") == 0:
        airflow_local.test_dag("defnews_ingest", {"due_only": False})
    airflow_local.test_dag("defnews_nightly")
    assert (airflow_settings.dbt_state_dir / "docs" / "index.html").is_file()
    assert (airflow_settings.gx_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").is_file()
    assert _one(str(airflow_settings.analytics), "select count(*) from marts.actor_mentions_daily") > 0
