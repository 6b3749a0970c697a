"""Opening the warehouse (`ingest.warehouse`): the long text columns compressed with zstd, in a new warehouse and,
once, in one made before; a file in an older storage format opened as it is; no progress bar on stdout."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest

from ingest.warehouse import _ZSTD, ZSTD_TEXT, connect, open_duckdb

SCHEMA = (Path(__file__).parents[2] / "ingest" / "sql" / "schema.sql").read_text(encoding="utf-8")
TEXT = "(select string_agg(md5(i::varchar || '-' || j::varchar), ' ') from range(40) r(j))"


def _fill(con: duckdb.DuckDBPyConnection, rows: int = 300) -> None:
    con.execute(f"insert into raw.article_texts (article_id, text, html, text_method) "
                f"select 'a' || i, {TEXT}, '<p>' || {TEXT} || '</p>', 'feed' from range({rows}) r(i)")  # fmt: skip
    con.execute(f"insert into raw.article_revisions (article_id, revision, content_hash, title, text, first_seen_at) "
                f"select 'a' || i, 1, md5(i::varchar), 'title ' || i, {TEXT}, now() from range({rows}) r(i)")  # fmt: skip


def _compression(con: duckdb.DuckDBPyConnection, table: str, column: str) -> set[str]:
    """The compression of the column's data segments, as stored after a checkpoint."""
    found = con.execute(
        f"select distinct compression from pragma_storage_info('raw.{table}') "
        "where column_name = $1 and segment_type = 'VARCHAR'",
        [column],
    ).fetchall()
    return {row[0] for row in found}


def _contents(con: duckdb.DuckDBPyConnection) -> list[object]:
    return [con.execute(f"select * from raw.{table} order by all").fetchall() for table in ("article_texts", "article_revisions")]


def test_a_new_warehouse_keeps_its_long_texts_with_zstd(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        _fill(con)
        con.execute("checkpoint")
        for table, columns in ZSTD_TEXT.items():
            for column in columns:
                assert _compression(con, table, column) == {"ZSTD"}, (table, column)
        assert _compression(con, "article_revisions", "title") != {"ZSTD"}  # short strings keep DuckDB's choice


def test_a_warehouse_made_before_is_rebuilt_once_with_its_rows(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as old:  # the schema as it was: the text columns with DuckDB's default
        old.execute(SCHEMA.replace(_ZSTD, ""))
        _fill(old)
        before = _contents(old)
    with caplog.at_level(logging.INFO, logger="ingest.warehouse"), connect(path) as con:
        assert "compressing the text of article_texts, article_revisions" in caplog.text
        assert _contents(con) == before
        con.execute("checkpoint")
        for table, columns in ZSTD_TEXT.items():
            for column in columns:
                assert _compression(con, table, column) == {"ZSTD"}, (table, column)
        with pytest.raises(duckdb.ConstraintException):  # the keys are enforced as before
            con.execute("insert into raw.article_texts (article_id, text) values ('a1', 'again')")
        assert not con.execute("select * from duckdb_tables() where table_name like '%before_rebuild'").fetchall()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ingest.warehouse"), connect(path) as con:
        assert "compressing" not in caplog.text  # once
        assert _contents(con) == before


def test_a_view_over_a_rebuilt_table_reads_it_after(tmp_path: Path) -> None:
    """dbt's staging views read the raw tables by name: the rebuild keeps the name, so they read the new table."""
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute(SCHEMA.replace(_ZSTD, ""))
        _fill(old, rows=20)
        old.execute("create view main.texts as select article_id, length(text) as n from raw.article_texts")
    with connect(path) as con:
        assert con.execute("select count(*), min(n) > 0 from main.texts").fetchone() == (20, True)


def test_a_rebuild_that_fails_leaves_the_tables_as_they_were(tmp_path: Path) -> None:
    """One transaction: rows the new table refuses (here, a revision twice, which an old table without its key let
    in) stop the rebuild, and both tables stay as they were, under their names, for the error to be dealt with."""
    path = tmp_path / "w.duckdb"
    keyless = SCHEMA.replace(_ZSTD, "").replace(",\n    primary key (article_id, revision)\n", "\n")
    assert keyless != SCHEMA.replace(_ZSTD, "")
    with duckdb.connect(str(path)) as old:
        old.execute(keyless)
        _fill(old, rows=20)
        old.execute("insert into raw.article_revisions select * from raw.article_revisions where article_id = 'a1'")
        before = _contents(old)
    with pytest.raises(duckdb.ConstraintException):
        connect(path)
    with duckdb.connect(str(path)) as con:
        assert _contents(con) == before
        tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert {"article_texts", "article_revisions"} <= tables and not [t for t in tables if "before_rebuild" in t]


def test_a_file_in_a_storage_format_without_zstd_is_opened_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect() as con:  # a file made as DuckDB 1.1 makes them: zstd for strings came with 1.2's format
        con.execute(f"attach '{path}' as old (storage_version 'v1.0.0')")
        con.execute("detach old")
    with connect(path) as con:
        _fill(con)
        con.execute("checkpoint")
        assert con.execute("select count(*) from raw.article_texts").fetchone() == (300,)
        assert _compression(con, "article_texts", "text") != {"ZSTD"}
    with connect(path) as con:  # and again, with the tables there
        assert con.execute("select count(*) from raw.article_revisions").fetchone() == (300,)


@pytest.mark.parametrize("read_only", [False, True])
def test_no_progress_bar_is_drawn_on_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str], read_only: bool) -> None:
    """DuckDB's Python client draws a bar on stdout for a statement over 2 s: in the CLI's JSON and the task logs."""
    path = tmp_path / "w.duckdb"
    connect(path).close()
    con = connect(path, read_only=read_only)
    try:
        con.execute("set progress_bar_time = 0")  # a bar for any statement, as for a long one (this turns it on)
        con.execute("select count(*) from range(100000000) r(i) where i % 7 = 3").fetchall()
    finally:
        con.close()
    assert capfd.readouterr().out == ""
    with open_duckdb(path, read_only=True) as bare:
        bare.execute("set progress_bar_time = 0")
        bare.execute("select count(*) from range(100000000) r(i) where i % 7 = 3").fetchall()
    assert capfd.readouterr().out == ""


def test_a_connection_is_handed_over_with_no_result_left_open(tmp_path: Path) -> None:
    """DuckDB refuses `register` on a connection with a result not fetched to its end: opening leaves none."""
    for _ in range(2):  # a new warehouse, then one with its tables
        with connect(tmp_path / "w.duckdb") as con:
            con.register("_rows", duckdb.sql("select 1 as x").to_arrow_table())
            assert con.execute("select x from _rows").fetchall() == [(1,)]
