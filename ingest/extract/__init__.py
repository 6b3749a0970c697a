"""Actors and topics from an article's title and text (see `matcher` for the matching rules).

Per article: a short form ("Xi") counts only when a full alias of the same actor occurs; a
topic is assigned when its score reaches `min_score` (each keyword hit adds its weight, times
`title_boost` in the title; each negative cue takes 1 away). Every mention carries a salience:
1.0 in the title, falling from 1.0 to 0.5 through the body.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Any

from ingest.extract.candidates import find_candidates
from ingest.extract.gazetteer import Gazetteer, load_gazetteer
from ingest.extract.matcher import Hit, find_hits
from ingest.extract.quotes import Quote, find_quotes
from ingest.models import Mention, mention_columns

__all__ = ["ExtractionResult", "Gazetteer", "extract", "load_gazetteer"]


@dataclass(frozen=True)
class ExtractionResult:
    mentions: tuple[Mention, ...]
    topic_scores: tuple[tuple[str, float], ...] = ()
    quotes: tuple[Quote, ...] = ()  # in the body
    candidates: tuple[str, ...] = ()  # capitalised names the gazetteer lacks, in the body

    def __reduce__(self) -> tuple[Any, ...]:
        # a worker's results are pickled to the writer, which unpickles them in turn, alone: with the mentions
        # as columns neither side makes a Python call per mention (a named tuple pickles through two)
        return _unpickled, (tuple(mention_columns(self.mentions).values()), self.topic_scores, self.quotes, self.candidates)

    def actor_ids(self) -> list[str]:
        return list(dict.fromkeys(m.entity_id for m in self.mentions if m.kind == "actor"))

    def topic_ids(self) -> list[str]:
        return list(dict.fromkeys(m.entity_id for m in self.mentions if m.kind == "topic"))


def _unpickled(columns: tuple[tuple[Any, ...], ...], topic_scores: tuple[tuple[str, float], ...], quotes: tuple[Quote, ...],
               candidates: tuple[str, ...]) -> ExtractionResult:  # fmt: skip
    mentions = tuple(map(tuple.__new__, repeat(Mention), zip(*columns, strict=True)))
    return ExtractionResult(mentions, topic_scores, quotes, candidates)


def _tally(title_hits: list[Hit], body_hits: list[Hit]) -> tuple[set[str], dict[str, float]]:
    """The actors named in full (a short form counts beside them), and each topic's score."""
    confirmed: set[str] = set()
    scores: dict[str, float] = defaultdict(float)
    for hits, in_title in ((title_hits, True), (body_hits, False)):
        for hit in hits:
            pattern = hit.pattern
            kind = pattern.kind
            if kind == "actor":
                if not pattern.contextual:
                    confirmed.add(pattern.entity_id)
            elif kind == "topic":
                scores[pattern.entity_id] += pattern.title_weight if in_title else pattern.weight
            elif kind == "negative":
                scores[pattern.entity_id] -= 1.0
    return confirmed, dict(scores)


def extract(gaz: Gazetteer, article_id: str, title: str, text: str) -> ExtractionResult:
    """Mentions in title and body; contextual aliases and topic scores applied per article."""
    title_hits, body_hits = find_hits(gaz, title), find_hits(gaz, text)
    confirmed, scores = _tally(title_hits, body_hits)
    assigned = {t for t, score in scores.items() if score >= gaz.topic(t).min_score}
    # a hit is kept when its actor is confirmed (every full alias confirms its own) or its topic
    # assigned; blockers (places, negative cues) never are
    kept = {"actor": confirmed, "topic": assigned}
    # tuple.__new__ makes the same Mention as Mention(...) without the named tuple's Python-level __new__,
    # and the body salience is computed in place: per mention, each was a tenth of extraction's time
    new = tuple.__new__
    mentions = [new(Mention, (article_id, p.kind, p.entity_id, "title", h.start, h.end, p.surface, 1.0))
                for h in title_hits if (p := h.pattern).entity_id in kept.get(p.kind, ())]  # fmt: skip
    size = max(len(text), 1)
    mentions += [new(Mention, (article_id, p.kind, p.entity_id, "body", h.start, h.end, p.surface,
                               round(1.0 - 0.5 * h.start / size, 3)))
                 for h in body_hits if (p := h.pattern).entity_id in kept.get(p.kind, ())]  # fmt: skip
    quotes = find_quotes(text, body_hits, _persons(gaz), confirmed)
    return ExtractionResult(
        tuple(mentions),
        tuple(sorted((t, round(s, 3)) for t, s in scores.items() if t in assigned)),
        tuple(quotes),
        tuple(find_candidates(text, body_hits)),
    )


@lru_cache(maxsize=4)
def _persons(gaz: Gazetteer) -> frozenset[str]:
    return frozenset(a.id for a in gaz.actors if a.type == "person")
