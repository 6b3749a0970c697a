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


def _stored_near(con: duckdb.DuckDBPyConnection, fresh: Sequence[Article], keys: Mapping[str, Sequence[int]],
                 sigs: Mapping[str, np.ndarray],
                 figures: Mapping[str, str]) -> dict[str, list[tuple[str, Candidate]]]:  # fmt: skip
    """For each fresh article, the stored ones (id, candidate) that could pass it their story: a band in common,
    published within `WINDOW` of it, the same title figures, and a similarity at `THRESHOLD` or above (no other
    can win in `_best_story`).

    The band, window and figures in one query and the similarities in one numpy comparison, so that only real
    candidates reach Python. Reading every stored article that shared a band with any of the batch, and filtering
    and scoring per article in Python, cost the writer 23 of its 94 s at 100,000 entries: a batch spans the
    corpus's days while an article's window is 3, and templated reports share bands (2,000 new articles against
    100,000 stored: 40,643 candidates in their windows, 40 stories joined).
    """
    bands = [np.unique(np.asarray(keys[a.article_id], dtype=np.int64)) for a in fresh]
    if not any(map(len, bands)):
        return {}
    con.register("_fresh", pa.table({
        "position": pa.array(range(len(fresh)), pa.int32()),
        "earliest": pa.array([a.published_at - WINDOW for a in fresh], pa.timestamp("us", tz="UTC")),
        "latest": pa.array([a.published_at + WINDOW for a in fresh], pa.timestamp("us", tz="UTC")),
        "figures": pa.array([figures[a.article_id] for a in fresh], pa.string()),
    }))  # fmt: skip
    con.register("_fresh_bands", pa.table({
        "position": np.repeat(np.arange(len(fresh), dtype=np.int32), [len(b) for b in bands]),
        "band_key": np.concatenate(bands),
    }))  # fmt: skip
    try:
        near = con.sql(
            """with pairs as (select distinct fb.position, b.article_id from _fresh_bands fb
                              join raw.story_bands b using (band_key))
               select p.position, s.article_id, s.story_id, s.published_at, s.signature
               from pairs p join _fresh f using (position) join raw.story_signatures s using (article_id)
               where s.published_at between f.earliest and f.latest and coalesce(s.title_numbers, '') = f.figures
               order by p.position, s.published_at, s.article_id"""
        ).to_arrow_table()
    finally:
        con.unregister("_fresh")
        con.unregister("_fresh_bands")
    if not near.num_rows:
        return {}
    positions = near["position"].to_numpy()
    hashes = near["signature"].combine_chunks().flatten().to_numpy().reshape(-1, HASHES)
    mine = np.stack([sigs[a.article_id] for a in fresh])[positions]
    (kept,) = np.nonzero((hashes == mine).mean(axis=1) >= THRESHOLD)  # as `_best_story` scores them
    found: dict[str, list[tuple[str, Candidate]]] = {}
    columns = (near[name].take(kept).to_pylist() for name in ("article_id", "story_id", "published_at"))
    for row, candidate, story_id, when in zip(kept.tolist(), *columns, strict=True):
        article_id = fresh[positions[row]].article_id
        found.setdefault(article_id, []).append((candidate, (story_id, hashes[row], when, figures[article_id])))
    return found


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
    figures = {a.article_id: title_numbers(a.title) for a in fresh}
    stored_near = _stored_near(con, fresh, keys, sigs, figures)
    position = {a.article_id: number for number, a in enumerate(fresh)}
    by_band: dict[int, list[str]] = {}  # the batch's articles assigned so far, by band
    pool: dict[str, Candidate] = {}
    assigned: dict[str, str] = {}
    for number, article in enumerate(fresh):
        article_id, numbers = article.article_id, figures[article.article_id]
        earliest, latest = article.published_at - WINDOW, article.published_at + WINDOW
        # a stored row of an article this batch has assigned already gives way to the batch's own
        near = [(c[2], o, c) for o, c in stored_near.get(article_id, ()) if position.get(o, number) >= number]
        near += [(c[2], o, c) for o in dict.fromkeys(o for k in keys[article_id] for o in by_band.get(k, ()))
                 if (c := pool[o])[3] == numbers and earliest <= c[2] <= latest]  # fmt: skip
        near.sort(key=lambda n: (n[0], n[1]))  # publication, then id: `_best_story` gives a tie to the last
        best = assigned[article_id] = _best_story(article_id, sigs[article_id], [c for _, _, c in near])
        pool[article_id] = (best, sigs[article_id], article.published_at, numbers)
        for k in keys[article_id]:
            by_band.setdefault(k, []).append(article_id)
    stored = _store(con, fresh, sigs, keys, figures, assigned)
    if written is not None:
        written.update(stored)
    return assigned


def _best_story(article_id: str, sig: np.ndarray, near: Sequence[Candidate]) -> str:
    """The story of the most similar candidate at `THRESHOLD` or above, else the article's own. Of equals, the last
    (`assign_stories` gives them in publication order: the one published last).

    The similarities in one step (a candidates x hashes comparison), as a loop over `similarity` would give them:
    a whole count of equal hashes over 64, exact in a float.
    """
    if not near:
        return article_id
    scores = (np.stack([c[1] for c in near]) == sig).mean(axis=1)
    last = len(scores) - 1 - int(np.argmax(scores[::-1]))
    return near[last][0] if scores[last] >= THRESHOLD else article_id


def _store(con: duckdb.DuckDBPyConnection, fresh: Sequence[Article], sigs: dict[str, np.ndarray],
           keys: dict[str, list[int]], figures: dict[str, str], assigned: dict[str, str]) -> Counter[str]:  # fmt: skip
    stored: Counter[str] = Counter()
    if not fresh:
        return stored
    flat = np.concatenate([sigs[a.article_id] for a in fresh])
    offsets = pa.array(np.arange(0, len(flat) + 1, HASHES, dtype=np.int32))
    signatures = pa.table({
        "article_id": [a.article_id for a in fresh], "story_id": [assigned[a.article_id] for a in fresh],
        "published_at": [a.published_at for a in fresh], "title_numbers": [figures[a.article_id] for a in fresh],
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
