"""Great Expectations (GX Core 1.x) suites, declared in code, and the runner that applies them.

Import this package inside the function that validates, never at DAG top level:
GX takes seconds to import. Import GX itself through `import_gx`, which defers what no suite uses.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Sequence
from types import ModuleType

# Imported by GX's own modules but read by none of the expectations, metrics and results these suites use: scipy.stats
# (KL-divergence and KS-test expectations, in function bodies) and altair (charts in Data Docs).
DEFERRED = ("scipy.stats", "altair")
_IMPORTING = threading.Lock()


def import_gx() -> ModuleType:
    """`great_expectations`, imported once per process with the `DEFERRED` modules made lazy (`importlib.util.LazyLoader`):
    such a module is in `sys.modules` at once, but its code runs only when an attribute of it is first read.

    Every process that validates imports GX: each Airflow task that loads a batch, each `defnews` command. The import
    took 5.5 s of CPU, and 3.6 s with these two deferred (the same process, run in turn); it runs on a thread while the
    workers parse (`runner.prepare`), and shares the two cores with them. A module read after all (a Data Docs chart, an
    expectation of another suite) loads then, as it would have at the import. Where GX was imported before (a test
    importing it directly) this changes nothing. tests/integration/test_quality_gate.py checks that a batch's
    validation and its Data Docs leave them unloaded. (Python 3.11's LazyLoader is not safe for two threads reading one
    such module first at once, cpython gh-114763; no code here reads them at all.)

    Once imported, GX's expectations read their kwargs faster (`speedups`).
    """
    with _IMPORTING:
        if "great_expectations" not in sys.modules:
            finder = _Deferring(DEFERRED)
            sys.meta_path.insert(0, finder)
            try:
                import great_expectations  # noqa: F401 - imported for sys.modules
            finally:
                sys.meta_path.remove(finder)
        from expectations import speedups

        speedups.apply()
    return sys.modules["great_expectations"]


class _Deferring(importlib.abc.MetaPathFinder):
    """Finds `names` as the finders after it do, with their loader wrapped in a `LazyLoader`."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if isinstance(spec.loader, importlib.machinery.SourceFileLoader | importlib.machinery.SourcelessFileLoader):
                    spec.loader = importlib.util.LazyLoader(spec.loader)  # Python code only: an extension runs as made
                return spec
        return None
