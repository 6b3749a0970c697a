"""Polling against a hostile loopback server: every failure recorded with its class, nothing else lost."""

from __future__ import annotations

import dataclasses
import gzip
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from ingest.catalog import load_catalog
from ingest.pipeline import ingest_batch
from ingest.settings import Settings, load_settings
from tests.helpers import LoopbackHandler

pytestmark = pytest.mark.slow


def rss(tag: str, n: int = 2, extra: str = "") -> bytes:
    items = "".join(
        f"<item><title>{tag} story {i} on NATO and Poland</title><link>https://{tag}.example/{i}</link>"
        f"<guid>{tag}-{i}</guid><pubDate>Mon, 12 Oct 2026 0{i}:00:00 GMT</pubDate>"
        f"<description>Story {i} from {tag}.</description></item>"
        for i in range(n)
    )
    head = f'<?xml version="1.0" encoding="utf-8"?>{extra}<rss version="2.0">'
    return f"{head}<channel><title>{tag}</title>{items}</channel></rss>".encode()


XXE = (
    rss("xxe", 1)
    .replace(
        b'<?xml version="1.0" encoding="utf-8"?>',
        b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "file:///etc/passwd">]>',
    )
    .replace(b"Story 0 from xxe.", b"&leak;")
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode() for i in range(1, 10))
    + b']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>'
)
MUTABLE = {"version": 1}


class Hostile(LoopbackHandler):
    def do_GET(self) -> None:
        routes = {
            "/good-a": lambda: self._send(200, rss("gooda", 3)),
            "/good-b": lambda: self._send(200, rss("goodb", 2)),
            "/moved-target": lambda: self._send(200, rss("moved", 1)),
            "/moved": lambda: self._send(301, headers={"Location": "/moved-target"}),
            "/500": lambda: self._send(500, b"oops"),
            "/503": lambda: self._send(503, b"busy", {"Retry-After": "7200"}),
            "/404": lambda: self._send(404, b"no"),
            "/410": lambda: self._send(410, b"gone"),
            "/429": lambda: self._send(429, b"slow down", {"Retry-After": "600"}),
            "/loop": lambda: self._send(302, headers={"Location": "/loop"}),
            "/bomb": lambda: self._send(200, gzip.compress(b"\0" * 3_000_000), {"Content-Encoding": "gzip"}),
            "/oversize": lambda: self._send(200, b"<rss>" + b" " * 2_000_000),
            "/truncated": lambda: self._send(200, rss("trunc", 3)[:150]),  # cut inside the first item
            "/html": lambda: self._send(200, b"<html><body><h1>Welcome</h1></body></html>", {"Content-Type": "text/html"}),
            "/empty": lambda: self._send(200, b""),
            "/charset": lambda: self._send(
                200,
                rss("charset", 1).replace(b"Story 0", "Stor\u00ff 0".encode()),
                {"Content-Type": "application/rss+xml; charset=us-ascii"},
            ),  # fmt: skip
            "/xxe": lambda: self._send(200, XXE),
            "/laughs": lambda: self._send(200, LAUGHS),
            "/private": lambda: self._send(302, headers={"Location": f"http://127.0.0.2:{self.server.server_address[1]}/good-a"}),
            "/mutable": lambda: self._send(200, rss(f"mutable{MUTABLE['version']}", 2)),
        }
        if self.path == "/timeout":
            time.sleep(4)
            return self._send(200, rss("late"))
        if self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
            return None
        routes.get(self.path, lambda: self._send(404))()
        return None


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


EXPECTED = {
    "good-a": None, "good-b": None, "moved": None, "charset": None, "xxe": None,
    "500": "http_500", "503": "http_503", "404": "http_404", "410": "http_410", "429": "http_429",
    "loop": "too_many_redirects", "bomb": "body_too_large", "oversize": "body_too_large", "timeout": "timeout",
    "drip": "timeout", "truncated": "parse_error", "html": "parse_error", "empty": "empty_body", "laughs": "parse_error",
    "private": "blocked_address",
}  # fmt: skip


def _catalog(tmp_path: Path, base: str, names: list[str]) -> Path:
    lines = ["allow_private_network: ['127.0.0.1/32']  # the test server only; 127.0.0.2 stays refused", "feeds:"]
    lines += [f"  - {{id: h-{n}, url: '{base}/{n}', publisher: Hostile {n}}}" for n in names]
    path = tmp_path / "hostile.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _settings(tmp_path: Path, catalog: Path) -> Settings:
    base = load_settings(tmp_path / "data", catalog)
    return dataclasses.replace(base, total_timeout_s=2.0, read_timeout_s=1.0, connect_timeout_s=1.0, max_body_bytes=1_000_000)


def _sql(settings: Settings, query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(settings.warehouse))
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_every_failure_is_recorded_with_its_class_and_the_good_feeds_load(hostile: str, tmp_path: Path) -> None:
    settings = _settings(tmp_path, _catalog(tmp_path, hostile, list(EXPECTED)))
    stats = ingest_batch(settings)
    assert stats.feeds_total == len(EXPECTED)
    fetch_class = dict(_sql(settings, "select feed_id, error_class from raw.fetches"))
    state = {r[0]: r[1:] for r in _sql(settings, "select feed_id, error_class, status, failure_score from ("
                                                 "select feed_id, last_error_class as error_class, status, failure_score "
                                                 "from raw.feed_state)")}  # fmt: skip
    for name, expected in EXPECTED.items():
        got = fetch_class[f"h-{name}"] or state[f"h-{name}"][0]
        assert got == expected, f"{name}: {got!r} != {expected!r}"
    titles = {r[0] for r in _sql(settings, "select title from raw.articles")}
    assert {"gooda story 0 on NATO and Poland", "goodb story 1 on NATO and Poland", "moved story 0 on NATO and Poland"} <= titles
    assert not any("root:" in t for t in titles) and not any("lol" in t for t in titles)
    # a body the server mislabelled is still decoded and loaded
    assert any(t.startswith("charset story") for t in titles)


def test_backoff_mutes_and_redirects_move_the_feed_state(hostile: str, tmp_path: Path) -> None:
    names = ["503", "404", "410", "429", "moved", "good-a", "500"]
    settings = _settings(tmp_path, _catalog(tmp_path, hostile, names))
    before = datetime.now(UTC)
    ingest_batch(settings)
    rows = _sql(settings, "select feed_id, status, failure_score, next_poll_at, url, redirected_from from raw.feed_state")
    state = {r[0]: r[1:] for r in rows}
    assert state["h-410"][0] == "muted" and state["h-410"][2] is None
    assert state["h-503"][0] == "failing" and state["h-503"][1] == 0.5
    assert state["h-503"][2] >= before + timedelta(seconds=7200)  # Retry-After honoured
    # Retry-After (600 s) or the linear backoff (900 s x 1.5), whichever is later, plus up to 20% jitter
    assert before + timedelta(seconds=1350) <= state["h-429"][2] <= before + timedelta(seconds=1350 * 1.2 + 60)
    assert state["h-404"][1] == 0.5 and state["h-500"][1] == 0.5
    assert state["h-moved"][3] == f"{hostile}/moved-target" and state["h-moved"][4] == f"{hostile}/moved"
    assert state["h-good-a"][0] == "ok" and state["h-good-a"][1] == 0

    second = ingest_batch(settings, due_only=False)  # everything not muted, right away
    polled = {r[0] for r in _sql(settings, f"select feed_id from raw.fetches where batch_id = '{second.batch_id}'")}
    assert "h-410" not in polled  # muted: not polled again until its catalog URL changes
    urls = dict(_sql(settings, f"select feed_id, url from raw.fetches where batch_id = '{second.batch_id}'"))
    assert urls["h-moved"] == f"{hostile}/moved-target"  # the permanent redirect is followed from now on
    score = dict(_sql(settings, "select feed_id, failure_score from raw.feed_state"))
    assert score["h-503"] == 1.0  # soft failures add up
    assert _sql(settings, "select count(*) from raw.feed_state where status = 'new'") == [(0,)]


def test_second_poll_of_unchanged_feeds_parses_nothing_and_adds_nothing(hostile: str, tmp_path: Path) -> None:
    settings = _settings(tmp_path, _catalog(tmp_path, hostile, ["good-a", "good-b"]))
    ingest_batch(settings)
    counts = _sql(settings, "select (select count(*) from raw.articles), (select count(*) from raw.payloads)")
    second = ingest_batch(settings, due_only=False)  # the server ignores validators: the body hash decides
    assert second.feeds_not_modified == 2 and second.entries_seen == 0
    assert _sql(settings, "select (select count(*) from raw.articles), (select count(*) from raw.payloads)") == counts
    assert _sql(settings, f"select distinct outcome from raw.fetches where batch_id = '{second.batch_id}'") == [("unchanged",)]


def test_a_batch_killed_after_landing_loses_nothing(hostile: str, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, hostile, ["mutable"])
    settings = _settings(tmp_path, catalog)
    MUTABLE["version"] = 1
    script = (
        "import os, signal, sys\n"
        "from ingest.catalog import load_catalog\n"
        "from ingest.pipeline import fetch_and_land, plan\n"
        "from ingest.settings import load_settings\n"
        f"s = load_settings({str(tmp_path / 'data')!r}, {str(catalog)!r})\n"
        "c = load_catalog(s.feeds_file)\n"
        "fetch_and_land(plan(s, c, due_only=False), s, c)\n"
        "os.kill(os.getpid(), signal.SIGKILL)  # dies before the load commits\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr
    MUTABLE["version"] = 2  # the feed moves on while we are down
    ingest_batch(settings)
    titles = {r[0] for r in _sql(settings, "select title from raw.articles")}
    assert {"mutable1 story 0 on NATO and Poland", "mutable2 story 0 on NATO and Poland"} <= titles
    landed = {p.name for p in (settings.landing_dir).glob("??/*")}
    loaded = {r[0] for r in _sql(settings, "select payload_sha256 from raw.payloads")}
    assert landed == loaded  # everything landed was loaded, once
    assert _sql(settings, "select count(*), count(distinct article_id) from raw.articles") == [(4, 4)]
    assert not list((settings.landing_dir / "_pending").glob("*.json"))
    assert load_catalog(catalog).feeds[0].id == "h-mutable"
