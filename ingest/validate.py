"""The validate stage: GX suites on each batch before it is loaded.

Rows that break a row-level expectation become `Rejection`s (quarantined with the rule and the
value); a structural failure (schema, types, or too large a share of rejected entries) raises
`BatchRejected` and nothing of the batch is loaded. Every suite run is summarised as a
`ValidationRun` (kept in `raw.validation_runs`, even for a rejected batch).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from expectations.runner import prepared
from ingest.models import Article, Mention, MentionColumns, Rejection, mention_columns

F = TypeVar("F", bound=Callable[..., Any])


def _after_prepare(function: F) -> F:
    """`function` (which imports pandas or GX) once any `expectations.runner.prepare` thread is done importing them."""

    @functools.wraps(function)
    def waited(*args: Any, **kwargs: Any) -> Any:
        prepared()
        return function(*args, **kwargs)

    return waited  # type: ignore[return-value]


@dataclass(frozen=True)
class ValidationRun:
    suite: str
    run_id: str
    run_at: datetime
    success: bool
    evaluated: int
    unexpected: int  # rows (or, for the gate, entries) that broke an expectation
    detail: str | None = None


class BatchRejected(RuntimeError):
    """The batch broke a structural expectation; the message is the one-line reason."""

    def __init__(self, message: str, runs: Sequence[ValidationRun] = ()) -> None:
        super().__init__(message)
        self.runs = list(runs)


@dataclass
class Validated:
    good: list[Article]
    rejections: list[Rejection]
    runs: list[ValidationRun] = field(default_factory=list)


@_after_prepare
def articles_frame(articles: Sequence[Article]) -> Any:
    import pandas as pd

    from expectations.articles import COLUMNS

    names = [c for c in COLUMNS if c != "row_key"]
    # a shallow read of the fields: dataclasses.asdict deep-copies every value, half the stage's time
    frame = pd.DataFrame({name: [getattr(a, name) for a in articles] for name in names})
    frame.insert(0, "row_key", range(len(articles)))
    for column in ("published_at", "fetched_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


@_after_prepare
def validate_frame(gx_dir: Path, frame: Any) -> tuple[dict[int, list[tuple[str, str | None, str | None]]], ValidationRun]:
    """Row failures by row_key [(rule, column, value)], or `BatchRejected` on a structural failure."""
    from expectations import articles as suite
    from expectations.config import load_thresholds
    from expectations.runner import run_suite

    limits = load_thresholds()
    problems = suite.schema_types(frame)
    outcome = run_suite(gx_dir, suite.SUITE_NAME, frame, suite.row_level(limits), suite.structural(),
                        suite.parameters(datetime.now(UTC)))  # fmt: skip
    failures: dict[int, list[tuple[str, str | None, str | None]]] = {}
    for failure in outcome.row_failures:
        failures.setdefault(failure.row_key, []).append((failure.rule, failure.column, failure.value))
    structural = problems + outcome.structural_failures
    run = ValidationRun(suite.SUITE_NAME, outcome.run_id or "", datetime.now(UTC), not structural and not failures,
                        outcome.evaluated, len(failures), "; ".join(structural) or None)  # fmt: skip
    if structural:
        raise BatchRejected(f"batch failed suite {suite.SUITE_NAME}: " + "; ".join(structural), [run])
    return failures, run


@_after_prepare
def gate(gx_dir: Path, entries: int, rejected: int) -> ValidationRun:
    """The batch-level expectation: at most `max_quarantined_share` of the checked rows rejected."""
    import pandas as pd

    from expectations import articles as suite
    from expectations.config import load_thresholds
    from expectations.runner import run_suite

    limits = load_thresholds()
    frame = pd.DataFrame({"row_key": range(entries), "rejected": [1] * rejected + [0] * (entries - rejected)})
    outcome = run_suite(gx_dir, suite.GATE_SUITE, frame, [], suite.gate(limits)) if entries else None
    share = rejected / entries if entries else 0.0
    run = ValidationRun(suite.GATE_SUITE, outcome.run_id or "" if outcome else "", datetime.now(UTC),
                        outcome is None or outcome.success, entries, rejected,
                        f"{rejected} of {entries} entries rejected ({share:.0%})")  # fmt: skip
    if outcome and not outcome.success and entries >= limits.min_entries_for_share:
        raise BatchRejected(f"{share:.0%} of the batch's {entries} rows failed the article suite "
                            f"(more than {limits.max_quarantined_share:.0%}): nothing loaded", [run])  # fmt: skip
    return run


def validate_articles(gx_dir: Path, articles: Sequence[Article]) -> Validated:
    if not articles:
        return Validated([], [])
    failures, run = validate_frame(gx_dir, articles_frame(articles))
    rejections = []
    for row_key, problems in failures.items():
        article = articles[row_key]
        for rule, column, value in problems:
            rejections.append(Rejection(
                feed_id=article.feed_id, payload_sha256=article.payload_sha256, position=article.position,
                article_id=article.article_id, stage="validate", rule=rule, value=value,
                reason=f"{rule} failed for {column}={value!r}",
            ))  # fmt: skip
    good = [a for i, a in enumerate(articles) if i not in failures]
    return Validated(good, rejections, [run])


@_after_prepare
def mentions_frame(by_id: dict[str, Article], mentions: Sequence[Mention]) -> Any:
    """The mentions suite's frame, column by column (a dict per mention cost as much as the validation)."""
    import pandas as pd

    from expectations import mentions as suite

    lengths = {i: (len(a.title), len(a.text)) for i, a in by_id.items()}
    named = mention_columns(mentions)
    columns = {
        "row_key": range(len(mentions)),
        **named,
        "text_length": [lengths[i][field != "title"] for i, field in zip(named["article_id"], named["field"], strict=True)],
    }
    return pd.DataFrame(columns, columns=suite.COLUMNS)  # the suite's columns only (not surface, salience)


@_after_prepare
def validate_mentions(gx_dir: Path, articles: Sequence[Article], mentions: Sequence[Mention],
                      known_ids: Sequence[str]) -> tuple[Sequence[Mention], list[Rejection], ValidationRun]:  # fmt: skip
    """Mentions that name a known id and lie inside their text (as columns, `MentionColumns`); the rest quarantined."""
    from expectations import mentions as suite
    from expectations.config import load_thresholds
    from expectations.runner import run_suite

    if not mentions:
        return [], [], ValidationRun(suite.SUITE_NAME, "", datetime.now(UTC), True, 0, 0)
    by_id = {a.article_id: a for a in articles}
    frame = mentions_frame(by_id, mentions)
    outcome = run_suite(gx_dir, suite.SUITE_NAME, frame, suite.row_level(), suite.structural(),
                        suite.parameters(known_ids, frame["entity_id"].unique()))  # fmt: skip
    bad = {f.row_key: f for f in outcome.row_failures}
    run = ValidationRun(suite.SUITE_NAME, outcome.run_id or "", datetime.now(UTC), not bad and not outcome.structural_failures,
                        len(frame), len(bad), "; ".join(outcome.structural_failures) or None)  # fmt: skip
    limit = load_thresholds().mentions_max_bad_share
    if outcome.structural_failures or len(bad) > limit * len(frame):
        raise BatchRejected(f"mentions failed suite {suite.SUITE_NAME}: {len(bad)} of {len(frame)} bad "
                            f"{'; '.join(outcome.structural_failures)}".strip(), [run])  # fmt: skip
    rejections = [
        Rejection(by_id[mentions[k].article_id].feed_id, by_id[mentions[k].article_id].payload_sha256, None,
                  mentions[k].article_id, "validate", f.rule, f.value, f"mention {mentions[k].entity_id}: {f.rule} failed")
        for k, f in bad.items()
    ]  # fmt: skip
    kept = MentionColumns.view(mentions)
    return kept.where([i not in bad for i in range(len(kept))]) if bad else kept, rejections, run
