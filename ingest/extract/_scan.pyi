"""Types of the C extension built from _scan.c (used through `native`)."""

from collections.abc import Callable, Sequence, Set
from typing import Any, overload

from typing_extensions import Buffer

API: int

class Scanner:
    states: int
    def __init__(
        self,
        entries: Sequence[tuple[str, str | None, int, bool]],
        guard: Callable[[str, int, int], bool],
        fold: Callable[[str], str],
        *,
        hit: type[tuple[Any, int, int]] | None = None,
        payloads: tuple[Any, ...] | None = None,
        tally: Sequence[tuple[int, str, bool, float, float]] | None = None,
    ) -> None: ...
    @overload
    def scan(self, text: str, /) -> list[Any]: ...  # (start, end, index) tuples, or hit(payloads[index], start, end)
    @overload
    def scan(
        self, text: str, in_title: bool, confirmed: set[str], scores: dict[str, float], taken: list[tuple[int, int]] | None, /
    ) -> list[Any]: ...  # the same, tallied into confirmed, scores and taken (a scanner given a tally)

def candidates(
    text: str, taken: Sequence[tuple[int, int]], links: tuple[str, ...], skip_first: Set[str], max_words: int, /
) -> list[str]: ...
def mentions(
    hits: list[Any], kept: dict[str, set[str]], article_id: str, field: str, size: int, mention: type[tuple[Any, ...]], /
) -> list[Any]: ...  # mention(article_id, kind, entity_id, field, start, end, surface, salience) per kept hit
def shingle_hashes(words: list[str], size: int, /) -> bytes: ...  # distinct blake2b-64 values, ascending, little-endian
def band_keys(signature: Buffer, bands: int, /) -> list[int]: ...

class LangidDFA:
    states: int
    nbytes: int
    compact: bool
    def __init__(self, nextmove: Buffer, rowbase: Sequence[int], output: Sequence[int]) -> None: ...
    def counts(self, text: Buffer, /) -> dict[int, int]: ...
    def features(self, text: Buffer, ptc: Buffer, /) -> tuple[bytes, bytes]: ...
