"""Quality thresholds from `config/quality.yaml` (or `$DEFNEWS_QUALITY`), read when a gate runs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

DEFAULT = Path(__file__).resolve().parent.parent / "config" / "quality.yaml"


@dataclass(frozen=True)
class Thresholds:
    max_quarantined_share: float = 0.5
    min_entries_for_share: int = 20
    earliest_published: datetime = datetime(1990, 1, 1, tzinfo=UTC)
    title_max_chars: int = 1000
    text_max_chars: int = 2_000_000
    mentions_max_bad_share: float = 0.01


def load_thresholds(path: Path | None = None) -> Thresholds:
    path = path or Path(os.environ.get("DEFNEWS_QUALITY") or DEFAULT)
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}
    articles = doc.get("articles") or {}
    mentions = doc.get("mentions") or {}
    earliest = articles.get("earliest_published", "1990-01-01")
    earliest_date = earliest if isinstance(earliest, date) else date.fromisoformat(str(earliest))
    return Thresholds(
        max_quarantined_share=float(articles.get("max_quarantined_share", 0.5)),
        min_entries_for_share=int(articles.get("min_entries_for_share", 20)),
        earliest_published=datetime(earliest_date.year, earliest_date.month, earliest_date.day, tzinfo=UTC),
        title_max_chars=int(articles.get("title_max_chars", 1000)),
        text_max_chars=int(articles.get("text_max_chars", 2_000_000)),
        mentions_max_bad_share=float(mentions.get("max_bad_share", 0.01)),
    )
