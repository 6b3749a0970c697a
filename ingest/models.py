"""Typed records passed between the pipeline stages.

Each stage takes and returns these plain dataclasses, so a stage can be run and
tested on its own: fetch -> land -> parse -> normalise -> extract -> validate -> load.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress, repeat
from operator import itemgetter
from typing import Any, NamedTuple, overload


@dataclass(frozen=True)
class Feed:
    """One catalog entry (`config/feeds.yaml`)."""

    id: str
    url: str
    publisher: str
    language: str | None = None
    tags: tuple[str, ...] = ()
    poll_minutes: int | None = None


@dataclass(frozen=True)
class Catalog:
    feeds: tuple[Feed, ...]
    allow_private_network: bool = False
    allowed_networks: tuple[str, ...] = ()  # CIDRs allowed although private (a proxy, an intranet feed)


@dataclass(frozen=True)
class Validators:
    """What the last successful fetch left: conditional-GET validators and the body's hash."""

    etag: str | None = None
    last_modified: str | None = None
    last_sha256: str | None = None


@dataclass(frozen=True)
class FeedState:
    """Per-feed polling state (`raw.feed_state`); `ingest.polling` computes the next one."""

    feed_id: str
    url: str  # current URL: a permanent redirect of the catalog URL moves it
    redirected_from: str | None = None  # the catalog URL that redirected here
    etag: str | None = None
    last_modified: str | None = None
    last_sha256: str | None = None
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    last_unconditional_at: datetime | None = None
    last_new_entry_at: datetime | None = None
    last_status_code: int | None = None
    consecutive_failures: int = 0
    failure_score: float = 0.0
    poll_interval_s: int | None = None
    next_poll_at: datetime | None = None
    last_error: str | None = None
    last_error_class: str | None = None
    status: str = "new"  # new | ok | failing | muted


@dataclass
class FetchResult:
    """One fetch attempt: always recorded in `raw.fetches`, whatever the outcome."""

    feed_id: str
    url: str
    requested_at: datetime
    outcome: str  # "ok" | "not_modified" | "unchanged" (same body hash) | "error"
    status_code: int | None = None
    duration_ms: float = 0.0
    size: int = 0  # bytes received (after decompression)
    body: bytes | None = field(default=None, repr=False)
    content_type: str | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error_class: str | None = None
    error: str | None = None
    sha256: str | None = None
    sent_validators: bool = False
    permanent_redirect: bool = False  # every redirect hop was 301 or 308
    cache_control: str | None = None
    expires: str | None = None
    retry_after: str | None = None


@dataclass
class RawEntry:
    """One feed entry as the parser saw it, before any cleaning."""

    position: int
    guid: str | None
    link: str | None
    title: str | None
    summary_html: str | None
    content_html: str | None
    published: datetime | None
    author: str | None
    published_raw: str | None = None  # the date string, when feedparser could not read it


@dataclass
class ParsedFeed:
    feed_link: str | None
    language: str | None
    entries: list[RawEntry]
    bozo: bool = False
    bozo_reason: str | None = None
    ttl: str | None = None  # RSS <ttl>, minutes
    sy_period: str | None = None  # sy:updatePeriod
    sy_frequency: str | None = None  # sy:updateFrequency
    parser: str = "feedparser"  # "fast" (ingest.fastparse) or "feedparser"
    fast_declined: str | None = None  # why the fast path handed the body to feedparser


@dataclass
class Article:
    """A normalised entry: the unit that is validated and loaded."""

    article_id: str
    feed_id: str
    url: str
    guid: str | None
    title: str
    text: str
    published_at: datetime
    date_flag: str | None  # None, "missing" (fetch time used), "future_clamped" or "zone_assumed" (UTC)
    language: str | None
    author: str | None
    content_hash: str
    story_key: str
    payload_sha256: str
    position: int
    fetched_at: datetime
    html: str = ""  # sanitised HTML (nh3), kept apart from the clean text
    language_detected: str | None = None
    entry_key: str = "url"  # how the entry was told apart in its feed (see ingest.identity)
    text_method: str = "feed"  # feed | trafilatura | robots_disallowed | fetch_error | no_extract (ingest.fulltext)


class Mention(NamedTuple):
    """One actor or topic mention, with offsets into the article's title or text.

    A named tuple, not a frozen dataclass: extraction makes about 40 per article, and a frozen
    dataclass's `__init__` cost a fifth of extraction's time.
    """

    article_id: str
    kind: str  # "actor" | "topic"
    entity_id: str
    field: str  # "title" | "body"
    start: int
    end: int
    surface: str
    salience: float = 1.0  # 1.0 in the title, 1.0 -> 0.5 through the body


def mention_columns(mentions: Sequence[Mention]) -> dict[str, list[Any]]:
    """The mentions column by column (field name -> values), for frames and Arrow tables.

    A pass per field with `itemgetter`: 4x faster than one `zip(*mentions)`, which makes an iterator per mention.
    `MentionColumns` are column by column already: their lists are given as they are (never to be changed).
    """
    if isinstance(mentions, MentionColumns):
        return dict(zip(Mention._fields, mentions.columns, strict=True))
    return {name: list(map(itemgetter(index), mentions)) for index, name in enumerate(Mention._fields)}


class MentionColumns(Sequence[Mention]):
    """Mentions kept column by column (a list per field of `Mention`, in its order), read as a sequence of Mentions.

    What the writer receives from the workers: it validates and loads mentions as columns (a frame, an Arrow
    table), and a batch of 2,000 articles has about 80,000 of them. They were made into named tuples on
    unpickling (0.11 s a batch) and back into columns twice (the suite's frame, the load); as columns, 100,000
    entries from files took 71.2 s against 74.0. A Mention is made only when one is asked for (a rejection's
    reason, a test).
    """

    __slots__ = ("columns",)

    def __init__(self, columns: Sequence[list[Any]]) -> None:
        if len(columns) != len(Mention._fields) or len({len(c) for c in columns}) > 1:
            raise ValueError(f"mention columns: {len(Mention._fields)} lists of one length expected")
        self.columns = tuple(columns)

    @classmethod
    def of(cls, parts: Iterable[Sequence[Mention]]) -> MentionColumns:
        """The mentions of every part, one after another, without making a Mention of any."""
        columns: list[list[Any]] = [[] for _ in Mention._fields]
        for part in parts:
            for into, values in zip(columns, mention_columns(part).values(), strict=True):
                into += values
        return cls(columns)

    @classmethod
    def view(cls, mentions: Sequence[Mention]) -> MentionColumns:
        """`mentions` as columns: themselves when they are `MentionColumns` already."""
        return mentions if isinstance(mentions, MentionColumns) else cls.of([mentions])

    def where(self, keep: Sequence[bool]) -> MentionColumns:
        """The mentions whose `keep` is true, in order; this one itself when all are."""
        if len(keep) != len(self):
            raise ValueError(f"{len(keep)} flags for {len(self)} mentions")
        if all(keep):
            return self
        return MentionColumns([list(compress(values, keep)) for values in self.columns])

    def __len__(self) -> int:
        return len(self.columns[0])

    @overload
    def __getitem__(self, index: int) -> Mention: ...
    @overload
    def __getitem__(self, index: slice) -> MentionColumns: ...
    def __getitem__(self, index: int | slice) -> Mention | MentionColumns:
        if isinstance(index, slice):
            return MentionColumns([values[index] for values in self.columns])
        return Mention._make(values[index] for values in self.columns)

    def __iter__(self) -> Iterator[Mention]:
        return map(tuple.__new__, repeat(Mention), zip(*self.columns, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MentionColumns):
            return self.columns == other.columns
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"MentionColumns({list(self)!r})"


@dataclass(frozen=True)
class Rejection:
    """A row that could not be loaded, with the rule it broke."""

    feed_id: str | None
    payload_sha256: str | None
    position: int | None
    article_id: str | None
    stage: str  # "parse" | "normalise" | "validate"
    rule: str
    value: str | None
    reason: str


@dataclass
class BatchStats:
    """What one micro-batch did; printed by the CLI and returned by DAG tasks."""

    batch_id: str
    feeds_total: int = 0
    feeds_ok: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    entries_seen: int = 0
    articles_new: int = 0
    articles_duplicate: int = 0
    rows_quarantined: int = 0
    mentions_loaded: int = 0
    batches: int = 1  # a large run (a folder of files) loads in several batches; see pipeline.load_in_batches

    def as_dict(self) -> dict[str, int | str]:
        return dict(self.__dict__)

    def plus(self, other: BatchStats) -> BatchStats:
        """Two batches' counts added up; the batch id is the first one's."""
        counts = {k: v + getattr(other, k) for k, v in self.__dict__.items() if k != "batch_id"}
        return BatchStats(batch_id=self.batch_id, **counts)


@dataclass
class PayloadRecord:
    """One landed body as parsed: what `raw.payloads` records (here, not in `ingest.load`, so that the workers,
    which build these, import neither DuckDB nor Arrow: 55 MB of each worker's RSS)."""

    sha256: str
    feed_id: str
    url: str | None
    received_at: datetime
    content_type: str | None
    bytes: int
    parse_status: str
    parse_error: str | None
    entries: int
