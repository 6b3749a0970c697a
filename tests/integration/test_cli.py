"""The `defnews` command as a user runs it: a subprocess, real stdin/stdout, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ingest.serve import FeedServer
from tests.conftest import DEMO_CATALOG, FIXTURES, ROOT, seed_article


def defnews(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def test_extract_names_the_seed_actors_and_topics() -> None:
    title, body = seed_article()
    done = defnews("extract", stdin=json.dumps({"id": "seed", "title": title, "text": body}) + "\n")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["id"] == "seed"
    names = {a["name"] for a in out["actors"]}
    assert {
        "Mark Rutte",
        "Xi Jinping",
        "Vladimir Putin",
        "NATO",
        "China",
        "Russia",
        "Taiwan",
        "North Korea",
        "Iran",
        "Ukraine",
        "Japan",
        "Poland",
    } <= names
    assert all(set(a) == {"id", "name", "type"} for a in out["actors"])
    topics = {t["id"] for t in out["topics"]}
    assert {"taiwan_strait", "nuclear_weapons", "naval_power", "russia_ukraine_war", "nato_alliance"} <= topics


def test_extract_bad_json_is_a_one_line_error() -> None:
    done = defnews("extract", stdin="not json\n")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "line 1 is not JSON" in done.stderr


def test_extract_answers_the_lines_after_a_bad_one() -> None:
    good = json.dumps({"id": "after", "title": "NATO", "text": "Poland"})
    done = defnews("extract", stdin=f"not json\n[1]\n\n{good}\n")
    assert done.returncode == 1  # some lines could not be read
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["after"]
    assert done.stderr.splitlines() == [
        "defnews extract: stdin line 1 is not JSON: Expecting value: line 1 column 1 (char 0)",
        "defnews extract: stdin line 2 is not a JSON object: list",
    ]


@pytest.mark.slow
def test_ingest_files_then_replay_is_idempotent(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    done = defnews("ingest-files", str(FIXTURES / "corrupted.xml"), "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["articles_new"] == 2
    extracted = _extracted(tmp_path / "data" / "warehouse.duckdb")
    assert extracted["raw.mentions"] > 0 and extracted["raw.story_signatures"] == 2
    again = defnews("ingest-files", str(FIXTURES / "corrupted.xml"), "--data-dir", data)  # stored: not extracted again
    assert again.returncode == 0 and json.loads(again.stdout)["articles_duplicate"] == 2, again.stderr
    replayed = defnews("replay", "--data-dir", data)  # extracted again, each article's rows replaced
    assert replayed.returncode == 0, replayed.stderr
    stats = json.loads(replayed.stdout)
    assert stats["articles_new"] == 0 and stats["articles_duplicate"] == 2
    assert stats["mentions_loaded"] == extracted["raw.mentions"]
    assert _extracted(tmp_path / "data" / "warehouse.duckdb") == extracted


def test_ingest_files_leaves_out_what_under_a_folder_is_no_feed(tmp_path: Path) -> None:
    """A generated corpus holds `ground_truth.json` beside its feeds; a folder may hold hidden files. Under a folder
    they are left out, and said so; a file named on the command line is taken whatever it is."""
    folder = tmp_path / "corpus"
    (folder / ".git").mkdir(parents=True)
    feed = (FIXTURES / "corrupted.xml").read_bytes()
    (folder / "outlet.xml").write_bytes(feed)
    (folder / "ground_truth.json").write_text('{"entries": 2}', encoding="utf-8")
    (folder / ".outlet.xml.swp").write_bytes(feed)
    (folder / ".git" / "packed.xml").write_bytes(feed)
    done = defnews("ingest-files", str(folder), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert (stats["feeds_total"], stats["articles_new"]) == (1, 2)
    assert "3 file(s) under the folders given are no feed body" in done.stderr and "ground_truth.json" in done.stderr
    named = defnews("ingest-files", str(folder / "ground_truth.json"), "--data-dir", str(tmp_path / "data"))
    assert named.returncode == 0, named.stderr
    assert json.loads(named.stdout)["feeds_total"] == 1 and "left out" not in named.stderr
    missing = defnews("ingest-files", str(folder / "nope.xml"), "--data-dir", str(tmp_path / "data"))
    assert missing.returncode != 0 and "does not exist" in missing.stderr


def _extracted(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = ["raw.articles", "raw.mentions", "raw.quotes", "raw.name_candidates", "raw.story_signatures"]
        return {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in tables}  # type: ignore[index]
    finally:
        con.close()


def test_missing_catalog_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    done = defnews("run", "--feeds", str(tmp_path / "nope.yaml"), "--data-dir", str(tmp_path / "d"))
    assert done.returncode == 1
    assert "cannot read feed catalog" in done.stderr and done.stderr.count("\n") == 1


def test_help_lists_every_contract_command() -> None:
    done = defnews("--help")
    for command in ("run", "watch", "ingest-files", "extract", "replay", "serve-feeds", "demo"):
        assert command in done.stdout
    assert (ROOT / "README.md").exists()


@pytest.mark.slow
def test_watch_finishes_the_batch_in_hand_on_sigterm_and_exits_0(sample_server: FeedServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "DEFNEWS_SAMPLE_BASE": sample_server.base_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "watch", "--feeds", str(DEMO_CATALOG), "--data-dir", str(data), "--interval", "3600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    assert "watching" in proc.stdout.readline()  # the signal handlers are in place
    deadline = time.monotonic() + 120
    while not list((data / "landing").glob("??/*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)  # mid-batch: fetched and landed, not yet loaded
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    batches = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(batches) == 1 and batches[0]["articles_new"] >= 300
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    assert con.execute("select count(*) from raw.batches").fetchall() == [(1,)]
    con.close()
    assert (data / "analytics.duckdb").exists()  # the batch went all the way to publish
