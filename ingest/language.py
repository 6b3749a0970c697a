"""Language: the declared hint, checked against what the text says (py3langid).

The detected language wins only on a clear mismatch (probability >= 0.9 on enough text),
because short titles fool every detector and the publisher's hint is usually right.

py3langid spends most of its time in two places of `LanguageIdentifier._raw_score`: its
DFA walk over the text's bytes, a Python loop per byte, and the float16 rows of the features
met, converted element by element before the matmul. Where the C extension is built
(`ingest.extract.native`), `_NativeWalk` does those two in C (`_scan.LangidDFA`) and leaves the
rest to py3langid: the encoding, the matmul in the same order, the softmax, the choice. The
(language, probability) are py3langid's own, bit for bit; tests/unit/test_language_native.py
holds the two to that and pins the private structure relied on. DEFNEWS_NATIVE=0: py3langid alone.
The C walk keeps its own 16-bit copy of the DFA (see _scan.c), so py3langid's tables for its walk
(39 MB of transitions, 7.5 MB of lists), which nothing else reads, are let go.
"""

from __future__ import annotations

import logging
from array import array
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

MIN_CHARS = 80
MAX_CHARS = 400  # the cost grows with the text; on 971 texts in 6 languages 400 characters decided as 2,000 did, 5x cheaper
CLEAR = 0.9


def normalise_tag(tag: str | None) -> str | None:
    """`IT-it` → `it-IT`, `en_us` → `en-US`, `EN` → `en`; anything unlike a language tag → None."""
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").split("-")
    primary = parts[0].lower()
    if not primary.isalpha() or not 2 <= len(primary) <= 3:
        return None
    rest = [p.upper() if len(p) == 2 else p.lower() for p in parts[1:] if p.isalnum() and 2 <= len(p) <= 8]
    return "-".join([primary, *rest])


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier for the wheel's model, probabilities normalised to [0, 1]; its walk in C where built."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from ingest.extract import native

    if native.WHY_PYTHON:
        log.info("language: py3langid in Python (%s)", native.WHY_PYTHON)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    log.info("language: py3langid with its DFA walk in C (ingest.extract._scan)")
    return _native_walk(LanguageIdentifier).from_model_file(MODEL_FILE, norm_probs=True)


def _native_walk(base: Any) -> Any:
    """`base` (py3langid's LanguageIdentifier) with `_raw_score`'s walk and rows in C: made here, as py3langid
    and numpy are imported only when a text is first classified."""
    import numpy as np

    from ingest.extract.native import LangidDFA

    class _NativeWalk(base):  # type: ignore[misc]  # py3langid has no types
        __slots__ = ("_dfa",)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._dfa = LangidDFA(self.tk_nextmove, self._rowbase, self.tk_output)
            if self._dfa.compact:  # the walk copied the DFA: py3langid's tables, read by its walk alone, go (47 MB)
                slots: Any = self  # py3langid's, which mypy does not see
                slots.tk_nextmove, slots._rowbase, slots.tk_output = array(self.tk_nextmove.typecode), [], []

        def _raw_score(self, text: bytes) -> Any:
            """`LanguageIdentifier._raw_score`: log1p(counts) @ nb_ptc[features] + nb_pc, the rows already float32."""
            counts, rows = self._dfa.features(text, self.nb_ptc)
            if not counts:  # no feature met: py3langid's own fill, what its walk over no bytes returns
                return super()._raw_score(b"")
            matrix = np.frombuffer(rows, np.float32).reshape(len(counts) // 4, -1)
            return np.log1p(np.frombuffer(counts, np.float32)) @ matrix + self.nb_pc

    return _NativeWalk


def warm() -> None:
    """Load the model now (0.5-0.7 s: decompressing it and copying its DFA), not at the first text long enough."""
    _identifier()


def detect(text: str) -> tuple[str | None, float]:
    if len(text) < MIN_CHARS:
        return None, 0.0
    language, probability = _identifier().classify(text[:MAX_CHARS])
    return str(language), float(probability)


def resolve(hint: str | None, text: str) -> tuple[str | None, str | None]:
    """(language, detected): the hint unless the text clearly says otherwise."""
    declared = normalise_tag(hint)
    detected, probability = detect(text)
    if detected and probability >= CLEAR and (declared is None or declared.split("-")[0] != detected):
        return detected, detected
    return declared or detected, detected
