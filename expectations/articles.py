"""The article-batch suite: what every batch of normalised articles must satisfy.

Two severities. Row-level expectations (ids present, URL shape, title length,
sane dates) reject only the rows that break them: those rows go to
`raw.quarantine` and the rest loads. Structural expectations (the schema, unique
ids) describe the batch as a whole: breaking one loads nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

SUITE_NAME = "articles_batch"
ROW_KEY = "row_key"

COLUMNS = [ROW_KEY, "article_id", "feed_id", "url", "guid", "title", "text", "published_at", "date_flag", "language",
           "author", "content_hash", "story_key", "payload_sha256", "position", "fetched_at", "html",
           "language_detected", "entry_key", "text_method"]  # fmt: skip

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
URL_SHAPE = r"^https?://[^\s/$.?#][^\s]*$"
LANGUAGE_SHAPE = r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"
TITLE_MAX = 1000


def row_level(now: datetime) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="article_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="feed_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="url"),
        gxe.ExpectColumnValuesToMatchRegex(column="url", regex=URL_SHAPE),
        gxe.ExpectColumnValuesToNotBeNull(column="title"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="title", min_value=1, max_value=TITLE_MAX),
        gxe.ExpectColumnValuesToNotBeNull(column="published_at"),
        gxe.ExpectColumnValuesToBeBetween(column="published_at", min_value=EARLIEST, max_value=now + timedelta(days=1)),
        gxe.ExpectColumnValuesToMatchRegex(column="language", regex=LANGUAGE_SHAPE),
    ]


def structural() -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=COLUMNS, exact_match=True),
        gxe.ExpectColumnValuesToBeUnique(column=ROW_KEY),
        gxe.ExpectColumnValuesToBeUnique(column="article_id"),
    ]
