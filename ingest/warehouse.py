"""Opening the single-writer warehouse (`warehouse.duckdb`) and its raw schema."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

if TYPE_CHECKING:
    from ingest.settings import Settings

log = logging.getLogger(__name__)

# The long text columns, compressed with zstd (`using compression zstd` in schema.sql). DuckDB's default for strings
# (dictionary with FSST) kept about twice the bytes of article text and took about three times as long to write
# them at each batch's checkpoint: 10 batches of 2,000 rows of raw.article_texts 2.1 -> 0.7 s of checkpoints and
# 108 -> 24 MB; 100,000 entries from files 88 -> 80 s and a warehouse of 947 -> 444 MB.
ZSTD_TEXT = {"article_texts": ("text", "html"), "article_revisions": ("text",)}
_ZSTD = " using compression zstd"

# DuckDB's memory for a checkpoint's own work, above what it already holds (see `checkpoint`). 100,000 entries from
# files: 128 MB peaked at 1,465-1,490 MB (writer and workers, three runs), 64 MB at 1,441-1,452 (two), as fast.
CHECKPOINT_HEADROOM_MB = 64
CHECKPOINT_THRESHOLD = "256MB"  # the WAL's size at which a commit checkpoints (other than the writer's own, `commit`)


def connect(path: Path, read_only: bool = False, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; the writer also makes sure the raw schema exists.

    `memory_limit` caps DuckDB's own memory (buffers, indexes; Settings.warehouse_memory_limit). Unset,
    DuckDB's default applies and each batch's checkpoint is capped on its own (`checkpoint`); history whose
    keys' indexes outgrow a configured cap fails with DuckDB's out-of-memory error, so there is no default cap.
    """
    if read_only:
        return open_duckdb(path, read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _limited(open_duckdb(path), memory_limit)
    # Batch loads commit more than the default 16 MB; checkpointing on every commit costs seconds.
    con.execute(f"set checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    schema = resources.files("ingest").joinpath("sql/schema.sql").read_text(encoding="utf-8")
    try:
        if not _zstd_available(con):  # a file in a storage format older than DuckDB 1.2's: DuckDB's default compression
            log.info("warehouse %s: its storage format has no zstd; text columns keep DuckDB's default compression", path)
            schema = schema.replace(_ZSTD, "")
        con.execute(schema)
        _drop_story_bands_key(con, schema)
        _compress_texts(con, schema)
    except BaseException:
        con.close()  # the file is not left held by a connection nobody has
        raise
    return con


def open_lookup(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The writer's own file, for a lookup between its loads: under its memory limit (a WAL left over is replayed on
    opening and checkpointed on closing), without `connect`'s check of the schema, which a load made. Read-write, as
    `open_writer`'s connections are: DuckDB refuses two connections to one file in one process with different modes."""
    return _limited(open_duckdb(settings.warehouse), settings.warehouse_memory_limit)


def _limited(con: duckdb.DuckDBPyConnection, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    if memory_limit:
        try:
            con.execute("set memory_limit = '{}'".format(memory_limit.replace("'", "''")))  # SET takes no parameters
        except duckdb.Error as exc:
            con.close()
            raise ValueError(f"warehouse memory limit {memory_limit!r} is not a size DuckDB accepts: {exc}") from exc
    return con


def open_duckdb(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file at `path` that draws no progress bar: DuckDB's Python client draws one on
    stdout for any statement over 2 s (a checkpoint, a rebuild, a large copy), into the CLI's JSON and task logs."""
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set enable_progress_bar = false")
    con.execute("set enable_progress_bar_print = false")
    return con


def open_writer(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The writer's connection to the settings' warehouse, under their memory limit."""
    return connect(settings.warehouse, memory_limit=settings.warehouse_memory_limit)


def checkpoint(con: duckdb.DuckDBPyConnection, memory_limit: str | None = None,
               headroom_mb: int = CHECKPOINT_HEADROOM_MB, *, vacuum: bool = True) -> None:  # fmt: skip
    """CHECKPOINT under the writer's `memory_limit` when the settings give one; else with DuckDB allowed `headroom_mb`
    more memory than it holds now, and its default limit again after.

    Every commit appends a row group per table, and a checkpoint merges the small trailing ones (DuckDB's vacuum)
    in doubling steps up to 122,880 rows, building each merged row group in memory before it is written. For the
    text tables (raw.article_texts about 7 KB a row, raw.article_revisions 3.5 KB) that took 0.6 GB more at the
    16th batch of 2,000 articles and 1 GB at the 32nd, and would take 2 GB at full row groups. Under the cap DuckDB
    spills those row groups to its temporary folder (beside the warehouse): the same merges and the same file, a
    few seconds slower at the large merges. The cap starts from what DuckDB holds now (keys' indexes above all,
    which it cannot spill: running out of memory inside a checkpoint invalidates the database), so only the
    checkpoint's own work is bounded.

    `vacuum=False` leaves the merges to a later checkpoint (DuckDB's `max_vacuum_tasks = 0`): the batch's rows
    are written as row groups of their own. A run of many batches merges every few batches instead of at each
    one, and so rewrites each row once or twice instead of at every doubling (`pipeline.load_in_batches`).
    """
    with _checkpoint_bounds(con, memory_limit, headroom_mb, vacuum):
        con.execute("checkpoint")


def commit(con: duckdb.DuckDBPyConnection, memory_limit: str | None = None,
           headroom_mb: int = CHECKPOINT_HEADROOM_MB, *, vacuum: bool = True) -> None:  # fmt: skip
    """COMMIT the open transaction straight into the database file: the commit is a checkpoint, bounded as
    `checkpoint`'s, and its rows are not first written to the WAL.

    A commit writes the transaction's rows to the WAL, and the batch's checkpoint then writes them again into the
    file: about 100 MB of WAL for 10,000 articles (their text twice, 390,000 mentions). DuckDB skips the WAL when
    the commit itself is to checkpoint (its `checkpoint_threshold` reached), so the threshold is 0 for this one
    commit. One batch of 10,000 entries end to end: 6.88 -> 6.35 s (four runs each, in turn).

    The cap leaves room for the keys' indexes to take in the transaction's own keys as it commits (DuckDB cannot
    spill an index): as much again as the indexes hold now. Without it a transaction of 500,000 new keys, with 8 MB
    of headroom, failed at the commit where a commit through the WAL and a capped checkpoint did not (`replay`
    loads a whole history in one transaction).

    It is as atomic as a commit through the WAL. A checkpoint that fails (out of memory under the cap with nowhere
    to spill) fails the commit, with DuckDB's error: nothing of the transaction is in the file, and the batch is
    loaded again from the landing zone's journal. DuckDB may then hold the database invalid until its connections
    are closed (the writer opens one per batch). When another connection has a write transaction open, DuckDB
    commits through the WAL instead; the CHECKPOINT after the commit writes it, or, refused too, leaves it to a
    later checkpoint (the next batch's, or the close's), with a warning: the batch is committed either way.
    """
    with _checkpoint_bounds(con, memory_limit, headroom_mb, vacuum, index_room=True):
        con.execute("set checkpoint_threshold = '0B'")
        try:
            con.execute("commit")
        finally:
            with _unless_invalidated():
                con.execute(f"set checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")  # what `connect` sets
        try:
            con.execute("checkpoint")  # nothing left to write after a commit that checkpointed
        except duckdb.TransactionException as exc:
            log.warning("batch committed through the WAL; its checkpoint is left to a later one: %s", exc)


@contextlib.contextmanager
def _unless_invalidated() -> Iterator[None]:
    """Restore a setting, unless DuckDB has invalidated the database: its error would hide the one that did it."""
    with contextlib.suppress(duckdb.FatalException):
        yield


@contextlib.contextmanager
def _checkpoint_bounds(con: duckdb.DuckDBPyConnection, memory_limit: str | None, headroom_mb: int,
                       vacuum: bool, *, index_room: bool = False) -> Iterator[None]:  # fmt: skip
    """The memory cap and vacuum setting of `checkpoint` for the block, DuckDB's own settings again after it.

    `index_room` counts the keys' indexes twice in the cap, for a commit that adds its own keys to them."""
    tasks = con.execute("select current_setting('max_vacuum_tasks')").fetchone() if not vacuum else None
    if tasks is not None:
        con.execute("set max_vacuum_tasks = 0")
    try:
        if memory_limit:
            yield
            return
        # blocks of stored tables read during the batch (BASE_TABLE) are a cache DuckDB drops for free: not part of the base
        used = con.execute(
            "select coalesce(sum(memory_usage_bytes), 0), coalesce(sum(memory_usage_bytes) filter (tag = 'ART_INDEX'), 0) "
            "from duckdb_memory() where tag <> 'BASE_TABLE'"
        ).fetchone()
        assert used is not None
        base = int(used[0]) + (int(used[1]) if index_room else 0)
        con.execute(f"set memory_limit = '{(base >> 20) + headroom_mb}MB'")
        try:
            yield
        finally:
            with _unless_invalidated():
                con.execute("reset memory_limit")
    finally:
        if tasks is not None:  # the setting as it was (a global one: every connection to the database sees it)
            with _unless_invalidated():
                con.execute(f"set max_vacuum_tasks = {int(tasks[0])}")


def _drop_story_bands_key(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """A warehouse made before raw.story_bands lost its primary key gets the table rebuilt without it, once.

    DuckDB cannot drop a constraint in place; the rows are kept as they are (they are unique already).
    """
    keyed = con.execute(
        "select 1 from duckdb_constraints() where schema_name = 'raw' and table_name = 'story_bands' "
        "and constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    if keyed:
        _rebuild(con, schema, ["story_bands"])


def _rebuild(con: duckdb.DuckDBPyConnection, schema: str, tables: Sequence[str]) -> None:
    """Make `raw.<table>` again as `schema` declares it now, its rows copied over by column name: the one way to
    change what DuckDB cannot change in place (a constraint, a column's compression). In one transaction: a failure
    leaves every table as it was, under its name, and is raised."""
    con.execute("begin transaction")
    try:
        for table in tables:
            con.execute(f"alter table raw.{table} rename to {table}_before_rebuild")
        con.execute(schema)  # creates the tables as they are now
        for table in tables:
            con.execute(f"insert into raw.{table} by name select * from raw.{table}_before_rebuild")
            con.execute(f"drop table raw.{table}_before_rebuild")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _zstd_available(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the open database's storage format has zstd for strings (DuckDB 1.2's and later; a file keeps the
    format it was made in). Asked of the database itself, in a transaction rolled back."""
    con.execute("begin transaction")
    try:
        con.execute(f"create table _zstd_probe (text varchar{_ZSTD})")
    except duckdb.BinderException:
        return False
    finally:
        con.execute("rollback")
    return True


def _compress_texts(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Text tables made before their columns were compressed with zstd (`ZSTD_TEXT`) are rebuilt with it, once.

    DuckDB cannot change a column's compression in place (`_rebuild`); the old blocks are reused by later writes.
    """
    if _ZSTD not in schema:
        return
    stale = _uncompressed_texts(con)
    if not stale:
        return
    log.info("warehouse: compressing the text of %s with zstd (once; the rows are copied)", ", ".join(stale))
    _rebuild(con, schema, stale)
    if _uncompressed_texts(con):  # DuckDB writing its DDL differently: said once per open, not copied in a loop
        log.warning("warehouse: %s rebuilt but not seen as zstd-compressed; check `duckdb_tables().sql`", stale)


_COMPRESSED_COLUMN = re.compile(r'"?(\w+)"? VARCHAR[^,]*?USING COMPRESSION ZSTD', re.IGNORECASE)


def _uncompressed_texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of `ZSTD_TEXT` whose DDL, as DuckDB writes it, lacks the compression of one of their columns."""
    found = dict(
        con.execute(  # every row fetched: a result left unfinished blocks `register` on this connection
            "select table_name, sql from duckdb_tables() where database_name = current_database() and schema_name = 'raw'"
        ).fetchall()
    )
    return [table for table, columns in ZSTD_TEXT.items()
            if not {m.group(1) for m in _COMPRESSED_COLUMN.finditer(found.get(table, ""))}.issuperset(columns)]  # fmt: skip


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]], columns: Sequence[str],
                tail: str = "") -> int:  # fmt: skip
    """Bulk insert of row dicts through Arrow (never row by row); `tail` is an `on conflict ...` clause.

    Returns the rows DuckDB reports written (inserted or updated). For many rows, prefer `insert_columns`.
    """
    if not rows:
        return 0
    return insert_columns(con, table, {c: [r.get(c) for r in rows] for c in columns}, tail)


def insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: Mapping[str, Sequence[Any] | pa.Array],
                   tail: str = "") -> int:  # fmt: skip
    """Bulk insert of equal-length columns (name -> values) through one Arrow table; no per-row dicts.

    Returns the rows DuckDB reports written (inserted or updated; a conflict that does nothing counts 0).
    """
    data = pa.table(dict(columns))
    if not data.num_rows:
        return 0
    con.register("_rows", data)
    try:
        cols = ", ".join(columns)
        written = con.execute(f"insert into {table} ({cols}) select {cols} from _rows {tail}").fetchone()
    finally:
        con.unregister("_rows")
    return int(written[0]) if written else 0
