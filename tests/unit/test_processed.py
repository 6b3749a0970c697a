"""Merging the parts the workers send back: the first sighting of an article decides, even one left out as stored."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from ingest.extract import extract, load_gazetteer
from ingest.models import Article
from ingest.process import Processed, extract_new, is_stored, stored_key

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def _article(feed_id: str, title: str) -> Article:
    return Article(article_id="a1", feed_id=feed_id, url="https://a.example/1", guid=None, title=title,
                   text="NATO and Poland met in Warsaw.", published_at=NOW, date_flag=None, language="en", author=None,
                   content_hash=f"hash of {title}", story_key="s1", payload_sha256="p1", position=0, fetched_at=NOW)  # fmt: skip


def _part(article: Article, stored: dict[str, np.ndarray] | None) -> Processed:
    part = Processed(articles=[article])
    extract_new(part, load_gazetteer(), 0, stored)
    return part


def test_a_later_sighting_never_stands_in_for_a_first_left_out_as_stored() -> None:
    first, later = _article("one", "NATO meets"), _article("two", "NATO meets in Poland")
    stored = {"one": np.array([stored_key(first.article_id, first.content_hash)], np.uint64)}
    skipped, extracted = _part(first, stored), _part(later, stored)  # two tasks: the second knows nothing of the first
    assert skipped.unextracted == {"a1"} and not skipped.extracted
    assert set(extracted.extracted) == set(extracted.signatures) == {"a1"} and not extracted.unextracted
    merged = Processed()
    merged.add(skipped)
    merged.add(extracted)
    assert merged.unextracted == {"a1"} and not merged.extracted and not merged.signatures
    # the other way round the first sighting was extracted, and a later one left out changes nothing
    merged = Processed()
    merged.add(_part(later, None))
    merged.add(_part(first, stored))
    assert set(merged.extracted) == {"a1"} and not merged.unextracted
    assert merged.extracted["a1"] == extract(load_gazetteer(), "a1", later.title, later.text)


def test_an_article_is_stored_only_with_its_own_text_and_from_its_own_feed() -> None:
    article = _article("one", "NATO meets")
    key = stored_key(article.article_id, article.content_hash)
    others = sorted({key ^ 1, key ^ 2, 1, 2**64 - 1})
    assert is_stored(article, {"one": np.array(sorted([*others, key]), np.uint64)})
    assert not is_stored(article, {"one": np.array(others, np.uint64)})
    assert not is_stored(article, {"two": np.array([key], np.uint64)})
    assert not is_stored(article, {"one": np.array([], np.uint64)})
