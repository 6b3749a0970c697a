"""Every DAG imports, is documented, tagged and retried, and its writers share the one-slot pool."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.settings import Settings

EXPECTED = {"defnews_ingest", "defnews_transform", "defnews_nightly", "defnews_replay"}


@pytest.fixture(scope="module")
def dagbag(airflow_settings: Settings) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    from ingest.settings import PROJECT_ROOT

    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"))


def test_every_dag_imports(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) >= EXPECTED


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_dag_has_tags_docs_retries_and_one_active_run(dagbag: Any, dag_id: str) -> None:
    dag = dagbag.dags[dag_id]
    assert dag.tags and "defnews" in dag.tags
    assert dag.doc_md and dag_id in dag.doc_md
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    for task in dag.tasks:
        assert task.retries >= 1, f"{dag_id}.{task.task_id} has no retries"
        assert task.on_failure_callback, f"{dag_id}.{task.task_id} has no failure callback"


def test_tasks_that_open_the_warehouse_use_the_writer_pool(dagbag: Any) -> None:
    ingest = dagbag.dags["defnews_ingest"]
    assert {t.task_id: t.pool for t in ingest.tasks} == {
        "plan": "duckdb_writer",
        "fetch": "default_pool",
        "load": "duckdb_writer",
    }
    transform = dagbag.dags["defnews_transform"]
    # ephemeral models render as empty placeholders; everything that runs SQL is in the writer pool
    assert {t.pool for t in transform.tasks if type(t).__name__ != "EmptyOperator"} == {"duckdb_writer"}
    # cosmos rendered one build task (model, then its tests) per model from the manifest
    ids = {t.task_id for t in transform.tasks}
    assert {"dbt.actor_mentions_daily_model_build", "dbt.topic_mentions_daily_model_build", "publish"} <= ids


def test_the_dbt_tasks_build_as_the_cli_does_without_dbts_unit_tests(dagbag: Any) -> None:
    from ingest.transform import BUILD_FLAGS

    builds = [t for t in dagbag.dags["defnews_transform"].tasks if t.task_id.endswith("_build")]
    assert builds and all(" ".join(BUILD_FLAGS) in " ".join(t.dbt_cmd_flags) for t in builds)


def test_transform_is_scheduled_on_the_raw_asset(dagbag: Any) -> None:
    ingest_outlets = {o.uri for t in dagbag.dags["defnews_ingest"].tasks for o in t.outlets}
    assert "x-defnews://warehouse/raw" in ingest_outlets
    transform = dagbag.dags["defnews_transform"]
    assert "x-defnews://warehouse/raw" in str(transform.timetable.asset_condition)


def test_dag_files_do_not_import_heavy_packages_at_module_level() -> None:
    import ast

    from ingest.settings import PROJECT_ROOT

    heavy = {"ingest", "cosmos", "great_expectations", "duckdb", "dbt", "feedparser", "pandas"}
    for path in (PROJECT_ROOT / "dags").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                light = [n for n in names if n != "ingest.dag_defaults"]  # retries and callbacks only
                assert not any(n.split(".")[0] in heavy for n in light), f"{path.name} imports {names} at top level"
