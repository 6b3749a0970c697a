"""Quoted statements and who said them: `"...," said Rutte`, `Rutte said: "..."`, `"...," he said`.

Run on clean text (straight quotes). The speaker is resolved to a gazetteer actor where the
attribution names one (a surname counts when the article names the person in full); for
"he said" / "she said" it is the person named last before the quote.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from ingest.extract.matcher import Hit

VERBS = r"(?:said|says|told reporters|told|added|warned|stated|insisted|argued|declared|noted|wrote)"
SPEAKER = r"((?:[A-Z][\w'\-]*[ \t]+){0,3}[A-Z][\w'\-]*)"
QUOTE = r'"([^"\n]{15,600}?)[,.!?]?"'
AFTER = re.compile(QUOTE + r"\s*,?\s*" + VERBS + r"\s+" + SPEAKER)
BEFORE = re.compile(SPEAKER + r"\s+" + VERBS + r"\s*[:,]?\s*" + QUOTE)
PRONOUN = re.compile(QUOTE + r"\s*,?\s*(?:he|she) " + VERBS)


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    text: str
    speaker: str | None  # the words of the attribution
    speaker_actor_id: str | None


def _actor_in(hits: list[Hit], start: int, end: int, confirmed: AbstractSet[str]) -> str | None:
    for hit in hits:
        inside = hit.pattern.kind == "actor" and start <= hit.start and hit.end <= end
        if inside and (not hit.pattern.contextual or hit.pattern.entity_id in confirmed):
            return hit.pattern.entity_id
    return None


def _last_person_before(hits: list[Hit], offset: int, persons: AbstractSet[str], confirmed: AbstractSet[str]) -> str | None:
    earlier = [h for h in hits if h.pattern.kind == "actor" and h.end <= offset and h.pattern.entity_id in persons
               and (not h.pattern.contextual or h.pattern.entity_id in confirmed)]  # fmt: skip
    return earlier[-1].pattern.entity_id if earlier else None


def find_quotes(text: str, hits: list[Hit], persons: AbstractSet[str], confirmed: AbstractSet[str]) -> list[Quote]:
    found: dict[int, Quote] = {}
    for match in AFTER.finditer(text):
        speaker_span = match.span(2)
        actor = _actor_in(hits, *speaker_span, confirmed)
        found.setdefault(match.start(1), Quote(match.start(1), match.end(1), match.group(1), match.group(2), actor))
    for match in BEFORE.finditer(text):
        actor = _actor_in(hits, *match.span(1), confirmed)
        found.setdefault(match.start(2), Quote(match.start(2), match.end(2), match.group(2), match.group(1), actor))
    for match in PRONOUN.finditer(text):
        actor = _last_person_before(hits, match.start(), persons, confirmed)
        found.setdefault(match.start(1), Quote(match.start(1), match.end(1), match.group(1), None, actor))
    return [found[k] for k in sorted(found)]
