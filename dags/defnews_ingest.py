"""
### defnews_ingest

One micro-batch of the raw layer, every 15 minutes by default (`DEFNEWS_INGEST_SCHEDULE`).

`plan` picks the feeds that are due (param `due_only`, default true) with their stored
validators and current URL; one mapped `fetch` per feed
does a conditional GET and lands the body (no database access, so they run in parallel);
`load` parses, normalises, validates (GX) and loads the whole batch in one transaction.
Every task that opens the DuckDB warehouse runs in the one-slot `duckdb_writer` pool.
The load updates the `defnews_raw` asset, which schedules `defnews_transform`.
"""

from __future__ import annotations

import os
from typing import Any

import pendulum
from airflow.sdk import Param, dag, task

from ingest.dag_defaults import DEFAULT_ARGS, RAW, WRITER_POOL


@dag(
    dag_id="defnews_ingest",
    schedule=os.environ.get("DEFNEWS_INGEST_SCHEDULE", "*/15 * * * *"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["defnews", "ingest"],
    doc_md=__doc__,
    params={
        "due_only": Param(True, type="boolean", description="poll only the feeds whose next poll time has come"),
        "fulltext": Param(False, type="boolean", description="fetch article pages for feeds that give only a summary"),
    },
)
def defnews_ingest() -> None:
    @task(pool=WRITER_POOL)
    def plan(**context: Any) -> list[dict[str, Any]]:
        from ingest.tasks import plan_feeds

        return plan_feeds(due_only=bool(context["params"]["due_only"]))

    @task(max_active_tis_per_dagrun=16)
    def fetch(feed: dict[str, Any]) -> dict[str, Any]:
        from ingest.tasks import fetch_feed

        return fetch_feed(feed)

    @task(pool=WRITER_POOL, outlets=[RAW])
    def load(fetches: list[dict[str, Any]], **context: Any) -> dict[str, Any]:
        from ingest.tasks import load_fetches

        stats = load_fetches(list(fetches), fulltext=bool(context["params"]["fulltext"]))
        context["outlet_events"][RAW].extra = {k: stats[k] for k in ("articles_new", "feeds_ok", "feeds_failed")}
        return stats

    load(fetch.expand(feed=plan()))


defnews_ingest()
