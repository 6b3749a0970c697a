"""The mentions suite: every mention names a gazetteer id and points inside its text.

Row-level: a bad mention is dropped and quarantined; more than `mentions.max_bad_share` of them
fails the batch (that is an extractor bug, not bad input).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SUITE_NAME = "mentions_batch"
COLUMNS = ["row_key", "article_id", "kind", "entity_id", "field", "start", "end", "text_length"]


def row_level(known_ids: Iterable[str]) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeInSet(column="entity_id", value_set=sorted(set(known_ids))),
        gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["actor", "topic"]),
        gxe.ExpectColumnValuesToBeInSet(column="field", value_set=["title", "body"]),
        gxe.ExpectColumnValuesToBeBetween(column="start", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="end", column_B="start", or_equal=False),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="text_length", column_B="end", or_equal=True),
    ]


def structural() -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectTableColumnsToMatchSet(column_set=COLUMNS, exact_match=True)]
