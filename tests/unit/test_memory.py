"""What the benchmark's process-tree RSS counts: no child forked from the writer, no warehouse libraries in a worker."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ingest.pipeline import _give_back_memory


def test_giving_memory_back_starts_no_child_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a child process was started")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)  # ctypes.util.find_library runs ldconfig this way
    _give_back_memory()
    _give_back_memory()


def test_a_worker_imports_neither_duckdb_nor_arrow() -> None:
    """55 MB of each worker's RSS: a worker imports `ingest.parallel`, then warms its gazetteer (as `_warm` does)."""
    code = (
        "import sys, ingest.parallel as p; p._warm(); "
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'great_expectations', 'pandas') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert found == "[]"
