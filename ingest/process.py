"""Parse, normalise and extract landed bodies into articles, recording every rejection.

Pure over bytes: no network, no warehouse. Per feed it also keeps what the poller
wants to know (the publisher's `ttl`, a parse error). `ingest.parallel` runs
`process_payload` on every core and merges the parts in order with `Processed.add`.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

import numpy as np

from ingest.extract import ExtractionResult, Gazetteer, extract
from ingest.identity import NoIdentity, assign
from ingest.models import Article, Feed, PayloadRecord, Rejection
from ingest.normalize import base_for, normalise_entry
from ingest.parse import ParseError, parse_feed
from ingest.polling import Observation, feed_ttl_s
from ingest.recent import Recent
from ingest.shingles import Signature, shingle_hashes, story_signatures

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    """`function` run with Python's cyclic garbage collector off (as it was, when already off).

    A batch makes millions of objects that live until its load ends (the articles' mentions, the
    frames GX checks), and the collector kept walking them: about a tenth of the writer's CPU time
    on 10,000 entries (8.55 -> 7.54 s, three runs each). Reference counting frees the batch's
    objects as before; only reference cycles wait for the collector, after the batch. The workers
    run each of their tasks (`ingest.parallel`) this way too.
    """

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@dataclass
class Processed:
    payloads: list[PayloadRecord] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    observations: dict[str, Observation] = field(default_factory=dict)
    entries_seen: int = 0
    in_batch_duplicates: int = 0
    extracted: dict[str, ExtractionResult] = field(default_factory=dict)  # first sighting of each article id
    signatures: dict[str, Signature] = field(default_factory=dict)  # its `story_signatures`, beside its extraction
    unextracted: set[str] = field(default_factory=set)  # ids whose first sighting the warehouse holds unchanged
    updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # what changed in `observations`, in order

    def observe(self, feed_id: str, **changes: Any) -> None:
        self.observations[feed_id] = replace(self.observations.get(feed_id, Observation()), **changes)
        self.updates.append((feed_id, changes))

    def add(self, part: Processed) -> None:
        """Append a part processed elsewhere (another process), as if it had been processed here, after the rest."""
        self.payloads += part.payloads
        self.articles += part.articles
        self.rejections += part.rejections
        self.entries_seen += part.entries_seen
        # the first sighting's extraction, or none when it was left out as stored: never a later sighting's
        for article_id, result in part.extracted.items():
            if article_id not in self.unextracted:
                self.extracted.setdefault(article_id, result)
        for article_id, signature in part.signatures.items():
            if article_id not in self.unextracted:
                self.signatures.setdefault(article_id, signature)
        self.unextracted |= part.unextracted - self.extracted.keys()
        for feed_id, changes in part.updates:
            self.observe(feed_id, **changes)


def _reject(feed_id: str, sha: str, position: int | None, stage: str, rule: str, reason: str) -> Rejection:
    return Rejection(feed_id, sha, position, None, stage, rule, None, reason)


def process_payload(body: bytes, sha: str, feed: Feed, fetched_at: datetime, response_url: str | None,
                    content_type: str | None, out: Processed, gaz: Gazetteer | None = None) -> None:  # fmt: skip
    """Parse and normalise one landed body, appending to `out`; never raises for bad input.

    With a gazetteer, each new article's mentions are extracted too (`extract_new`), where the work is spread.
    """
    first = len(out.articles)
    _normalise_payload(body, sha, feed, fetched_at, response_url, content_type, out)
    if gaz is not None:
        extract_new(out, gaz, first)


def stored_key(article_id: str, content_hash: str) -> int:
    """An article as stored, in 8 bytes: its id and content. The writer sends the workers those of the articles
    already stored (`ingest.articles.stored_keys`), and an article seen again unchanged is not extracted again."""
    return int.from_bytes(hashlib.blake2b(f"{article_id}\x1f{content_hash}".encode(), digest_size=8).digest(), "big")


def is_stored(article: Article, stored: Mapping[str, np.ndarray]) -> bool:
    """Whether the article, as parsed, is among those stored from its feed (`stored`: feed id -> sorted keys)."""
    keys = stored.get(article.feed_id)
    if keys is None or not len(keys):
        return False
    key = np.uint64(stored_key(article.article_id, article.content_hash))
    at = int(np.searchsorted(keys, key))
    return at < len(keys) and bool(keys[at] == key)


# what extraction reads: the gazetteer (its version, a hash of its files and rules), the id, title and text
ExtractionKey = tuple[str, str, str, str]
Extracted = tuple[ExtractionResult, Signature]


def _kept_size(key: ExtractionKey, made: Extracted) -> int:
    """About what Python holds for it: 250 bytes a mention (a tuple of eight, its surface, salience and offsets; the
    id, kind and field strings are shared), each quote and name, the signature's array and band keys, and the key's
    title and text (counted, though the articles or `normalize.CLEANED` often hold the same strings)."""
    result, (hashes, bands) = made
    return (250 * len(result.mentions) + sum(sys.getsizeof(q.text) + 250 for q in result.quotes)
            + sum(map(sys.getsizeof, result.candidates)) + hashes.nbytes + 64 * len(bands)
            + sys.getsizeof(key[2]) + sys.getsizeof(key[3]) + 600)  # fmt: skip


# Extractions (and story signatures) a process keeps, by gazetteer, id and text (`ingest.recent`): a worker that meets
# an article again in a later task, before the warehouse holds it (the workers run two batches ahead of the loads), is
# given its first extraction. About 1,000 articles of 40 mentions.
EXTRACTED_BYTES = 16 * 1024 * 1024
EXTRACTED: Recent[ExtractionKey, Extracted] = Recent(EXTRACTED_BYTES, _kept_size)


def extract_new(out: Processed, gaz: Gazetteer, first: int = 0, stored: Mapping[str, np.ndarray] | None = None,
                recent: Recent[ExtractionKey, Extracted] | None = EXTRACTED) -> None:  # fmt: skip
    """Extract mentions and story signatures for `out.articles[first:]` not seen before (the first sighting wins),
    but for those stored unchanged from their feed (`is_stored`): their mentions and story are the stored ones, and
    the writer loads neither again (`ingest.articles.rewritten`; it extracts one itself should the warehouse have
    changed since). An article this process extracted lately from the same text (a copy in another pool task,
    `EXTRACTED`) is given that extraction and signature again.

    Stage by stage over the whole run of articles, not article by article: each stage's tables (the
    automaton, the shingle hashing) stay in the CPU's caches through the run instead of evicting each
    other at every article. On 10,000 generated entries extraction took 0.80 s this way against 1.41 s
    interleaved with normalising, and normalising 1.39 s against 1.80 s.
    """
    fresh, seen = [], set(out.extracted) | out.unextracted
    for article in out.articles[first:]:
        if article.article_id not in seen:  # each id once, at its first sighting
            seen.add(article.article_id)
            if stored and is_stored(article, stored):
                out.unextracted.add(article.article_id)
            else:
                fresh.append(article)
    keys = [(gaz.version, article.article_id, article.title, article.text) for article in fresh]
    made = [recent.get(key) if recent is not None else None for key in keys]
    todo = [article for article, found in zip(fresh, made, strict=True) if found is None]
    results = [extract(gaz, article.article_id, article.title, article.text) for article in todo]
    signatures = story_signatures([shingle_hashes(article.title, article.text) for article in todo])
    new = iter(zip(results, signatures, strict=True))
    for article, key, found in zip(fresh, keys, made, strict=True):
        if found is None:
            found = next(new)
            if recent is not None:
                found = _keepable(found)
                recent.put(key, found)
        out.extracted[article.article_id], out.signatures[article.article_id] = found


def _keepable(made: Extracted) -> Extracted:
    """`made` with its signature's hashes copied out of the task's array (a row of it: kept as it is, it would keep
    the whole task's array alive) and read-only, since the same array is given again to later tasks."""
    result, (hashes, bands) = made
    own = np.array(hashes, copy=True)
    own.flags.writeable = False
    return result, (own, bands)


def _normalise_payload(body: bytes, sha: str, feed: Feed, fetched_at: datetime, response_url: str | None,
                       content_type: str | None, out: Processed) -> None:  # fmt: skip
    record = PayloadRecord(sha, feed.id, response_url, fetched_at, content_type, len(body), "ok", None, 0)
    out.payloads.append(record)
    try:
        parsed = parse_feed(body, content_type)
    except ParseError as exc:
        record.parse_status, record.parse_error = "error", str(exc)
        out.rejections.append(_reject(feed.id, sha, None, "parse", "parse_feed", str(exc)))
        out.observe(feed.id, parse_error=str(exc))
        return
    out.observe(feed.id, ttl_s=feed_ttl_s(parsed.ttl, parsed.sy_period, parsed.sy_frequency))
    record.entries = len(parsed.entries)
    if parsed.bozo:
        record.parse_status, record.parse_error = "bozo", parsed.bozo_reason
        broken = _broken(parsed.bozo_reason)
        if broken:
            # what was recovered still loads, but a cut-off or hostile body is a failed poll for the feed
            record.parse_status = broken
            out.observe(feed.id, parse_error=f"{broken} body: {parsed.bozo_reason}")
    language = feed.language or parsed.language
    identities = assign(parsed.entries, feed.id, base_for(parsed, response_url))
    for entry, identity in zip(parsed.entries, identities, strict=True):
        out.entries_seen += 1
        if isinstance(identity, NoIdentity):
            out.rejections.append(_reject(feed.id, sha, entry.position, "normalise", "identity", str(identity)))
            continue
        article = normalise_entry(entry, identity, feed_id=feed.id, language=language, payload_sha256=sha,
                                  fetched_at=fetched_at)  # fmt: skip
        out.articles.append(article)


def _broken(reason: str | None) -> str | None:
    """`truncated` or `hostile` from expat's words, else None (an ordinary, recoverable bozo)."""
    text = (reason or "").lower()
    if "no element found" in text or "unclosed token" in text:
        return "truncated"  # the document stops before its root element closes
    if "amplification" in text or "entity" in text and "limit" in text:
        return "hostile"  # entity expansion refused (billion laughs)
    return None


def dedupe(processed: Processed) -> list[Article]:
    """One article per id in a batch (the same story in two feeds); the first sighting wins.

    Returns every article before the cut, for the per-feed share of new entries.
    """
    everything = processed.articles
    first: dict[str, Article] = {}
    for article in everything:
        first.setdefault(article.article_id, article)
    processed.in_batch_duplicates = len(everything) - len(first)
    processed.articles = list(first.values())
    return everything
