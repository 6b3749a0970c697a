"""Quoted statements and who said them: `"...," said Rutte`, `Rutte said: "..."`, `"...," he said`.

Run on clean text (straight quotes). The speaker is resolved to a gazetteer actor where the
attribution names one (a surname counts when the article names the person in full); for
"he said" / "she said" it is the person named last before the quote.

The three forms are regular expressions (`AFTER`, `VERB_QUOTE`, `PRONOUN`), but they are not run
as such: a regex search tries every position of the text, and a search for `VERB_QUOTE` every
word of it. Every form holds a quote, so the scan visits only the quote marks, reads the quote
there once (`_quote_at`, `QUOTE`'s match without the regex), and then matches the form's rest
after it (or, for `VERB_QUOTE`, looks for its verb before it). The matches are the ones the
regexes' own searches give (tests/unit/test_quotes.py holds the two to each other), for a sixth
of the instructions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from ingest.extract.matcher import Hit

_VERB_WORDS = ("said", "says", "told reporters", "told", "added", "warned", "stated", "insisted", "argued", "declared",
               "noted", "wrote")  # fmt: skip
VERBS = "(?:" + "|".join(_VERB_WORDS) + ")"
SPEAKER = r"((?:[A-Z][\w'\-]*[ \t]+){0,3}[A-Z][\w'\-]*)"
QUOTE_MIN, QUOTE_MAX = 15, 600  # a statement's length, in characters
QUOTE = rf'"([^"\n]{{{QUOTE_MIN},{QUOTE_MAX}}}?)[,.!?]?"'
AFTER = re.compile(QUOTE + r"\s*,?\s*" + VERBS + r"\s+" + SPEAKER)
VERB_QUOTE = re.compile(r"(?<=\s)" + VERBS + r"\s*[:,]?\s*" + QUOTE)
PRONOUN = re.compile(QUOTE + r"\s*,?\s*(?:he|she) " + VERBS)
SPEAKER_BEFORE = re.compile(SPEAKER + r"\s+\Z")
SPEAKER_REACH = 300  # characters before the verb where the speaker's (at most four) words may start

# the forms' parts, matched around a quote mark (`_quote_at` is QUOTE's match)
_AFTER_REST = re.compile(r"\s*,?\s*" + VERBS + r"\s+" + SPEAKER)
_PRONOUN_REST = re.compile(r"\s*,?\s*(?:he|she) " + VERBS)
_VERB_ENDING = re.compile(r"(?<=\s)" + VERBS + r"\Z")
_LONGEST_VERB = max(map(len, _VERB_WORDS))  # how far before a quote's separator `_verb_before` looks


class Quoted(NamedTuple):
    start: int  # of the statement (QUOTE's group), inside the quote marks
    end: int  # without a last ',', '.', '!' or '?' when what remains is long enough
    after: int  # past the closing mark: where the match of QUOTE ends


Marks = list[tuple[int, Quoted]]  # (position of a quote mark, the QUOTE that opens there)


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    text: str
    speaker: str | None  # the words of the attribution
    speaker_actor_id: str | None


# The hits come in text order (by start), so the two lookups below bisect to the hits that can qualify: a hit
# inside [start, end) starts there, and one that ends by `offset` starts before it. Walking every hit from the
# first was half of find_quotes' time on 5 KB articles.
_START = itemgetter(1)  # Hit.start


def _actor_in(hits: list[Hit], start: int, end: int, confirmed: AbstractSet[str]) -> str | None:
    """The first actor hit inside text[start:end] (a short form only where confirmed)."""
    for at in range(bisect_left(hits, start, key=_START), len(hits)):
        hit = hits[at]
        if hit.start >= end:
            break
        pattern = hit.pattern
        if pattern.kind == "actor" and hit.end <= end and (not pattern.contextual or pattern.entity_id in confirmed):
            return pattern.entity_id
    return None


def _last_person_before(hits: list[Hit], offset: int, persons: AbstractSet[str], confirmed: AbstractSet[str]) -> str | None:
    """The last person hit that ends by `offset` (a short form only where confirmed)."""
    for at in range(bisect_left(hits, offset, key=_START) - 1, -1, -1):
        hit = hits[at]
        pattern = hit.pattern
        if (pattern.kind == "actor" and hit.end <= offset and pattern.entity_id in persons
                and (not pattern.contextual or pattern.entity_id in confirmed)):  # fmt: skip
            return pattern.entity_id
    return None


def _quote_at(text: str, mark: int) -> Quoted | None:
    """`QUOTE`'s match at a quote mark, without the regex: its lazy group tried every length in turn.

    The statement can only end at the next quote mark (its characters are not quote marks), so
    the match is decided there: the shortest group that leaves `[,.!?]?"` is the one without a
    last punctuation mark, when that is still 15 characters long.
    """
    close = text.find('"', mark + 1)
    if close < 0 or text.find("\n", mark + 1, close) >= 0:
        return None
    start, end = mark + 1, close
    if QUOTE_MIN <= end - 1 - start <= QUOTE_MAX and text[end - 1] in ",.!?":
        end -= 1
    elif not QUOTE_MIN <= end - start <= QUOTE_MAX:
        return None
    return Quoted(start, end, close + 1)


def _quotes_at_marks(text: str) -> Marks:
    """(position, quote) of `QUOTE` at every quote mark where it matches, in text order."""
    out: Marks = []
    mark = text.find('"')
    while mark >= 0:
        if quote := _quote_at(text, mark):
            out.append((mark, quote))
        mark = text.find('"', mark + 1)
    return out


def _followed(text: str, quotes: Marks, rest: re.Pattern[str]) -> Iterator[tuple[int, Quoted, re.Match[str]]]:
    """`QUOTE + rest` as `finditer` finds it: the quote and its rest, never overlapping.

    `QUOTE` can end only at the first quote mark after its opening one, so where it matches it
    matches once, and the whole form matches there exactly when `rest` matches after it.
    """
    position = 0
    for mark, quote in quotes:
        if mark >= position and (after := rest.match(text, quote.after)):
            yield mark, quote, after
            position = after.end()


def _verb_before(text: str, mark: int, position: int) -> int | None:
    """Where a verb starts that `VERB_QUOTE` joins to the quote at `mark` (`said: "`), if one does, at or after `position`."""
    end = mark
    while end > position and text[end - 1].isspace():
        end -= 1
    if end > position and text[end - 1] in ":,":
        end -= 1
        while end > position and text[end - 1].isspace():
            end -= 1
    verb = _VERB_ENDING.search(text, max(position, end - _LONGEST_VERB), end)
    return verb.start() if verb else None


def _speaker_first(text: str, quotes: Marks) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(speaker span, quote span) of every `Speaker said: "..."`, in text order, never overlapping.

    `VERB_QUOTE.search` from `position` is the first quote (in text order) with a verb before it
    that starts at or after `position`: a verb ends right before its quote's mark, so a later
    quote's verb starts after an earlier quote.
    """
    out: list[tuple[tuple[int, int], tuple[int, int]]] = []
    taken = position = 0
    for mark, quote in quotes:
        if mark <= position or (verb := _verb_before(text, mark, position)) is None:
            continue
        speaker = SPEAKER_BEFORE.search(text, max(taken, verb - SPEAKER_REACH), verb)
        if speaker:
            out.append(((speaker.start(1), speaker.end(1)), (quote.start, quote.end)))
            taken = position = quote.after
        else:  # a verb with no speaker before it must not swallow the quote marks a later statement uses
            position = verb + 1  # (the search's next start; this quote has no other verb, so the loop moves on)
    return out


def find_quotes(text: str, hits: list[Hit], persons: AbstractSet[str], confirmed: AbstractSet[str]) -> list[Quote]:
    """The quoted statements in `text`, with their speakers; `hits` are `find_hits(text)`'s, in start order."""
    if '"' not in text:
        return []
    quotes = _quotes_at_marks(text)
    found: dict[int, Quote] = {}
    for _, (start, end, _), after in _followed(text, quotes, _AFTER_REST):
        actor = _actor_in(hits, *after.span(1), confirmed)
        found.setdefault(start, Quote(start, end, text[start:end], after.group(1), actor))
    for (s_start, s_end), (q_start, q_end) in _speaker_first(text, quotes):
        actor = _actor_in(hits, s_start, s_end, confirmed)
        found.setdefault(q_start, Quote(q_start, q_end, text[q_start:q_end], text[s_start:s_end], actor))
    for mark, (start, end, _), _ in _followed(text, quotes, _PRONOUN_REST):
        actor = _last_person_before(hits, mark, persons, confirmed)
        found.setdefault(start, Quote(start, end, text[start:end], None, actor))
    return [found[k] for k in sorted(found)]
