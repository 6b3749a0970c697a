"""An article's word 3-shingles, hashed: what story clustering (`ingest.stories`) compares.

Apart from `stories` (DuckDB, Arrow), so that the workers that parse and extract make them too,
beside the extraction, and the single writer does not: a blake2b call per shingle in Python was
an eighth of the writer's time.
"""

from __future__ import annotations

import hashlib
import re

SHINGLE = 3
LEAD_WORDS = 60
WORD = re.compile(r"\w+")


def shingle_hashes(title: str, text: str) -> bytes:
    """The blake2b-64 of every distinct word 3-shingle of the title and lead, as little-endian bytes."""
    words = WORD.findall(f"{title} {' '.join(text.split(None, LEAD_WORDS)[:LEAD_WORDS])}".casefold())
    if not words:
        return b""
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    return b"".join([hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles])
