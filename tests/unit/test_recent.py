"""What a process keeps of what it cleaned and extracted (`ingest.recent`): bounded, least recently used first, and
given again only for the same input. A copy met again is normalised and extracted as if it had been the first."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.extract import Gazetteer, extract, load_gazetteer
from ingest.identity import NoIdentity, assign
from ingest.models import Article
from ingest.normalize import Cleaned, CleanedKey, base_for, clean_entry, cleaned, normalise_entry
from ingest.parse import ParseError, parse_feed
from ingest.process import Extracted, ExtractionKey, Processed, extract_new
from ingest.recent import Recent
from ingest.shingles import shingle_hashes, story_signatures
from tests.conftest import FIXTURES, SAMPLES

NOW = datetime(2026, 11, 28, 9, tzinfo=UTC)


def test_recent_keeps_at_most_its_budget_and_gives_up_the_least_recently_used_first() -> None:
    recent: Recent[str, str] = Recent(10, lambda _, value: len(value))
    recent.put("a", "aaaa")
    recent.put("b", "bbbb")
    assert recent.get("a") == "aaaa"  # "a" is now the more recent of the two
    recent.put("c", "cccc")  # 12 bytes: "b" goes
    assert recent.get("b") is None and recent.get("a") == "aaaa" and recent.get("c") == "cccc"
    assert recent.size == 8 and len(recent) == 2
    recent.put("a", "a")  # replaced: its size with it
    assert recent.size == 5
    recent.put("big", "x" * 11)  # larger than the whole budget: made, not kept, and nothing given up for it
    assert recent.get("big") is None and len(recent) == 2
    assert (recent.hits, recent.misses) == (3, 2)
    recent.clear()
    assert (len(recent), recent.size, recent.hits, recent.misses) == (0, 0, 0, 0)


def _feeds() -> list[Path]:
    return sorted([*SAMPLES.glob("*.xml"), *FIXTURES.rglob("*.xml")])


def _normalised(recent: Recent[CleanedKey, Cleaned] | None, hint: str | None = None) -> list[Article]:
    out = []
    for path in _feeds():
        try:
            parsed = parse_feed(path.read_bytes())
        except ParseError:
            continue
        for entry, identity in zip(parsed.entries, assign(parsed.entries, "f", base_for(parsed, None)), strict=True):
            if not isinstance(identity, NoIdentity):
                out.append(normalise_entry(entry, identity, feed_id="f", language=hint or parsed.language,
                                           payload_sha256="p", fetched_at=NOW, recent=recent))  # fmt: skip
    return out


def test_every_fixture_entry_is_normalised_the_same_whether_cleaned_anew_or_given_again() -> None:
    recent: Recent[CleanedKey, Cleaned] = Recent(64 * 1024 * 1024, lambda *_: 1)
    alone = _normalised(None)
    first, again = _normalised(recent), _normalised(recent)
    assert len(alone) > 100 and first == alone and again == alone
    assert recent.misses == len(recent) and recent.hits >= len(alone)  # the second pass took every entry as kept
    pairs = [(a, b) for a, b in zip(first, again, strict=True) if a.text]
    assert pairs and all(a.text is b.text and a.html is b.html for a, b in pairs)  # given again, not made again
    # another language hint is another input: cleaned anew, as cleaning it alone gives
    assert _normalised(recent, hint="fr") == _normalised(None, hint="fr")


def test_only_the_same_title_body_and_hint_are_given_again() -> None:
    recent: Recent[CleanedKey, Cleaned] = Recent(1024 * 1024, lambda *_: 1)
    french = "<p>Le ministre de la Défense a présenté le budget des armées pour la période de programmation militaire.</p>"
    cases = [("ab", "c", None), ("a", "bc", None), (None, "c", None), ("", "c", None), ("ab", "c", "en"),
             ("NATO", french, "en"), ("NATO", french, None), ("NATO", french, "fr")]  # fmt: skip
    for title, body, hint in cases:
        assert cleaned(title, body, hint, recent) == clean_entry(title, body, hint)
    assert recent.misses == len(cases) and not recent.hits
    assert clean_entry("NATO", french, "en").language == "fr"  # the hint loses to clear French...
    assert clean_entry("NATO", french, None).language_detected == "fr"
    assert cleaned("NATO", french, "fr", recent) is cleaned("NATO", french, "fr", recent)


def _article(title: str, text: str, content_hash: str = "h") -> Article:
    return Article(article_id="a1", feed_id="f", url="https://a.example/1", guid=None, title=title, text=text,
                   published_at=NOW, date_flag=None, language="en", author=None, content_hash=content_hash,
                   story_key="s", payload_sha256="p", position=0, fetched_at=NOW)  # fmt: skip


def _extracted(article: Article, recent: Recent[ExtractionKey, Extracted] | None, gaz: Gazetteer | None = None) -> Processed:
    part = Processed(articles=[article])
    extract_new(part, gaz or load_gazetteer(), 0, None, recent)
    return part


def test_an_article_met_again_in_another_task_is_given_its_first_extraction() -> None:
    recent: Recent[ExtractionKey, Extracted] = Recent(16 * 1024 * 1024, lambda *_: 1)
    gaz = load_gazetteer()
    article = _article("Xi Jinping meets Putin", "NATO's Mark Rutte warned Beijing over Taiwan. Poland agreed.")
    first, again = _extracted(article, recent), _extracted(article, recent)
    assert (recent.misses, recent.hits) == (1, 1)
    assert again.extracted["a1"] is first.extracted["a1"] and again.signatures["a1"] is first.signatures["a1"]
    assert first.extracted["a1"] == extract(gaz, "a1", article.title, article.text)
    (expected,) = story_signatures([shingle_hashes(article.title, article.text)])
    assert (first.signatures["a1"][0] == expected[0]).all() and first.signatures["a1"][1] == expected[1]


def test_an_extraction_is_given_again_only_for_the_same_text_and_gazetteer() -> None:
    recent: Recent[ExtractionKey, Extracted] = Recent(16 * 1024 * 1024, lambda *_: 1)
    gaz = load_gazetteer()
    article = _article("Xi Jinping meets Putin", "Taiwan and Japan.")
    _extracted(article, recent)
    # the same id and content hash (as a hand-made article may carry) with other text: extracted anew
    changed = dataclasses.replace(article, text="Poland and Iran.")
    assert _extracted(changed, recent).extracted["a1"] == extract(gaz, "a1", changed.title, changed.text)
    other = dataclasses.replace(gaz, version="gaz-another")  # another gazetteer: extracted anew
    _extracted(article, recent, other)
    # the same story under another id (a wire story in a second feed): its own mentions, which carry its id
    wire = _extracted(dataclasses.replace(article, article_id="a2"), recent)
    assert {m.article_id for m in wire.extracted["a2"].mentions} == {"a2"}
    assert (recent.misses, recent.hits) == (4, 0)


def test_a_kept_signature_holds_only_its_own_hashes_and_cannot_be_changed() -> None:
    recent: Recent[ExtractionKey, Extracted] = Recent(16 * 1024 * 1024, lambda *_: 1)
    part = Processed(articles=[_article("Xi Jinping meets Putin", "Taiwan."), dataclasses.replace(
        _article("NATO meets", "Poland and Japan."), article_id="a2")])  # fmt: skip
    extract_new(part, load_gazetteer(), 0, None, recent)
    again = Processed(articles=part.articles)
    extract_new(again, load_gazetteer(), 0, None, recent)
    assert recent.hits == 2
    for article_id in ("a1", "a2"):
        hashes = again.signatures[article_id][0]
        # not a row of the task's array, which it would keep alive
        assert hashes.base is None and not hashes.flags.writeable
        assert (hashes == part.signatures[article_id][0]).all()


@pytest.mark.parametrize("budget", [0, 1])
def test_with_no_room_everything_is_made_anew(budget: int) -> None:
    recent: Recent[CleanedKey, Cleaned] = Recent(budget, lambda *_: 2)
    assert cleaned("NATO", "<p>Poland</p>", None, recent) == clean_entry("NATO", "<p>Poland</p>", None)
    assert cleaned("NATO", "<p>Poland</p>", None, recent) == clean_entry("NATO", "<p>Poland</p>", None)
    assert len(recent) == 0 and recent.hits == 0


def test_sizes_are_counted_as_python_holds_the_values() -> None:
    from ingest import normalize, process

    key = ("Title", "<p>" + "Zhōngguó " * 400 + "</p>", "en")
    made = clean_entry(*key)
    # not ASCII: two bytes a character, three times (the raw HTML of the key, the text, the sanitised HTML)
    assert normalize._kept_size(key, made) > 3 * 2 * len(made.text)
    article = _article("Xi Jinping meets Putin", "NATO, Poland, Taiwan and Japan. " * 20)
    part = _extracted(article, None)
    result = part.extracted["a1"]
    size = process._kept_size(("gaz", "a1", article.title, article.text), (result, part.signatures["a1"]))
    assert size > 250 * len(result.mentions) + len(article.text) and result.mentions
