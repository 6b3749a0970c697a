"""`make demo`: the bundled sample feeds, served on loopback, through the real Airflow DAGs.

No network beyond 127.0.0.1: the feed server, SQLite for Airflow's metadata and
DuckDB files under the data folder. Prints the run summary from the published marts.
"""

from __future__ import annotations

import dataclasses
import os
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

from ingest.settings import PROJECT_ROOT, Settings

SAMPLE_FEEDS = PROJECT_ROOT / "samples" / "feeds"
DEMO_CATALOG = PROJECT_ROOT / "config" / "feeds.demo.yaml"


def run_demo(settings: Settings) -> str:
    from expectations.runner import build_data_docs
    from ingest import airflow_local
    from ingest.report import format_summary, summarise
    from ingest.serve import FeedServer
    from ingest.transform import compile_manifest

    settings = dataclasses.replace(settings, feeds_file=DEMO_CATALOG)
    log_path = settings.data_dir / "demo.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"defnews demo: sample feeds -> Airflow (SQLite) -> DuckDB -> GX -> dbt -> {settings.analytics}")
    print(f"  task and dbt logs: {log_path}", flush=True)
    with log_path.open("a", encoding="utf-8") as log, redirect_stdout(log), redirect_stderr(log):
        compile_manifest(settings)
        airflow_local.configure(settings)
        with FeedServer(SAMPLE_FEEDS) as server:
            os.environ["DEFNEWS_SAMPLE_BASE"] = server.base_url
            airflow_local.test_dag("defnews_ingest", {"due_only": False})  # the demo polls every feed, every time
        airflow_local.test_dag("defnews_transform")
        docs = build_data_docs(settings.gx_dir)
    return format_summary(last_batch(settings), summarise(settings.analytics)) + f"\n  data docs          {docs}"


def last_batch(settings: Settings) -> dict[str, Any]:
    """The counts of the most recent batch, as the loader recorded them in `raw.batches`."""
    from ingest.warehouse import open_duckdb

    con = open_duckdb(settings.warehouse, read_only=True)
    try:
        cursor = con.execute("select * from raw.batches order by finished_at desc limit 1")
        row = cursor.fetchone()
        return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else {}
    finally:
        con.close()
