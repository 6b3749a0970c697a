"""
### defnews_replay

Re-processes landed payloads received in a date range (params `since`, `until`, ISO dates, UTC;
empty = everything) with the current parser, rules and gazetteer, after a fix or a gazetteer
upgrade; then rebuilds and publishes the marts. Idempotent: a second run with the same range
changes nothing. Trigger it by hand (`airflow dags trigger defnews_replay --conf '{"since": ...}'`).
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Param, dag, task

from ingest.dag_defaults import DEFAULT_ARGS, MARTS, WRITER_POOL


@dag(
    dag_id="defnews_replay",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["defnews", "replay", "backfill"],
    doc_md=__doc__,
    params={
        "since": Param(None, type=["null", "string"], description="received on or after (YYYY-MM-DD, UTC)"),
        "until": Param(None, type=["null", "string"], description="received before (YYYY-MM-DD, UTC)"),
    },
)
def defnews_replay() -> None:
    @task(pool=WRITER_POOL)
    def replay(**context: Any) -> dict[str, Any]:
        from ingest.tasks import replay_range

        return replay_range(context["params"]["since"], context["params"]["until"])

    @task(pool=WRITER_POOL, outlets=[MARTS])
    def rebuild_and_publish() -> dict[str, Any]:
        from ingest.tasks import rebuild_and_publish

        return rebuild_and_publish()

    replay() >> rebuild_and_publish()


defnews_replay()
