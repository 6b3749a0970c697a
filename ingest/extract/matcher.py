"""One Aho-Corasick pass finds every actor alias and topic keyword in a text.

Cost stays flat as the gazetteer grows. Actor aliases match case-sensitively ("US" is not
"us"), topic keywords case-insensitively; both only at word boundaries (Unicode-aware: "Tusk"
is not found in "Tusków"). Scripts written without spaces between words (Chinese, Japanese kana,
Thai, Lao, Khmer, Burmese) have no boundary to find: where the character inside a hit's edge or
the one outside it is of such a script, the edge is a boundary ("美国国防部" names 美国, "NATO成员国"
names NATO). Arabic writes its one-letter proclitics (و ف ب ل ك: and, so, in, for, as) onto the next
word, so an Arabic alias may also start after one or two of them ("وروسيا", "وبالصين"), and a name
with the article is also looked for in the form it takes after ل ("للصين", to China). Overlapping
matches resolve leftmost-longest within each lane
(actors, topics). Two kinds of pattern exist only to win that contest and vanish: places that
contain an actor's name ("South China Sea" is not China) in the actor lane, and negative cues
("nuclear-powered") in the topic lane. A force or organ named with its own state's name ("U.S. Army", "Russian
troops") also names that state, which the longest match hid (`nested_states`).

Two implementations of these rules give the same hits. The C extension (`native.Scanner`, see
_scan.c) runs the scan and the choice in C and hands Python only the kept hits: extraction is the
pipeline's CPU-bound stage. The Python one (`find_hits_python`, over pyahocorasick) is the
reference the tests hold the C one to, and the fallback where the extension is not built.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from ingest.extract import native
from ingest.extract.gazetteer import Gazetteer

log = logging.getLogger(__name__)
LANE = {"actor": "actor", "not_actor": "actor", "topic": "topic", "negative": "topic"}
TALLY_KINDS = {"actor": 0, "not_actor": 1, "topic": 2, "negative": 3}  # _scan.c's TALLY_*


@dataclass(frozen=True)
class Pattern:
    kind: str  # actor | not_actor | topic | negative
    entity_id: str
    surface: str
    case_sensitive: bool
    contextual: bool = False  # a short form: counts only beside a full alias of the same actor
    guarded: bool = False  # also a personal name: not when a capitalised name word stands beside it
    weight: float = 1.0
    title_weight: float = 1.0  # a topic keyword's weight in the title: weight times the topic's title_boost


class Hit(NamedTuple):  # a named tuple: made per kept hit, where a frozen dataclass cost three times as much
    pattern: Pattern
    start: int
    end: int


def _fold(text: str) -> str:
    """Lower-case without changing the length, so offsets hold in the original text."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _with_contractions(names: tuple[str, ...], taken: set[str]) -> list[str]:
    """The names, and after each Arabic name with the article the form it takes after the preposition ل ('to',
    'for'), which drops the article's alif: الصين, للصين. Not where that form is already a name (`taken`: every
    name of the gazetteer, these included)."""
    contracted = dict.fromkeys("لل" + name[2:] for name in names if name.startswith("ال") and len(name) > 2)
    return [*names, *(form for form in contracted if form not in taken)]


@lru_cache(maxsize=4)
def _patterns(gaz: Gazetteer) -> tuple[Pattern, ...]:
    """Every pattern of the gazetteer, made once (the scanner, the Python automaton and `nested_states` read them)."""
    out: list[Pattern] = []
    taken = {name for actor in gaz.actors for name in (*actor.aliases, *actor.context_aliases)} | set(gaz.not_actors)
    for actor in gaz.actors:
        guarded = set(actor.guarded_aliases)
        out += [Pattern("actor", actor.id, s, True, guarded=s in guarded) for s in _with_contractions(actor.aliases, taken)]
        out += [Pattern("actor", actor.id, s, True, contextual=True) for s in _with_contractions(actor.context_aliases, taken)]
    out += [Pattern("not_actor", "", s, True) for s in _with_contractions(gaz.not_actors, taken)]
    for topic in gaz.topics:
        out += [Pattern("topic", topic.id, k, False, weight=topic.weight(k), title_weight=topic.weight(k) * topic.title_boost)
                for k in topic.keywords]  # fmt: skip
        out += [Pattern("negative", topic.id, k, False, weight=-1.0) for k in topic.negative]
    return tuple(out)


@lru_cache(maxsize=4)
def build_automaton(gaz: Gazetteer) -> ahocorasick.Automaton:
    table: dict[str, list[Pattern]] = {}
    for pattern in _patterns(gaz):
        table.setdefault(_fold(pattern.surface), []).append(pattern)
    automaton = ahocorasick.Automaton()
    for key, patterns in table.items():
        automaton.add_word(key, (len(key), tuple(patterns)))
    automaton.make_automaton()
    return automaton


# code point ranges of the scripts written without spaces between words (_scan.c has the same list)
UNSPACED = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x323AF),  # CJK Unified Ideographs Extensions B-H, Compatibility Supplement
)


def _unspaced(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in UNSPACED)


def _joined(outside: str, inside: str) -> bool:
    """Whether a hit's edge runs on into the next character: a word goes on (`outside` is alphanumeric), in a
    script that separates its words by spaces (neither character is of one that does not)."""
    return outside.isalnum() and not _unspaced(outside) and not _unspaced(inside)


ARABIC_PROCLITICS = frozenset("وفبلك")  # written onto the word they precede


def _opens(text: str, start: int) -> bool:
    """Whether a hit may start at `start`: a word boundary, or one or two Arabic proclitics after one."""
    if start == 0 or not _joined(text[start - 1], text[start]):
        return True
    if not "\u0600" <= text[start] <= "\u06ff":
        return False
    for at in (start - 1, start - 2):
        if at < 0 or text[at] not in ARABIC_PROCLITICS:
            return False
        if at == 0 or not text[at - 1].isalnum():
            return True
    return False


# Forces and organs whose name holds their own state's ("U.S. Army", "Russian Security Council", "美国陆军"): the
# longest match hides the state inside, yet the name mentions it (the labelling guidelines' rule 6). Not armed groups
# ("Pakistani Taliban" is no organ of Pakistan), not persons ("Israel Katz"), and not an organisation marked
# `organ_of_state: false` in the gazetteer (a party: "التجمع الوطني الفرنسي", the French National Rally).
NESTED_STATE_TYPES = frozenset({"armed_force", "organisation"})


class NestedState(NamedTuple):
    pattern: Pattern  # the state's alias found inside the outer one
    begin: int  # its offsets within the outer alias
    end: int


class NestedStates(NamedTuple):
    by_surface: dict[str, tuple[str, tuple[NestedState, ...]]]  # an outer alias -> its owner, the states in it
    owners: frozenset[str]  # the actors with such an alias


@lru_cache(maxsize=4)
def nested_states(gaz: Gazetteer) -> NestedStates:
    """For each full alias of a force or organ that holds a full alias of the actor's own state (same `country`),
    at word boundaries as the scan has them: the owner's id, and the state's aliases in it (leftmost-longest,
    not overlapping). "PLA Navy" holds no state (the PLA is no state); "Taiwan Affairs Office" is China's, and
    holds Taiwan's name, not China's: neither gets one."""
    states = {a.country: a for a in gaz.actors if a.type == "state" and a.country}
    table: dict[str, tuple[str, tuple[NestedState, ...]]] = {}
    for pattern in _patterns(gaz):
        if pattern.kind != "actor" or pattern.contextual:
            continue
        actor = gaz.actor(pattern.entity_id)
        own = actor.type in NESTED_STATE_TYPES and actor.organ_of_state
        state = states.get(actor.country) if own and actor.country else None
        if state is None:
            continue
        found = _occurrences(pattern.surface, state.aliases)
        if found:
            table[pattern.surface] = (actor.id, tuple(NestedState(Pattern("actor", state.id, name, True), begin, end)
                                                      for begin, end, name in found))  # fmt: skip
    return NestedStates(table, frozenset(owner for owner, _ in table.values()))


def _occurrences(text: str, names: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Where `names` occur in `text` at word boundaries (the scan's), leftmost-longest and not overlapping."""
    found = []
    for name in names:
        begin = text.find(name)
        while begin >= 0:
            end = begin + len(name)
            if _at_word_edges(text, begin, end):
                found.append((begin, end, name))
            begin = text.find(name, begin + 1)
    kept: list[tuple[int, int, str]] = []
    for begin, end, name in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if not kept or begin >= kept[-1][1]:
            kept.append((begin, end, name))
    return kept


def _at_word_edges(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` may be a hit: it opens at a boundary (`_opens`) and does not run on into a word."""
    return _opens(text, start) and not (end < len(text) and _joined(text[end], text[end - 1]))


def _name_word(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _beside_a_name(text: str, start: int, end: int) -> bool:
    """'Michael Jordan', 'Chad Daniels': a capitalised word right before (mid-sentence) or after."""
    after = text[end:].lstrip(" ").split(" ", 1)[0].strip(".,;:'\"()")
    head = text[:start].rstrip(" ")
    before = head.rsplit(" ", 1)[-1] if head else ""
    ends_sentence = before.endswith((".", "!", "?", ":", ";", ",", '"', ")"))
    mid_sentence = len(head) > len(before) and not head[: len(head) - len(before)].rstrip().endswith((".", "!", "?", ":", "\n"))
    return _name_word(after) or (_name_word(before) and mid_sentence and not ends_sentence)


@lru_cache(maxsize=4)
def native_scanner(gaz: Gazetteer) -> native.Scanner | None:
    """The C scanner, making `Hit`s of the gazetteer's patterns and tallying them; None where the extension is not
    there."""
    if native.WHY_PYTHON:
        log.info("extract: pure-Python matcher and candidates (%s)", native.WHY_PYTHON)
        return None
    patterns = _patterns(gaz)
    entries = [(_fold(p.surface), p.surface if p.case_sensitive else None, int(LANE[p.kind] == "topic"), p.guarded)
               for p in patterns]  # fmt: skip
    tally = [(TALLY_KINDS[p.kind], p.entity_id, p.contextual, p.weight, p.title_weight) for p in patterns]
    log.info("extract: native matcher and candidates (ingest.extract._scan)")
    return native.Scanner(entries, _beside_a_name, _fold, hit=Hit, payloads=patterns, tally=tally)


def native_available(gaz: Gazetteer) -> bool:
    """Whether `find_hits` runs in C for this gazetteer."""
    return native_scanner(gaz) is not None


def find_hits(gaz: Gazetteer, text: str) -> list[Hit]:
    """All boundary-respecting hits, leftmost-longest per lane, in text order (blockers included)."""
    scanner = native_scanner(gaz)
    if scanner is None:
        return find_hits_python(gaz, text)
    if not text:
        return []
    hits: list[Hit] = scanner.scan(text)  # made in C as Hit(pattern, start, end)
    return hits


def find_hits_python(gaz: Gazetteer, text: str) -> list[Hit]:
    """`find_hits` in Python: the reference implementation, and the fallback."""
    if not text:
        return []
    candidates: list[tuple[int, int, Pattern]] = []  # (start, end, pattern); Hits are made for the kept ones only
    for end_index, (length, patterns) in build_automaton(gaz).iter(_fold(text)):
        start, end = end_index - length + 1, end_index + 1
        if not _at_word_edges(text, start, end):
            continue
        for pattern in patterns:
            if pattern.case_sensitive and text[start:end] != pattern.surface:
                continue
            if pattern.guarded and _beside_a_name(text, start, end):
                continue
            candidates.append((start, end, pattern))
    candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
    kept: list[Hit] = []
    last_end = {"actor": -1, "topic": -1}
    for start, end, pattern in candidates:
        lane = LANE[pattern.kind]
        if start >= last_end[lane]:
            kept.append(Hit(pattern, start, end))
            last_end[lane] = end
    return kept
