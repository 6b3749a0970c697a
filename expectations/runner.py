"""Run a suite on a batch (a pandas DataFrame) through a GX file context.

GX 1.24's SQL datasource returns empty metric rows on DuckDB (ARCHITECTURE.md),
so batches are validated as DataFrames before they are loaded. Results are kept
by the file context under `<data dir>/gx/`.
"""

from __future__ import annotations

import copy
import functools
import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expectations import import_gx

ROW_KEY = "row_key"
DATASOURCE = "defnews_batches"


@dataclass
class RowFailure:
    row_key: int
    rule: str
    column: str | None
    value: str | None


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int
    row_failures: list[RowFailure] = field(default_factory=list)
    structural_failures: list[str] = field(default_factory=list)
    run_id: str | None = None


_CONTEXTS: dict[str, Any] = {}
_PREPARING: dict[str, threading.Thread] = {}
_OPENING = threading.Lock()
_REGISTERING = threading.Lock()  # held briefly, never while importing
log = logging.getLogger(__name__)


def prepare(project_dir: Path) -> None:
    """Import GX and open the file context of `project_dir` on a thread of its own, while the caller does other work.

    Importing GX takes about 5 s of CPU and opening a context another 0.3 s, and a run needs both only once its
    entries are parsed: behind the fetch (waiting on the network) or the workers' parsing they cost the run little.
    Nothing else may import GX or pandas meanwhile (a module half-imported on one thread is met half-made on the
    other): every validation, and the end of the run (`prepared`), waits for the thread first. An error on the
    thread is raised again by the validation that opens the context, in its own thread; a thread that cannot be
    started leaves the opening to that validation.
    """
    key = str(project_dir.resolve())
    with _REGISTERING:  # one thread per folder, however many callers
        if key in _CONTEXTS or key in _PREPARING:
            return
        thread = threading.Thread(target=_prepare, args=(project_dir,), name="gx-prepare")
        try:
            thread.start()
        except RuntimeError as exc:  # no thread to be had (a process at its limit): the validation opens it
            log.warning("GX is imported when the batch is validated: no thread to prepare it (%s)", exc)
            return
        _PREPARING[key] = thread


def _prepare(project_dir: Path) -> None:
    try:
        _open(project_dir)
    except Exception as exc:  # noqa: BLE001 - the validation that needs the context opens it again and raises
        log.debug("preparing the GX context of %s failed: %s", project_dir, exc)


def prepared() -> None:
    """Wait for every `prepare` thread to finish."""
    for key, thread in list(_PREPARING.items()):
        if thread is not threading.current_thread():
            thread.join()
            _PREPARING.pop(key, None)


@contextmanager
def preparing(project_dir: Path) -> Iterator[None]:
    """`prepare` the context for the block, and wait for it at the block's end, however the block ends."""
    prepare(project_dir)
    try:
        yield
    finally:
        prepared()


def _context(project_dir: Path) -> Any:
    """The file context of `project_dir`, opened once per process (opening one reads and checks every store)."""
    prepared()  # `prepare` may be opening it: the same context, never two
    return _open(project_dir)


def _open(project_dir: Path) -> Any:
    with _OPENING:  # one thread at a time imports GX and opens a context
        key = str(project_dir.resolve())
        if key in _CONTEXTS:
            return _CONTEXTS[key]
        gx = import_gx()
        _no_fingerprints()
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        project_dir.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=str(project_dir))
        if context.variables.config_variables_file_path:
            # GX reads and parses `uncommitted/config_variables.yml` again at every store lookup: dozens of times per
            # checkpoint run, most of a warm run's fixed cost. The project substitutes no config variables (environment
            # variables still work), so the project config stops naming the file; once per data folder.
            context.variables.config_variables_file_path = None  # type: ignore[assignment]  # GX accepts None
            context.variables.save()
            context = gx.get_context(mode="file", project_root_dir=str(project_dir))
        context.variables.progress_bars = {"globally": False, "metric_calculations": False}
        _CONTEXTS[key] = context
        _freeze_what_lives()
        return context


def _no_fingerprints() -> None:
    """Stop GX fingerprinting every frame it is given: nothing reads the fingerprint, and it was the suites' largest cost.

    GX's pandas engine hashes each batch below `HASH_THRESHOLD` bytes (1 GB) with pandas' `hash_pandas_object`, every
    value of every column, and keeps the md5 as the `pandas_data_fingerprint` batch marker of the result. GX reads it
    nowhere, nor does this project. On 10,000 entries in one batch it was 1.1 s of the writer's 9.6 s, 45% of the
    validate stage. The threshold is a module constant of `great_expectations.execution_engine.pandas_execution_engine`:
    at 0 no frame is hashed. tests/integration/test_quality_gate.py checks that results carry no fingerprint, so a GX that
    renames the constant fails there rather than getting slower unseen.
    """
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


@functools.cache
def _freeze_what_lives() -> None:
    """Move what the process holds now out of the cyclic collector's sight, once: GX's and pandas' hundreds of
    thousands of objects live as long as the process, and every full pass walked them again (between batches;
    `ingest.process.collector_paused` keeps the collector off inside one). 20,000 entries in ten batches: 1.31-1.41
    -> 0.96-1.05 s in the collector.

    Reference counting still frees what is frozen. What is never freed: objects in reference cycles among those
    frozen, the garbage of the moment and cycles that die later. The moment is usually inside the first batch, whose
    own cycles are then kept too: about 3,400-3,900 objects in a review's count (the 10 sample feeds; RSS unchanged),
    once per process. A `gc.collect()` first would cost 0.2 s, most of the gain."""
    gc.freeze()


def _batch_definition(context: Any, asset_name: str) -> Any:
    # get, or add: `add_or_update_pandas` would replace the datasource with an empty one, and so drop the
    # assets of the other suites, whose checkpoints this process keeps
    try:
        datasource = context.data_sources.get(DATASOURCE)
    except LookupError:
        datasource = context.data_sources.add_pandas(DATASOURCE)
    try:
        asset = datasource.get_asset(asset_name)
    except LookupError:
        asset = datasource.add_dataframe_asset(asset_name)
    try:
        return asset.get_batch_definition("whole_batch")
    except (KeyError, LookupError):
        return asset.add_batch_definition_whole_dataframe("whole_batch")


def _rule(config: Any) -> str:
    kwargs = config.kwargs
    return config.type + (f"({kwargs['column']})" if "column" in kwargs else "")


def _row_failures(result: Any) -> list[RowFailure]:
    column = result.expectation_config.kwargs.get("column")
    failures = []
    for item in result.result.get("unexpected_index_list") or ():
        value = item.get(column) if column else None
        failures.append(
            RowFailure(int(item[ROW_KEY]), _rule(result.expectation_config), column, None if value is None else str(value)[:500])
        )
    return failures


_CHECKPOINTS: dict[tuple[str, str], tuple[str, Any]] = {}  # (project, suite) -> (expectations, checkpoint)


def _checkpoint(project_dir: Path, suite_name: str, expectations: list[Any]) -> Any:
    """The stored suite, validation definition and checkpoint; written again only when the suite changed.

    Writing all three costs about as much as validating 10,000 rows, so a long-lived process (the
    watch loop, a benchmark) reuses them while the expectations stay the same.
    """
    gx = import_gx()
    key, config = (str(project_dir.resolve()), suite_name), repr([e.configuration.to_json_dict() for e in expectations])
    cached = _CHECKPOINTS.get(key)
    if cached and cached[0] == config:
        return cached[1]
    context = _context(project_dir)
    suite = context.suites.add_or_update(gx.ExpectationSuite(name=suite_name, expectations=expectations))
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=_batch_definition(context, suite_name), suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=f"{suite_name}_checkpoint",
            validation_definitions=[definition],
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_KEY]},
        )
    )
    _CHECKPOINTS[key] = (config, checkpoint)  # one per suite: the latest expectations (thresholds can change)
    return checkpoint


def run_suite(project_dir: Path, suite_name: str, frame: Any, row_level: list[Any], structural: list[Any],
              parameters: dict[str, Any] | None = None) -> SuiteOutcome:  # fmt: skip
    """Validate `frame` (which must carry a unique `row_key` column) against both severities.

    `parameters` are the values of the expectations' `{"$PARAMETER": name}` arguments for this run."""
    import_gx()  # before any module of GX is imported (`import_gx`)
    from great_expectations.exceptions.resource_freshness import ResourceFreshnessAggregateError, ResourceFreshnessError

    for expectation in structural:
        expectation.meta = {**(expectation.meta or {}), "severity": "structural"}
    expectations = [*structural, *row_level]
    checkpoint = _checkpoint(project_dir, suite_name, expectations)
    try:
        result = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters)
    except (ResourceFreshnessAggregateError, ResourceFreshnessError):
        # another process stored a different version of the suite since this one was cached: store ours again
        _CHECKPOINTS.pop((str(project_dir.resolve()), suite_name), None)
        checkpoint = _checkpoint(project_dir, suite_name, [copy.copy(e) for e in expectations])
        result = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters)
    outcome = SuiteOutcome(suite=suite_name, success=bool(result.success), evaluated=len(frame), run_id=str(result.run_id))
    for validation in result.run_results.values():
        for item in validation.results:
            if item.success:
                continue
            if item.exception_info and item.exception_info.get("raised_exception"):
                outcome.structural_failures.append(
                    f"{_rule(item.expectation_config)} raised: {item.exception_info.get('exception_message')}"
                )
            elif (item.expectation_config.meta or {}).get("severity") == "structural":
                outcome.structural_failures.append(f"{_rule(item.expectation_config)} failed: {_observed(item)}")
            else:
                outcome.row_failures.extend(_row_failures(item))
    return outcome


def _observed(item: Any) -> str:
    res = item.result or {}
    return str(res.get("details") or res.get("observed_value") or res.get("partial_unexpected_list") or "")[:300]


def build_data_docs(project_dir: Path) -> Path:
    """Render every stored validation result as GX Data Docs; returns the index page."""
    context = _context(project_dir)
    context.build_data_docs()
    return project_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
