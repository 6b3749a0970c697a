"""Names the gazetteer lacks: capitalised person- and organisation-like phrases, so it can grow.

Runs of two to four capitalised words in the body ("Wellington Koo", "Eastern Theater Command"),
"of"/"of the" allowed inside, that do not overlap a known actor; a leading function word
("The", "In", ...) is dropped. Counted over time in `marts.candidate_actors`, where an analyst
sees what the press names and the gazetteer does not.
"""

from __future__ import annotations

import re

from ingest.extract.matcher import Hit

_WORD = re.compile(r"[^\W\d_][\w'\-]*")
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


_CAPITAL = r"[A-Z\u00c0-\u00d6\u00d8-\u00de\u0400-\u042f][\w'\-]*"
_RUN = re.compile(rf"{_CAPITAL}(?:[ \t]+(?:(?:of|the|de|von)[ \t]+)*{_CAPITAL})+")
_LINKS = frozenset({"of", "the", "de", "von"})


def _runs(text: str) -> list[list[re.Match[str]]]:
    """Runs of capitalised words (Latin and Cyrillic capitals), linking words allowed inside."""
    return [list(_WORD.finditer(text, m.start(), m.end())) for m in _RUN.finditer(text)]


def _split(run: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """A run too long for one name ("General Zhang Wei of the Harbour Lights Institute") splits at "of"."""
    if sum(m.group(0) not in _LINKS for m in run) <= MAX_WORDS:
        return [run]
    parts: list[list[re.Match[str]]] = [[]]
    for match in run:
        if match.group(0) not in _LINKS:
            parts[-1].append(match)
        elif parts[-1]:
            parts.append([])
    return [p for p in parts if p]


def find_candidates(text: str, hits: list[Hit]) -> list[str]:
    taken = [(h.start, h.end) for h in hits if h.pattern.kind in ("actor", "not_actor")]
    names = []
    for run in (part for whole in _runs(text) for part in _split(whole)):
        while run and (run[0].group(0) in _FUNCTION or run[0].group(0) in ROLES or run[0].group(0) in _LINKS):
            run = run[1:]
        while run and run[-1].group(0) in _LINKS:
            run = run[:-1]
        capitals = [m for m in run if m.group(0) not in _LINKS]
        if not 2 <= len(capitals) <= MAX_WORDS:
            continue
        start, end = run[0].start(), run[-1].end()
        if any(s < end and start < e for s, e in taken):
            continue
        names.append(text[start:end])
    return names
