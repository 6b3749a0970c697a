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
# `Speaker said: "..."` is found from its verb, then the speaker is read backwards: a regex that
# starts with the speaker would try every capitalised word of the text (measured 20x slower)
VERB_QUOTE = re.compile(r"(?<=\s)" + VERBS + r"\s*[:,]?\s*" + QUOTE)
SPEAKER_BEFORE = re.compile(SPEAKER + r"\s+\Z")
SPEAKER_REACH = 300  # characters before the verb where the speaker's (at most four) words may start
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


def _speaker_first(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(speaker span, quote span) of every `Speaker said: "..."`, in text order, never overlapping."""
    out: list[tuple[tuple[int, int], tuple[int, int]]] = []
    taken = position = 0
    while match := VERB_QUOTE.search(text, position):
        speaker = SPEAKER_BEFORE.search(text, max(taken, match.start() - SPEAKER_REACH), match.start())
        if speaker:
            out.append(((speaker.start(1), speaker.end(1)), match.span(1)))
            taken = position = match.end()
        else:  # a verb with no speaker before it must not swallow the quote marks a later statement uses
            position = match.start() + 1
    return out


def find_quotes(text: str, hits: list[Hit], persons: AbstractSet[str], confirmed: AbstractSet[str]) -> list[Quote]:
    if '"' not in text:
        return []
    found: dict[int, Quote] = {}
    for match in AFTER.finditer(text):
        speaker_span = match.span(2)
        actor = _actor_in(hits, *speaker_span, confirmed)
        found.setdefault(match.start(1), Quote(match.start(1), match.end(1), match.group(1), match.group(2), actor))
    for (s_start, s_end), (q_start, q_end) in _speaker_first(text):
        actor = _actor_in(hits, s_start, s_end, confirmed)
        found.setdefault(q_start, Quote(q_start, q_end, text[q_start:q_end], text[s_start:s_end], actor))
    for match in PRONOUN.finditer(text):
        actor = _last_person_before(hits, match.start(), persons, confirmed)
        found.setdefault(match.start(1), Quote(match.start(1), match.end(1), match.group(1), None, actor))
    return [found[k] for k in sorted(found)]
