"""The GX gate on real batches: bad rows quarantined with their rule, good rows loaded, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.pipeline import files_as_fetches, process_and_load, replay
from ingest.settings import Settings
from tests.conftest import ROOT

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


def _frame(settings: Settings) -> Any:
    """A valid three-row article frame, built the way the pipeline builds it."""
    from datetime import UTC, datetime

    from ingest.models import Article
    from ingest.validate import articles_frame

    now = datetime(2026, 10, 12, tzinfo=UTC)
    return articles_frame([
        Article(article_id=f"id{i}", feed_id="f", url=f"https://a.example/{i}", guid=None, title=f"Title {i}",
                text="NATO met.", published_at=now, date_flag=None, language="en", author=None, content_hash="c",
                story_key="s", payload_sha256="p", position=i, fetched_at=now)
        for i in range(3)
    ])  # fmt: skip


def test_row_level_failures_in_a_frame_are_counted_exactly(settings: Settings) -> None:
    from ingest.validate import validate_frame

    frame = _frame(settings)
    frame.loc[0, "article_id"] = None  # null id
    frame.loc[1, "article_id"] = "id2"  # duplicate of row 2: both copies are suspect
    frame.loc[2, "url"] = "javascript:alert(1)"  # bad URL
    failures, run = validate_frame(settings.gx_dir, frame)
    rules = sorted(rule for problems in failures.values() for rule, _, _ in problems)
    assert rules == [
        "expect_column_values_to_be_unique(article_id)",
        "expect_column_values_to_be_unique(article_id)",
        "expect_column_values_to_match_regex(url)",
        "expect_column_values_to_not_be_null(article_id)",
    ]
    assert sorted(failures) == [0, 1, 2] and run.unexpected == 3 and not run.success


@pytest.mark.parametrize(
    ("corrupt", "reason"),
    [
        (lambda f: f.drop(columns=["title"]), "expect_table_columns_to_match_set"),
        (lambda f: f.assign(position=f["position"].astype(str)), "position is"),
        (lambda f: f.assign(published_at=f["published_at"].astype(str)), "published_at is"),
    ],
)
def test_structural_failures_raise(settings: Settings, corrupt: Any, reason: str) -> None:
    from ingest.validate import BatchRejected, validate_frame

    with pytest.raises(BatchRejected, match=reason):
        validate_frame(settings.gx_dir, corrupt(_frame(settings)))


def test_a_batch_of_mostly_bad_entries_loads_nothing_and_the_cli_exits_non_zero(settings: Settings, tmp_path: Path) -> None:
    items = "".join(f"<item><title></title><link>https://a.example/untitled-{i}</link></item>" for i in range(30))
    items += "".join(f"<item><title>Good {i}</title><link>https://a.example/{i}</link></item>" for i in range(5))
    feed = tmp_path / "mostly-bad.xml"
    feed.write_text(f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>')
    done = subprocess.run([sys.executable, "-m", "ingest", "ingest-files", str(feed), "--data-dir", str(settings.data_dir)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    assert done.returncode == 1
    assert "86% of the batch's 35 rows failed the article suite" in done.stderr and done.stderr.count("\n") == 1
    assert _rows(settings, "select count(*) from raw.articles") == [(0,)]
    assert _rows(settings, "select count(*) from raw.quarantine") == [(0,)]
    assert _rows(settings, "select status from raw.batches") == [("rejected",)]
    assert _rows(settings, "select suite, success from raw.validation_runs order by suite") == [
        ("articles_batch", False), ("articles_batch_gate", False)]  # fmt: skip
    assert list(settings.landing_dir.glob("??/*"))  # the bytes stay for `defnews replay`
    assert _rows(settings, "select parse_status from raw.payloads") == [("rejected",)]  # ... which finds them
    assert not list((settings.landing_dir / "_pending").glob("*.json"))  # not retried by every later batch


def test_quarantine_list_and_replay_after_a_rule_fix(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feeds, fetches = files_as_fetches([FIXTURES / "corrupted.xml"], settings)
    process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    listed = subprocess.run([sys.executable, "-m", "ingest", "quarantine", "list", "--data-dir", str(settings.data_dir),
                             "--rule", "expect_column_values_to_be_between(published_at)"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["stage"] == "validate" and row["value"].startswith("1970-01-01") and row["position"] == 3
    # an operator decides 1970 is a legitimate date for this archive, and replays
    rules = tmp_path / "quality.yaml"
    rules.write_text("articles:\n  earliest_published: '1960-01-01'\n")
    monkeypatch.setenv("DEFNEWS_QUALITY", str(rules))
    stats = replay(settings)
    assert stats.articles_new == 1
    assert _rows(settings, "select count(*) from raw.articles where title = 'An ancient entry'") == [(1,)]
    resolved = _rows(settings, "select rule, resolved_at is not null from raw.quarantine order by rule")
    assert ("expect_column_values_to_be_between(published_at)", True) in resolved
    assert ("identity", False) in resolved  # still no link: still in quarantine


def test_data_docs_render_the_runs(settings: Settings) -> None:
    from expectations.runner import build_data_docs

    feeds, fetches = files_as_fetches([FIXTURES / "corrupted.xml"], settings)
    process_and_load(settings, feeds, fetches, source="files", record_fetches=False)
    index = build_data_docs(settings.gx_dir)
    assert index.is_file() and "articles_batch" in index.read_text()


def _article(i: int, published: Any, text: str = "NATO met. Poland spoke.") -> Any:
    from datetime import UTC, datetime

    from ingest.models import Article

    return Article(article_id=f"id{i}", feed_id="f", url=f"https://a.example/{i}", guid=None, title=f"Title {i}", text=text,
                   published_at=published, date_flag=None, language="en", author=None, content_hash="c", story_key="s",
                   payload_sha256="p", position=i, fetched_at=datetime.now(UTC))  # fmt: skip


def test_the_published_at_bound_is_a_day_after_each_run(settings: Settings) -> None:
    """The bound is a run parameter, not part of the stored suite: it moves with the clock from run to run."""
    from datetime import UTC, datetime, timedelta

    from ingest.validate import validate_articles

    for _ in range(2):  # the second run reuses the suite and checkpoint built by the first
        now = datetime.now(UTC)
        checked = validate_articles(
            settings.gx_dir, [_article(0, now + timedelta(hours=23)), _article(1, now + timedelta(hours=25))]
        )
        assert [a.article_id for a in checked.good] == ["id0"]
        assert [r.rule for r in checked.rejections] == ["expect_column_values_to_be_between(published_at)"]
    suite = json.loads((settings.gx_dir / "gx" / "expectations" / "articles_batch.json").read_text())
    bound = [
        e["kwargs"] for e in suite["expectations"] if e["kwargs"].get("column") == "published_at" and "max_value" in e["kwargs"]
    ]
    assert bound == [{"column": "published_at", "min_value": "1990-01-01T00:00:00+00:00",
                      "max_value": {"$PARAMETER": "published_at_max"}}]  # fmt: skip


def test_bad_mentions_are_quarantined_with_their_rule(settings: Settings) -> None:
    from datetime import UTC, datetime

    from ingest.extract import load_gazetteer
    from ingest.models import Mention
    from ingest.validate import BatchRejected, validate_mentions

    articles = [_article(i, datetime.now(UTC)) for i in range(3)]
    good = [Mention(f"id{i % 3}", "actor", "nato", "body", 0, 4, "NATO") for i in range(300)]
    bad = [
        Mention("id0", "actor", "no-such-actor", "body", 0, 4, "NATO"),  # not in the gazetteer
        Mention("id1", "actor", "nato", "title", 3, 40, "NATO"),  # ends after the title's 7 characters
    ]
    ids = load_gazetteer().entity_ids()
    assert "nato" in ids and "no-such-actor" not in ids
    kept, rejections, run = validate_mentions(settings.gx_dir, articles, [*good[:150], *bad, *good[150:]], ids)
    assert kept == good
    assert sorted((r.article_id, r.rule, r.value) for r in rejections) == [
        ("id0", "expect_column_values_to_be_in_set(entity_id)", "no-such-actor"),
        ("id1", "expect_column_pair_values_a_to_be_greater_than_b", None),
    ]
    assert (run.suite, run.success, run.evaluated, run.unexpected) == ("mentions_batch", False, 302, 2)
    # more than 1% bad is an extractor bug: the batch is rejected
    with pytest.raises(BatchRejected, match="2 of 12 bad"):
        validate_mentions(settings.gx_dir, articles, [*good[:10], *bad], ids)


def test_every_suite_runs_again_in_the_same_process_without_being_stored_again(settings: Settings) -> None:
    """One suite, definition and checkpoint per suite and process: a second batch stores nothing but its results."""
    from datetime import UTC, datetime

    from ingest.extract import load_gazetteer
    from ingest.models import Mention
    from ingest.validate import gate, validate_articles, validate_mentions

    gx = settings.gx_dir / "gx"
    articles = [_article(i, datetime.now(UTC)) for i in range(3)]
    mentions = [Mention("id0", "actor", "nato", "body", 0, 4, "NATO")]

    def batch() -> None:
        assert len(validate_articles(settings.gx_dir, articles).good) == 3
        assert gate(settings.gx_dir, 3, 0).success
        assert validate_mentions(settings.gx_dir, articles, mentions, load_gazetteer().entity_ids())[2].success

    batch()
    stored = {p: p.stat().st_mtime_ns for folder in ("expectations", "validation_definitions", "checkpoints")
              for p in (gx / folder).glob("*.json")}  # fmt: skip
    assert len(stored) == 9
    batch()  # each suite's asset is still there (adding one datasource asset must not drop the others')
    assert {p: p.stat().st_mtime_ns for p in stored} == stored
    assert len(list((gx / "uncommitted" / "validations").rglob("*.json"))) == 6


def test_results_carry_no_fingerprint_of_the_frame(settings: Settings) -> None:
    """GX hashes no frame it validates (`expectations.runner._no_fingerprints`): its results keep the load time but
    not the fingerprint, which nothing reads and which cost most of a suite run."""
    from datetime import UTC, datetime

    from ingest.validate import validate_articles

    assert len(validate_articles(settings.gx_dir, [_article(i, datetime.now(UTC)) for i in range(3)]).good) == 3
    results = list((settings.gx_dir / "gx" / "uncommitted" / "validations").rglob("*.json"))
    markers = [json.loads(path.read_text())["meta"]["batch_markers"] for path in results]
    assert markers and all("ge_load_time" in m and "pandas_data_fingerprint" not in m for m in markers)


_DEFERRED_SCRIPT = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from tests.integration.test_quality_gate import _article
from ingest.extract import load_gazetteer
from ingest.models import Mention
from ingest.validate import gate, validate_articles, validate_mentions
from expectations.runner import build_data_docs
gx_dir, articles = Path(sys.argv[1]), [_article(i, datetime.now(UTC)) for i in range(3)]
ran = [len(validate_articles(gx_dir, articles).good), gate(gx_dir, 3, 0).success,
       validate_mentions(gx_dir, articles, [Mention("id0", "actor", "nato", "body", 0, 4, "NATO")],
                         load_gazetteer().entity_ids())[2].success, build_data_docs(gx_dir).is_file()]
# what each module holds, read past a lazy module's own attribute lookup (which would load it)
names = {"scipy.stats": "norm", "altair": "Chart"}
loaded = {m: names[m] in object.__getattribute__(sys.modules[m], "__dict__") for m in names}
finder_left = [type(f).__name__ for f in sys.meta_path if type(f).__module__ == "expectations"]
# eight threads read scipy.stats first at once: one runs its code, the others wait for it
import threading
start, errors, seen = threading.Barrier(8), [], []
def read():
    start.wait()
    try:
        seen.append(sys.modules["scipy.stats"].norm.cdf(0.0))
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=read) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
from scipy.stats import ks_2samp
star = {}
exec("from altair import *", star)
works = seen == [0.5] * 8 and not errors and callable(ks_2samp) and "Chart" in star
print(json.dumps({"ran": ran, "loaded": loaded, "finder_left": finder_left, "works": works, "errors": errors}))
"""


def test_gx_is_imported_with_what_no_suite_uses_left_unloaded_until_read(settings: Settings) -> None:
    """`expectations.import_gx`: a process that validates a batch and renders Data Docs never runs scipy.stats or
    altair (GX imports both), and either loads as usual once read, by eight threads at once too. A fresh interpreter:
    GX is imported once a process."""
    done = subprocess.run([sys.executable, "-c", _DEFERRED_SCRIPT, str(settings.gx_dir)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"ran": [3, True, True, True], "loaded": {"scipy.stats": False, "altair": False}, "finder_left": [],
                      "works": True, "errors": []}  # fmt: skip


def test_a_suite_changed_by_thresholds_or_by_another_process_is_stored_again(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from ingest.validate import BatchRejected, gate

    strict, lenient = tmp_path / "strict.yaml", tmp_path / "lenient.yaml"
    strict.write_text("articles:\n  max_quarantined_share: 0.1\n  min_entries_for_share: 1\n")
    lenient.write_text("articles:\n  max_quarantined_share: 0.9\n  min_entries_for_share: 1\n")
    for rules, passes in ((strict, False), (lenient, True), (strict, False)):  # back and forth in one process
        monkeypatch.setenv("DEFNEWS_QUALITY", str(rules))
        if passes:
            assert gate(settings.gx_dir, 10, 5).success
        else:
            with pytest.raises(BatchRejected, match="50% of the batch's 10 rows"):
                gate(settings.gx_dir, 10, 5)
    # another process stores its own version of the suite: this one's cached checkpoint is stale, and is rebuilt
    other = gx.get_context(mode="file", project_root_dir=str(settings.gx_dir))
    other.suites.add_or_update(gx.ExpectationSuite(name="articles_batch_gate", expectations=[
        gxe.ExpectColumnMeanToBeBetween(column="rejected", min_value=0.0, max_value=0.99)]))  # fmt: skip
    with pytest.raises(BatchRejected, match="50% of the batch's 10 rows"):
        gate(settings.gx_dir, 10, 5)
