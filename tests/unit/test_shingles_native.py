"""The story shingles' hashes in C (`_scan.shingle_hashes`, `_scan.band_keys`) against hashlib: the same values.

Stored signatures and band keys were made with `hashlib.blake2b(..., digest_size=8)`; the C path must give those
bytes exactly, or history would be clustered apart from new articles. `shingles._shingle_hashes` and `_bands` are
the references (and the fallback where the extension is not built).
"""

from __future__ import annotations

import hashlib
import os
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import shingles
from ingest.extract import native
from ingest.extract.build_native import cannot_build

WHY_NOT = "DEFNEWS_NATIVE=0" if os.environ.get("DEFNEWS_NATIVE") == "0" else cannot_build()
pytestmark = pytest.mark.skipif(bool(WHY_NOT), reason=f"the C extension cannot be built here: {WHY_NOT}")


def _values(hashes: bytes) -> list[int]:
    return sorted(int.from_bytes(hashes[i : i + 8], "little") for i in range(0, len(hashes), 8))


def _reference(words: list[str]) -> list[int]:
    """Each distinct shingle's blake2b-64, one hashlib call each: how every stored signature was made."""
    grams = {" ".join(words[i : i + shingles.SHINGLE]) for i in range(max(1, len(words) - shingles.SHINGLE + 1))}
    return sorted({int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams})


def test_the_built_extension_is_the_one_used() -> None:
    assert not native.WHY_PYTHON, native.WHY_PYTHON


@pytest.mark.parametrize("length", [0, 1, 2, 40, 63, 64, 65, 126, 127, 128, 129, 255, 256, 257, 1000])
def test_a_shingle_of_any_length_hashes_as_hashlib_does(length: int) -> None:
    """BLAKE2b pads the last 128-byte block and counts the bytes: the lengths around block edges."""
    word = "x" * length
    assert _values(native.shingle_hashes([word], 1)) == _reference_one(word)
    assert _values(native.shingle_hashes(["a", word, "b"], 3)) == _reference_one(f"a {word} b")


def _reference_one(text: str) -> list[int]:
    return [int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60), max_size=80))
def test_any_words_hash_as_hashlib_does(words: list[str]) -> None:
    """Non-ASCII, long words, repeated shingles, fewer words than a shingle."""
    found = native.shingle_hashes(words, shingles.SHINGLE)
    assert len(found) % 8 == 0
    assert _values(found) == (_reference(words) if words else [])
    assert _values(found) == sorted(set(_values(found)))  # each distinct value once, ascending


def test_the_articles_signatures_are_those_of_the_python_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    vocabulary = ["NATO", "Poland", "army", "1,230", "rial", "Kyiv", "said", "drone", "Tusków", "中国", "the", "—", "Ürümqi"]
    docs = [(" ".join(rng.choices(vocabulary, k=rng.randint(0, 12))), " ".join(rng.choices(vocabulary, k=rng.randint(0, 200))))
            for _ in range(200)]  # fmt: skip
    made_in_c = [shingles.story_signatures([shingles.shingle_hashes(t, x)]) for t, x in docs]
    monkeypatch.setattr(native, "WHY_PYTHON", "the Python reference, for this test")
    made_in_python = [shingles.story_signatures([shingles.shingle_hashes(t, x)]) for t, x in docs]
    for ((sig_c, keys_c),), ((sig_py, keys_py),) in zip(made_in_c, made_in_python, strict=True):
        assert np.array_equal(sig_c, sig_py) and keys_c == keys_py


def test_band_keys_are_hashlibs() -> None:
    rng = np.random.default_rng(11)
    for _ in range(200):
        sig = rng.integers(0, np.iinfo(np.uint64).max, shingles.HASHES, dtype=np.uint64, endpoint=True)
        raw = sig.tobytes()
        assert native.band_keys(raw, shingles.BANDS) == shingles._bands(raw)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        native.shingle_hashes(("a", "b"), 3)  # a list, not any sequence
    with pytest.raises(TypeError):
        native.shingle_hashes(["a", 3], 3)
    with pytest.raises(ValueError):
        native.shingle_hashes(["a"], 0)
    with pytest.raises(ValueError):
        native.band_keys(b"\0" * 12, shingles.BANDS)
