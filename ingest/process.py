"""Parse, normalise and extract landed bodies into articles, recording every rejection.

Pure over bytes: no network, no warehouse. Per feed it also keeps what the poller
wants to know (the publisher's `ttl`, a parse error). `ingest.parallel` runs
`process_payload` on every core and merges the parts in order with `Processed.add`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ingest.extract import ExtractionResult, Gazetteer, extract
from ingest.identity import NoIdentity, assign
from ingest.models import Article, Feed, PayloadRecord, Rejection
from ingest.normalize import base_for, normalise_entry
from ingest.parse import ParseError, parse_feed
from ingest.polling import Observation, feed_ttl_s
from ingest.shingles import shingle_hashes


@dataclass
class Processed:
    payloads: list[PayloadRecord] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    observations: dict[str, Observation] = field(default_factory=dict)
    entries_seen: int = 0
    in_batch_duplicates: int = 0
    extracted: dict[str, ExtractionResult] = field(default_factory=dict)  # first sighting of each article id
    shingles: dict[str, bytes] = field(default_factory=dict)  # its `shingle_hashes`, beside its extraction
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
        for article_id, result in part.extracted.items():
            self.extracted.setdefault(article_id, result)
        for article_id, hashes in part.shingles.items():
            self.shingles.setdefault(article_id, hashes)
        for feed_id, changes in part.updates:
            self.observe(feed_id, **changes)


def _reject(feed_id: str, sha: str, position: int | None, stage: str, rule: str, reason: str) -> Rejection:
    return Rejection(feed_id, sha, position, None, stage, rule, None, reason)


def process_payload(body: bytes, sha: str, feed: Feed, fetched_at: datetime, response_url: str | None,
                    content_type: str | None, out: Processed, gaz: Gazetteer | None = None) -> None:  # fmt: skip
    """Parse and normalise one landed body, appending to `out`; never raises for bad input.

    With a gazetteer, each article's mentions are extracted too (`out.extracted`), where the work is spread.
    """
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
        if gaz is not None and article.article_id not in out.extracted:
            out.extracted[article.article_id] = extract(gaz, article.article_id, article.title, article.text)
            out.shingles[article.article_id] = shingle_hashes(article.title, article.text)


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
