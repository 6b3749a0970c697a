"""Airflow-facing adapters: small JSON-safe values in and out, the work in `pipeline`.

DAG files import these inside their tasks, so a DAG file parses without the
pipeline's heavy imports.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ingest.catalog import load_catalog
from ingest.fetch import Target
from ingest.models import Feed, Validators
from ingest.pipeline import fetch_and_land, fetch_result_from_dict, fetch_result_to_dict, plan, process_and_load
from ingest.settings import load_settings


def plan_feeds(due_only: bool = True) -> list[dict[str, Any]]:
    """The feeds to poll in this run, one dict per mapped fetch task.

    Runs in the writer pool: it reads the warehouse (feed state), so the fetch tasks need not.
    """
    settings = load_settings()
    targets = plan(settings, load_catalog(settings.feeds_file), due_only=due_only)
    return [{"feed_id": t.feed_id, "url": t.url, **dataclasses.asdict(t.validators)} for t in targets]


def fetch_feed(planned: dict[str, Any]) -> dict[str, Any]:
    """Fetch and land one feed; no database access, so many run at once."""
    settings = load_settings()
    catalog = load_catalog(settings.feeds_file)
    validators = Validators(planned.get("etag"), planned.get("last_modified"), planned.get("last_sha256"))
    (result,) = fetch_and_land([Target(planned["feed_id"], planned["url"], validators)], settings, catalog)
    return fetch_result_to_dict(result)


def load_fetches(fetches: list[dict[str, Any]], fulltext: bool = False) -> dict[str, Any]:
    settings = load_settings()
    catalog = load_catalog(settings.feeds_file)
    feeds: list[Feed] = list(catalog.feeds)
    results = [fetch_result_from_dict(f) for f in fetches]
    stats = process_and_load(settings, feeds, results, source="airflow", fulltext=catalog if fulltext else None)
    return stats.as_dict()


def build_marts() -> None:
    from ingest.transform import build

    build(load_settings())


def publish_marts() -> dict[str, Any]:
    from ingest.publish import publish
    from ingest.transform import release_warehouse

    release_warehouse()  # cosmos ran dbt in this process (dag.test): let go of the file first
    tables = publish(load_settings())
    return {"tables": tables}


def full_rebuild() -> None:
    from ingest.transform import build

    build(load_settings(), full_refresh=True)


def dbt_docs() -> str:
    from ingest.transform import generate_docs

    return str(generate_docs(load_settings()))


def data_docs() -> str:
    from expectations.runner import build_data_docs

    return str(build_data_docs(load_settings().gx_dir))


def tidy_landing() -> dict[str, int]:
    from ingest.maintenance import tidy_landing as tidy

    return dataclasses.asdict(tidy(load_settings()))


def checkpoint() -> None:
    from ingest.maintenance import checkpoint as run_checkpoint

    run_checkpoint(load_settings())


def feed_health() -> dict[str, Any]:
    import logging

    from ingest.maintenance import feed_health_summary

    summary = feed_health_summary(load_settings())
    logging.getLogger("defnews").warning("feed health: %s", summary)
    return summary


def replay_range(since: str | None, until: str | None) -> dict[str, Any]:
    from datetime import UTC, datetime

    from ingest.pipeline import replay

    def day(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None

    return replay(load_settings(), day(since), day(until)).as_dict()


def rebuild_and_publish() -> dict[str, Any]:
    from ingest.pipeline import transform_and_publish

    return {"tables": transform_and_publish(load_settings())}
