"""The heap of the writer and of the workers: fewer glibc arenas, large buffers mapped apart, freed memory given back.

glibc gives every thread that allocates an arena of its own, up to eight per core, and serves a buffer of up to
32 MB from them once a large one has been freed (its mmap threshold rises with each). In the writer, DuckDB's
threads, Arrow's, GX's preparing thread and the main thread each filled an arena; what a batch freed stayed
scattered among them, and the writer's floor rose by about 250 MB over 100,000 entries. One arena per core and a
fixed threshold of 1 MiB (larger buffers mapped, and unmapped when freed) took the peak RSS of `defnews
ingest-files` over 100,000 entries (writer and workers) from 1,483-1,521 MB to 1,331-1,351 MB, the writer's from
1,125-1,142 MB to 977-997 MB, in the same time (old and new code in turn, twice; README, "Benchmark").

The limit counts only if it is set before the process has more than eight arenas: glibc then fixes its own (eight
per core), and `mallopt` still says yes. So it is set where the writer's work starts, before GX's thread and
DuckDB's (`pipeline.writer_entry`), and as a worker starts; a process that already ran many threads (a long-lived
host process) keeps the arenas it has and shares them among any new threads up to the limit.

An operator's own settings are left as they are: `MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`, or
`glibc.malloc.arena_max` and `glibc.malloc.mmap_threshold` in `GLIBC_TUNABLES`. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform
from collections.abc import Callable

from ingest.settings import usable_cores

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameters (malloc.h)
M_ARENA_MAX = -8
MMAP_THRESHOLD = 1 << 20


@functools.cache
def tune_heap() -> dict[str, int]:
    """Set the process's arena limit and mmap threshold (once; before its threads start, for the arenas to count).

    Returns what was set: empty where the C library is not glibc, and without a knob the environment sets.
    """
    libc = _glibc()
    if libc is None:
        return {}
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    wanted = {("MALLOC_ARENA_MAX", "glibc.malloc.arena_max"): (M_ARENA_MAX, usable_cores()),
              ("MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold"): (M_MMAP_THRESHOLD, MMAP_THRESHOLD)}  # fmt: skip
    applied = {}
    for (variable, tunable), (parameter, value) in wanted.items():
        if variable not in os.environ and f"{tunable}=" not in tunables and libc.mallopt(parameter, value) == 1:
            applied[variable] = value
    return applied


def give_back() -> None:
    """Return the freed memory of a loaded batch to the system: Arrow's pool and glibc's heap keep it otherwise.

    Measured over 14 batches: the writer's RSS grew from 720 MB to 1.1 GB without this, and stayed near 520 MB with it.
    """
    import pyarrow as pa  # the writer's: a worker imports no Arrow

    pa.default_memory_pool().release_unused()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc, looked up once: `ctypes.util.find_library` runs `ldconfig` in a child
    process, a fork of the writer whose RSS counted the writer's pages again (a 1.1 GB sample of the process tree
    at 100,000 entries)."""
    if "glibc" not in platform.libc_ver()[0]:
        return None
    try:
        libc = ctypes.CDLL(None)
        for name, restype, argtypes in (("mallopt", ctypes.c_int, [ctypes.c_int, ctypes.c_int]),
                                        ("malloc_trim", ctypes.c_int, [ctypes.c_size_t])):  # fmt: skip
            function: Callable[..., int] = getattr(libc, name)
            function.restype, function.argtypes = restype, argtypes  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return None
    return libc
