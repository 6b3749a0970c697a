"""What a replay has met (`pipeline.Met`): only the version its batches left current is a sighting, in any feed."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime

import numpy as np

from ingest.models import Article, Feed
from ingest.parallel import PayloadJob
from ingest.pipeline import Met, Origins
from ingest.process import Processed, dedupe, is_stored, stored_key

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
ARTICLE = Article(article_id="a", feed_id="one", url="https://a.example/1", guid=None, title="NATO meets", text="NATO met.",
                  published_at=NOW, date_flag=None, language="en", author=None, content_hash="v1", story_key="s",
                  payload_sha256="p", position=0, fetched_at=NOW)  # fmt: skip


def _copy(article_id: str, version: str, feed_id: str = "one") -> Article:
    return dataclasses.replace(ARTICLE, article_id=article_id, content_hash=version, feed_id=feed_id)


def _left_out(met: Met, *articles: Article, origins: Origins | None = None) -> set[str]:
    processed = Processed(articles=list(articles), extracted={a.article_id: None for a in articles})  # type: ignore[misc]
    dedupe(processed)  # as the writer does first: one copy an id, its first
    met.leave_out(processed, origins or {})
    assert not processed.unextracted & processed.extracted.keys()  # what is left out carries no extraction
    return processed.unextracted


def test_a_copy_of_the_current_version_is_left_out_in_any_feed_and_an_earlier_one_is_not() -> None:
    met = Met()
    met.add([_copy("a", "v1"), _copy("b", "v1")], {})
    assert _left_out(met, _copy("a", "v1", "two"), _copy("b", "v2"), _copy("c", "v1")) == {"a"}
    met.add([_copy("a", "v2")], {})  # a's next version: the first is no longer current, and a feed going back to it is news
    assert _left_out(met, _copy("a", "v1")) == set()
    assert _left_out(met, _copy("a", "v2"), _copy("a", "v1")) == {"a"}  # the batch loads its first copy of a


def test_the_workers_are_told_every_current_version_for_each_feed() -> None:
    met = Met()
    assert met.for_feeds([]) == {}
    met.add([_copy("a", "v1"), _copy("b", "v1")], {})
    met.add([_copy("a", "v2")], {})
    job = PayloadJob("sha", Feed(id="two", url="https://two.example", publisher="Two"), NOW, None, None)
    stored = met.for_feeds([job])
    assert set(stored) == {"two"}
    assert stored["two"].tolist() == sorted([stored_key("a", "v2"), stored_key("b", "v1")])
    assert is_stored(_copy("b", "v1", "two"), stored) and not is_stored(_copy("a", "v1", "two"), stored)


def test_ids_added_in_any_order_stay_sorted_beside_their_versions() -> None:
    met, versions = Met(), dict[str, str]()
    rng = random.Random(20261128)
    for _ in range(20):
        batch = {f"id-{rng.randrange(300)}": f"v{rng.randrange(3)}" for _ in range(40)}
        met.add([_copy(article_id, version) for article_id, version in batch.items()], {})
        versions.update(batch)
    assert bool(np.all(met.ids[1:] > met.ids[:-1])) and len(met.ids) == len(versions) == len(met.current)
    assert _left_out(met, *[_copy(i, v) for i, v in versions.items()]) == set(versions)
    assert _left_out(met, *[_copy(i, v + "'") for i, v in versions.items()]) == set()


def test_a_copy_from_the_batch_the_current_version_came_from_is_left_out_whatever_its_version() -> None:
    """That batch kept its first copy of the article and dropped the rest: a replay cutting elsewhere drops them too."""
    met = Met()
    first, other = _copy("a", "v1"), dataclasses.replace(_copy("a", "v2", "two"), payload_sha256="q")
    origins = {("p", "one"): "batch-1", ("q", "two"): "batch-1"}
    met.add([first], origins)
    assert _left_out(met, other, origins=origins) == {"a"}
    assert _left_out(met, other, origins={("q", "two"): "batch-2"}) == set()  # a later batch's: a revision
    assert _left_out(met, other) == set()  # a batch not known (loaded before batches were kept): a revision
    met.add([first], {})  # the current version's batch not known: nothing is taken for it
    assert _left_out(met, other, origins={("q", "two"): ""}) == set()


def test_a_copy_met_but_not_written_takes_its_batchs_place_once_a_version_is_current() -> None:
    """A batch that loaded an unchanged copy first dropped a changed one behind it: so does the replay. Before the run
    has written the article, a copy met is one fetched before its current revision: it may be the copy a polled batch
    dropped (met first, fetched first), so the batch's next copy is not left out for it."""
    met = Met()
    seen, behind = _copy("a", "v1"), dataclasses.replace(_copy("a", "v2", "two"), payload_sha256="q")
    origins = {("p", "one"): "batch-2", ("q", "two"): "batch-2"}
    met.add([seen], origins, written=set())  # an earlier copy, a sighting only: met, not written
    assert met.for_feeds([PayloadJob("p", Feed(id="one", url="u", publisher="One"), NOW, None, None)]) == {}
    assert _left_out(met, behind, origins=origins) == set()
    met.add([_copy("a", "v1")], {("p", "one"): "batch-1"}, written={"a"})  # written: v1 current, from batch-1
    met.add([seen], origins, written=set())  # v1 again, from batch-2: a sighting, the last copy met
    assert _left_out(met, behind, origins=origins) == {"a"}
    assert _left_out(met, behind) == set()  # from no known batch: a revision


def test_the_batch_met_last_is_that_of_the_last_copy_in_the_batch_not_of_the_one_kept() -> None:
    met = Met()
    kept, again = _copy("a", "v1"), dataclasses.replace(_copy("a", "v1"), payload_sha256="r")
    behind = dataclasses.replace(_copy("a", "v2", "two"), payload_sha256="q")
    origins = {("p", "one"): "batch-1", ("r", "one"): "batch-2", ("q", "two"): "batch-2"}
    met.add([kept], origins, written={"a"}, last=[again])  # the replay batch held both; `dedupe` kept the first
    assert _left_out(met, behind, origins=origins) == {"a"}
