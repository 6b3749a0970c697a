"""The mentions suite: every mention names a gazetteer id and points inside its text.

Row-level: a bad mention is dropped and quarantined; more than `mentions.max_bad_share` of them
fails the batch (that is an extractor bug, not bad input).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from expectations import import_gx

SUITE_NAME = "mentions_batch"
COLUMNS = ["row_key", "article_id", "kind", "entity_id", "field", "start", "end", "text_length"]


KNOWN_IDS = "known_entity_ids"


def parameters(known_ids: Iterable[str], present: Iterable[str]) -> dict[str, Any]:
    """The run's `$PARAMETER`s: of the gazetteer's ids, those the batch uses.

    A value is in that set exactly when it is a gazetteer id, so the result is the same as with every id; but
    GX re-serialises the whole value set many times per run (about 0.3 s a batch for 600 ids, whatever the
    batch's size), and a parameter keeps the stored suite the same from one gazetteer version to the next."""
    known = set(known_ids)
    used = known.intersection(present)
    return {KNOWN_IDS: sorted(used or sorted(known)[:1])}  # never empty: GX refuses an empty value set


def row_level() -> list[Any]:
    gxe = import_gx().expectations

    return [
        gxe.ExpectColumnValuesToBeInSet(column="entity_id", value_set={"$PARAMETER": KNOWN_IDS}),
        gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["actor", "topic"]),
        gxe.ExpectColumnValuesToBeInSet(column="field", value_set=["title", "body"]),
        gxe.ExpectColumnValuesToBeBetween(column="start", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="end", column_B="start", or_equal=False),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="text_length", column_B="end", or_equal=True),
    ]


def structural() -> list[Any]:
    gxe = import_gx().expectations

    return [gxe.ExpectTableColumnsToMatchSet(column_set=COLUMNS, exact_match=True)]
