"""The writer's batch runs with the cyclic garbage collector paused, and leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

from ingest import pipeline
from ingest.process import collector_paused


def test_the_collector_is_off_inside_and_back_on_after_even_on_error() -> None:
    seen: list[bool] = []

    @collector_paused
    def work(fail: bool) -> int:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("bad batch")
        return 7

    assert gc.isenabled()
    assert work(False) == 7
    with pytest.raises(ValueError, match="bad batch"):
        work(True)
    assert seen == [False, False] and gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        assert collector_paused(gc.isenabled)() is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_process_and_load_runs_paused() -> None:
    assert pipeline.process_and_load.__wrapped__.__name__ == "process_and_load"  # type: ignore[attr-defined]
