"""One Aho-Corasick pass finds every actor alias and topic keyword in a text.

Cost stays flat as the gazetteer grows. Actor aliases match case-sensitively
("US" is not "us"), topic keywords case-insensitively; both only at word
boundaries (Unicode-aware: "Tusk" is not found in "Tusków"); overlapping
matches resolve leftmost-longest. Short forms ("Xi", "Putin") count only when
a full alias of the same actor occurs in the same article.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from ingest.extract.gazetteer import Gazetteer


@dataclass(frozen=True)
class Pattern:
    kind: str  # "actor" | "topic"
    entity_id: str
    surface: str
    case_sensitive: bool
    contextual: bool


@dataclass(frozen=True)
class Hit:
    pattern: Pattern
    start: int
    end: int


def _fold(text: str) -> str:
    """Lower-case without changing the length, so offsets hold in the original text."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@lru_cache(maxsize=4)
def build_automaton(gaz: Gazetteer) -> ahocorasick.Automaton:
    table: dict[str, list[Pattern]] = {}
    for actor in gaz.actors:
        for surface in actor.aliases:
            table.setdefault(_fold(surface), []).append(Pattern("actor", actor.id, surface, True, False))
        for surface in actor.context_aliases:
            table.setdefault(_fold(surface), []).append(Pattern("actor", actor.id, surface, True, True))
    for topic in gaz.topics:
        for keyword in topic.keywords:
            table.setdefault(_fold(keyword), []).append(Pattern("topic", topic.id, keyword, False, False))
    automaton = ahocorasick.Automaton()
    for key, patterns in table.items():
        automaton.add_word(key, (len(key), tuple(patterns)))
    automaton.make_automaton()
    return automaton


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def find_hits(gaz: Gazetteer, text: str) -> list[Hit]:
    """All boundary-respecting hits, leftmost-longest per kind, in text order."""
    if not text:
        return []
    candidates: list[Hit] = []
    for end_index, (length, patterns) in build_automaton(gaz).iter(_fold(text)):
        start, end = end_index - length + 1, end_index + 1
        if not _bounded(text, start, end):
            continue
        for pattern in patterns:
            if not pattern.case_sensitive or text[start:end] == pattern.surface:
                candidates.append(Hit(pattern, start, end))
    candidates.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    last_end = {"actor": -1, "topic": -1}
    for hit in candidates:
        if hit.start >= last_end[hit.pattern.kind]:
            kept.append(hit)
            last_end[hit.pattern.kind] = hit.end
    return kept
