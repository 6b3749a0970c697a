"""The article-batch suite: what every batch of normalised articles must satisfy.

Two severities. Row-level expectations (ids present and unique, URL shape, title length,
sane dates, language tag shape) reject only the rows that break them: those rows go to
`raw.quarantine` with the rule and the value, and the rest loads. Structural expectations
(the schema and its types) describe the batch as a whole: breaking one loads nothing. The
batch gate (`GATE_SUITE`) is structural too: too large a share of rejected entries means
something upstream broke, not that the entries are bad.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from expectations import import_gx
from expectations.config import Thresholds

SUITE_NAME = "articles_batch"
GATE_SUITE = "articles_batch_gate"
ROW_KEY = "row_key"

# an article's fields, but its sanitised `html`: no expectation reads it (and while GX fingerprinted every frame, which
# `runner._no_fingerprints` stopped, the suite took 1.8x as long with it)
COLUMNS = [ROW_KEY, "article_id", "feed_id", "url", "guid", "title", "text", "published_at", "date_flag", "language",
           "author", "content_hash", "story_key", "payload_sha256", "position", "fetched_at",
           "language_detected", "entry_key", "text_method"]  # fmt: skip
STRING_COLUMNS = ("article_id", "feed_id", "url", "title", "text")
INTEGER_COLUMNS = ("position",)
DATETIME_COLUMNS = ("published_at", "fetched_at")

URL_SHAPE = r"^https?://[^\s/$.?#][^\s]*$"
LANGUAGE_SHAPE = r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$"


PUBLISHED_MAX = "published_at_max"


def parameters(now: datetime) -> dict[str, Any]:
    """The values of the suite's `$PARAMETER`s for a run at `now`."""
    return {PUBLISHED_MAX: now + timedelta(days=1)}


def row_level(limits: Thresholds) -> list[Any]:
    """`published_at`'s upper bound moves with the clock, so it is a parameter (`parameters(now)`): the suite
    itself stays the same from batch to batch, and is stored and built once per process, not per batch."""
    gxe = import_gx().expectations

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="article_id"),
        gxe.ExpectColumnValuesToBeUnique(column="article_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="feed_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="url"),
        gxe.ExpectColumnValuesToMatchRegex(column="url", regex=URL_SHAPE),
        gxe.ExpectColumnValuesToNotBeNull(column="title"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="title", min_value=1, max_value=limits.title_max_chars),
        gxe.ExpectColumnValueLengthsToBeBetween(column="text", min_value=0, max_value=limits.text_max_chars),
        gxe.ExpectColumnValuesToNotBeNull(column="published_at"),
        gxe.ExpectColumnValuesToBeBetween(
            column="published_at", min_value=limits.earliest_published, max_value={"$PARAMETER": PUBLISHED_MAX}
        ),  # fmt: skip
        gxe.ExpectColumnValuesToMatchRegex(column="language", regex=LANGUAGE_SHAPE),
    ]


def structural() -> list[Any]:
    gxe = import_gx().expectations

    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=COLUMNS, exact_match=True),
        gxe.ExpectColumnValuesToBeUnique(column=ROW_KEY),
    ]


def schema_types(frame: Any) -> list[str]:
    """Column types, checked in code: GX 1.24 on pandas 3 reports string columns as `str` and then
    fails to match `str` in `expect_column_values_to_be_in_type_list` (seen here), so it cannot
    hold this rule. Each problem is structural."""
    import pandas as pd
    from pandas.api import types

    problems = []
    for column in STRING_COLUMNS:
        if column in frame and not (types.is_string_dtype(frame[column]) or types.is_object_dtype(frame[column])
                                    and frame[column].map(lambda v: v is None or isinstance(v, str)).all()):  # fmt: skip
            problems.append(f"{column} is {frame[column].dtype}, not text")
    for column in INTEGER_COLUMNS:
        if column in frame and not types.is_integer_dtype(frame[column]):
            problems.append(f"{column} is {frame[column].dtype}, not an integer")
    for column in DATETIME_COLUMNS:
        if column in frame and not (isinstance(frame[column].dtype, pd.DatetimeTZDtype) and str(frame[column].dt.tz) == "UTC"):
            problems.append(f"{column} is {frame[column].dtype}, not a UTC timestamp")
    return problems


def gate(limits: Thresholds) -> list[Any]:
    """On a frame with one row per entry and a 0/1 `rejected` column."""
    gxe = import_gx().expectations

    return [gxe.ExpectColumnMeanToBeBetween(column="rejected", min_value=0.0, max_value=limits.max_quarantined_share)]
