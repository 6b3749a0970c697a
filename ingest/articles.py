"""Writing articles: new ones, revisions of known ones, re-published copies, sightings, stories.

- An `article_id` seen again with the same content only moves `last_seen_at`; with a changed
  title or body it becomes a new revision (`raw.article_revisions` keeps every version) and its
  text and mentions are rewritten.
- A new URL from the same source carrying the same title and lead within 7 days is a
  re-published copy: it becomes an alias of the existing article, not a new one.
- Every feed an article was seen in is a sighting (`raw.sightings`), instead of a duplicate row.
- New articles get a `story_id` from `ingest.stories` (syndication clusters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pyarrow as pa

from ingest import stories
from ingest.models import Article
from ingest.process import stored_key
from ingest.warehouse import insert_columns as insert
from ingest.warehouse import insert_rows

if TYPE_CHECKING:
    from ingest.load import Batch

REFRESHED = ["title", "url", "published_at", "date_flag", "language", "language_detected", "author", "content_hash",
             "story_key", "revision", "entry_key", "extractor_version"]  # fmt: skip
REPUBLISH_WINDOW = timedelta(days=7)
REPUBLISH_SIMILARITY = 0.8
ARTICLE_COLUMNS = ["article_id", "feed_id", "url", "guid", "title", "published_at", "date_flag", "language",
                   "language_detected", "author", "content_hash", "story_key", "story_id", "entry_key", "revision",
                   "payload_sha256", "first_seen_at", "last_seen_at", "updated_at", "extractor_version"]  # fmt: skip


def known_articles(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """article_id -> (content_hash, revision) for the ids already stored."""
    con.register("_ids", pa.table({"article_id": pa.array(list(ids), pa.string())}))
    try:
        rows = con.execute(
            "select article_id, content_hash, coalesce(revision, 1) from raw.articles join _ids using (article_id)"
        ).fetchall()
    finally:
        con.unregister("_ids")
    return {r[0]: (r[1], r[2]) for r in rows}


# What the writer tells the workers is stored (`stored_keys`): per feed, the articles last seen in it within a week
# of its latest sighting (a snapshot of a feed repeats what its previous ones held), at most so many (8 bytes each).
STORED_WINDOW = timedelta(days=7)
STORED_PER_FEED = 5_000


def stored_keys(con: duckdb.DuckDBPyConnection, feed_ids: Sequence[str]) -> dict[str, np.ndarray]:
    """feed id -> `stored_key`s (sorted, unsigned 64-bit) of the articles stored as last seen in that feed, within
    `STORED_WINDOW` of the feed's latest sighting and the `STORED_PER_FEED` latest: what the workers need not extract
    again when they meet one unchanged in that feed. A key left out costs only its extraction; one out of date (a
    batch loaded since changed the article) costs the writer that extraction instead (`pipeline._to_write`)."""
    if not feed_ids:
        return {}
    con.register("_feeds", pa.table({"feed_id": pa.array(list(feed_ids), pa.string())}))
    try:
        rows = con.execute(
            """with latest as (
                   select feed_id, max(last_seen_at) as latest from raw.sightings join _feeds using (feed_id) group by feed_id
               ), recent as (
                   select s.feed_id, s.article_id from raw.sightings s join latest l using (feed_id)
                   where s.last_seen_at >= l.latest - $window
                   qualify row_number() over (partition by s.feed_id order by s.last_seen_at desc) <= $most
               )
               select r.feed_id, a.article_id, a.content_hash from recent r join raw.articles a using (article_id)""",
            {"window": STORED_WINDOW, "most": STORED_PER_FEED},
        ).fetchall()
    finally:
        con.unregister("_feeds")
    keys: dict[str, list[int]] = {}
    for feed_id, article_id, content_hash in rows:
        keys.setdefault(feed_id, []).append(stored_key(article_id, content_hash))
    return {feed_id: np.unique(np.array(found, dtype=np.uint64)) for feed_id, found in keys.items()}


def rewritten(articles: Sequence[Article], known: Mapping[str, tuple[str, int]], replace: bool = False,
              sightings: AbstractSet[str] = frozenset()) -> set[str]:  # fmt: skip
    """The ids whose text and mentions a load writes: new, or changed since they were stored (`known`, as
    `known_articles` gives it); when the batch replaces what is stored, every one but those that are `sightings` only
    there (`sightings_only`). A known article seen again unchanged is a sighting only: its mentions are the stored
    ones, so nothing needs extracting or checking."""
    if replace:
        return {a.article_id for a in articles} - sightings
    return {a.article_id for a in articles if a.article_id not in known or known[a.article_id][0] != a.content_hash}


def _first_seen(con: duckdb.DuckDBPyConnection, known: Mapping[str, tuple[str, int]]) -> dict[str, datetime]:
    """article_id -> when its current revision was first seen (`raw.article_revisions`), for the known ids."""
    if not known:
        return {}
    current = pa.table({"article_id": list(known), "revision": [revision for _, revision in known.values()]})
    con.register("_current", current)
    try:
        query = "select article_id, first_seen_at from raw.article_revisions join _current using (article_id, revision)"
        return dict(con.execute(query).fetchall())
    finally:
        con.unregister("_current")


def earlier_copies(con: duckdb.DuckDBPyConnection, articles: Sequence[Article], known: Mapping[str, tuple[str, int]]) -> set[str]:
    """The ids of the known articles whose copy here was fetched before their current revision was first seen. A
    replay meets an article's copies in the order they came: an earlier one, whatever its text, must not take the
    current one's place (nor make a revision again), so it is a sighting only; the copy that made the current revision
    is the one rewritten (a new revision of it when the parser now reads it otherwise), and a later version is a
    revision, as it was."""
    first_seen = _first_seen(con, {a.article_id: known[a.article_id] for a in articles if a.article_id in known})
    return {a.article_id for a in articles if a.article_id in first_seen and a.fetched_at < first_seen[a.article_id]}


def replay_choice(con: duckdb.DuckDBPyConnection, articles: list[Article]) -> set[str]:
    """Puts first, for each id a replay batch holds more than once, the copy it loads (`dedupe` keeps the first): the
    first not fetched before its current revision was first seen (`earlier_copies`), else the first. Returns the ids
    whose copy to load is not their first sighting (the workers extracted that one)."""
    copies: dict[str, list[int]] = {}
    for number, article in enumerate(articles):
        copies.setdefault(article.article_id, []).append(number)
    several = {article_id: numbers for article_id, numbers in copies.items() if len(numbers) > 1}
    if not several:
        return set()
    first_seen = _first_seen(con, known_articles(con, list(several)))
    moved = set()
    for article_id, numbers in several.items():
        since = first_seen.get(article_id)
        chosen = next((n for n in numbers if since is None or articles[n].fetched_at >= since), numbers[0])
        if chosen != numbers[0]:
            articles[numbers[0]], articles[chosen] = articles[chosen], articles[numbers[0]]
            moved.add(article_id)
    return moved


def sightings_only(con: duckdb.DuckDBPyConnection, articles: Sequence[Article], known: Mapping[str, tuple[str, int]],
                   unextracted: AbstractSet[str]) -> set[str]:  # fmt: skip
    """On a replay, the known articles a load does not rewrite: the copies fetched before the current revision was first
    seen (`earlier_copies`), and those the run loaded unchanged in an earlier batch, left out as met (`unextracted`;
    `pipeline.Met`)."""
    return earlier_copies(con, articles, known) | (unextracted & known.keys())


def _republished(con: duckdb.DuckDBPyConnection, fresh: Sequence[Article]) -> dict[str, str]:
    """new article_id -> the existing (or earlier in-batch) article it re-publishes."""
    if not fresh:
        return {}
    con.register("_new", pa.Table.from_pylist([
        {"article_id": a.article_id, "feed_id": a.feed_id, "story_key": a.story_key, "published_at": a.published_at}
        for a in fresh
    ]))  # fmt: skip
    try:
        rows = con.execute(
            """select n.article_id, a.article_id, s.signature from _new n
               join raw.articles a on a.feed_id = n.feed_id and a.story_key = n.story_key and a.article_id <> n.article_id
                   and abs(epoch(a.published_at) - epoch(n.published_at)) <= $window
               left join raw.story_signatures s on s.article_id = a.article_id""",
            {"window": REPUBLISH_WINDOW.total_seconds()},
        ).fetchall()
    finally:
        con.unregister("_new")
    by_id = {a.article_id: a for a in fresh}
    mapping: dict[str, str] = {}
    for new_id, old_id, sig in rows:
        article = by_id[new_id]
        if sig is None or stories.similarity(stories.signature(article.title, article.text), sig) >= REPUBLISH_SIMILARITY:
            mapping.setdefault(new_id, old_id)
    first: dict[tuple[str, str], Article] = {}
    for article in sorted(fresh, key=lambda a: a.published_at):
        if article.article_id in mapping:
            continue
        earlier = first.setdefault((article.feed_id, article.story_key), article)
        if (
            earlier is not article
            and article.published_at - earlier.published_at <= REPUBLISH_WINDOW
            and stories.similarity(stories.signature(article.title, article.text), stories.signature(earlier.title, earlier.text))
            >= REPUBLISH_SIMILARITY
        ):
            mapping[article.article_id] = earlier.article_id
    return mapping


def _columns(articles: Sequence[Article], columns: Sequence[str], *, revisions: Sequence[int] = (),
             story_of: dict[str, str] | None = None, now: datetime | None = None, version: str = "",
             last_seen: Mapping[str, datetime] | None = None) -> dict[str, list[Any]]:  # fmt: skip
    """The batch's articles as columns for `columns`: fields read straight off the objects (no per-row dict, no
    deep copy), plus the derived ones (story, revision, first seen = fetched, last seen = the latest fetch of any of
    the batch's copies (`last_seen`), updated now, extractor version)."""
    n = len(articles)
    out: dict[str, list[Any]] = {}
    for c in columns:
        if c == "story_id":
            out[c] = [(story_of or {}).get(a.article_id) for a in articles]
        elif c == "revision":
            out[c] = list(revisions)
        elif c == "first_seen_at":
            out[c] = [a.fetched_at for a in articles]
        elif c == "last_seen_at":
            out[c] = [(last_seen or {}).get(a.article_id, a.fetched_at) for a in articles]
        elif c == "updated_at":
            out[c] = [now] * n
        elif c == "extractor_version":
            out[c] = [version] * n
        else:
            out[c] = [getattr(a, c) for a in articles]
    return out


REVISION_COLUMNS = ["article_id", "revision", "content_hash", "title", "text", "first_seen_at", "payload_sha256"]


def write_articles(con: duckdb.DuckDBPyConnection, batch: Batch, now: datetime) -> set[str]:
    """Everything about the batch's articles; returns the ids whose text and mentions are (re)written."""
    version = batch.gazetteer.version
    counts = batch.rows_written
    known = known_articles(con, [a.article_id for a in batch.articles])
    seen_only = sightings_only(con, batch.articles, known, batch.unextracted) if batch.replace else set()
    fresh = [a for a in batch.articles if a.article_id not in known]
    aliases = _republished(con, fresh)
    fresh = [a for a in fresh if a.article_id not in aliases]
    story_of = stories.assign_stories(con, fresh, set(known), counts, batch.signatures)
    changed = {a.article_id for a in batch.articles if a.article_id in known and known[a.article_id][0] != a.content_hash}
    changed -= seen_only
    changed_articles = [a for a in batch.articles if a.article_id in changed]
    same = [a for a in batch.articles if a.article_id in known and a.article_id not in changed]

    last_seen = _last_seen(batch)

    def cols(articles: Sequence[Article], revisions: Sequence[int], columns: Sequence[str]) -> dict[str, list[Any]]:
        return _columns(articles, columns, revisions=revisions, story_of=story_of, now=now, version=version,
                        last_seen=last_seen)  # fmt: skip

    counts["raw.articles"] += insert(con, "raw.articles", cols(fresh, [1] * len(fresh), ARTICLE_COLUMNS))
    changed_revisions = [known[a.article_id][1] + 1 for a in changed_articles]
    revisions = [*fresh, *changed_articles], [1] * len(fresh) + changed_revisions
    refreshed, touched = (changed_articles, changed_revisions), (same, [known[a.article_id][1] for a in same])
    if batch.replace:  # rewritten in place, all but the copies fetched before the current one and those met: sightings
        current = [a for a in same if a.article_id not in seen_only]
        earlier = [a for a in same if a.article_id in seen_only]
        refreshed = (changed_articles + current, changed_revisions + [known[a.article_id][1] for a in current])
        touched = (earlier, [known[a.article_id][1] for a in earlier])
    seen = "last_seen_at = greatest(raw.articles.last_seen_at, excluded.last_seen_at), updated_at = excluded.updated_at"
    columns = [c for c in ARTICLE_COLUMNS if c != "story_id"]
    counts["raw.articles"] += insert(con, "raw.articles", cols(*touched, columns),
                                     f"on conflict (article_id) do update set {seen}")  # fmt: skip
    assignments = ", ".join(f"{c} = excluded.{c}" for c in REFRESHED)
    counts["raw.articles"] += insert(con, "raw.articles", cols(*refreshed, columns),
                                     f"on conflict (article_id) do update set {assignments}, {seen}")  # fmt: skip
    counts["raw.article_revisions"] += insert(con, "raw.article_revisions", cols(*revisions, REVISION_COLUMNS),
                                              "on conflict do nothing")  # fmt: skip
    written = rewritten(batch.articles, known, batch.replace, seen_only) - set(aliases)
    texts = [a for a in batch.articles if a.article_id in written]
    counts["raw.article_texts"] += insert(
        con, "raw.article_texts", _columns(texts, ["article_id", "text", "html", "text_method"]),
        "on conflict (article_id) do update set text = excluded.text, html = excluded.html, text_method = excluded.text_method",
    )  # fmt: skip
    _aliases_and_sightings(con, batch, aliases, now)
    batch.stats.articles_new = len(fresh)
    batch.stats.articles_duplicate += len(known) + len(aliases)
    return written


def _last_seen(batch: Batch) -> dict[str, datetime]:
    """The latest fetch of each of the batch's articles, over every copy of it (`dedupe` kept the first): a copy from
    a later fetch, in the batch, of an article the batch holds was seen, as its sighting says."""
    loaded = {a.article_id for a in batch.articles}
    latest: dict[str, datetime] = {}
    for article in batch.all_articles:
        if article.article_id in loaded:
            latest[article.article_id] = max(latest.get(article.article_id, article.fetched_at), article.fetched_at)
    return latest


def _aliases_and_sightings(con: duckdb.DuckDBPyConnection, batch: Batch, aliases: dict[str, str], now: datetime) -> None:
    by_id = {a.article_id: a for a in batch.articles}
    alias_rows: list[dict[str, object]] = [
        {"url": by_id[new].url, "article_id": old, "feed_id": by_id[new].feed_id, "first_seen_at": by_id[new].fetched_at}
        for new, old in aliases.items()
    ]
    batch.rows_written["raw.article_aliases"] += insert_rows(con, "raw.article_aliases", alias_rows,
                                                             ["url", "article_id", "feed_id", "first_seen_at"],
                                                             "on conflict do nothing")  # fmt: skip
    # a payload loaded before (a replay, a folder ingested again) was counted then: it makes a missing row, counts no more
    fresh: dict[tuple[str, str], dict[str, Any]] = {}
    again: dict[tuple[str, str], dict[str, Any]] = {}
    for article in batch.all_articles or batch.articles:
        if article.article_id not in by_id:
            continue  # quarantined: not an article (yet)
        key = (aliases.get(article.article_id, article.article_id), article.feed_id)
        seen = again if (article.payload_sha256, article.feed_id) in batch.loaded_before else fresh
        entry = seen.setdefault(key, {"article_id": key[0], "feed_id": key[1], "first_seen_at": article.fetched_at,
                                      "last_seen_at": article.fetched_at, "times_seen": 0})  # fmt: skip
        entry["times_seen"] += 1
        entry["first_seen_at"] = min(entry["first_seen_at"], article.fetched_at)
        entry["last_seen_at"] = max(entry["last_seen_at"], article.fetched_at)
    # the first and last sighting, whatever order the bodies are loaded in (one landed earlier, recovered later)
    last_seen = ("first_seen_at = least(raw.sightings.first_seen_at, excluded.first_seen_at), "
                 "last_seen_at = greatest(raw.sightings.last_seen_at, excluded.last_seen_at)")  # fmt: skip
    for rows, counted in ((fresh, ", times_seen = raw.sightings.times_seen + excluded.times_seen"), (again, "")):
        batch.rows_written["raw.sightings"] += insert_rows(
            con, "raw.sightings", list(rows.values()), ["article_id", "feed_id", "first_seen_at", "last_seen_at", "times_seen"],
            f"on conflict (article_id, feed_id) do update set {last_seen}{counted}",
        )  # fmt: skip
