"""dbt, in-process (dbtRunner): the manifest compiled ahead, and the build of the marts.

The profile reads the warehouse path from `DEFNEWS_WAREHOUSE`; dbt's target and
log folders go under the data folder so several data folders never share state.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ingest.settings import Settings

# dbt's unit tests check the models' SQL on fixed inputs, so they give the same answer every run: they run in CI
# (`unit_tests`, from tests/integration/test_marts.py), as dbt advises, not in every scheduled build, where they
# took about 0.25 s of a micro-batch's 3.4 s of dbt. Both the CLI's build and the Airflow tasks pass these.
BUILD_FLAGS = ("--exclude-resource-type", "unit_test")


class TransformError(RuntimeError):
    """dbt failed; the message names the failing nodes."""


def dbt_env(settings: Settings) -> dict[str, str]:
    return {
        "DEFNEWS_WAREHOUSE": str(settings.warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_LOG_PATH": str(settings.dbt_state_dir / "logs"),
    }


def run_dbt(settings: Settings, args: Sequence[str], target_path: Path | None = None) -> Any:
    """Invoke dbt in this process and return what it returns (the nodes' results for a build or a test); raise
    `TransformError` with the failing nodes on failure."""
    from dbt.cli.main import dbtRunner

    project = str(settings.dbt_project_dir)
    target = str(target_path or settings.dbt_state_dir / "target")
    try:
        with _environment(dbt_env(settings)):
            result = dbtRunner().invoke(
                [*args, "--project-dir", project, "--profiles-dir", project, "--target-path", target,
                 "--log-path", str(settings.dbt_state_dir / "logs"), "--quiet"]
            )  # fmt: skip
    finally:
        release_warehouse()
    if result.success:
        return result.result
    failed = []
    for node in getattr(result.result, "results", None) or ():
        if str(node.status) in ("error", "fail"):
            failed.append(f"{node.node.name}: {str(node.message or node.status).strip()[:200]}")
    detail = "; ".join(failed) or str(result.exception or "unknown error")
    raise TransformError(f"dbt {' '.join(args)} failed: {detail}")


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for one in-process dbt call, then put the old values back."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def release_warehouse() -> None:
    """dbt-duckdb keeps its DuckDB instance open in-process after a run; close it so the file is free."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        with contextlib.suppress(Exception):
            env.close()
    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]


def build(settings: Settings, full_refresh: bool = False) -> None:
    """`dbt build`: every model and its data tests, in dependency order (incremental unless told otherwise); the
    unit tests are left to `unit_tests`."""
    from ingest.warehouse import open_writer

    open_writer(settings).close()  # the raw schema exists and is current before dbt reads it
    run_dbt(settings, ["build", *BUILD_FLAGS, *(["--full-refresh"] if full_refresh else [])])


def unit_tests(settings: Settings) -> list[str]:
    """dbt's unit tests of the models (their parents must have been built once); the names of those that ran, all
    passed (`TransformError` names any that failed)."""
    results = run_dbt(settings, ["test", "--select", "test_type:unit"])
    return [node.node.name for node in results]


def compile_manifest(settings: Settings) -> Path:
    """`dbt parse` into `dbt_project/target/`, where the cosmos DAG renders from (no dbt at DAG parse)."""
    target = settings.dbt_project_dir / "target"
    run_dbt(settings, ["parse"], target_path=target)
    return target / "manifest.json"


def generate_docs(settings: Settings) -> Path:
    """`dbt docs generate` into the data folder; returns the index page."""
    target = settings.dbt_state_dir / "docs"
    run_dbt(settings, ["docs", "generate"], target_path=target)
    return target / "index.html"
