"""What a process made last, kept to be given again: a least-recently-used map bounded by an estimate of its bytes.

A feed's snapshots repeat most of the one before (a polled feed whose body changed for a new `lastBuildDate` holds
the same entries; a replay of a year of polls meets each entry in tens of them), and the same wire story comes in
several feeds. Cleaning an entry (`ingest.normalize.clean_entry`) and extracting an article
(`ingest.process.extract_new`) are pure functions of what they read, so a copy met again is given what was made for
the first, the same objects, for the cost of a key. Each process has its own, in memory only: a pool worker keeps
its own across the batches of a run, and a `defnews watch` process (which processes a small batch itself) across
its micro-batches.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most `budget` bytes of keys and values (as `size_of` counts them), the least recently used given up first; a value
    larger than the budget is made and not kept. `hits` and `misses` count the lookups. Not for threads: a pipeline
    process cleans and extracts on one."""

    def __init__(self, budget: int, size_of: Callable[[K, V], int]) -> None:
        self.budget, self.size, self.hits, self.misses = budget, 0, 0, 0
        self._size_of = size_of
        self._kept: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: K) -> V | None:
        found = self._kept.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._kept.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V) -> None:
        size = self._size_of(key, value)
        if size > self.budget:
            return
        previous = self._kept.pop(key, None)
        if previous is not None:
            self.size -= previous[1]
        self._kept[key] = (value, size)
        self.size += size
        while self.size > self.budget:
            self.size -= self._kept.popitem(last=False)[1][1]

    def clear(self) -> None:
        self._kept.clear()
        self.size = self.hits = self.misses = 0
