"""`warehouse.checkpoint(vacuum=False)`: the batch's rows are written as row groups of their own, and a later
checkpoint with the vacuum merges them; the setting is DuckDB's again after either."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.warehouse import checkpoint, connect

TEXT = "(select string_agg(md5(i::varchar || '-' || j::varchar), ' ') from range(20) r(j))"


def _append(con: duckdb.DuckDBPyConnection, batch: int) -> None:
    con.execute(f"insert into raw.article_texts (article_id, text) select 'b{batch}-' || i, {TEXT} from range(500) r(i)")


def _row_groups(con: duckdb.DuckDBPyConnection) -> int:
    found = con.execute(
        "select count(distinct row_group_id) from pragma_storage_info('raw.article_texts') where column_name = 'text'"
    ).fetchone()
    return int(found[0]) if found else 0


def test_a_checkpoint_without_the_vacuum_leaves_the_merge_to_a_later_one(tmp_path: Path) -> None:
    default = duckdb.connect().execute("select current_setting('max_vacuum_tasks')").fetchone()
    with connect(tmp_path / "w.duckdb") as con:
        for batch in range(6):
            _append(con, batch)
            checkpoint(con, vacuum=False)
            assert con.execute("select current_setting('max_vacuum_tasks')").fetchone() == default
        assert _row_groups(con) == 6  # a row group per batch: nothing merged
        _append(con, 6)
        checkpoint(con, "1GB")  # the vacuum, under a configured cap too
        assert _row_groups(con) == 1
        assert con.execute("select count(*) from raw.article_texts").fetchone() == (3500,)
        _append(con, 7)
        checkpoint(con, "1GB", vacuum=False)
        assert _row_groups(con) == 2
        assert con.execute("select current_setting('max_vacuum_tasks')").fetchone() == default


def test_the_vacuum_setting_comes_back_as_it_was(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        con.execute("set max_vacuum_tasks = 7")
        _append(con, 0)
        checkpoint(con, vacuum=False)
        assert con.execute("select current_setting('max_vacuum_tasks')").fetchone() == (7,)
