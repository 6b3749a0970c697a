"""Types of the C extension built from _scan.c (see matcher.py for its use)."""

from collections.abc import Callable, Sequence

class Scanner:
    states: int
    def __init__(
        self,
        entries: Sequence[tuple[str, str | None, int, bool]],
        guard: Callable[[str, int, int], bool],
        fold: Callable[[str], str],
    ) -> None: ...
    def scan(self, text: str, /) -> list[tuple[int, int, int]]: ...
