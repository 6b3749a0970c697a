"""Revisions, re-published copies and sightings, across batches, through the real loader."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ingest import landing, pipeline
from ingest.catalog import load_catalog
from ingest.models import Feed, FetchResult, PayloadRecord
from ingest.parallel import process_landed
from ingest.pipeline import (
    fetch_and_land,
    files_as_fetches,
    ingest_batch,
    load_in_batches,
    payload_jobs,
    plan,
    process_and_load,
    record_rejected_batch,
    replay,
)
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
    catalog.write_text(f"allow_private_network: true\nfeeds:\n"
                       f"  - {{id: one, url: '{base}/one', publisher: One, tags: [wire], poll_minutes: 30}}\n"
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


def _state(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    """What a replay must leave as it found it, when the parser and gazetteer are the same."""
    queries = {
        "articles": "select article_id, content_hash, revision, title, story_id, first_seen_at, last_seen_at from raw.articles",
        "revisions": "select article_id, revision, content_hash from raw.article_revisions",
        "texts": "select article_id, text from raw.article_texts",
        "mentions": "select article_id, entity_id, field, start_offset, end_offset, salience from raw.mentions",
        "sightings": "select article_id, feed_id, first_seen_at, last_seen_at, times_seen from raw.sightings",
        "feeds": "select feed_id, url, publisher, tags, poll_minutes from raw.feeds",
    }  # fmt: skip
    return {name: sorted(_sql(settings, query), key=repr) for name, query in queries.items()}


def test_a_replay_leaves_each_article_at_its_last_revision_and_twice_writes_the_same_rows(site: Settings) -> None:
    FEEDS.clear()
    FEEDS["/one"] = item("https://one.example/a", "Warsaw signs for tanks", "Poland buys tanks from Korea. " * 10)
    ingest_batch(site)
    FEEDS["/one"] = item("https://one.example/a", "Warsaw signs for tanks", "Japan launches a frigate. " * 10)
    FEEDS["/two"] = item("https://two.example/b", "Fleet news", "Japan launches a frigate. " * 10)
    ingest_batch(site)
    before = _state(site)
    current = "select revision, text from raw.articles join raw.article_texts using (article_id) where url like '%/a'"
    assert _sql(site, current) == [(2, "Japan launches a frigate. " * 9 + "Japan launches a frigate.")]
    assert before["feeds"][0][3:] == (["wire"], 30)
    # the first payload holds revision 1: met first, it is a sighting only, and the second's revision 2 stays current
    stats = replay(site)
    assert stats.entries_seen == 3 and stats.articles_new == 0
    assert _state(site) == before  # no revision made, none undone, no sighting counted twice, the catalog's tags kept
    replay(site)
    assert _state(site) == before


def test_a_replay_runs_in_batches_and_pages_and_meets_every_payload_once(site: Settings, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    files = []
    for number in range(5):  # files ingested together land at the same instant: the pages must not lose a tie
        path = tmp_path / f"feed-{number}.xml"
        links = "".join(item(f"https://wire.example/{number}-{k}", f"Story {number}-{k} on the Taiwan Strait") for k in range(3))
        path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{links}</channel></rss>')
        files.append(path)
    feeds, fetches = files_as_fetches(files, site)
    load_in_batches(site, feeds, fetches, source="files")
    again = load_in_batches(site, *files_as_fetches(files, site), source="files")  # the same bodies: no new sighting
    assert again.articles_new == 0
    before = _state(site)
    assert {row[4] for row in before["sightings"]} == {1} and len(before["sightings"]) == 15
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)  # one payload a batch
    monkeypatch.setattr(pipeline, "REPLAY_PAGE", 2)
    stats = replay(site)
    assert stats.batches == 5 and stats.entries_seen == 15 and stats.articles_duplicate == 15
    assert stats.mentions_loaded == len(before["mentions"])
    assert _state(site) == before


def test_a_replay_writes_an_article_once_however_many_snapshots_held_it(site: Settings,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    FEEDS.clear()
    first = item("https://one.example/a", "Poland buys tanks") + item("https://one.example/b", "Japan launches a frigate")
    FEEDS["/one"] = first
    ingest_batch(site)
    FEEDS["/one"] = first + item("https://one.example/c", "Taiwan drills near Kinmen")  # the next snapshot repeats a, b
    ingest_batch(site)
    before = _state(site)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)  # one payload a batch (feed two's is empty): the last meets a, b again
    stats = replay(site)
    assert stats.batches == 3 and stats.entries_seen == 5
    assert stats.mentions_loaded == len(before["mentions"])  # each article's mentions written once, not a and b's twice
    assert _state(site) == before
    checked = _sql(site, "select evaluated from raw.validation_runs join raw.batches using (batch_id) "
                         "where source = 'replay' and suite = 'mentions_batch' order by started_at, finished_at")  # fmt: skip
    c_only = _sql(site, "select count(*) from raw.mentions join raw.articles using (article_id) where url like '%/c'")
    assert checked[-1] == c_only[0]  # the last batch checked c's mentions only


T0 = datetime(2026, 10, 12, 10, tzinfo=UTC)
TWO = [Feed(id=name, url=f"https://{name}.example/feed", publisher=name) for name in ("one", "two")]


def _rss(*items: str) -> bytes:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{"".join(items)}</channel></rss>'.encode()


def _landed(settings: Settings, feed_id: str, body: bytes, hours: int) -> FetchResult:
    """A body landed as if fetched from `feed_id` `hours` after T0."""
    sha = landing.land(settings.landing_dir, body)
    return FetchResult(feed_id=feed_id, url=f"https://{feed_id}.example/feed", requested_at=T0 + timedelta(hours=hours),
                       outcome="ok", sha256=sha, size=len(body), status_code=200)  # fmt: skip


TANKS, FRIGATE = "Poland buys tanks. " * 10, "Japan launches a frigate. " * 10


def _wire(settings: Settings, feed_id: str, text: str, hours: int, tail: bytes = b"") -> FetchResult:
    """A copy of one wire story (one URL, one title) with `text`, landed from `feed_id` `hours` after T0; `tail` makes
    another body of the same entry."""
    return _landed(settings, feed_id, _rss(item("https://wire.example/x", "Wire story", text)) + tail, hours)


def _stale_mentions(settings: Settings) -> None:
    """The stored mentions deleted, as if an older gazetteer had made them: a replay makes them again."""
    con = duckdb.connect(str(settings.warehouse))
    con.execute("delete from raw.mentions")
    con.close()


def _load(settings: Settings, *fetches: FetchResult, polled: bool = False) -> None:
    for fetch in fetches:  # one batch each, in order
        process_and_load(settings, TWO, [fetch], record_fetches=polled)


def _rejected(settings: Settings, *bodies: FetchResult) -> None:
    """Bodies listed as part of a batch a gate rejected, for a replay after the fix."""
    for body in bodies:
        listed = PayloadRecord(body.sha256 or "", body.feed_id, body.url, body.requested_at, None, body.size, "ok", None, 1)
        record_rejected_batch(settings, f"rejected-{body.requested_at:%H}", "fetch", [], "gate failed", [listed])


def test_a_replay_after_a_rejected_batch_leaves_the_article_at_its_last_version(
    site: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _landed(site, "one", _rss(item("https://one.example/a", "Tanks", "Poland buys tanks. " * 10)), 0)
    then = _landed(site, "one", _rss(item("https://one.example/a", "Tanks", "Japan launches a frigate. " * 10)), 1)
    _load(site, then)
    _rejected(site, first)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)
    current = "select revision, text like 'Japan%' from raw.articles join raw.article_texts using (article_id)"
    replay(site)  # the rejected body came before the stored version was first seen: a sighting only
    assert _sql(site, current) == [(1, True)]
    state = _state(site)
    replay(site)
    assert _state(site) == state


def test_a_replay_meets_a_feed_going_back_to_an_earlier_version_with_a_revision(
    site: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = {"Poland": _rss(item("https://one.example/a", "Tanks", "Poland buys tanks. " * 10)),
                "Japan": _rss(item("https://one.example/a", "Tanks", "Japan launches a frigate. " * 10))}  # fmt: skip
    first, then = _landed(site, "one", versions["Poland"], 0), _landed(site, "one", versions["Japan"], 1)
    back = _landed(site, "one", versions["Poland"] + b"\n", 2)  # another body, the same entry
    _load(site, then)
    _rejected(site, first, back)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)
    current = "select revision, text like 'Poland%' from raw.articles join raw.article_texts using (article_id)"
    replay(site)  # Poland (a sighting: before Japan was first seen), Japan, Poland again: a revision, and current
    assert _sql(site, current) == [(2, True)]
    state = _state(site)
    replay(site)
    assert _state(site) == state


def test_a_replay_goes_back_to_a_version_the_workers_were_told_was_met(site: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    poland = _rss(item("https://one.example/a", "Tanks", "Poland buys tanks. " * 10))
    japan = _rss(item("https://one.example/a", "Tanks", "Japan launches a frigate. " * 10))
    filler = _rss(item("https://two.example/z", "Fleet news", "Korea builds ships. " * 10))
    bodies = [_landed(site, feed, body, hours) for hours, (feed, body) in
              enumerate([("one", poland), ("one", japan), ("two", filler), ("one", poland + b"\n")])]  # fmt: skip
    _load(site, bodies[0], bodies[2])
    _rejected(site, bodies[1], bodies[3])  # Japan, then Poland again, from batches a gate rejected
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)
    # the last batch is handed to the workers while Poland is current, and loaded after Japan was made current
    replay(site)
    current = (
        "select revision, text like 'Poland%' from raw.articles join raw.article_texts using (article_id) where url like '%/a'"
    )
    assert _sql(site, current) == [(3, True)]
    state = _state(site)
    replay(site)
    assert _state(site) == state


def test_a_replay_batch_holding_two_versions_rewrites_the_current_one(site: Settings) -> None:
    first = _landed(site, "one", _rss(item("https://one.example/a", "Tanks", "Poland buys tanks. " * 10)), 0)
    then = _landed(site, "one", _rss(item("https://one.example/a", "Tanks", "Japan launches a frigate. " * 10)), 1)
    _load(site, first, then)
    mentions = "select entity_id, start_offset from raw.mentions order by all"
    made = _sql(site, mentions)
    _stale_mentions(site)
    stats = replay(site)  # one batch: the earlier version comes first, and is not the copy loaded
    assert stats.batches == 1 and _sql(site, mentions) == made
    assert _sql(site, "select revision, text like 'Japan%' from raw.articles join raw.article_texts using (article_id)") == [
        (2, True)
    ]


def test_a_replay_rewrites_an_article_whose_earlier_copy_was_quarantined(site: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    dated = item("https://one.example/x", "NATO in Brussels").replace("Mon, 12 Oct 2026", "Fri, 12 Oct 1979")
    fixed = item("https://one.example/x", "NATO in Brussels")
    _load(site, _landed(site, "one", _rss(dated), 0), _landed(site, "one", _rss(fixed), 1))
    x = "select count(*) from raw.mentions join raw.articles using (article_id) where url like '%/x'"
    made = _sql(site, x)
    assert made[0][0] > 0 and _sql(site, "select count(*) from raw.quarantine") != [(0,)]
    _stale_mentions(site)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)
    replay(site)  # the quarantined copy, met first, is quarantined again, and is not taken for the article loaded
    assert _sql(site, x) == made


def test_a_replay_keeps_the_copy_an_article_was_first_loaded_from(site: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    wire = "https://wire.example/x"
    copies = _rss(item(wire, "Wire story")), _rss(item(wire, "Wire story", day=13))
    _load(site, _landed(site, "one", copies[0], 0), _landed(site, "two", copies[1], 1))
    stored = "select feed_id, published_at, revision from raw.articles"
    before = _sql(site, stored)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)
    stats = replay(site)  # feed two's copy, unchanged, in a later batch: a sighting, as when it was first loaded
    assert _sql(site, stored) == before and before[0][0] == "one"
    assert stats.mentions_loaded == _sql(site, "select count(*) from raw.mentions")[0][0]


def test_a_polled_body_counts_its_sightings_even_when_the_feed_served_it_before(site: Settings) -> None:
    a = _rss(item("https://one.example/x", "Story X"))
    b = _rss(item("https://one.example/x", "Story X"), item("https://one.example/y", "Story Y"))
    _load(site, _landed(site, "one", a, 0), _landed(site, "one", b, 1), _landed(site, "one", a, 2), polled=True)
    seen = "select url, times_seen from raw.sightings join raw.articles using (article_id) order by url"
    assert _sql(site, seen) == [("https://one.example/x", 3), ("https://one.example/y", 1)]


def test_a_replay_cut_finer_than_the_first_load_drops_the_copies_that_load_dropped(
    site: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, other = _wire(site, "one", TANKS, 0), _wire(site, "two", FRIGATE, 1)
    batch = process_and_load(site, TWO, [first, other], record_fetches=False)  # one batch: its first copy wins
    assert batch.articles_duplicate == 1
    assert _sql(site, "select distinct batch_id from raw.payloads") == [(batch.batch_id,)]
    before = _state(site)
    assert [row[2] for row in before["articles"]] == [1]
    assert before["articles"][0][6] == T0 + timedelta(hours=1)  # last seen: the dropped copy was seen all the same
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)  # a batch each: feed two's copy meets the article loaded
    replay(site)  # from the same first-load batch as the current version: dropped again, not a revision
    assert _state(site) == before
    assert _sql(site, "select distinct batch_id from raw.payloads") == [(batch.batch_id,)]  # a replay keeps the first
    replay(site)
    assert _state(site) == before


def test_a_payload_keeps_the_batch_that_first_loaded_it(site: Settings) -> None:
    body = _landed(site, "one", _rss(item("https://one.example/x", "Story X")), 0)
    _rejected(site, body)  # listed by a batch a gate rejected, which loaded nothing
    assert _sql(site, "select batch_id, parse_status from raw.payloads") == [("rejected-10", "rejected")]
    process_and_load(site, TWO, [body], record_fetches=False, batch_id="loaded")  # the batch that loads it
    process_and_load(site, TWO, [body], record_fetches=False, batch_id="again")  # the same body again: loaded before
    assert _sql(site, "select batch_id, parse_status from raw.payloads") == [("loaded", "ok")]


def test_an_article_seen_twice_in_one_batch_was_last_seen_at_the_later_fetch(site: Settings) -> None:
    story = _rss(item("https://one.example/x", "Story X"))
    later = _landed(site, "one", story + b"\n", 2)  # another body of the same feed, the same entry, fetched later
    process_and_load(site, TWO, [_landed(site, "one", story, 1), later], record_fetches=False)
    hour = timedelta(hours=1)
    assert _sql(site, "select first_seen_at, last_seen_at from raw.articles") == [(T0 + hour, T0 + 2 * hour)]
    assert _sql(site, "select first_seen_at, last_seen_at, times_seen from raw.sightings") == [(T0 + hour, T0 + 2 * hour, 2)]
    landed_before = _landed(site, "one", story + b"\n\n", 0)  # fetched before both, loaded after (a recovered body)
    process_and_load(site, TWO, [landed_before], record_fetches=False)
    assert _sql(site, "select first_seen_at, last_seen_at, times_seen from raw.sightings") == [(T0, T0 + 2 * hour, 3)]


def test_a_replay_drops_a_copy_its_batch_dropped_behind_an_unchanged_one(site: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    process_and_load(site, TWO, [_wire(site, "one", TANKS, 0)], record_fetches=False)
    seen_again = _wire(site, "one", TANKS, 1, tail=b"\n")  # unchanged: a sighting
    other = _wire(site, "two", FRIGATE, 2)  # dropped behind it, not a revision
    process_and_load(site, TWO, [seen_again, other], record_fetches=False)
    before = _state(site)
    assert [row[2] for row in before["articles"]] == [1]
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)
    replay(site)
    assert _state(site) == before
    replay(site)
    assert _state(site) == before


def test_a_replay_cut_after_two_copies_takes_the_batch_of_the_later(site: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _wire(site, "one", TANKS, 0)
    process_and_load(site, TWO, [first], record_fetches=False)
    seen_again = _wire(site, "one", TANKS, 1, tail=b"\n")
    other = _wire(site, "two", FRIGATE, 2)  # dropped behind the unchanged copy
    process_and_load(site, TWO, [seen_again, other], record_fetches=False)
    before = _state(site)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", first.size + seen_again.size)  # the first two in one replay batch
    stats = replay(site)
    assert stats.batches == 2
    assert _state(site) == before


def test_a_replay_rewrites_the_copy_a_polled_batch_kept_behind_one_fetched_earlier(
    site: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, earlier = _wire(site, "one", TANKS, 2), _wire(site, "two", FRIGATE, 1)
    process_and_load(site, TWO, [kept, earlier], record_fetches=False)  # the catalog's order: feed one's copy is kept
    before = _state(site)
    assert before["texts"][0][1].startswith("Poland")
    _stale_mentions(site)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)
    replay(site)  # feed two's copy first, fetched before the article's revision: a sighting; then the copy kept
    assert _state(site) == before
