"""Opening the single-writer warehouse (`warehouse.duckdb`) and its raw schema."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; the writer also makes sure the raw schema exists."""
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    # Batch loads commit more than the default 16 MB; checkpointing on every commit costs seconds.
    con.execute("set checkpoint_threshold = '256MB'")
    con.execute(resources.files("ingest").joinpath("sql/schema.sql").read_text(encoding="utf-8"))
    return con


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]], columns: Sequence[str],
                tail: str = "") -> None:  # fmt: skip
    """Bulk insert through Arrow (never row by row); `tail` is an `on conflict ...` clause."""
    if not rows:
        return
    con.register("_rows", pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows]))
    try:
        cols = ", ".join(columns)
        con.execute(f"insert into {table} ({cols}) select {cols} from _rows {tail}")
    finally:
        con.unregister("_rows")
