"""
### defnews_transform

Runs when `defnews_ingest` updates the `defnews_raw` asset: the dbt project through
astronomer-cosmos (one task per model, its tests right after it), rendered from the
manifest compiled ahead (`defnews manifest`), so no dbt command runs when the DAG is
parsed; then `publish` copies the marts to `analytics.duckdb` and Parquet and
updates the `defnews_marts` asset. Every task runs in the `duckdb_writer` pool.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import dag, task

from ingest.dag_defaults import DEFAULT_ARGS, MARTS, RAW, WRITER_POOL


def dbt_task_group() -> Any:
    """The cosmos task group; cosmos is imported here, when the DAG is built, not at module import."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import InvocationMode, LoadMode, TestBehavior

    from ingest.settings import load_settings
    from ingest.transform import BUILD_FLAGS, dbt_env

    settings = load_settings()
    project = settings.dbt_project_dir
    manifest = project / "target" / "manifest.json"
    if not manifest.exists():
        raise FileNotFoundError(f"{manifest} is missing: run `defnews manifest` (make install does)")
    return DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(dbt_project_path=project, manifest_path=manifest, env_vars=dbt_env(settings)),
        profile_config=ProfileConfig(profile_name="defnews", target_name="local", profiles_yml_filepath=project / "profiles.yml"),
        execution_config=ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD),
        # cosmos would emit one asset per model; the marts asset below is the published interface
        # "buildable": a test that spans two models runs with the later one, not before it exists; dbt's unit
        # tests run in CI, not here (`ingest.transform.BUILD_FLAGS`)
        operator_args={
            "pool": WRITER_POOL,
            "install_deps": False,
            "emit_datasets": False,
            "dbt_cmd_flags": ["--indirect-selection", "buildable", *BUILD_FLAGS],
        },  # fmt: skip
        default_args=DEFAULT_ARGS,
    )


@dag(
    dag_id="defnews_transform",
    schedule=[RAW],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["defnews", "transform", "dbt"],
    doc_md=__doc__,
)
def defnews_transform() -> None:
    @task(pool=WRITER_POOL, outlets=[MARTS])
    def publish(**context: Any) -> dict[str, Any]:
        from ingest.tasks import publish_marts

        published = publish_marts()
        context["outlet_events"][MARTS].extra = {"tables": published["tables"]}
        return published

    dbt_task_group() >> publish()


defnews_transform()
