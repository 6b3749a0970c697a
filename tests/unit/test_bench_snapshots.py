"""The benchmark's polled snapshots (`bench.bench.write_snapshots`): each feed's newest entries, a few new a poll, in
all three formats, read by the project's parser as the generator's own files are."""

from __future__ import annotations

from pathlib import Path

from bench.bench import write_snapshots
from ingest.generate import generate
from ingest.parse import parse_feed


def test_each_snapshot_holds_the_window_and_the_next_one_moves_by_the_step(tmp_path: Path) -> None:
    truth = generate(tmp_path / "corpus", 3, 90, 10, 5)  # RSS 2.0, Atom and RDF: 30 entries each, newest first
    pages = sorted(tmp_path / "corpus" / f["path"] for f in truth.files)
    polled = write_snapshots(pages, tmp_path / "snapshots", window=20, step=4)
    feeds = [page.stem for page in pages]
    assert [name for name, _ in polled] == feeds * 3  # round by round (windows ending at 30, 26 and 22), each feed once
    for page in pages:
        whole = [e.link for e in parse_feed(page.read_bytes()).entries]  # newest first
        snapshots = [parse_feed(path.read_bytes()) for name, path in polled if name == page.stem]
        assert all(not s.bozo and len(s.entries) == 20 for s in snapshots)
        links = [[e.link for e in s.entries] for s in snapshots]
        assert links == [whole[10:30], whole[6:26], whole[2:22]]  # the oldest first, 4 new entries a poll
