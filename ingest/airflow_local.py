"""Airflow on embedded defaults: SQLite metadata under the data folder, `dag.test()` in-process.

Used by `defnews demo` and the DAG tests, so both run the real DAGs the same way.
Airflow reads its configuration when first imported: call `configure()` before that.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ingest.settings import PROJECT_ROOT, Settings

WRITER_POOL = "duckdb_writer"


def airflow_env(settings: Settings) -> dict[str, str]:
    home = settings.data_dir / "airflow"
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "DEFNEWS_DATA_DIR": str(settings.data_dir),
        "DEFNEWS_FEEDS": str(settings.feeds_file),
    }


def configure(settings: Settings) -> None:
    """Point this process (and its children) at a local Airflow, then migrate and create the writer pool."""
    env = airflow_env(settings)
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    airflow = [sys.executable, "-m", "airflow"]
    for command in (["db", "migrate"], ["pools", "set", WRITER_POOL, "1", "single DuckDB writer"]):
        done = subprocess.run([*airflow, *command], env=os.environ.copy(), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(command)} failed: {done.stderr.strip().splitlines()[-1:]}")


def load_dag(dag_id: str) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.dags[dag_id]


def test_dag(dag_id: str, conf: dict[str, Any] | None = None) -> Any:
    """Run every task of `dag_id` in this process (`dag.test()`); raise unless the run succeeded."""
    run = load_dag(dag_id).test(run_conf=conf)
    if str(run.state) != "success":
        failed = [ti.task_id for ti in run.get_task_instances() if str(ti.state) not in ("success", "skipped")]
        raise RuntimeError(f"DAG {dag_id} ended {run.state}; failed tasks: {failed}")
    return run
