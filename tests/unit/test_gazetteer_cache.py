"""The parsed gazetteer kept between processes (`ingest.cache.cache_dir`): read back as parsed, parsed again when a file or
the parsing code changes, never read where others could have written it, and never in the way when the cache is
missing, broken or cannot be written."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cache import KEEP as CACHE_KEEP
from ingest.cache import cache_dir
from ingest.extract import gazetteer
from ingest.extract.gazetteer import DATA_DIR, Gazetteer, load_gazetteer


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the gazetteer's files, and a cache folder of this test's own."""
    monkeypatch.setenv("DEFNEWS_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    load_gazetteer.cache_clear()
    yield folder
    load_gazetteer.cache_clear()


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the YAML parses from here on (PyYAML's own loader, called through)."""
    calls: list[int] = []
    real = gazetteer.yaml.load

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gazetteer.yaml, "load", counted)
    return calls


def _fresh(folder: Path) -> Gazetteer:
    load_gazetteer.cache_clear()  # as a new process would
    return load_gazetteer(folder)


def _same(a: Gazetteer, b: Gazetteer) -> bool:
    return (a.actors, a.topics, a.version, a.not_actors) == (b.actors, b.topics, b.version, b.not_actors)


def _pickles() -> list[Path]:
    folder = cache_dir()
    assert folder is not None
    return sorted(folder.glob("gazetteer-*.pickle"))


def test_a_second_process_reads_the_gazetteer_back_without_parsing(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = _parses(monkeypatch)
    parsed = _fresh(data)
    assert len(parses) == 2 and len(_pickles()) == 1  # both files parsed, one pickle kept
    assert _pickles()[0].stat().st_mode & 0o077 == 0  # the user's own
    again = _fresh(data)
    assert len(parses) == 2  # nothing parsed the second time
    assert again is not parsed and _same(again, parsed)
    assert again.actor("nato").aliases == parsed.actor("nato").aliases


def test_a_changed_file_is_parsed_again(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _fresh(data)
    parses = _parses(monkeypatch)
    with (data / "topics.yaml").open("a", encoding="utf-8") as out:
        out.write("\n# a curator's note\n")
    after = _fresh(data)
    assert len(parses) == 2 and after.version != before.version  # a new version, as the mentions' stamp says
    assert len(_pickles()) == 2


def test_a_broken_or_foreign_cache_file_is_parsed_over(data: Path, monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    parsed = _fresh(data)
    (path,) = _pickles()
    path.write_bytes(b"\x80\x05 not a pickle")
    assert _same(_fresh(data), parsed)
    assert "unreadable" in caplog.text
    assert _same(pickle.loads(path.read_bytes()), parsed)  # written over with the parse
    path.write_bytes(pickle.dumps(Gazetteer(actors=(), topics=(), version="gaz-other")))
    parses = _parses(monkeypatch)
    assert _same(_fresh(data), parsed) and len(parses) == 2


def test_no_cache_when_the_folder_is_set_empty_or_cannot_be_written(data: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("DEFNEWS_CACHE_DIR", "")
    assert cache_dir() is None
    parsed = _fresh(data)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("DEFNEWS_CACHE_DIR", str(blocked))
    assert _same(_fresh(data), parsed)
    assert not list(tmp_path.glob("**/gazetteer-*.pickle")) and blocked.read_text() == "not a folder"


def test_the_cache_folder_defaults_to_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DEFNEWS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "defnews"
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_dir() == Path.home() / ".cache" / "defnews"


def test_only_the_most_recently_used_parses_are_kept(data: Path) -> None:
    folder = cache_dir()
    assert folder is not None
    folder.mkdir(parents=True)
    for number in range(CACHE_KEEP + 2):
        old = folder / f"gazetteer-old{number}.pickle"
        old.write_bytes(b"")
        os.utime(old, (1_000_000 + number, 1_000_000 + number))
    _fresh(data)
    kept = {p.name for p in _pickles()}
    assert len(kept) == CACHE_KEEP
    assert {f"gazetteer-old{n}.pickle" for n in range(CACHE_KEEP + 2 - (CACHE_KEEP - 1), CACHE_KEEP + 2)} < kept
    assert not list(folder.glob(".gazetteer-*.tmp"))


def test_a_changed_parser_parses_again(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key holds the code as imported: a process whose checkout changed under it keeps its own key."""
    _fresh(data)
    parses = _parses(monkeypatch)
    monkeypatch.setattr(gazetteer, "_CODE", b"another parser")
    _fresh(data)
    assert len(parses) == 2 and len(_pickles()) == 2


def test_a_cache_others_can_write_is_neither_read_nor_written(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unpickling runs what the pickle says: a shared folder (or file) could hold anyone's."""
    _fresh(data)
    (path,) = _pickles()
    folder = path.parent
    folder.chmod(0o777)
    parses = _parses(monkeypatch)
    _fresh(data)
    assert len(parses) == 2
    folder.chmod(0o700)
    path.chmod(0o666)
    _fresh(data)
    assert len(parses) == 4
    path.unlink()
    folder.chmod(0o770)
    _fresh(data)
    assert not _pickles()  # nothing written where the group could replace it


def test_no_home_means_no_cache_and_no_failure(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("DEFNEWS_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(homeless))
    assert cache_dir() is None
    assert _fresh(data).actor("nato").name


def test_reading_a_parse_marks_it_used(data: Path) -> None:
    """The folder keeps the most recently used parses: a hit counts as a use."""
    _fresh(data)
    (path,) = _pickles()
    os.utime(path, (1_000_000, 1_000_000))
    _fresh(data)
    assert path.stat().st_mtime > 1_000_000
