"""`find_quotes` against the three regular expressions it stands for, run as plain regex searches, with the
speaker's actor looked up by a walk over every hit.

`find_quotes` visits only the quote marks of a text (see `ingest.extract.quotes`); the reference
below is the searches themselves (`AFTER.finditer`, `VERB_QUOTE.search` from a moving position,
`PRONOUN.finditer`). Both must give the same quotes, speakers and actors: on the eval set, the
sample feeds, generated articles, and hypothesis text built from quote marks, verbs, speakers,
pronouns, punctuation and whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.evaluate import labelled
from ingest.extract import load_gazetteer
from ingest.extract.matcher import Hit, find_hits
from ingest.extract.quotes import (
    AFTER,
    PRONOUN,
    QUOTE,
    SPEAKER_BEFORE,
    SPEAKER_REACH,
    VERB_QUOTE,
    Quote,
    _quote_at,
    find_quotes,
)
from ingest.generate import render_entry, vocabulary
from ingest.normalize import clean_text
from ingest.parse import parse_feed

ROOT = Path(__file__).resolve().parents[2]
GAZ = load_gazetteer()
PERSONS = frozenset(a.id for a in GAZ.actors if a.type == "person")


def _actor_in(hits: list[Hit], start: int, end: int, confirmed: AbstractSet[str]) -> str | None:
    """The first actor hit inside [start, end), by a walk over every hit (the module bisects)."""
    for hit in hits:
        inside = hit.pattern.kind == "actor" and start <= hit.start and hit.end <= end
        if inside and (not hit.pattern.contextual or hit.pattern.entity_id in confirmed):
            return hit.pattern.entity_id
    return None


def _last_person_before(hits: list[Hit], offset: int, persons: AbstractSet[str], confirmed: AbstractSet[str]) -> str | None:
    """The last person hit ending by offset, by a walk over every hit (the module bisects)."""
    earlier = [h for h in hits if h.pattern.kind == "actor" and h.end <= offset and h.pattern.entity_id in persons
               and (not h.pattern.contextual or h.pattern.entity_id in confirmed)]  # fmt: skip
    return earlier[-1].pattern.entity_id if earlier else None


def reference_quotes(text: str, hits: list[Hit], persons: AbstractSet[str], confirmed: AbstractSet[str]) -> list[Quote]:
    """The quotes as the regexes' own searches find them."""
    found: dict[int, Quote] = {}
    for match in AFTER.finditer(text):
        actor = _actor_in(hits, *match.span(2), confirmed)
        found.setdefault(match.start(1), Quote(match.start(1), match.end(1), match.group(1), match.group(2), actor))
    taken = position = 0
    while verb := VERB_QUOTE.search(text, position):
        speaker = SPEAKER_BEFORE.search(text, max(taken, verb.start() - SPEAKER_REACH), verb.start())
        if speaker:
            actor = _actor_in(hits, speaker.start(1), speaker.end(1), confirmed)
            found.setdefault(verb.start(1), Quote(verb.start(1), verb.end(1), verb.group(1), speaker.group(1), actor))
            taken = position = verb.end()
        else:
            position = verb.start() + 1
    for match in PRONOUN.finditer(text):
        actor = _last_person_before(hits, match.start(), persons, confirmed)
        found.setdefault(match.start(1), Quote(match.start(1), match.end(1), match.group(1), None, actor))
    return [found[k] for k in sorted(found)]


def _same(text: str) -> None:
    hits = find_hits(GAZ, text)
    confirmed = {h.pattern.entity_id for h in hits if h.pattern.kind == "actor" and not h.pattern.contextual}
    assert find_quotes(text, hits, PERSONS, confirmed) == reference_quotes(text, hits, PERSONS, confirmed), text[:300]


def test_eval_texts() -> None:
    rows = labelled(ROOT / "eval" / "labelled.jsonl")
    for row in rows:
        _same(clean_text(row["text"]))


def test_sample_feeds() -> None:
    quoted = 0
    for path in sorted((ROOT / "samples" / "feeds").glob("*.xml")):
        for entry in parse_feed(path.read_bytes()).entries:
            for html in (entry.summary_html, entry.content_html):
                text = clean_text(html or "")
                quoted += bool(reference_quotes(text, [], PERSONS, set()))
                _same(text)
    assert quoted > 5


def test_generated_articles() -> None:
    vocab, topics = vocabulary(GAZ), [t.id for t in GAZ.topics]
    when = datetime(2026, 1, 1, tzinfo=UTC)
    texts = [clean_text(" ".join(render_entry(vocab, 11, n, topics[n % len(topics)], when).paragraphs)) for n in range(150)]
    assert sum(bool(reference_quotes(t, [], PERSONS, set())) for t in texts) > 50  # generated articles quote people
    for text in texts:
        _same(text)


def test_the_three_forms_and_a_verb_without_a_speaker() -> None:
    text = (
        '"It will not be a one-front war," said Mark Rutte. '
        'Xi Jinping told reporters: "We will never renounce the use of force." '
        '"Deterrence has to be credible at all times," he said. '
        'officials said: "This sentence has no named speaker before its verb." '
        'Then Putin warned, "Any attack would be met with a response."'
    )
    hits = find_hits(GAZ, text)
    confirmed = {h.pattern.entity_id for h in hits if h.pattern.kind == "actor" and not h.pattern.contextual}
    quotes = find_quotes(text, hits, PERSONS, confirmed)
    assert [(q.speaker, q.speaker_actor_id) for q in quotes] == [
        ("Mark Rutte", "mark-rutte"),
        ("Xi Jinping", "xi-jinping"),
        (None, "xi-jinping"),
        ("Then Putin", "vladimir-putin"),
    ]
    assert quotes == reference_quotes(text, hits, PERSONS, confirmed)


@pytest.mark.parametrize(
    "text",
    [
        # a verb with no speaker before it: its closing mark opens a statement with one
        'officials said "the talks went on until Rutte said "we are ready to help Ukraine now." Then more.',
        'Rutte said :, "a colon and a comma are one too many here." Xi told reporters  \n "across a line break here."',
        '"A quote that nobody attributes to anyone," said. "Then another one that is long," she said.',
        'said "0123456789abcde" said "0123456789abcd" ' * 3,
    ],
)
def test_adversarial_cases(text: str) -> None:
    _same(text)


def _same_quote(text: str) -> None:
    for mark in (i for i, c in enumerate(text) if c == '"'):
        match = re.compile(QUOTE).match(text, mark)
        expected = (match.start(1), match.end(1), match.end()) if match else None
        assert _quote_at(text, mark) == expected, (text[:80], mark)


@pytest.mark.parametrize("length", [13, 14, 15, 16, 17, 598, 599, 600, 601, 602])
@pytest.mark.parametrize("last", ["", ",", ".", "!", "?", ";", ",,", "\n", "\r"])
def test_a_quote_is_read_as_the_regex_reads_it(length: int, last: str) -> None:
    _same_quote('x "' + "a" * length + last + '" y')
    _same_quote('"' + "a" * (length - 5) + "\n" + "b" * 4 + last + '"')
    _same_quote('""' + "a" * length + last + '"' + "b" * length + '"')


_PIECES = st.sampled_from(
    ['"', '"', '"', ",", ".", ":", "!", "?", " ", " ", "  ", "\n", "\t", "said", "says", "told", "told reporters",
     "reporters", "warned", "wrote", "stated", "he", "she", "Rutte", "Mark Rutte", "Xi", "Putin", "The Minister",
     "officials", "x", "We will defend every inch of the territory", "It will not be a one-front war", "yes", "a b c"]
)  # fmt: skip


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_random_quote_soup(text: str) -> None:
    _same(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from('"sadiwrnothe ,:.\nABR\u00a0\u2028\x1c'), max_size=120))
def test_random_characters(text: str) -> None:
    _same(text)
    _same_quote(text)
