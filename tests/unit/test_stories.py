"""MinHash signatures: the vectorised batch form gives exactly the per-article signatures (story ids depend on them)."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ingest import shingles, stories
from ingest.models import Article, Feed
from ingest.warehouse import connect

LEAD = "Iran's currency fell again on Tuesday as traders in Tehran priced in new sanctions. " * 5


def reference(title: str, text: str) -> np.ndarray:
    """The signature as first written, one shingle at a time: what every stored signature was computed with."""
    words = shingles.WORD.findall(f"{title} {' '.join(text.split()[: shingles.LEAD_WORDS])}".casefold())
    k = shingles.SHINGLE
    grams = {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))} if words else set()
    if not grams:
        return np.full(shingles.HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
    values = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in grams]
    pairs = zip(shingles._A.tolist(), shingles._B.tolist(), strict=True)
    return np.array([min((a * v + b) % 2**64 for v in values) for a, b in pairs], dtype=np.uint64)


def test_a_signature_is_pinned() -> None:
    """Stored signatures and story ids were computed with these values: a change here re-clusters history."""
    sig = stories.signature("Rial hits new low of 1,230,000", LEAD)
    assert sig.dtype == np.uint64 and sig.shape == (shingles.HASHES,)
    assert sig[:4].tolist() == [336520939863967056, 381485027485553028, 212309719766597891, 1390936402327031208]
    assert shingles.bands(sig)[:2] == [3095874780665355496, 7575648825309584198]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1024, 1 << 20])
def test_batch_signatures_equal_one_by_one(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    rng = random.Random(chunk)
    words = ["NATO", "Poland", "army", "1,230", "rial", "Kyiv", "said", "drone", "Tusków", "中国", "the", "a", "—", "!!"]
    docs = [(" ".join(rng.choices(words, k=rng.randint(0, 12))), " ".join(rng.choices(words, k=rng.randint(0, 200))))
            for _ in range(60)]  # fmt: skip
    docs += [("", ""), ("!!", "??"), ("one", ""), ("", "two words"), ("Rial hits new low of 1,230,000", LEAD)]
    monkeypatch.setattr(shingles, "_CHUNK", chunk)  # how many shingles one vectorised step takes
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
        for band in range(shingles.BANDS):
            chunk = sig[band * shingles.ROWS : (band + 1) * shingles.ROWS].tobytes()
            keys.append(int.from_bytes(hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest(), "little") >> 1)
        return keys

    sigs = stories.signatures([(f"Title {i}", LEAD * (i % 3)) for i in range(20)])
    matrix = np.stack(sigs)
    for i, sig in enumerate(sigs):
        assert shingles.bands(sig) == reference(sig) == shingles.bands(matrix[i]) == shingles.bands(matrix.T.copy().T[i])


def _article(i: int, title: str, published: datetime, text: str = LEAD) -> Article:
    return Article(article_id=f"a{i}", feed_id="f1", url=f"https://a.example/{i}", guid=None, title=title, text=text,
                   published_at=published, date_flag=None, language="en", author=None, content_hash=f"c{i}",
                   story_key=f"s{i}", payload_sha256="p1", position=i, fetched_at=published)  # fmt: skip


def test_a_later_batch_joins_stored_stories_only_within_the_window_and_with_the_same_figures(tmp_path: Path) -> None:
    """The history path: candidates come from the warehouse (bands, signatures), not from the batch itself."""
    day = datetime(2026, 11, 20, 9, tzinfo=UTC)
    title = "Rial hits new low of 1,230,000"
    with connect(tmp_path / "w.duckdb") as con:
        first = stories.assign_stories(con, [_article(1, title, day), _article(2, "Unrelated", day, "Kyiv drone. " * 30)], set())
        assert first == {"a1": "a1", "a2": "a2"}
        later = [
            _article(3, title, day + timedelta(days=2)),  # a copy inside the window: the stored story
            _article(4, title, day + stories.WINDOW + timedelta(days=1)),  # too late for a1 (a3 is 2 days before it)
            _article(5, "Rial hits new low of 1,240,000", day + timedelta(hours=1)),  # another figure: another story
        ]
        second = stories.assign_stories(con, later, set())
        assert second == {"a3": "a1", "a4": "a1", "a5": "a5"}
        # a4 joined a1's story through a3, stored in this batch; with a3 gone from the batch it is a story of its own
        third = stories.assign_stories(con, [_article(6, title, day + stories.WINDOW + timedelta(days=6))], set())
        assert third == {"a6": "a6"}
        assert con.execute("select count(*) from raw.story_signatures").fetchone() == (6,)


def test_of_equally_similar_stored_stories_the_latest_published_passes_its_story_on(tmp_path: Path) -> None:
    """A tie goes to the candidate published last, stored or of the batch, not by a set's order (which varied by run)."""
    day = datetime(2026, 11, 20, 9, tzinfo=UTC)
    title = "Rial hits new low of 1,230,000"
    with connect(tmp_path / "w.duckdb") as con:
        later = day + stories.WINDOW + timedelta(hours=2)  # outside the first's window: a story of its own
        assert stories.assign_stories(con, [_article(1, title, day)], set()) == {"a1": "a1"}
        assert stories.assign_stories(con, [_article(2, title, later)], set()) == {"a2": "a2"}
        between = day + (later - day) / 2  # within both windows, as similar to both
        assert stories.assign_stories(con, [_article(3, title, between)], set()) == {"a3": "a2"}
        assert stories.assign_stories(con, [_article(4, title, between), _article(5, title, between + timedelta(hours=1))],
                                      set()) == {"a4": "a2", "a5": "a2"}  # fmt: skip
    with connect(tmp_path / "v.duckdb") as con:  # a stored candidate published after one of the batch's wins
        assert stories.assign_stories(con, [_article(2, title, later)], set()) == {"a2": "a2"}
        batch = [_article(1, title, day), _article(3, title, between)]  # a1 is outside a2's window; a3 sees both
        assert stories.assign_stories(con, batch, set()) == {"a1": "a1", "a3": "a2"}


def test_an_article_the_batch_assigned_again_is_a_candidate_as_the_batch_has_it(tmp_path: Path) -> None:
    """Its stored row (another text) no longer passes its story on to the batch's later articles."""
    day = datetime(2026, 11, 20, 9, tzinfo=UTC)
    title = "Rial hits new low of 1,230,000"
    with connect(tmp_path / "w.duckdb") as con:
        assert stories.assign_stories(con, [_article(1, title, day)], set()) == {"a1": "a1"}
        again = [_article(1, "Drone strike", day, "Kyiv drone. " * 30), _article(2, title, day + timedelta(hours=1))]
        assert stories.assign_stories(con, again, set()) == {"a1": "a1", "a2": "a2"}


def test_a_warehouse_with_the_old_keyed_bands_table_is_migrated_once_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("create schema raw")
        old.execute("create table raw.story_bands (band_key bigint not null, article_id varchar not null, "
                    "primary key (band_key, article_id))")  # fmt: skip
        old.execute("insert into raw.story_bands values (1, 'a1'), (2, 'a1')")
    for _ in range(2):  # the second connect finds nothing to migrate
        with connect(path) as con:
            kinds = con.execute("select constraint_type from duckdb_constraints() where table_name = 'story_bands'").fetchall()
            assert sorted(kinds) == [("NOT NULL",), ("NOT NULL",)]
            assert con.execute("select * from raw.story_bands order by 1").fetchall() == [(1, "a1"), (2, "a1")]
    with connect(path) as con:  # and a later batch finds the migrated rows as candidates
        day = datetime(2026, 11, 20, 9, tzinfo=UTC)
        stories.assign_stories(con, [_article(1, "Rial hits new low of 1,230,000", day)], set())
        assert stories.assign_stories(con, [_article(3, "Rial hits new low of 1,230,000", day)], set()) == {"a3": "a1"}
        assert con.execute("select count(*) from raw.story_bands where article_id = 'a1'").fetchone() == (2 + shingles.BANDS,)


def test_a_batch_joins_a_story_stored_after_it_in_time_and_stores_its_bands_once(tmp_path: Path) -> None:
    """Candidates reach `WINDOW` on both sides of the batch; bands are written once per article (no key guards them)."""
    day = datetime(2026, 11, 20, 9, tzinfo=UTC)
    title = "Rial hits new low of 1,230,000"
    with connect(tmp_path / "w.duckdb") as con:
        assert stories.assign_stories(con, [_article(1, title, day)], set()) == {"a1": "a1"}
        # published two days before the stored copy: still inside its window
        assert stories.assign_stories(con, [_article(2, title, day - timedelta(days=2))], set()) == {"a2": "a1"}
        assert stories.assign_stories(con, [_article(1, title, day)], set()) == {"a1": "a1"}  # stored again: no new rows
        bands = con.execute("select article_id, count(*) from raw.story_bands group by 1 order by 1").fetchall()
        assert bands == [("a1", shingles.BANDS), ("a2", shingles.BANDS)]


def test_signatures_made_by_the_workers_cluster_as_those_made_here(tmp_path: Path) -> None:
    """`assign_stories` takes the story signatures the workers made beside the extraction; the stories and stored
    signatures are those it would make itself, and an article without them gets its own made."""
    from ingest.extract import load_gazetteer
    from ingest.process import Processed, process_payload

    day = datetime(2026, 11, 20, 9, tzinfo=UTC)
    batch = [_article(i, "Rial hits new low of 1,230,000" if i % 2 else f"Story {i}", day + timedelta(hours=i),
                      LEAD if i % 3 else "Kyiv drone. " * (i + 5)) for i in range(12)]  # fmt: skip
    made = dict(
        zip(
            [a.article_id for a in batch[:8]],  # a8..a11 made in assign_stories
            shingles.story_signatures([shingles.shingle_hashes(a.title, a.text) for a in batch[:8]]),
            strict=True,
        )
    )
    stored = []
    for name, given in (("here", None), ("workers", made)):
        with connect(tmp_path / f"{name}.duckdb") as con:
            assigned = stories.assign_stories(con, batch, set(), signatures=given)
            rows = con.execute("select article_id, story_id, signature from raw.story_signatures order by 1").fetchall()
            band_rows = con.execute("select article_id, band_key from raw.story_bands order by all").fetchall()
            stored.append((assigned, rows, band_rows))
    assert stored[0] == stored[1] and len(set(stored[0][0].values())) < len(batch)
    with connect(tmp_path / "given.duckdb") as con:  # what is given is what is used: no shingles, the empty signature
        empty = shingles.story_signatures([b""])[0]
        stories.assign_stories(con, batch[:1], set(), signatures={batch[0].article_id: empty})
        (signature,) = con.execute("select signature from raw.story_signatures").fetchone() or ((),)
        assert signature == [np.iinfo(np.uint64).max] * shingles.HASHES
    # the workers' side: process_payload makes them for every article it extracts
    feed = (Path(__file__).resolve().parents[2] / "samples" / "feeds").glob("*.xml")
    body = next(iter(sorted(feed))).read_bytes()
    out = Processed()
    process_payload(body, "sha", Feed("f", "https://f.example/rss", "F"), day, None, None, out, load_gazetteer())
    assert out.articles and set(out.signatures) == set(out.extracted)
    for a in out.articles:
        minhash, keys = out.signatures[a.article_id]
        assert np.array_equal(minhash, stories.signature(a.title, a.text)) and keys == shingles.bands(minhash)


def test_the_best_story_is_the_one_a_loop_over_the_candidates_finds() -> None:
    """`_best_story` scores all candidates at once; the loop it replaced is the reference: the last candidate with
    the highest similarity at `THRESHOLD` or above, ties included, else the article's own story."""

    def loop(article_id: str, sig: np.ndarray, near: list[stories.Candidate]) -> str:
        best, best_score = article_id, stories.THRESHOLD
        for story, other, _, _ in near:
            score = stories.similarity(sig, other)
            if score >= best_score:
                best, best_score = story, score
        return best

    rng = np.random.default_rng(5)
    day = datetime(2026, 11, 20, tzinfo=UTC)
    for case in range(2000):
        sig = rng.integers(0, 4, shingles.HASHES, dtype=np.uint64)
        near = []
        for n in range(int(rng.integers(0, 7))):
            other = sig.copy()
            flips = rng.choice(shingles.HASHES, int(rng.choice([0, 8, 16, 25, 26, 30, 40])), replace=False)
            other[flips] += np.uint64(7)  # a whole number of hashes differ: equal scores and the threshold itself occur
            near.append((f"s{case}-{n}", other, day, ""))
        assert stories._best_story("own", sig, near) == loop("own", sig, near), case


def test_the_window_holds_its_edges_on_both_sides(tmp_path: Path) -> None:
    """A copy exactly `WINDOW` apart, before or after, joins the story; a microsecond further it does not."""
    day = datetime(2026, 11, 20, 9, tzinfo=UTC)
    title, edge, tick = "Rial hits new low of 1,230,000", stories.WINDOW, timedelta(microseconds=1)
    for n, (offset, joins) in enumerate(((edge, True), (-edge, True), (edge + tick, False), (-edge - tick, False))):
        with connect(tmp_path / f"w{n}.duckdb") as con:
            assigned = stories.assign_stories(con, [_article(1, title, day), _article(2, title, day + offset)], set())
        assert (assigned["a2"] == assigned["a1"]) is joins, offset
