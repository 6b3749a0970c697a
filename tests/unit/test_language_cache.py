"""The language model kept decompressed between processes (`language._model`, `ingest.cache`): read back as py3langid
reads the wheel's model, memory-mapped; decompressed again when the entry is missing, foreign or broken."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np
import pytest
from py3langid import modelio
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from ingest import cache, language

MODEL = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
TEXTS = [
    "NATO Secretary-General Mark Rutte warned that Xi Jinping could enlist Vladimir Putin in a Taiwan invasion.",
    "Le secrétaire général de l'OTAN a averti que la Chine pourrait envahir Taïwan avec l'aide de la Russie.",
    "北约秘书长吕特警告说，习近平可能会在入侵台湾时寻求普京的帮助。",
    "Генеральный секретарь НАТО предупредил о возможном вторжении на Тайвань.",
    "",
]


@pytest.fixture(scope="module")
def reference() -> tuple[object, ...]:
    """The model as py3langid itself reads it from the wheel."""
    return tuple(modelio.load_model(MODEL))


def _same(found: tuple[object, ...], reference: tuple[object, ...]) -> None:
    assert len(found) == len(reference) == 6
    for mine, theirs in zip(found, reference, strict=True):
        if isinstance(theirs, np.ndarray):
            assert isinstance(mine, np.ndarray) and mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
        else:  # the class list, the DFA's arrays and its output list, as py3langid keeps them
            assert type(mine) is type(theirs) and mine == theirs


def _entry(folder: Path) -> Path:
    (found,) = folder.glob("langid-*")
    return found


def test_the_model_is_kept_and_read_back_mapped_as_py3langid_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple[object, ...]
) -> None:
    monkeypatch.setenv("DEFNEWS_CACHE_DIR", str(tmp_path / "cache"))
    _same(language._model(), reference)  # decompressed, and kept
    entry = _entry(tmp_path / "cache")
    assert sorted(p.name for p in entry.iterdir()) == sorted(f"{name}.npy" for name in language.MODEL_ARRAYS)

    def not_again(path: Path) -> dict[str, object]:
        raise AssertionError("decompressed although kept")

    monkeypatch.setattr(language, "_decompressed", not_again)
    again = language._model()
    _same(again, reference)
    assert isinstance(again[0], np.memmap)  # the feature table is read in place, shared between processes
    # and the identifier made from it decides as py3langid's own, to the last bit of every probability
    pure = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    language._identifier.cache_clear()
    try:
        mapped = language._identifier()
        for text in TEXTS:
            assert mapped._decide(text).tobytes() == pure._decide(text).tobytes()
    finally:
        language._identifier.cache_clear()


def test_an_entry_others_could_write_or_a_broken_one_is_decompressed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, reference: tuple[object, ...]
) -> None:
    monkeypatch.setenv("DEFNEWS_CACHE_DIR", str(tmp_path / "cache"))
    language._model()
    entry = _entry(tmp_path / "cache")
    calls: list[Path] = []
    real = language._decompressed

    def counted(path: Path) -> dict[str, object]:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(language, "_decompressed", counted)
    os.chmod(entry / "ptc.npy", 0o664)  # group-writable: not read
    _same(language._model(), reference)
    assert len(calls) == 1
    os.chmod(entry / "ptc.npy", 0o600)
    with (entry / "pc.npy").open("r+b") as broken:
        broken.truncate(40)
    with caplog.at_level(logging.WARNING, logger="ingest.language"):
        _same(language._model(), reference)
    assert len(calls) == 2 and "unreadable" in caplog.text
    # the broken entry was replaced: the next process reads it, whole
    _same(language._model(), reference)
    assert len(calls) == 2 and [p.name for p in tmp_path.joinpath("cache").iterdir()] == [entry.name]


def test_no_cache_folder_means_the_model_decompressed_and_nothing_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple[object, ...]
) -> None:
    monkeypatch.setenv("DEFNEWS_CACHE_DIR", "")
    monkeypatch.setattr(language, "_keep_model", lambda *args: pytest.fail("kept without a cache folder"))
    _same(language._model(), reference)


def test_only_the_most_recently_used_models_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    for number in range(cache.KEEP + 1):
        old = folder / f"langid-old{number}"
        old.mkdir()
        (old / "ptc.npy").write_bytes(b"")
        os.utime(old, (time.time() - 1000 + number, time.time() - 1000 + number))
    left = folder / ".langid-killed.tmp"
    left.mkdir()
    os.utime(left, (time.time() - 2 * cache.STALE_S, time.time() - 2 * cache.STALE_S))
    monkeypatch.setenv("DEFNEWS_CACHE_DIR", str(folder))
    language._model()
    kept = {p.name for p in folder.iterdir()}
    assert len(kept) == cache.KEEP and f"langid-{language._model_key(MODEL)}" in kept
    assert "langid-old0" not in kept and "langid-old1" not in kept and ".langid-killed.tmp" not in kept


def test_a_folder_made_inside_a_shared_group_writable_one_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple[object, ...]
) -> None:
    """The container image's layout (Dockerfile): DEFNEWS_CACHE_DIR names a folder per uid, not made yet, inside one
    its group may write; the first process makes it, private, and the next reads the model back."""
    shared = tmp_path / "cache"
    shared.mkdir()
    shared.chmod(0o1775)
    monkeypatch.setenv("DEFNEWS_CACHE_DIR", str(shared / "{uid}"))
    assert cache.cache_dir() == shared / str(os.getuid())
    _same(language._model(), reference)
    mine = shared / str(os.getuid())
    assert mine.stat().st_mode & 0o777 == 0o700
    monkeypatch.setattr(language, "_decompressed", lambda path: pytest.fail("decompressed although kept"))
    _same(language._model(), reference)
    assert _entry(mine).is_dir()
