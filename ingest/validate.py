"""The validate stage: the GX article suite on each batch before it is loaded.

Rows that break a row-level expectation become `Rejection`s (quarantined with the
rule and the value); a structural failure raises `BatchRejected` and nothing of
the batch is loaded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ingest.models import Article, Rejection


class BatchRejected(RuntimeError):
    """The batch broke a structural expectation; the message is the one-line reason."""


def validate_articles(gx_dir: Path, articles: Sequence[Article]) -> tuple[list[Article], list[Rejection]]:
    if not articles:
        return [], []
    import pandas as pd

    from expectations import articles as suite
    from expectations.runner import run_suite

    rows = [dict(dataclasses.asdict(a), row_key=i) for i, a in enumerate(articles)]
    frame = pd.DataFrame(rows, columns=suite.COLUMNS)
    outcome = run_suite(gx_dir, suite.SUITE_NAME, frame, suite.row_level(datetime.now(UTC)), suite.structural())
    if outcome.structural_failures:
        raise BatchRejected(f"batch failed suite {suite.SUITE_NAME}: " + "; ".join(outcome.structural_failures))
    rejected: dict[int, list[Rejection]] = {}
    for failure in outcome.row_failures:
        article = articles[failure.row_key]
        rejected.setdefault(failure.row_key, []).append(
            Rejection(
                feed_id=article.feed_id,
                payload_sha256=article.payload_sha256,
                position=article.position,
                article_id=article.article_id,
                stage="validate",
                rule=failure.rule,
                value=failure.value,
                reason=f"{failure.rule} failed for {failure.column}={failure.value!r}",
            )
        )
    good = [a for i, a in enumerate(articles) if i not in rejected]
    return good, [r for rs in rejected.values() for r in rs]
