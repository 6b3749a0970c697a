"""The GX gate on real batches: bad rows quarantined with their rule, good rows loaded, nothing lost."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.pipeline import files_as_fetches, process_and_load
from ingest.settings import Settings

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _rows(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_bad_rows_are_quarantined_with_reasons_and_good_rows_load(settings: Settings) -> None:
    feeds, fetches = files_as_fetches([FIXTURES / "corrupted.xml"], settings)
    stats = process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    rules = dict(_rows(settings, "select rule, count(*) from raw.quarantine group by rule"))
    assert rules == {
        "identity": 2,  # a javascript: link; no link at all
        "expect_column_value_lengths_to_be_between(title)": 1,  # empty title
        "expect_column_values_to_be_between(published_at)": 1,  # 1970 date
    }
    assert stats.rows_quarantined == 4
    assert stats.articles_new == 2
    titles = {r[0] for r in _rows(settings, "select title from raw.articles")}
    assert titles == {"A good entry", "A far-future entry"}
    flagged = _rows(settings, "select date_flag from raw.articles where title = 'A far-future entry'")
    assert flagged == [("future_clamped",)]
    # every quarantined row points back at the landed payload and the entry's position
    where = _rows(settings, "select count(*) from raw.quarantine where payload_sha256 is null or position is null")
    assert where == [(0,)]
    # GX kept its results in the file context under the data folder
    assert list((settings.gx_dir / "gx" / "uncommitted" / "validations").rglob("*.json"))


def test_reloading_the_same_file_is_idempotent(settings: Settings) -> None:
    feeds, fetches = files_as_fetches([FIXTURES / "corrupted.xml"], settings)
    process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    counts = _rows(
        settings,
        "select (select count(*) from raw.articles), (select count(*) from raw.mentions), (select count(*) from raw.quarantine)",
    )
    again = process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    assert again.articles_new == 0
    assert (
        _rows(
            settings,
            "select (select count(*) from raw.articles), (select count(*) from raw.mentions), "
            "(select count(*) from raw.quarantine)",
        )
        == counts
    )


def test_a_feed_that_is_not_a_feed_is_recorded_not_fatal(settings: Settings, tmp_path: Path) -> None:
    page = tmp_path / "error-page.xml"
    page.write_text("<html><body>502 Bad Gateway</body></html>")
    feeds, fetches = files_as_fetches([page, FIXTURES / "corrupted.xml"], settings)
    stats = process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    assert stats.articles_new == 2
    assert _rows(settings, "select parse_status from raw.payloads where feed_id = 'file-error-page'") == [("error",)]
    assert _rows(settings, "select stage from raw.quarantine where feed_id = 'file-error-page'") == [("parse",)]
