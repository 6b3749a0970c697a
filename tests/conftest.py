"""Shared fixtures: the repo's paths, a loopback feed server over the bundled samples, fresh settings."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.serve import FeedServer
from ingest.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "feeds"
DEMO_CATALOG = ROOT / "config" / "feeds.demo.yaml"
# ../shared/ sits beside the clone (on CI too); DEFNEWS_SHARED_DIR points elsewhere.
SHARED = Path(os.environ.get("DEFNEWS_SHARED_DIR") or ROOT.parent / "shared")
SEED = SHARED / "seed"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Nothing in the tests reaches beyond loopback, and no tool phones home.
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
# Parsed gazetteers go to the checkout's own cache folder, not the user's (the tests' subprocesses inherit it).
os.environ.setdefault("DEFNEWS_CACHE_DIR", str(ROOT / ".cache"))


@pytest.fixture(scope="session")
def sample_server() -> Iterator[FeedServer]:
    """The bundled sample feeds on 127.0.0.1, with `DEFNEWS_SAMPLE_BASE` set for the demo catalog."""
    with FeedServer(SAMPLES) as server:
        previous = os.environ.get("DEFNEWS_SAMPLE_BASE")
        os.environ["DEFNEWS_SAMPLE_BASE"] = server.base_url
        yield server
        if previous is None:
            os.environ.pop("DEFNEWS_SAMPLE_BASE", None)
        else:
            os.environ["DEFNEWS_SAMPLE_BASE"] = previous


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh data folder, reading the demo catalog."""
    return dataclasses.replace(load_settings(tmp_path / "data", DEMO_CATALOG))


def seed_article() -> tuple[str, str]:
    """The seed article: first line the title, the rest the body."""
    found = sorted(SEED.glob("*.txt"))
    if not found:
        pytest.skip(f"the seed article is not at {SEED} (set DEFNEWS_SHARED_DIR)")
    path = found[0]
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return title.strip(), body
