"""Third-party corpora through the whole ingest path: rows or a recorded rejection, never a crash.

`../shared/corpora/` is other people's text: used from there, never copied into the project.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.parse_diff import compare, content_type_of
from ingest.pipeline import files_as_fetches, process_and_load
from ingest.settings import Settings
from tests.conftest import SHARED

pytestmark = pytest.mark.slow
CORPORA = SHARED / "corpora"


def test_every_corpus_file_becomes_rows_or_a_recorded_rejection(settings: Settings) -> None:
    if not CORPORA.is_dir():
        pytest.skip(f"no corpora at {CORPORA} (set DEFNEWS_SHARED_DIR)")
    paths = sorted(p for folder in ("feedparser-tests", "real-feeds") for p in (CORPORA / folder).rglob("*.xml"))
    assert len(paths) > 2000
    feeds, fetches = files_as_fetches(paths, settings)
    stats = process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        payload_rows, entries = con.execute("select count(*), sum(entries) from raw.payloads").fetchall()[0]
        unparsed = con.execute("select count(*) from raw.payloads where parse_status = 'error'").fetchall()[0][0]
        recorded = con.execute("select count(*) from raw.quarantine where stage = 'parse'").fetchall()[0][0]
        rejected_entries = con.execute(
            "select count(distinct (payload_sha256, position)) from raw.quarantine where position is not null"
        ).fetchall()[0][0]
    finally:
        con.close()
    # every distinct body has its payload row; every unparseable one its rejection with a reason
    assert payload_rows == len({(f.sha256, f.feed_id) for f in fetches})
    assert unparsed == recorded
    # every entry is accounted for: a new article, a duplicate of one, or a quarantined row
    assert entries == stats.entries_seen == stats.articles_new + stats.articles_duplicate + rejected_entries
    assert stats.articles_new > 400


def test_real_feed_oddities(settings: Settings) -> None:
    real = CORPORA / "real-feeds"
    if not real.is_dir():
        pytest.skip(f"no corpora at {CORPORA}")
    feeds, fetches = files_as_fetches(sorted(real.glob("*.xml")), settings)
    process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        statuses = dict(con.execute("select feed_id, parse_status from raw.payloads").fetchall())
        gz = con.execute("select count(*) from raw.articles where feed_id like 'file-nshipster%'").fetchall()[0][0]
    finally:
        con.close()
    assert statuses["file-reuters--mostread-truncated-2020-03"] == "error"  # truncated, 0 items: an error
    assert statuses["file-theguardian--world-2022-09"] == "bozo"  # not well-formed, still used
    assert gz > 0  # gzip bytes without Content-Encoding
    assert Path(settings.landing_dir).is_dir()


def test_fast_path_agrees_with_feedparser_on_the_corpora() -> None:
    """Where the fast parse path accepts a body, its normalised entries are feedparser's (issue 9).

    The one explained difference (`bench.parse_diff.EXPLAINED`: HTML attribute order) is allowed;
    `make parse-diff` prints the same comparison with every fallback reason.
    """
    if not CORPORA.is_dir():
        pytest.skip(f"no corpora at {CORPORA} (set DEFNEWS_SHARED_DIR)")
    paths = sorted(p for folder in ("feedparser-tests", "real-feeds") for p in (CORPORA / folder).rglob("*.xml"))
    fast_real, unexplained = 0, []
    for path in paths:
        body = path.read_bytes()
        result = compare(body, content_type_of(body))
        fast_real += result.parser == "fast" and path.parent.name == "real-feeds"
        unexplained += [(path.name, *d) for d in result.differences if not d[0].endswith("(explained)")]
    assert unexplained == []
    assert fast_real >= 10  # most well-formed UTF-8 real feeds take the fast path
