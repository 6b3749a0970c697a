"""Airflow-facing adapters: small JSON-safe values in and out, the work in `pipeline`.

DAG files import these inside their tasks, so a DAG file parses without the
pipeline's heavy imports.
"""

from __future__ import annotations

from typing import Any

from ingest.catalog import load_catalog
from ingest.models import Feed, Validators
from ingest.pipeline import (
    fetch_and_land,
    fetch_result_from_dict,
    fetch_result_to_dict,
    process_and_load,
    stored_validators,
)
from ingest.settings import load_settings


def plan_feeds() -> list[dict[str, Any]]:
    """The feeds to poll in this run with their stored validators, one dict per mapped fetch task.

    Runs in the writer pool: it reads the warehouse, so the fetch tasks need not.
    """
    settings = load_settings()
    catalog = load_catalog(settings.feeds_file)
    validators = stored_validators(settings)
    plan = []
    for feed in catalog.feeds:
        v = validators.get(feed.id, Validators())
        plan.append({"feed_id": feed.id, "etag": v.etag, "last_modified": v.last_modified})
    return plan


def fetch_feed(planned: dict[str, Any]) -> dict[str, Any]:
    """Fetch and land one feed; no database access, so many run at once."""
    settings = load_settings()
    catalog = load_catalog(settings.feeds_file)
    feed = next(f for f in catalog.feeds if f.id == planned["feed_id"])
    validators = {feed.id: Validators(planned.get("etag"), planned.get("last_modified"))}
    (result,) = fetch_and_land([feed], settings, catalog, validators)
    return fetch_result_to_dict(result)


def load_fetches(fetches: list[dict[str, Any]]) -> dict[str, Any]:
    settings = load_settings()
    feeds: list[Feed] = list(load_catalog(settings.feeds_file).feeds)
    results = [fetch_result_from_dict(f) for f in fetches]
    stats = process_and_load(settings, feeds, results, source="airflow")
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
