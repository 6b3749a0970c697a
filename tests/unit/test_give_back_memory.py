"""Giving a batch's memory back starts no process: a child forked from the writer counts the writer's pages again."""

from __future__ import annotations

import subprocess

import pytest

from ingest.pipeline import _give_back_memory


def test_giving_memory_back_starts_no_child_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a child process was started")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)  # ctypes.util.find_library runs ldconfig this way
    _give_back_memory()
    _give_back_memory()
