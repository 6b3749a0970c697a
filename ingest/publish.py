"""Publish the marts for readers who must never hold the writer's lock.

The marts are copied from the warehouse into `analytics.duckdb`, written beside
and renamed into place (readers see the old file or the new, never half), in a
storage format DuckDB 1.x clients open; and exported as Parquet under `exports/`.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from ingest.settings import Settings

# DuckDB 2.x writes storage version 69, which DuckDB 1.5 clients (BI drivers) refuse.
PUBLISHED_STORAGE_VERSION = "v1.2.0"
MARTS_SCHEMA = "marts"


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = $s and table_type = 'BASE TABLE' "
        "order by table_name",
        {"s": MARTS_SCHEMA},
    ).fetchall()
    return [r[0] for r in rows]


def _export_parquet(con: duckdb.DuckDBPyConnection, table: str, exports: Path) -> None:
    target = exports / f"{table}.parquet"
    tmp = exports / f".{table}.parquet.tmp"
    con.execute(f"copy {MARTS_SCHEMA}.{table} to '{tmp}' (format parquet, compression zstd)")
    os.replace(tmp, target)


def publish(settings: Settings) -> list[str]:
    """Copy every mart to `analytics.duckdb` and Parquet; return the tables published."""
    target = settings.analytics
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    settings.exports_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse))
    try:
        tables = mart_tables(con)
        if not tables:
            raise RuntimeError("no marts to publish: run the dbt build first")
        con.execute(f"attach '{tmp}' as published (storage_version '{PUBLISHED_STORAGE_VERSION}')")
        con.execute(f"create schema published.{MARTS_SCHEMA}")
        for table in tables:
            con.execute(f"create table published.{MARTS_SCHEMA}.{table} as select * from {MARTS_SCHEMA}.{table}")
            _export_parquet(con, table, settings.exports_dir)
        con.execute("detach published")
    finally:
        con.close()
    os.replace(tmp, target)
    return tables
