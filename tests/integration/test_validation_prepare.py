"""GX's import and context are prepared on a thread while a run parses (`expectations.runner.prepare`): the
validation then uses that very context, and a context that cannot be opened fails the validation, not the thread."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from expectations import runner
from ingest.pipeline import files_as_fetches, process_and_load
from ingest.settings import Settings
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_the_validation_uses_the_context_prepared_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import great_expectations as gx

    opened: list[str] = []
    real = gx.get_context

    def counted(*args: object, **kwargs: object) -> object:
        opened.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(gx, "get_context", counted)
    runner.prepare(tmp_path / "gx")
    runner.prepare(tmp_path / "gx")  # a second call while the first runs starts nothing
    context = runner._context(tmp_path / "gx")  # waits for the thread
    assert context is runner._context(tmp_path / "gx")
    # what lives once GX is open is out of the cyclic collector's sight, frozen once per process
    assert runner._freeze_what_lives.cache_info().currsize == 1 and gc.get_freeze_count() > 0
    assert opened and set(opened) == {"gx-prepare"}  # opened there (twice on a new folder: see `_context`), not here
    assert not any(t.name == "gx-prepare" for t in threading.enumerate())
    before = len(opened)
    runner.prepare(tmp_path / "gx")  # open already: nothing to do
    assert len(opened) == before and not any(t.name == "gx-prepare" for t in threading.enumerate())


def test_a_context_that_cannot_be_opened_fails_the_validation_in_the_callers_thread(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the GX folder should be")
    runner.prepare(blocked)  # fails on its thread, quietly
    with pytest.raises(FileExistsError):
        runner._context(blocked)  # what a validation opens first: the error, here
    assert str(blocked.resolve()) not in runner._PREPARING and str(blocked.resolve()) not in runner._CONTEXTS


def test_a_run_prepares_the_context_it_validates_with(settings: Settings) -> None:
    feeds, fetches = files_as_fetches(sorted(SAMPLES.glob("*.xml"))[:1], settings)
    stats = process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    assert stats.articles_new > 0
    assert str(settings.gx_dir.resolve()) in runner._CONTEXTS and not runner._PREPARING


def test_two_folders_prepared_at_once_both_open_and_nothing_is_left_pending(tmp_path: Path) -> None:
    """Two `prepare` threads (they open under one lock, so never import GX side by side) end with a context each.

    The import itself on a thread, in a process that has not imported GX, is what the CLI tests run
    (test_quality_gate runs `python -m ingest ingest-files` as a subprocess): they caught a half-imported module."""
    runner.prepare(tmp_path / "one")
    runner.prepare(tmp_path / "two")
    assert runner._context(tmp_path / "two") is not runner._context(tmp_path / "one")
    assert not runner._PREPARING


def test_a_thread_that_cannot_start_leaves_the_opening_to_the_validation(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    runner.prepare(tmp_path / "gx")
    assert not runner._PREPARING  # nothing registered that could never be joined
    monkeypatch.undo()
    assert runner._context(tmp_path / "gx") is runner._context(tmp_path / "gx")
