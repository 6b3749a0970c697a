"""Airflow on SQLite in a temporary home, configured before anything imports Airflow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import airflow_local
from ingest.settings import Settings, load_settings
from ingest.transform import compile_manifest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def airflow_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = load_settings(tmp_path_factory.mktemp("airflow") / "data", ROOT / "config" / "feeds.demo.yaml")
    if not (settings.dbt_project_dir / "target" / "manifest.json").exists():
        compile_manifest(settings)
    airflow_local.configure(settings)
    yield settings
