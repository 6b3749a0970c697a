"""`warehouse.checkpoint(vacuum=False)`: the batch's rows are written as row groups of their own, and a later
checkpoint with the vacuum merges them; the setting is DuckDB's again after either. `warehouse.commit`: the commit is
the checkpoint, under the same bounds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.warehouse import checkpoint, commit, connect

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


def _settings(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    names = "('checkpoint_threshold', 'memory_limit', 'max_vacuum_tasks')"
    return con.execute(f"select name, value from duckdb_settings() where name in {names} order by name").fetchall()


def test_a_commit_writes_the_batch_into_the_file_not_into_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        before = _settings(con)
        con.execute("begin")
        _append(con, 0)
        commit(con)
        wal = tmp_path / "w.duckdb.wal"
        assert not wal.exists() or wal.stat().st_size == 0  # checkpointed by the commit itself
        assert _settings(con) == before
        con.execute("begin")
        _append(con, 1)
        commit(con, "1GB", vacuum=False)  # a configured cap; the merge left to a later checkpoint
        assert _row_groups(con) == 2
        assert _settings(con) == before
        con.execute("begin")
        _append(con, 2)
        commit(con)  # this one merges
        assert _row_groups(con) == 1
        assert not wal.exists() or wal.stat().st_size == 0
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from raw.article_texts").fetchone() == (1500,)


def test_a_commit_that_cannot_checkpoint_under_the_cap_fails_and_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    for batch in range(4):
        _append(con, batch)
        checkpoint(con, vacuum=False)  # four row groups, merged by the next checkpoint with the vacuum
    con.execute("set temp_directory = ''")  # nowhere to spill the merge
    con.execute("begin")
    _append(con, 4)
    # DuckDB's own error, not the one of restoring a setting on the database it then holds invalid
    with pytest.raises(duckdb.Error, match="Failed to (commit|create checkpoint)"):
        commit(con, headroom_mb=1)
    con.close()
    with connect(path) as con:  # the same process opens the file again, as the writer does for its next batch
        assert con.execute("select count(*) from raw.article_texts").fetchone() == (2000,)
        con.execute("begin")
        _append(con, 4)
        commit(con)
        assert con.execute("select count(*) from raw.article_texts").fetchone() == (2500,)


def test_a_commit_leaves_its_keys_room_in_the_indexes_under_the_cap(tmp_path: Path) -> None:
    """An index cannot be spilled: a commit of many new keys needs room above the headroom (as `replay`'s does)."""
    with connect(tmp_path / "w.duckdb") as con:
        con.execute("create table keyed (k varchar primary key, v integer)")
        con.execute("begin")
        con.execute("insert into keyed select md5(i::varchar) || '-' || i, i from range(500000) r(i)")
        commit(con, headroom_mb=8)  # failed at the commit, with the indexes not counted in the cap
        assert con.execute("select count(*), count(distinct k) from keyed").fetchone() == (500000, 500000)


def test_a_commit_beside_another_write_transaction_goes_through_the_wal(tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    """DuckDB cannot checkpoint while another connection writes: the batch is committed all the same, and written
    into the file by a later checkpoint."""
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        other = con.cursor()
        other.execute("begin")
        other.execute("create table main.scratch (x integer)")  # a catalog change: DuckDB cannot checkpoint past it
        con.execute("begin")
        _append(con, 0)
        commit(con)
        assert "left to a later one" in caplog.text
        assert (tmp_path / "w.duckdb.wal").stat().st_size > 0
        other.execute("rollback")
        other.close()
        checkpoint(con)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from raw.article_texts").fetchone() == (500,)
