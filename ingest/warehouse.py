"""Opening the single-writer warehouse (`warehouse.duckdb`) and its raw schema."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb


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
