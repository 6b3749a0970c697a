"""Actors and topics from an article's title and text (see `matcher` for the matching rules).

Per article: a short form ("Xi") counts only when a full alias of the same actor occurs; a
topic is assigned when its score reaches `min_score` (each keyword hit adds its weight, times
`title_boost` in the title; each negative cue takes 1 away). Every mention carries a salience:
1.0 in the title, falling from 1.0 to 0.5 through the body.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any

from ingest.extract import native
from ingest.extract.candidates import find_candidates
from ingest.extract.gazetteer import Gazetteer, load_gazetteer
from ingest.extract.matcher import Hit, NestedStates, find_hits, native_scanner, nested_states
from ingest.extract.quotes import Quote, find_quotes
from ingest.models import Mention, MentionColumns, mention_columns

__all__ = ["ExtractionResult", "Gazetteer", "extract", "load_gazetteer"]


@dataclass(frozen=True)
class ExtractionResult:
    mentions: Sequence[Mention]  # a tuple where extracted; `MentionColumns` where unpickled (the writer's)
    topic_scores: tuple[tuple[str, float], ...] = ()
    quotes: tuple[Quote, ...] = ()  # in the body
    candidates: tuple[str, ...] = ()  # capitalised names the gazetteer lacks, in the body

    def __reduce__(self) -> tuple[Any, ...]:
        # a worker's results are pickled to the writer, which unpickles them in turn, alone: with the mentions
        # as columns neither side makes a Python call per mention (a named tuple pickles through two), and the
        # writer keeps them as columns (`MentionColumns`), as it validates and loads them
        return _unpickled, (tuple(mention_columns(self.mentions).values()), self.topic_scores, self.quotes, self.candidates)

    def actor_ids(self) -> list[str]:
        """The actors mentioned, in the order of their first mention (title first)."""
        return self._ids("actor")

    def topic_ids(self) -> list[str]:
        """The topics assigned, in the order of their first mention (title first)."""
        return self._ids("topic")

    def _ids(self, kind: str) -> list[str]:
        # the distinct (kind, id) pairs first, in C (map, itemgetter, dict.fromkeys): a generator over every
        # mention, twice, was a tenth of `defnews extract`'s time on a 5 KB article
        return [entity for k, entity in dict.fromkeys(map(_KIND_AND_ID, self.mentions)) if k == kind]


_KIND_AND_ID = itemgetter(1, 2)  # Mention.kind, Mention.entity_id


def _unpickled(columns: tuple[list[Any], ...], topic_scores: tuple[tuple[str, float], ...], quotes: tuple[Quote, ...],
               candidates: tuple[str, ...]) -> ExtractionResult:  # fmt: skip
    return ExtractionResult(MentionColumns(columns), topic_scores, quotes, candidates)


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


def _hits_and_tally(gaz: Gazetteer, title: str, text: str) -> tuple[list[Hit], list[Hit], set[str], dict[str, float],
                                                                    list[tuple[int, int]] | None]:  # fmt: skip
    """Title and body hits, the confirmed actors, the topic scores and (in C) the body's actor-lane spans.

    In C the scan tallies its kept hits as `_tally` does, title first, with the same float operations: the loop
    over every hit in Python, and the candidate names' spans, were a sixth of extraction."""
    scanner = native_scanner(gaz)
    if scanner is None:
        title_hits, body_hits = find_hits(gaz, title), find_hits(gaz, text)
        return title_hits, body_hits, *_tally(title_hits, body_hits), None
    confirmed: set[str] = set()
    scores: dict[str, float] = {}
    taken: list[tuple[int, int]] = []
    title_hits = scanner.scan(title, True, confirmed, scores, None) if title else []
    body_hits = scanner.scan(text, False, confirmed, scores, taken) if text else []
    return title_hits, body_hits, confirmed, scores, taken


def extract(gaz: Gazetteer, article_id: str, title: str, text: str) -> ExtractionResult:
    """Mentions in title and body; contextual aliases and topic scores applied per article."""
    title_hits, body_hits, confirmed, scores, taken = _hits_and_tally(gaz, title, text)
    nested = nested_states(gaz)
    named_in_title = _with_nested_states(title_hits, nested, confirmed)
    named_in_body = _with_nested_states(body_hits, nested, confirmed)
    assigned = {t for t, score in scores.items() if score >= gaz.topic(t).min_score}
    # a hit is kept when its actor is confirmed (every full alias confirms its own) or its topic
    # assigned; blockers (places, negative cues) never are
    kept = {"actor": confirmed, "topic": assigned}
    # made in C where the extension is built (`_scan.mentions`: the same Mentions, salience to the bit); in Python the
    # comprehension and round() were a fifth of extraction's time
    make = _mentions_python if native.WHY_PYTHON else native.mentions
    mentions = make(named_in_title, kept, article_id, "title", 0, Mention)
    mentions += make(named_in_body, kept, article_id, "body", max(len(text), 1), Mention)
    quotes = find_quotes(text, body_hits, _persons(gaz), confirmed)
    return ExtractionResult(
        tuple(mentions),
        tuple(sorted((t, round(s, 3)) for t, s in scores.items() if t in assigned)),
        tuple(quotes),
        tuple(find_candidates(text, body_hits, taken)),
    )


_SURFACE = attrgetter("pattern.surface")


def _with_nested_states(hits: list[Hit], nested: NestedStates, confirmed: set[str]) -> list[Hit]:
    """The hits, each force or organ named with its own state's name followed by a hit of that state
    ("U.S. Army": `us-army` on all of it, `united-states` on "U.S."), which then counts as named in full.

    Most articles confirm none of those forces and organs, and pay one set check; where one is confirmed, the
    hits that carry a state are found by C-level set and list operations: a Python loop over every hit cost a
    tenth of extraction. A nested hit comes right after the hit it lies in (before a topic hit that starts where
    that one does: each lane is in text order, as the scan gives them)."""
    if confirmed.isdisjoint(nested.owners) or not hits:
        return hits
    surfaces = list(map(_SURFACE, hits))
    at = sorted(i for surface in nested.by_surface.keys() & surfaces for i in _indexes(surfaces, surface))
    out: list[Hit] = []
    done = 0
    for i in at:
        hit = hits[i]
        owner, inside = nested.by_surface[hit.pattern.surface]
        out += hits[done : i + 1]
        done = i + 1
        if hit.pattern.kind == "actor" and hit.pattern.entity_id == owner:  # not a topic phrase spelt the same
            out += [Hit(state.pattern, hit.start + state.begin, hit.start + state.end) for state in inside]
            confirmed.update(state.pattern.entity_id for state in inside)
    return out + hits[done:] if at else hits


def _indexes(items: list[str], item: str) -> list[int]:
    """Every position of `item` in `items` (list.index, in C)."""
    found, start = [], 0
    try:
        while True:
            start = items.index(item, start) + 1
            found.append(start - 1)
    except ValueError:
        return found


def _mentions_python(hits: list[Hit], kept: dict[str, set[str]], article_id: str, field: str, size: int,
                     mention: type[Mention] = Mention) -> list[Mention]:  # fmt: skip
    """The mentions of one field's kept hits; `native.mentions` in Python (the reference, and the fallback).

    Salience: 1.0 in the title (`size` 0), else round(1.0 - 0.5 * start / size, 3). tuple.__new__ makes the same
    Mention as Mention(...) without the named tuple's Python-level __new__."""
    new = tuple.__new__
    return [new(mention, (article_id, p.kind, p.entity_id, field, h.start, h.end, p.surface,
                          round(1.0 - 0.5 * h.start / size, 3) if size else 1.0))
            for h in hits if (p := h.pattern).entity_id in kept.get(p.kind, ())]  # fmt: skip


@lru_cache(maxsize=4)
def _persons(gaz: Gazetteer) -> frozenset[str]:
    return frozenset(a.id for a in gaz.actors if a.type == "person")
