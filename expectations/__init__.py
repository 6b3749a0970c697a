"""Great Expectations (GX Core 1.x) suites, declared in code, and the runner that applies them.

Import this package inside the function that validates, never at DAG top level:
GX takes seconds to import. Import GX itself through `import_gx`, which defers what no suite uses.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

# Imported by GX's own modules but read by none of the expectations, metrics and results these suites use: scipy.stats
# (KL-divergence and KS-test expectations, in function bodies) and altair (charts in Data Docs).
DEFERRED = ("scipy.stats", "altair")
_IMPORTING = threading.Lock()


def import_gx() -> ModuleType:
    """`great_expectations`, imported once per process with the `DEFERRED` modules deferred (`_DeferredModule`):
    such a module is in `sys.modules` at once, but its code runs only when an attribute of it is first read.

    Every process that validates imports GX: each Airflow task that loads a batch, each `defnews` command. The import
    took 5.5 s of CPU, and 3.6 s with these two deferred (the same process, run in turn); it runs on a thread while the
    workers parse (`runner.prepare`), and shares the two cores with them. A module read after all (a Data Docs chart, an
    expectation of another suite) loads then, as it would have at the import. Where GX was imported before (a test
    importing it directly) this changes nothing. tests/integration/test_quality_gate.py checks that a batch's
    validation and its Data Docs leave them unloaded.

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
    """Finds `names` as the finders after it do, to be loaded by a `_DeferredLoader`."""

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
                    spec.loader_state = {"loader": spec.loader, "state": "deferred"}
                    spec.loader = _DeferredLoader()  # Python code only: an extension module runs as it is made
                return spec
        return None


class _DeferredLoader(importlib.abc.Loader):
    """Makes a `_DeferredModule` and runs none of its code: the module's own loader runs it at its first read.

    Not `importlib.util.LazyLoader`: in Python 3.11 two threads reading such a module first at once can both load it
    and one of them fail (cpython gh-114763, fixed in 3.12). Here the first read runs the code under a lock, and
    every other thread waits for it."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the import system's own module, given its spec, name, path and file first

    def exec_module(self, module: ModuleType) -> None:
        module.__class__ = _DeferredModule  # from now on a read of a name it does not have runs its code


_LOADING = threading.RLock()  # one deferred module's code runs at a time; its own reads of itself come back in


class _DeferredModule(ModuleType):
    """A module whose code runs when an attribute it does not have yet is first read (it has its spec, path and file)."""

    def __getattr__(self, name: str) -> Any:
        spec = self.__spec__
        state = spec.loader_state if spec is not None else None
        if isinstance(state, dict) and state.get("state") != "loaded":
            with _LOADING:  # another thread loading it holds the lock: this one waits for the module made
                if state["state"] == "deferred":  # not loaded meanwhile, nor being loaded by this thread (a read of itself)
                    state["state"] = "loading"
                    try:
                        state["loader"].exec_module(self)
                    except BaseException:
                        state["state"] = "deferred"  # raised here as it would have been at the import; tried again later
                        raise
                    self.__loader__ = spec.loader = state["loader"]
                    state["state"] = "loaded"
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None
