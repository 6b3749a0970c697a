"""Syndication clusters: the same wire story in several outlets gets one `story_id`.

MinHash (64 hashes) over word 3-shingles of the title and the lead (first 60 words), with
LSH banding (16 bands of 4) to find candidates among articles published within 3 days; a
candidate whose estimated Jaccard similarity is at least `THRESHOLD`, and whose title carries
the same figures, passes its story on (template-alike reports such as "rial hits new low of
1,230,000" and "... of 1,300,000" are different stories).
An article that matches nothing starts its own story (its `story_id` is its `article_id`).
Signatures and bands live in the warehouse, so clustering a micro-batch costs the new rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pyarrow as pa

from ingest.models import Article
from ingest.shingles import HASHES, Signature, shingle_hashes, signatures_of, story_signatures

THRESHOLD = 0.6
WINDOW = timedelta(days=3)


def signatures(docs: Sequence[tuple[str, str]]) -> list[np.ndarray]:
    """MinHash signatures of many (title, text) at once (see `signatures_of`)."""
    return signatures_of([shingle_hashes(title, text) for title, text in docs])


def signature(title: str, text: str) -> np.ndarray:
    return signatures([(title, text)])[0]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


Candidate = tuple[str, np.ndarray, datetime, str]  # story_id, signature, published_at, title numbers
_NUMBER = re.compile(r"\d[\d,.]*")


def title_numbers(title: str) -> str:
    """The figures in a title: copies of one story keep them; template-alike stories differ in them."""
    return " ".join(sorted(n.rstrip(".,") for n in _NUMBER.findall(title)))


def _stored_candidates(con: duckdb.DuckDBPyConnection, keys: list[int], earliest: datetime,
                       latest: datetime) -> tuple[dict[int, set[str]], dict[str, Candidate]]:  # fmt: skip
    """Stored articles sharing a band with the batch and published within `WINDOW` of it: band -> ids, and
    id -> (story, signature, published, title figures).

    Each signature is read once and through Arrow: as a row per shared band and a Python int per hash, the
    candidates of one batch took 130 MB once the history held 30,000 templated articles.
    """
    if not keys:
        return {}, {}
    con.register("_bands", pa.table({"band_key": pa.array(sorted(set(keys)), pa.int64())}))
    try:
        pairs = con.execute(
            """select b.band_key, b.article_id from raw.story_bands b join _bands using (band_key)
               join raw.story_signatures s using (article_id) where s.published_at between $1 and $2""",
            [earliest - WINDOW, latest + WINDOW],
        ).fetchall()
    finally:
        con.unregister("_bands")
    con.register("_ids", pa.table({"article_id": pa.array(sorted({a for _, a in pairs}), pa.string())}))
    try:
        stored = con.sql(
            "select article_id, story_id, published_at, title_numbers, signature from raw.story_signatures join _ids "
            "using (article_id)"
        ).to_arrow_table()
    finally:
        con.unregister("_ids")
    by_band: dict[int, set[str]] = {}
    for band_key, article_id in pairs:
        by_band.setdefault(band_key, set()).add(article_id)
    hashes = stored["signature"].combine_chunks().flatten().to_numpy().reshape(-1, HASHES)
    pool: dict[str, Candidate] = {
        article_id: (story_id, sig, published, numbers or "")
        for article_id, story_id, published, numbers, sig in zip(
            stored["article_id"].to_pylist(), stored["story_id"].to_pylist(), stored["published_at"].to_pylist(),
            stored["title_numbers"].to_pylist(), hashes, strict=True,
        )
    }  # fmt: skip
    return by_band, pool


def assign_stories(con: duckdb.DuckDBPyConnection, articles: Sequence[Article], known: set[str],
                   written: Counter[str] | None = None,
                   signatures: Mapping[str, Signature] | None = None) -> dict[str, str]:  # fmt: skip
    """story_id for every new article in `articles` (in publication order); store their signatures.

    `written`, when given, counts the rows stored by table; `signatures` are articles' `story_signatures`
    made already (by the workers, for the text as it is), the others' are made here."""
    fresh = sorted((a for a in articles if a.article_id not in known), key=lambda a: (a.published_at, a.article_id))
    if not fresh:
        return {}
    made = dict(signatures or {})
    missing = [a for a in fresh if a.article_id not in made]
    made.update(zip([a.article_id for a in missing],
                    story_signatures([shingle_hashes(a.title, a.text) for a in missing]), strict=True))  # fmt: skip
    sigs = {a.article_id: made[a.article_id][0] for a in fresh}
    keys = {a.article_id: made[a.article_id][1] for a in fresh}
    by_band, pool = _stored_candidates(
        con, [k for ks in keys.values() for k in ks], fresh[0].published_at, fresh[-1].published_at
    )
    assigned: dict[str, str] = {}
    for article in fresh:
        numbers, earliest, latest = title_numbers(article.title), article.published_at - WINDOW, article.published_at + WINDOW
        others = {o for k in keys[article.article_id] for o in by_band.get(k, ())}
        near = [c for c in map(pool.__getitem__, others) if c[3] == numbers and earliest <= c[2] <= latest]
        best = assigned[article.article_id] = _best_story(article.article_id, sigs[article.article_id], near)
        pool[article.article_id] = (best, sigs[article.article_id], article.published_at, numbers)
        for k in keys[article.article_id]:
            by_band.setdefault(k, set()).add(article.article_id)
    stored = _store(con, fresh, sigs, keys, assigned)
    if written is not None:
        written.update(stored)
    return assigned


def _best_story(article_id: str, sig: np.ndarray, near: Sequence[Candidate]) -> str:
    """The story of the most similar candidate at `THRESHOLD` or above (of equals, the last), else the article's own.

    The similarities in one step (a candidates x hashes comparison), as a loop over `similarity` would give them:
    a whole count of equal hashes over 64, exact in a float.
    """
    if not near:
        return article_id
    scores = (np.stack([c[1] for c in near]) == sig).mean(axis=1)
    last = len(scores) - 1 - int(np.argmax(scores[::-1]))
    return near[last][0] if scores[last] >= THRESHOLD else article_id


def _store(con: duckdb.DuckDBPyConnection, fresh: Sequence[Article], sigs: dict[str, np.ndarray],
           keys: dict[str, list[int]], assigned: dict[str, str]) -> Counter[str]:  # fmt: skip
    stored: Counter[str] = Counter()
    if not fresh:
        return stored
    flat = np.concatenate([sigs[a.article_id] for a in fresh])
    offsets = pa.array(np.arange(0, len(flat) + 1, HASHES, dtype=np.int32))
    signatures = pa.table({
        "article_id": [a.article_id for a in fresh], "story_id": [assigned[a.article_id] for a in fresh],
        "published_at": [a.published_at for a in fresh], "title_numbers": [title_numbers(a.title) for a in fresh],
        "signature": pa.ListArray.from_arrays(offsets, pa.array(flat, pa.uint64())),
    })  # fmt: skip
    band_rows = pa.table({
        "band_key": pa.array([k for a in fresh for k in keys[a.article_id]], pa.int64()),
        "article_id": [a.article_id for a in fresh for _ in keys[a.article_id]],
    })  # fmt: skip
    con.register("_sigs", signatures)
    con.register("_band_rows", band_rows)
    try:
        # bands first, for the articles without a stored signature yet: raw.story_bands has no key to
        # deduplicate on (its index cost memory in proportion to the history; see schema.sql)
        for table, sql in (
            ("raw.story_bands", "insert into raw.story_bands select band_key, article_id from _band_rows "
                                "anti join raw.story_signatures using (article_id)"),
            ("raw.story_signatures", "insert into raw.story_signatures select article_id, story_id, published_at, signature, "
                                     "title_numbers from _sigs on conflict do nothing"),
        ):  # fmt: skip
            count = con.execute(sql).fetchone()
            stored[table] += int(count[0]) if count else 0
    finally:
        con.unregister("_sigs")
        con.unregister("_band_rows")
    return stored
