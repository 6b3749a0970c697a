"""Publish the marts for readers who must never hold the writer's lock.

The marts are copied from the warehouse into `analytics.duckdb`, written beside
and renamed into place (readers see the old file or the new, never half), in a
storage format DuckDB 1.x clients open; and exported as Parquet under `exports/`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest.settings import Settings
from ingest.warehouse import open_duckdb

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


class MartsRejected(RuntimeError):
    """A mart broke the marts suite: the previous `analytics.duckdb` stays in place."""


def check_marts(settings: Settings, con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[Any]:
    """The marts suite on every mart (and the trend spine); raise `MartsRejected` on a failure."""
    from expectations import marts as suite
    from expectations.runner import run_suite
    from ingest.validate import ValidationRun

    runs, failures = [], []
    frames = {t: con.execute(f"select * from {MARTS_SCHEMA}.{t}").df() for t in tables}
    frames["day_spine"] = con.execute(
        f"select entity_kind, entity_id, datediff('day', lag(day) over (partition by entity_kind, entity_id order by day), day) "
        f"as gap_days from {MARTS_SCHEMA}.attention_trends_daily qualify gap_days is not null"
    ).df() if "attention_trends_daily" in tables else None  # fmt: skip
    for name, frame in frames.items():
        if frame is None or frame.empty:
            continue
        frame = frame.reset_index(drop=True)
        frame["row_key"] = range(len(frame))
        numeric = {c for c in frame.columns if str(frame[c].dtype).startswith(("int", "Int", "float", "uint"))}
        expectations = suite.day_spine() if name == "day_spine" else suite.for_columns(list(frame.columns), numeric)
        outcome = run_suite(settings.gx_dir, f"{suite.SUITE_PREFIX}_{name}", frame, expectations, [])
        bad = sorted({f.rule for f in outcome.row_failures}) + outcome.structural_failures
        rows_bad = len({f.row_key for f in outcome.row_failures})
        runs.append(ValidationRun(f"{suite.SUITE_PREFIX}_{name}", outcome.run_id or "", datetime.now(UTC), not bad,
                                  len(frame), rows_bad, "; ".join(bad) or None))  # fmt: skip
        failures += [f"{name}: {b}" for b in bad]
    if failures:
        raise MartsRejected("marts failed their checks, previous analytics.duckdb kept: " + "; ".join(failures))
    return runs


def publish(settings: Settings) -> list[str]:
    """Check every mart, then copy them to `analytics.duckdb` and Parquet; return the tables published."""
    target = settings.analytics
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    settings.exports_dir.mkdir(parents=True, exist_ok=True)
    con = open_duckdb(settings.warehouse)
    try:
        tables = mart_tables(con)
        if not tables:
            raise RuntimeError("no marts to publish: run the dbt build first")
        from ingest.load import record_validation_runs

        runs = check_marts(settings, con, tables)
        record_validation_runs(con, f"publish-{datetime.now(UTC):%Y%m%dT%H%M%S}", runs)
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
