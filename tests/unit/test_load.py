"""The loader on a real DuckDB file: the rows it reports written are the rows in the tables, and a reload writes none."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from ingest.articles import stored_keys
from ingest.extract import extract, load_gazetteer
from ingest.load import Batch, load_batch
from ingest.models import Article, Feed, Rejection
from ingest.process import stored_key
from ingest.settings import load_settings
from ingest.warehouse import checkpoint, connect, insert_columns, open_writer

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
BODY = 'NATO defence ministers met in Brussels. "We will not wait," said Mark Rutte. Poland and Ukraine asked for air defence.'


def article(i: int, body: str = BODY) -> Article:
    return Article(article_id=f"a{i}", feed_id="f1", url=f"https://a.example/{i}", guid=None, title=f"NATO meets, part {i}",
                   text=body, published_at=NOW, date_flag=None, language="en", author=None, content_hash=f"c{i}-{len(body)}",
                   story_key=f"s{i}", payload_sha256="p1", position=i, fetched_at=NOW)  # fmt: skip


def batch(batch_id: str, articles: list[Article]) -> Batch:
    gaz = load_gazetteer()
    extracted = {a.article_id: extract(gaz, a.article_id, a.title, a.text) for a in articles}
    return Batch(batch_id=batch_id, source="files", started_at=NOW, gazetteer=gaz,
                 feeds=[Feed(id="f1", url="https://a.example/feed", publisher="A")], articles=articles,
                 mentions=[m for r in extracted.values() for m in r.mentions], extracted=extracted,
                 rejections=[Rejection("f1", "p1", 9, None, "normalise", "identity", None, "no link")])  # fmt: skip


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()]
    found = {f"raw.{t}": con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in tables}  # type: ignore[index]
    return {t: n for t, n in found.items() if n}


def test_rows_written_are_the_rows_stored_and_a_reload_writes_only_updates(tmp_path: Path) -> None:
    articles = [article(i) for i in range(3)]
    with connect(tmp_path / "w.duckdb") as con:
        first = batch("b1", articles)
        stats = load_batch(con, first)
        stored = counts(con)
        assert stats.articles_new == 3 and stats.mentions_loaded > 0
        # on a fresh warehouse every row there was written by this batch, and nothing else was
        assert +first.rows_written == stored  # (+ drops the tables it wrote nothing to)
        for table in ("raw.articles", "raw.article_texts", "raw.article_revisions", "raw.mentions", "raw.quotes",
                      "raw.sightings", "raw.story_signatures", "raw.story_bands", "raw.quarantine", "raw.batches"):  # fmt: skip
            assert stored[table] > 0, table
        assert stored["raw.mentions"] == stats.mentions_loaded

        again = batch("b2", articles)
        load_batch(con, again)
        assert counts(con) == {**stored, "raw.batches": 2}
        # the same articles: each one's last_seen_at and sighting are updated, nothing is inserted
        assert again.rows_written["raw.articles"] == 3 and again.rows_written["raw.sightings"] == 3
        assert again.rows_written["raw.mentions"] == 0 and again.rows_written["raw.quarantine"] == 0
        assert again.rows_written["raw.story_signatures"] == 0 and again.rows_written["raw.actors"] == 0

        changed = batch("b3", [article(0, BODY + " Germany sent more."), *articles[1:]])
        load_batch(con, changed)
        assert changed.rows_written["raw.article_revisions"] == 1 and changed.rows_written["raw.article_texts"] == 1
        revision = con.execute("select revision, title from raw.articles where article_id = 'a0'").fetchall()
        assert revision == [(2, "NATO meets, part 0")]


def test_the_workers_are_told_what_each_feed_held_in_its_last_week_as_stored(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """`stored_keys`: per feed, the articles last seen in it within `STORED_WINDOW` of its latest sighting, at most
    `STORED_PER_FEED`, each as its id and stored content (a revision's key replaces the first text's)."""
    old = [dataclasses.replace(article(i), fetched_at=NOW - timedelta(days=8)) for i in (1, 2)]
    recent = [dataclasses.replace(article(i), fetched_at=NOW - timedelta(days=d)) for i, d in ((3, 6), (4, 1), (5, 0))]
    with connect(tmp_path / "w.duckdb") as con:
        load_batch(con, batch("b1", old))
        load_batch(con, batch("b2", recent))
        revised = dataclasses.replace(recent[0], title="NATO meets again", content_hash="c3-revised", fetched_at=NOW)
        load_batch(con, batch("b3", [revised]))
        keys = stored_keys(con, ["f1", "a-feed-never-loaded"])
        assert keys.keys() == {"f1"} and keys["f1"].dtype == np.uint64 and np.all(np.diff(keys["f1"]) > 0)  # sorted
        assert set(keys["f1"].tolist()) == {stored_key(a.article_id, a.content_hash) for a in [revised, *recent[1:]]}
        monkeypatch.setattr("ingest.articles.STORED_PER_FEED", 2)
        latest = set(stored_keys(con, ["f1"])["f1"].tolist())
        assert len(latest) == 2 and latest < set(keys["f1"].tolist())
        assert stored_keys(con, []) == {}


def test_insert_columns_reports_what_duckdb_wrote(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "t.duckdb")) as con:
        con.execute("create table t (k integer primary key, v varchar, ts timestamptz, xs ubigint[])")
        assert (
            insert_columns(
                con,
                "t",
                {"k": [1, 2], "v": ["x", None], "ts": [NOW, NOW], "xs": pa.array([[1, 2**64 - 1], []], pa.list_(pa.uint64()))},
            )
            == 2
        )
        assert insert_columns(con, "t", {"k": [2, 3], "v": ["y", "z"]}, "on conflict do nothing") == 1
        assert insert_columns(con, "t", {"k": [3, 4], "v": ["q", "r"]}, "on conflict (k) do update set v = excluded.v") == 2
        assert insert_columns(con, "t", {"k": [], "v": []}) == 0
        rows = con.execute("select k, v, ts, xs from t order by k").fetchall()
        assert rows == [(1, "x", NOW, [1, 2**64 - 1]), (2, None, NOW, []), (3, "q", None, None), (4, "r", None, None)]


def test_the_writer_takes_its_memory_limit_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFNEWS_WAREHOUSE_MEMORY_LIMIT", "256MB")
    settings = load_settings(tmp_path)
    assert settings.warehouse_memory_limit == "256MB"
    with open_writer(settings) as con:
        assert con.execute("select current_setting('memory_limit')").fetchall() == [("244.1 MiB",)]  # 256 MB in MiB
    monkeypatch.setenv("DEFNEWS_WAREHOUSE_MEMORY_LIMIT", "a lot")
    with pytest.raises(ValueError, match="'a lot' is not a size DuckDB accepts"):
        open_writer(load_settings(tmp_path))
    monkeypatch.delenv("DEFNEWS_WAREHOUSE_MEMORY_LIMIT")
    assert load_settings(tmp_path).warehouse_memory_limit is None  # DuckDB's own default


def _text_table_with_a_merge_due(path: Path) -> duckdb.DuckDBPyConnection:
    """Seven commits of 2,048 rows of 3.2 KB text, each closed (checkpointed: row groups of 8,192, 4,096 and 2,048 rows
    by then), and an eighth committed: its checkpoint merges the four into one of 16,384 rows (52 MB of text), as
    the writer's did after its 16th batch."""
    with duckdb.connect(str(path)) as con:
        con.execute("create table texts (k integer primary key, body varchar)")
    for chunk in range(7):
        with duckdb.connect(str(path)) as con:
            rows = f"range({chunk * 2048}, {(chunk + 1) * 2048}) r(i)"
            con.execute(f"insert into texts select i, repeat(md5(i::varchar), 100) from {rows}")
    con = duckdb.connect(str(path))
    con.execute("insert into texts select i, repeat(md5(i::varchar), 100) from range(14336, 16384) r(i)")
    return con


def test_the_checkpoint_holds_duckdb_to_its_headroom_and_spills_past_it(tmp_path: Path) -> None:
    con = _text_table_with_a_merge_due(tmp_path / "w.duckdb")
    default = con.execute("select current_setting('memory_limit')").fetchall()
    checkpoint(con, headroom_mb=4)  # far less than the merged text: DuckDB writes it to its temporary folder
    assert con.execute("select current_setting('memory_limit')").fetchall() == default
    stored = con.execute("select count(*), count(distinct k), sum(length(body)) from texts").fetchall()
    assert stored == [(16384, 16384, 16384 * 3200)]
    groups = "select count(distinct row_group_id) from pragma_storage_info('texts')"
    assert con.execute(groups).fetchall() == [(1,)]  # the merge was done, not skipped
    con.close()
    assert not (tmp_path / "w.duckdb.wal").exists()  # everything was checkpointed: the close had nothing left to write


def test_the_checkpoint_is_capped_with_nowhere_to_spill_it_fails_instead_of_growing(tmp_path: Path) -> None:
    con = _text_table_with_a_merge_due(tmp_path / "w.duckdb")
    con.execute("set temp_directory = ''")
    with pytest.raises(duckdb.Error, match="memory|pin"):
        checkpoint(con, headroom_mb=4)  # uncapped, this checkpoint succeeds
    con.close()
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:  # the WAL still held the commit: nothing was lost
        assert con.execute("select count(*) from texts").fetchall() == [(16384,)]
