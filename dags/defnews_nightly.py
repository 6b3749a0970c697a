"""
### defnews_nightly

The nightly run, at 02:00 UTC: a full rebuild of the dbt project (`--full-refresh`, every model
and test, the check that the incremental marts have not drifted), `dbt docs generate`, GX Data
Docs, landing-zone compaction and retention (`DEFNEWS_COMPACT_AFTER_DAYS`,
`DEFNEWS_LANDING_RETENTION_DAYS`; pending payloads are never touched), a DuckDB `CHECKPOINT`,
publish, and the feed-health summary (failing and muted feeds, in the task's return value and log).
Everything that opens the warehouse runs in the `duckdb_writer` pool.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import dag, task

from ingest.dag_defaults import DEFAULT_ARGS, MARTS, WRITER_POOL


@dag(
    dag_id="defnews_nightly",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["defnews", "nightly", "maintenance"],
    doc_md=__doc__,
)
def defnews_nightly() -> None:
    @task(pool=WRITER_POOL)
    def full_rebuild() -> None:
        from ingest.tasks import full_rebuild

        full_rebuild()

    @task(pool=WRITER_POOL)
    def dbt_docs() -> str:
        from ingest.tasks import dbt_docs

        return dbt_docs()

    @task
    def data_docs() -> str:
        from ingest.tasks import data_docs

        return data_docs()

    @task(pool=WRITER_POOL)
    def tidy_landing() -> dict[str, int]:
        from ingest.tasks import tidy_landing

        return tidy_landing()

    @task(pool=WRITER_POOL)
    def checkpoint() -> None:
        from ingest.tasks import checkpoint

        checkpoint()

    @task(pool=WRITER_POOL, outlets=[MARTS])
    def publish() -> dict[str, Any]:
        from ingest.tasks import publish_marts

        return publish_marts()

    @task(pool=WRITER_POOL)
    def feed_health() -> dict[str, Any]:
        from ingest.tasks import feed_health

        return feed_health()

    rebuilt = full_rebuild()
    rebuilt >> [dbt_docs(), data_docs()]
    rebuilt >> tidy_landing() >> checkpoint() >> publish() >> feed_health()


defnews_nightly()
