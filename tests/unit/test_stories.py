"""MinHash signatures: the vectorised batch form gives exactly the per-article signatures (story ids depend on them)."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest

from ingest import stories

LEAD = "Iran's currency fell again on Tuesday as traders in Tehran priced in new sanctions. " * 5


def reference(title: str, text: str) -> np.ndarray:
    """The signature as first written, one shingle at a time: what every stored signature was computed with."""
    words = stories._WORD.findall(f"{title} {' '.join(text.split()[: stories.LEAD_WORDS])}".casefold())
    k = stories.SHINGLE
    shingles = {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))} if words else set()
    if not shingles:
        return np.full(stories.HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
    values = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in shingles]
    pairs = zip(stories._A.tolist(), stories._B.tolist(), strict=True)
    return np.array([min((a * v + b) % 2**64 for v in values) for a, b in pairs], dtype=np.uint64)


def test_a_signature_is_pinned() -> None:
    """Stored signatures and story ids were computed with these values: a change here re-clusters history."""
    sig = stories.signature("Rial hits new low of 1,230,000", LEAD)
    assert sig.dtype == np.uint64 and sig.shape == (stories.HASHES,)
    assert sig[:4].tolist() == [336520939863967056, 381485027485553028, 212309719766597891, 1390936402327031208]
    assert stories.bands(sig)[:2] == [3095874780665355496, 7575648825309584198]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1024, 1 << 20])
def test_batch_signatures_equal_one_by_one(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    rng = random.Random(chunk)
    words = ["NATO", "Poland", "army", "1,230", "rial", "Kyiv", "said", "drone", "Tusków", "中国", "the", "a", "—", "!!"]
    docs = [(" ".join(rng.choices(words, k=rng.randint(0, 12))), " ".join(rng.choices(words, k=rng.randint(0, 200))))
            for _ in range(60)]  # fmt: skip
    docs += [("", ""), ("!!", "??"), ("one", ""), ("", "two words"), ("Rial hits new low of 1,230,000", LEAD)]
    monkeypatch.setattr(stories, "_CHUNK", chunk)  # how many shingles one vectorised step takes
    batch = stories.signatures(docs)
    assert len(batch) == len(docs)
    for (title, text), sig in zip(docs, batch, strict=True):
        expected = reference(title, text)
        assert sig.dtype == np.uint64 and np.array_equal(sig, expected), (title, text)
        assert np.array_equal(stories.signature(title, text), expected)


def test_no_documents() -> None:
    assert stories.signatures([]) == []


def test_band_keys_are_the_ones_stored() -> None:
    """LSH band keys as first written (a hash of the band number and its 4 values); stored keys must keep matching."""

    def reference(sig: np.ndarray) -> list[int]:
        keys = []
        for band in range(stories.BANDS):
            chunk = sig[band * stories.ROWS : (band + 1) * stories.ROWS].tobytes()
            keys.append(int.from_bytes(hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest(), "little") >> 1)
        return keys

    sigs = stories.signatures([(f"Title {i}", LEAD * (i % 3)) for i in range(20)])
    matrix = np.stack(sigs)
    for i, sig in enumerate(sigs):
        assert stories.bands(sig) == reference(sig) == stories.bands(matrix[i]) == stories.bands(matrix.T.copy().T[i])
