"""The benchmark's CPU figures (`bench.bench.DescendantsCpu`, `cpu_figures`): whether a run is bound by CPU is read
from them, so they must count the workers, which no `RUSAGE_CHILDREN` sees, and nothing from before the run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from types import SimpleNamespace

import pytest

import bench.bench
from bench.bench import LISTED_FOR_S, DescendantsCpu, cpu_figures

BURN = textwrap.dedent(
    """
    import subprocess, sys, time
    def burn(seconds):
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass
    if sys.argv[1] == "parent":  # a grandchild of the test, as a worker is of the writer's caller
        subprocess.run([sys.executable, "-c", sys.argv[2], "child", sys.argv[2]], check=True)
    else:
        burn(0.6)
        time.sleep(1.3)  # listed (every LISTED_FOR_S) and read once more after the burn, before the process ends
    """
)


def test_a_grandchilds_cpu_is_counted_while_it_runs() -> None:
    with DescendantsCpu(os.getpid(), interval=0.02) as cpu:
        subprocess.run([sys.executable, "-c", BURN, "parent", BURN], check=True)
    # the grandchild's 0.6 s and the two interpreters' start-up; its parent's figure does not count it again
    assert 0.5 <= cpu.total <= 1.15  # it outlived a listing (LISTED_FOR_S): the bench's workers outlive many


def test_the_descendants_are_listed_again_but_not_at_every_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing the descendants walks every process of the machine; a read between listings reads the known ones."""
    now = [1000.0]  # the bench's monotonic clock, moved by hand
    clock = SimpleNamespace(monotonic=lambda: now[0], thread_time=time.thread_time)
    monkeypatch.setattr(bench.bench, "time", clock)
    with DescendantsCpu(os.getpid(), interval=None) as cpu:  # read when told, not on a thread
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            now[0] += LISTED_FOR_S * 0.9
            cpu.read()
            assert child.pid not in {pid for pid, _ in cpu.seen}  # the listing is younger than LISTED_FOR_S
            now[0] += LISTED_FOR_S * 0.1
            cpu.read()
            assert child.pid in {pid for pid, _ in cpu.seen}  # listed again, and read
        finally:
            child.kill()
            child.wait()


def test_cpu_used_before_the_block_is_not_counted() -> None:
    code = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass\n"
    code += "print('burnt', flush=True)\ntime.sleep(30)"
    idle = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert idle.stdout is not None and idle.stdout.readline() == "burnt\n"  # what it used is from before the block
        with DescendantsCpu(os.getpid(), interval=0.02) as cpu:
            time.sleep(0.2)
        assert [seconds for (pid, _), seconds in cpu.seen.items() if pid == idle.pid][0] >= 0.4
        assert cpu.total < 0.1
    finally:
        idle.kill()
        idle.wait()


def test_the_machines_cores_are_read_over_the_block() -> None:
    with DescendantsCpu(os.getpid(), interval=None) as cpu:
        end = time.process_time() + 0.3
        while time.process_time() < end:
            pass
    assert cpu.machine_busy_s >= 0.25  # this process's own burn, at least
    assert cpu.cost >= 0.0 and cpu.total == 0.0


def test_the_figures_per_entry_and_as_cores_busy() -> None:
    workers = DescendantsCpu(os.getpid(), interval=None)
    workers.seen, workers.machine_busy_s, workers.steal_s = {(1, 0.0): 4.0}, 9.0, 0.5
    figures = cpu_figures("run", 10_000, 5.0, 6.0, workers)
    assert figures == {"run_writer_cpu_s": 6.0, "run_workers_cpu_s": 4.0, "run_cpu_ms_per_entry": 1.0, "run_cores_busy": 2.0,
                       "run_machine_cores_busy": 1.8, "run_machine_steal_cores": 0.1}  # fmt: skip
    assert cpu_figures("run", 0, 0.0, 1.0, workers)["run_cpu_ms_per_entry"] == 0.0
