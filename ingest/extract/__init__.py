"""Actors and topics from an article's title and text (see `matcher` for the rules)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ingest.extract.gazetteer import Gazetteer, load_gazetteer
from ingest.extract.matcher import Hit, find_hits
from ingest.models import Mention

__all__ = ["ExtractionResult", "Gazetteer", "extract", "load_gazetteer"]


@dataclass(frozen=True)
class ExtractionResult:
    mentions: tuple[Mention, ...]

    def actor_ids(self) -> list[str]:
        return list(dict.fromkeys(m.entity_id for m in self.mentions if m.kind == "actor"))

    def topic_ids(self) -> list[str]:
        return list(dict.fromkeys(m.entity_id for m in self.mentions if m.kind == "topic"))


def _mentions(article_id: str, field: str, hits: list[Hit]) -> list[Mention]:
    return [Mention(article_id, h.pattern.kind, h.pattern.entity_id, field, h.start, h.end, h.pattern.surface) for h in hits]


def extract(gaz: Gazetteer, article_id: str, title: str, text: str) -> ExtractionResult:
    """Mentions in title and body; contextual aliases and topic thresholds applied per article."""
    by_field = {"title": find_hits(gaz, title), "body": find_hits(gaz, text)}
    all_hits = by_field["title"] + by_field["body"]
    confirmed = {h.pattern.entity_id for h in all_hits if h.pattern.kind == "actor" and not h.pattern.contextual}
    topic_counts = Counter(h.pattern.entity_id for h in all_hits if h.pattern.kind == "topic")
    assigned = {t for t, n in topic_counts.items() if n >= gaz.topic(t).min_mentions}

    def keep(hit: Hit) -> bool:
        if hit.pattern.kind == "actor":
            return not hit.pattern.contextual or hit.pattern.entity_id in confirmed
        return hit.pattern.entity_id in assigned

    mentions: list[Mention] = []
    for field, hits in by_field.items():
        mentions.extend(_mentions(article_id, field, [h for h in hits if keep(h)]))
    return ExtractionResult(tuple(mentions))
