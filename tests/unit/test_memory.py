"""What the benchmark's process-tree RSS counts: no child forked from the writer, no warehouse libraries in a worker;
and the heap's tuning (`ingest.memory`) doing what it says, in processes of their own."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import platform
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import pipeline
from ingest.memory import give_back
from ingest.settings import load_settings, usable_cores

# mallinfo2, which the probe reads, is glibc 2.33's (Debian 12, Ubuntu 22.04)
glibc = pytest.mark.skipif(not hasattr(ctypes.CDLL(None), "mallinfo2") if "glibc" in platform.libc_ver()[0] else True,
                           reason="the tuning is glibc's, and the probe reads it with mallinfo2 (glibc 2.33)")  # fmt: skip


def test_giving_memory_back_starts_no_child_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a child process was started")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)  # ctypes.util.find_library runs ldconfig this way
    give_back()
    give_back()


def test_a_worker_imports_neither_duckdb_nor_arrow() -> None:
    """55 MB of each worker's RSS: a worker imports `ingest.parallel`, then warms its gazetteer (as `_warm` does)."""
    code = (
        "import sys, ingest.parallel as p; p._warm(); "
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'great_expectations', 'pandas') if m in sys.modules)); "
        "from ingest.memory import tune_heap; print(tune_heap.cache_info().currsize)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert found == ["[]", "1"]  # and the worker's heap was tuned as it warmed


def test_the_writer_tunes_its_heap_before_its_threads_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """glibc counts arenas as threads first allocate: the tuning must come before GX's preparing thread."""
    order: list[str] = []

    @contextlib.contextmanager
    def preparing(gx_dir: Path) -> Iterator[None]:
        order.append("thread started")
        yield

    monkeypatch.setattr(pipeline, "tune_heap", lambda: order.append("heap tuned"))
    monkeypatch.setattr(pipeline, "preparing", preparing)
    assert pipeline.writer_entry(lambda settings: order.append("work") or 7)(load_settings(tmp_path)) == 7
    assert order == ["heap tuned", "thread started", "work"]


# A child that reports, after `tune` ran (or not): glibc's arenas once `threads` threads have each malloc'd (and
# hold) a block, and whether a 2 MiB buffer was mapped apart after a 4 MiB one was freed (which raises glibc's own
# threshold above 2 MiB).
PROBE = textwrap.dedent(
    """
    import ctypes, json, os, sys, tempfile, threading
    from ingest.memory import tune_heap
    applied = tune_heap() if sys.argv[1] == "tune" else {}
    class Info(ctypes.Structure):
        names = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"
        _fields_ = [(n, ctypes.c_size_t) for n in names.split()]
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = Info
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    big = bytearray(4 << 20); del big
    before = libc.mallinfo2().hblkhd
    buffer = bytearray(2 << 20)
    mapped = libc.mallinfo2().hblkhd - before >= 2 << 20
    ready, go = threading.Barrier(int(sys.argv[2]) + 1, timeout=30), threading.Event()
    def allocate():
        block = libc.malloc(1024)  # glibc's own malloc, in this thread: its arena
        ready.wait(); go.wait(30)
        libc.free(block)
    threads = [threading.Thread(target=allocate) for _ in range(int(sys.argv[2]))]
    for thread in threads: thread.start()
    ready.wait()  # every thread holds its block (and so its arena) at once
    with tempfile.NamedTemporaryFile(suffix=".xml") as out:
        handle = libc.fopen(out.name.encode(), b"w"); libc.malloc_info(0, handle); libc.fclose(handle)
        arenas = open(out.name).read().count("<heap nr=")
    go.set()
    for thread in threads: thread.join()
    print(json.dumps({"applied": applied, "arenas": arenas, "mapped": mapped}))
    """
)


def _probe(tuned: bool, threads: int, env: dict[str, str] | None = None) -> dict[str, object]:
    """The child's report, with no malloc setting of this environment's but `env`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))}
    run = subprocess.run([sys.executable, "-c", PROBE, "tune" if tuned else "leave", str(threads)],
                         env=environment | (env or {}), capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    found: dict[str, object] = json.loads(run.stdout)
    return found


@glibc
def test_the_tuned_heap_has_an_arena_per_core_and_maps_large_buffers_apart() -> None:
    threads = usable_cores() + 4  # glibc alone gives each of them an arena (up to eight a core)
    left, tuned = _probe(False, threads), _probe(True, threads)
    assert left["arenas"] == threads + 1 and left["mapped"] is False  # the control: glibc's defaults as they are
    assert tuned["arenas"] == usable_cores() and tuned["mapped"] is True
    assert tuned["applied"] == {"MALLOC_ARENA_MAX": usable_cores(), "MALLOC_MMAP_THRESHOLD_": 1 << 20}


@glibc
@pytest.mark.parametrize("env", [
    {"MALLOC_ARENA_MAX": "4", "MALLOC_MMAP_THRESHOLD_": str(8 << 20)},
    {"GLIBC_TUNABLES": f"glibc.malloc.arena_max=4:glibc.malloc.mmap_threshold={8 << 20}"},
])  # fmt: skip
def test_an_operators_malloc_settings_are_left_as_set(env: dict[str, str]) -> None:
    found = _probe(True, 6, env)
    assert found["applied"] == {}
    assert found["arenas"] == 4 and found["mapped"] is False  # glibc read the operator's settings, not ours
