"""ingest.generate: well-formed feeds, the ground truth the extractor agrees with, the same bytes for a seed.

Tolerance for the extractor checks: the generator uses only keywords and actor names that the
matcher finds exactly as written (checked when the vocabulary is built), puts a keyword of the
entry's topic in its title and lead, and writes every other sentence from templates that name
nothing (`test_template_sentences_name_nothing`). So no planted entry may be missed (recall
exact), and the only way to find more is a gazetteer edit that makes a template word a keyword
or an alias: we allow 2% of that (rounded up) before calling the ground truth wrong.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from ingest import generate as gen
from ingest.extract import extract, load_gazetteer
from ingest.extract.matcher import find_hits
from ingest.normalize import html_to_text
from ingest.parse import parse_feed

FEEDS, ENTRIES, DAYS, SEED = 3, 120, 10, 12  # seed 12: a taiwan_strait surge and 4 syndicated copies


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, gen.GroundTruth]:
    out = tmp_path_factory.mktemp("generated")
    return out, gen.generate(out, FEEDS, ENTRIES, DAYS, SEED)


def _entries(out: Path, truth: gen.GroundTruth) -> list[tuple[str, str, str, str]]:
    """(day, link, title, text) for every entry, through the project's parser and HTML-to-text."""
    rows = []
    for f in truth.files:
        for e in parse_feed((out / f["path"]).read_bytes()).entries:
            assert e.published is not None and e.link and e.title
            text = html_to_text(e.content_html or e.summary_html)
            rows.append((e.published.date().isoformat(), e.link, html_to_text(e.title), text))
    return rows


def test_feeds_are_well_formed_in_three_formats(corpus: tuple[Path, gen.GroundTruth]) -> None:
    out, truth = corpus
    assert [f["format"] for f in truth.files] == ["rss2", "atom", "rdf"]
    versions = []
    for f in truth.files:
        parsed = feedparser.parse((out / f["path"]).read_bytes())
        assert parsed.bozo == 0, (f["path"], parsed.get("bozo_exception"))
        assert len(parsed.entries) == f["entries"] == ENTRIES // FEEDS
        versions.append(parsed.version)
    assert versions == ["rss20", "atom10", "rss10"]
    assert json.loads((out / "ground_truth.json").read_text(encoding="utf-8")) == json.loads(json.dumps(truth.as_dict()))


def test_entries_are_300_to_800_words_with_unique_links(corpus: tuple[Path, gen.GroundTruth]) -> None:
    rows = _entries(*corpus)
    assert len(rows) == ENTRIES
    assert len({link for _, link, _, _ in rows}) == ENTRIES
    words = [len(text.split()) for _, _, _, text in rows]
    assert min(words) >= 300 and max(words) <= 800
    assert corpus[1].words["min"] == min(words) and corpus[1].words["max"] == max(words)


def test_surge_topic_counts_match_the_extractor(corpus: tuple[Path, gen.GroundTruth]) -> None:
    out, truth = corpus
    gaz, topic = load_gazetteer(), truth.surge["topic"]
    found: Counter[str] = Counter()
    for day, link, title, text in _entries(out, truth):
        found[day] += topic in extract(gaz, link, title, text).topic_ids()
    expected = truth.topics[topic]
    per_day = ENTRIES / DAYS
    for day, count in expected.items():
        assert count <= found[day] <= count + math.ceil(0.02 * per_day), (day, count, found[day])
    inside = [expected[d] for d in truth.surge["days"]]
    assert len(inside) == 5 and sum(inside) / 5 > 2 * truth.surge["per_day_otherwise"]


def test_actor_counts_match_the_extractor(corpus: tuple[Path, gen.GroundTruth]) -> None:
    out, truth = corpus
    gaz = load_gazetteer()
    found: Counter[str] = Counter()
    for _, link, title, text in _entries(out, truth):
        found.update(extract(gaz, link, title, text).actor_ids())
    missed = sum(max(0, n - found[a]) for a, n in truth.actors.items())
    extra = sum(max(0, n - truth.actors.get(a, 0)) for a, n in found.items())
    assert missed == 0
    assert extra <= math.ceil(0.02 * sum(truth.actors.values()))
    named = {a for pool in gen.vocabulary(gaz).pools.values() for a in pool.ids}
    assert {gaz.actor(a).type for a in named} == {"person", "state", "organisation"}


def test_syndicated_copies_share_title_and_lead_in_other_outlets(corpus: tuple[Path, gen.GroundTruth]) -> None:
    out, truth = corpus
    by_link = {link: (title, text.split("\n")[0]) for _, link, title, text in _entries(out, truth)}
    assert sum(len(g["copies"]) for g in truth.syndicated) == 4
    for group in truth.syndicated:
        original = by_link[group["original"]]
        assert group["title"] == original[0] and len(original[1].split()) >= 60
        for copy in group["copies"]:
            assert by_link[copy] == original
            assert urlsplit(copy).hostname != urlsplit(group["original"]).hostname
    stories = sum(sum(days.values()) for days in truth.stories.values())
    assert stories == ENTRIES - 4 and sum(sum(days.values()) for days in truth.topics.values()) == ENTRIES


def test_template_sentences_name_nothing() -> None:
    gaz = load_gazetteer()
    texts = [*gen.NEUTRAL, *gen.ACTORS, *gen.KEYWORD, *gen.TITLES, *gen.LEADS]
    texts += [value for key, values in gen.FILL.items() if not key.startswith("outlet") for value in values]
    named = {t: [h.pattern.surface for h in find_hits(gaz, t)] for t in texts}
    assert {t: hits for t, hits in named.items() if hits} == {}


def test_same_seed_same_bytes_and_pages_newest_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gen, "MAX_PER_FILE", 15)
    first, second, other = (gen.generate(tmp_path / name, 2, 40, 4, seed) for name, seed in (("a", 5), ("b", 5), ("c", 6)))
    assert [f["path"] for f in first.files] == ["meridian-wire.xml", "meridian-wire-p0002.xml", "harbour-watch.xml",
                                                "harbour-watch-p0002.xml"]  # fmt: skip
    assert [f["entries"] for f in first.files] == [15, 5, 15, 5]
    for f in [*first.files, {"path": "ground_truth.json"}]:
        assert (tmp_path / "a" / f["path"]).read_bytes() == (tmp_path / "b" / f["path"]).read_bytes()
    assert (tmp_path / "a" / "meridian-wire.xml").read_bytes() != (tmp_path / "c" / "meridian-wire.xml").read_bytes()
    dates = [e.published for e in parse_feed((tmp_path / "a" / "meridian-wire.xml").read_bytes()).entries]
    assert dates == sorted(dates, reverse=True)
    assert other.entries == first.entries == 40


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = gen.main(["--feeds", "1", "--entries", "5", "--days", "2", "--seed", "3", "--out", str(tmp_path)])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["entries"] == 5 and summary["files"] == 1
    assert (tmp_path / "ground_truth.json").exists() and (tmp_path / "meridian-wire.xml").exists()
    with pytest.raises(ValueError):
        gen.generate(tmp_path, 0, 5, 2, 3)
