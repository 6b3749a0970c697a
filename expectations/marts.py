"""The marts suite: what a published mart must satisfy before `analytics.duckdb` is replaced.

Built from each mart's columns: keys present, counts never negative, shares within [0, 1],
and the trend mart's day spine without gaps. A failure keeps the previous published file.
"""

from __future__ import annotations

from typing import Any

from expectations import import_gx

SUITE_PREFIX = "marts"
KEYS = {"day", "actor_id", "topic_id", "feed_id", "article_id", "entity_id", "actor_a_id", "actor_b_id", "suite"}
COUNT_SUFFIXES = ("articles", "stories", "mentions", "sources", "_total", "runs", "publishers", "fetches", "days_seen",
                  "feeds", "quotes")  # fmt: skip
SHARES = ("share_of_articles", "share_of_stories", "share_of_topic", "linkage_index", "unexpected_share",
          "top_publisher_share", "herfindahl_index", "share_not_modified", "share_failed")  # fmt: skip


def for_columns(columns: list[str], numeric: set[str]) -> list[Any]:
    gxe = import_gx().expectations

    expectations: list[Any] = []
    for column in columns:
        if column in KEYS:
            expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=column))
        elif column in SHARES:
            expectations.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1))
        elif column in numeric and column.endswith(COUNT_SUFFIXES):
            expectations.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0))
    return expectations


def day_spine() -> list[Any]:
    """On a frame of (entity, gap_days): consecutive days of one entity are never more than a day apart."""
    gxe = import_gx().expectations

    return [gxe.ExpectColumnValuesToBeBetween(column="gap_days", min_value=1, max_value=1)]
