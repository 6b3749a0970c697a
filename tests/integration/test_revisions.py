"""Revisions, re-published copies and sightings, across batches, through the real loader."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ingest.catalog import load_catalog
from ingest.parallel import process_landed
from ingest.pipeline import fetch_and_land, ingest_batch, payload_jobs, plan, process_and_load
from ingest.process import stored_key
from ingest.settings import Settings, load_settings

pytestmark = pytest.mark.slow
LEAD = "Defence ministers of NATO met in Brussels to agree new air-defence deliveries to Ukraine before winter. " * 3


def item(link: str, title: str, body: str = LEAD, day: int = 12) -> str:
    return (f"<item><title>{title}</title><link>{link}</link><pubDate>Mon, {day} Oct 2026 09:00:00 GMT</pubDate>"
            f"<description>{body}</description></item>")  # fmt: skip


FEEDS: dict[str, str] = {}


class Server(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{FEEDS.get(self.path, "")}</channel></rss>'
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Settings]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    catalog = tmp_path / "c.yaml"
    catalog.write_text(f"allow_private_network: true\nfeeds:\n  - {{id: one, url: '{base}/one', publisher: One}}\n"
                       f"  - {{id: two, url: '{base}/two', publisher: Two}}\n")  # fmt: skip
    yield load_settings(tmp_path / "data", catalog)
    server.shutdown()
    server.server_close()


def _sql(settings: Settings, query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_changed_title_is_a_revision_with_history(site: Settings) -> None:
    FEEDS.clear()
    FEEDS["/one"] = item("https://one.example/a", "NATO agrees air-defence package for Ukraine")
    ingest_batch(site)
    FEEDS["/one"] = item("https://one.example/a", "NATO agrees bigger air-defence package for Ukraine and Poland")
    second = ingest_batch(site)
    assert second.articles_new == 0
    assert _sql(site, "select title, revision from raw.articles") == [
        ("NATO agrees bigger air-defence package for Ukraine and Poland", 2)
    ]
    assert [r[0] for r in _sql(site, "select title from raw.article_revisions order by revision")] == [
        "NATO agrees air-defence package for Ukraine",
        "NATO agrees bigger air-defence package for Ukraine and Poland",
    ]
    # mentions follow the latest revision: Poland is named only there
    assert ("poland",) in _sql(site, "select distinct entity_id from raw.mentions where field = 'title'")
    third = ingest_batch(site)  # the same again: nothing moves but last_seen_at
    assert third.articles_new == 0 and _sql(site, "select count(*) from raw.article_revisions") == [(2,)]


def test_same_source_republishing_under_a_new_url_is_an_alias(site: Settings) -> None:
    FEEDS.clear()
    FEEDS["/one"] = item("https://one.example/a", "NATO agrees air-defence package for Ukraine")
    ingest_batch(site)
    FEEDS["/one"] = item("https://one.example/a-republished", "NATO agrees air-defence package for Ukraine", day=13)
    stats = ingest_batch(site)
    assert stats.articles_new == 0 and stats.articles_duplicate == 1
    assert _sql(site, "select count(*) from raw.articles") == [(1,)]
    assert _sql(site, "select url from raw.article_aliases") == [("https://one.example/a-republished",)]


def test_a_daily_briefing_with_the_same_title_but_new_text_is_not_an_alias(site: Settings) -> None:
    FEEDS.clear()
    FEEDS["/one"] = item("https://one.example/brief-12", "Morning defence briefing", "Poland buys tanks. " * 10)
    ingest_batch(site)
    FEEDS["/one"] = item("https://one.example/brief-13", "Morning defence briefing", "Japan launches a frigate. " * 10, day=13)
    assert ingest_batch(site).articles_new == 1


def test_one_url_in_two_feeds_is_one_article_with_two_sightings(site: Settings) -> None:
    FEEDS.clear()
    FEEDS["/one"] = item("https://wire.example/s?utm_source=one", "Wire: Japan and Philippines sign access pact")
    FEEDS["/two"] = item("https://www.wire.example/s?utm_source=two#top", "Wire: Japan and Philippines sign access pact")
    stats = ingest_batch(site)
    assert stats.articles_new == 1 and stats.articles_duplicate == 1
    assert _sql(site, "select feed_id, times_seen from raw.sightings order by feed_id") == [("one", 1), ("two", 1)]
    ingest_batch(site)
    assert _sql(site, "select feed_id, times_seen from raw.sightings order by feed_id") == [("one", 1), ("two", 1)]


def _mentions_of(settings: Settings, url: str) -> list[tuple[object, ...]]:
    return _sql(settings, "select kind, entity_id, field, start_offset, end_offset, surface from raw.mentions "
                          f"join raw.articles using (article_id) where url = '{url}' order by all")  # fmt: skip


def test_a_feed_polled_again_has_only_its_new_and_changed_articles_extracted_and_checked(site: Settings) -> None:
    FEEDS.clear()
    same = item("https://one.example/a", "NATO agrees air-defence package for Ukraine")
    FEEDS["/one"] = same + item("https://one.example/b", "Japan launches a frigate", "Japan launched a frigate. " * 5)
    ingest_batch(site)
    before = _mentions_of(site, "https://one.example/a")
    changed = item("https://one.example/b", "Japan and Taiwan watch a frigate", "Japan launched a frigate. " * 5)
    FEEDS["/one"] = same + changed + item("https://one.example/c", "Poland buys tanks", "Poland signed for tanks. " * 5)
    second = ingest_batch(site)
    assert (second.articles_new, second.articles_duplicate) == (1, 2)
    assert _mentions_of(site, "https://one.example/a") == before and before
    assert ("actor", "taiwan", "title") in {m[:3] for m in _mentions_of(site, "https://one.example/b")}
    changed_and_new = _sql(site, "select count(*) from raw.mentions join raw.articles using (article_id) "
                                 "where url in ('https://one.example/b', 'https://one.example/c')")[0][0]  # fmt: skip
    checked = _sql(site, f"select suite, evaluated from raw.validation_runs where batch_id = '{second.batch_id}' order by suite")
    assert checked == [("articles_batch", 3), ("articles_batch_gate", 3), ("mentions_batch", changed_and_new)]


def test_an_article_left_out_as_stored_but_changed_since_is_extracted_by_the_writer(site: Settings) -> None:
    """The workers are told what is stored when they start on a batch; a batch loaded meanwhile can change it. An
    article they left out that the load writes after all is extracted by the writer, from its own text."""
    FEEDS.clear()
    FEEDS["/one"] = item("https://one.example/a", "NATO agrees air-defence package for Ukraine")
    ingest_batch(site)
    FEEDS["/one"] = item("https://one.example/a", "NATO agrees air-defence package for Ukraine and Poland")
    catalog = load_catalog(site.feeds_file)
    fetches = fetch_and_land(plan(site, catalog, due_only=False), site, catalog)
    jobs = payload_jobs(site, catalog.feeds, fetches)
    (revised,) = process_landed(site.landing_dir, jobs, workers=1).articles
    # keys out of date, as the workers can hold them: they say this revision is stored, the warehouse has the first
    stored = {"one": np.array([stored_key(revised.article_id, revised.content_hash)], np.uint64)}
    stale = process_landed(site.landing_dir, jobs, workers=1, stored=stored)
    assert not stale.extracted and stale.unextracted == {revised.article_id}
    stats = process_and_load(site, catalog.feeds, fetches, processed=stale)
    assert stats.articles_new == 0 and stats.mentions_loaded > 0
    assert _sql(site, "select title, revision from raw.articles") == [(revised.title, 2)]
    assert ("actor", "poland", "title") in {m[:3] for m in _mentions_of(site, "https://one.example/a")}
