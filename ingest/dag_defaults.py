"""What every defnews DAG shares: owner, retries with backoff, the failure callback, the writer pool, the assets.

Light on purpose (DAG files import it at parse time): nothing heavy is imported here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import Asset

from ingest.alerts import on_failure

# One asset per published layer; downstream DAGs are scheduled on them.
RAW = Asset(name="defnews_raw", uri="x-defnews://warehouse/raw")
MARTS = Asset(name="defnews_marts", uri="x-defnews://analytics/marts")

WRITER_POOL = "duckdb_writer"  # one slot: DuckDB has a single writer
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "defnews",
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=15),
    "on_failure_callback": on_failure,
}
