"""An article's story signature: its word 3-shingles hashed, their MinHash and its LSH band keys.

What story clustering (`ingest.stories`) compares. Apart from `stories` (DuckDB, Arrow), so that
the workers that parse and extract make them too, beside the extraction, and the single writer
does not: a blake2b call per shingle in Python was an eighth of the writer's time, and the
MinHash and the band keys of 10,000 articles another 0.25 s of it. The hashing itself runs in C
where the extension is built (`_scan.c`, the same blake2b values as hashlib's).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from ingest.extract import native

SHINGLE = 3
LEAD_WORDS = 60
WORD = re.compile(r"\w+")
HASHES = 64
BANDS = 16
ROWS = HASHES // BANDS
_RNG = np.random.default_rng(20261126)
_A = _RNG.integers(1, 2**63 - 1, HASHES, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63 - 1, HASHES, dtype=np.uint64)
_EMPTY = np.full(HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
_BAND_PREFIX = [bytes([band]) for band in range(BANDS)]
_CHUNK = 1024  # shingles per step of the vectorised product (1024 x 64 x 8 bytes: fits a CPU cache)

Signature = tuple[np.ndarray, list[int]]  # the MinHash (HASHES uint64) and its BANDS band keys


def shingle_hashes(title: str, text: str) -> bytes:
    """The blake2b-64 of every distinct word 3-shingle of the title and lead, as little-endian bytes.

    In C where the extension is built (`_scan.shingle_hashes`: the same values, in ascending order), else
    `_shingle_hashes`. Only the set of values counts: a MinHash is a minimum over them.
    """
    words = WORD.findall(f"{title} {' '.join(text.split(None, LEAD_WORDS)[:LEAD_WORDS])}".casefold())
    if not words:
        return b""
    return _shingle_hashes(words) if native.WHY_PYTHON else native.shingle_hashes(words, SHINGLE)


def _shingle_hashes(words: list[str]) -> bytes:
    """The reference (and the path without the C extension): a hashlib call per distinct shingle, in a set's order."""
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    return b"".join([hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles])


def signatures_of(hashes: Sequence[bytes]) -> list[np.ndarray]:
    """MinHash signatures of many documents' `shingle_hashes` at once: one vectorised pass over all their shingles.

    The same as each document's alone (`stories.signature`): min over its shingles of (a * h + b) modulo 2**64.
    """
    out = [_EMPTY.copy() for _ in hashes]
    filled = [i for i, h in enumerate(hashes) if h]
    if not filled:
        return out
    values = np.frombuffer(b"".join(hashes[i] for i in filled), dtype="<u8").astype(np.uint64)
    sizes = np.array([len(hashes[i]) // 8 for i in filled])
    ends = np.cumsum(sizes)
    starts = ends - sizes
    mins = np.empty((len(filled), HASHES), dtype=np.uint64)
    lo = 0
    while lo < len(filled):  # documents [lo, hi) at a time, so the (shingles x hashes) product stays in cache
        hi = max(lo + 1, int(np.searchsorted(ends, starts[lo] + _CHUNK, side="right")))
        chunk = values[starts[lo] : ends[hi - 1]]
        hashed = np.multiply(chunk[:, None], _A[None, :])  # arithmetic modulo 2**64
        hashed += _B[None, :]
        mins[lo:hi] = np.minimum.reduceat(hashed, starts[lo:hi] - starts[lo], axis=0)
        lo = hi
    for row, i in enumerate(filled):
        out[i] = mins[row]
    return out


def bands(sig: np.ndarray) -> list[int]:
    """The MinHash's LSH band keys: in C where the extension is built (`_scan.band_keys`), else `_bands`."""
    raw = np.ascontiguousarray(sig, dtype=np.uint64).tobytes()
    return _bands(raw) if native.WHY_PYTHON else native.band_keys(raw, BANDS)


def _bands(raw: bytes) -> list[int]:
    """The reference: per band, the blake2b-64 of its number and its ROWS values' bytes, shifted into a bigint."""
    step = ROWS * 8
    return [int.from_bytes(hashlib.blake2b(_BAND_PREFIX[band] + raw[band * step : (band + 1) * step], digest_size=8).digest(),
                           "little") >> 1 for band in range(BANDS)]  # fmt: skip


def story_signatures(hashes: Sequence[bytes]) -> list[Signature]:
    """(MinHash, band keys) of many documents' `shingle_hashes`, the MinHash in one vectorised pass."""
    return [(sig, bands(sig)) for sig in signatures_of(hashes)]
