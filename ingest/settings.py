"""Effective settings, built by a function (never at import time).

Every entry point (CLI, DAG task, test) calls `load_settings()` so the same
environment variables mean the same thing everywhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    feeds_file: Path
    dbt_project_dir: Path
    warehouse_override: Path | None = None
    user_agent: str = "defnews/0.1 (+https://github.com/defnews; feed poller)"
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    total_timeout_s: float = 60.0
    max_body_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 16
    per_host_concurrency: int = 2
    workers: int = 1  # processes that parse, normalise and extract (`DEFNEWS_WORKERS`, default: the cores)
    # DuckDB's memory_limit for the writer ("512MB", "2GB"; `DEFNEWS_WAREHOUSE_MEMORY_LIMIT`); None: DuckDB's
    # default, 80% of the machine's memory
    warehouse_memory_limit: str | None = None

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse(self) -> Path:
        return self.warehouse_override or self.data_dir / "warehouse.duckdb"

    @property
    def analytics(self) -> Path:
        return self.data_dir / "analytics.duckdb"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def gx_dir(self) -> Path:
        return self.data_dir / "gx"

    @property
    def dbt_state_dir(self) -> Path:
        return self.data_dir / "dbt"


def usable_cores() -> int:
    """The cores this process may use (its CPU affinity where the platform has one)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def default_workers() -> int:
    """`DEFNEWS_WORKERS`, else one worker process per core this process may use."""
    configured = os.environ.get("DEFNEWS_WORKERS", "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError as exc:
            raise ValueError(f"DEFNEWS_WORKERS must be a whole number, not {configured!r}") from exc
    return usable_cores()


def load_settings(data_dir: str | Path | None = None, feeds_file: str | Path | None = None) -> Settings:
    """Explicit arguments win over `DEFNEWS_*` environment variables, which win over defaults.

    `DEFNEWS_WAREHOUSE` (the warehouse file) applies only when no data folder is given explicitly.
    """
    data = Path(data_dir or os.environ.get("DEFNEWS_DATA_DIR") or "data").resolve()
    feeds = Path(feeds_file or os.environ.get("DEFNEWS_FEEDS") or PROJECT_ROOT / "config" / "feeds.yaml")
    dbt_dir = Path(os.environ.get("DEFNEWS_DBT_PROJECT_DIR") or PROJECT_ROOT / "dbt_project")
    warehouse = os.environ.get("DEFNEWS_WAREHOUSE") if data_dir is None else None
    return Settings(
        data_dir=data,
        feeds_file=feeds.resolve(),
        dbt_project_dir=dbt_dir.resolve(),
        warehouse_override=Path(warehouse).resolve() if warehouse else None,
        workers=default_workers(),
        warehouse_memory_limit=os.environ.get("DEFNEWS_WAREHOUSE_MEMORY_LIMIT", "").strip() or None,
    )
