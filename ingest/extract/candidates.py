"""Names the gazetteer lacks: capitalised person- and organisation-like phrases, so it can grow.

Runs of two to four capitalised words in the body ("Wellington Koo", "Eastern Theater Command"),
"of"/"of the" allowed inside, that do not overlap a known actor; a leading function word
("The", "In", ...) is dropped. Counted over time in `marts.candidate_actors`, where an analyst
sees what the press names and the gazetteer does not.

`find_candidates` runs in C (`native.candidates`, see _scan.c) where the extension is built: the
run regex, the word list and the slices per run were a fifth of extraction. `find_candidates_python`
is the reference it is tested against, and the fallback.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ingest.extract import native
from ingest.extract.matcher import Hit

_FUNCTION = frozenset(
    (
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "For",
        "From",
        "With",
        "By",
        "To",
        "And",
        "But",
        "Or",
        "As",
        "If",
        "When",
        "While",
        "After",
        "Before",
        "During",
        "Since",
        "Under",
        "Over",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "Their",
        "His",
        "Her",
        "Our",
        "We",
        "They",
        "He",
        "She",
        "Meanwhile",
        "However",
        "Speaking",
        "According",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
)
ROLES = frozenset(
    (
        "General",
        "Admiral",
        "Colonel",
        "Captain",
        "Major",
        "Lieutenant",
        "Commander",
        "Marshal",
        "President",
        "Premier",
        "Prime",
        "Minister",
        "Defence",
        "Defense",
        "Foreign",
        "Secretary",
        "Chief",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Senator",
        "Ambassador",
        "Chancellor",
        "King",
        "Queen",
        "Prince",
        "Sheikh",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Deputy",
        "Vice",
        "Director",
        "Head",
        "Leader",
        "Analyst",
        "Professor",
        "Researcher",
        "Officer",
    )
)
MAX_WORDS = 4


# _scan.c reads the same runs without a regex: a change here must be made there too (the tests compare them)
_CAPITAL = r"[A-Z\u00c0-\u00d6\u00d8-\u00de\u0400-\u042f][\w'\-]*"
_RUN = re.compile(rf"{_CAPITAL}(?:[ \t]+(?:(?:of|the|de|von)[ \t]+)*{_CAPITAL})+")
_LINKS = frozenset({"of", "the", "de", "von"})
_LINK_WORDS = tuple(sorted(_LINKS))
_SKIP_FIRST = _FUNCTION | ROLES | _LINKS


def _words(text: str, run: re.Match[str]) -> list[tuple[str, int, int]]:
    """The run's words with their offsets (the run separates words by spaces and tabs only)."""
    out, position = [], run.start()
    for word in run.group(0).split():
        position = text.index(word, position)
        out.append((word, position, position + len(word)))
        position += len(word)
    return out


def _split(run: list[tuple[str, int, int]]) -> list[list[tuple[str, int, int]]]:
    """A run too long for one name ("General Zhang Wei of the Harbour Lights Institute") splits at "of"."""
    if sum(word not in _LINKS for word, _, _ in run) <= MAX_WORDS:
        return [run]
    parts: list[list[tuple[str, int, int]]] = [[]]
    for item in run:
        if item[0] not in _LINKS:
            parts[-1].append(item)
        elif parts[-1]:
            parts.append([])
    return [p for p in parts if p]


def find_candidates(text: str, hits: list[Hit], taken: list[tuple[int, int]] | None = None) -> list[str]:
    """The names in text; `taken`, where the scan made it, is the (start, end) of each actor-lane hit."""
    if native.WHY_PYTHON:
        return find_candidates_python(text, hits)
    if taken is None:  # actor-lane hits come in text order and never overlap, so their ends are sorted too
        taken = [(h.start, h.end) for h in hits if h.pattern.kind in ("actor", "not_actor")]
    return native.candidates(text, taken, _LINK_WORDS, _SKIP_FIRST, MAX_WORDS)


def find_candidates_python(text: str, hits: list[Hit]) -> list[str]:
    """`find_candidates` in Python: the reference implementation, and the fallback."""
    taken = [(h.start, h.end) for h in hits if h.pattern.kind in ("actor", "not_actor")]
    starts, ends = [s for s, _ in taken], [e for _, e in taken]
    names = []
    for whole in _RUN.finditer(text):
        for run in _split(_words(text, whole)):
            first, last = 0, len(run)
            while first < last and run[first][0] in _SKIP_FIRST:
                first += 1
            while first < last and run[last - 1][0] in _LINKS:
                last -= 1
            if not 2 <= sum(word not in _LINKS for word, _, _ in run[first:last]) <= MAX_WORDS:
                continue
            start, end = run[first][1], run[last - 1][2]
            nearest = bisect_right(ends, start)  # the first known name ending after this one starts
            if nearest < len(starts) and starts[nearest] < end:
                continue
            names.append(text[start:end])
    return names
