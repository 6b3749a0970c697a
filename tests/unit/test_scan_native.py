"""The C extension (`ingest.extract._scan`) against the Python reference: the same output, on every text.

`find_hits`, `find_candidates` and extract's mentions run in C when the extension is built (`make
install` builds it); `find_hits_python`, `find_candidates_python` and `_mentions_python` are the
references they must equal, hit for hit (pattern, start, end, order), name for name and mention
for mention (salience to the bit): on the eval set, the sample feeds, generated
articles, and adversarial text from hypothesis (case, non-ASCII, letters whose lower case is
longer or depends on context, guarded names, overlapping names, runs of capitalised words with
links, tabs, apostrophes and hyphens). The fallback (DEFNEWS_NATIVE=0, as when the extension is
not built) must give the same `extract()` output.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.evaluate import labelled
from ingest.extract import _hits_and_tally, _mentions_python, _tally, extract, load_gazetteer
from ingest.extract.build_native import cannot_build
from ingest.extract.candidates import ROLES, find_candidates, find_candidates_python
from ingest.extract.matcher import Hit, _joined, _opens, _patterns, find_hits, find_hits_python, native_available
from ingest.generate import render_entry, vocabulary
from ingest.models import Mention
from ingest.normalize import clean_text
from ingest.parse import parse_feed

ROOT = Path(__file__).resolve().parents[2]
GAZ = load_gazetteer()

WHY_NOT = "DEFNEWS_NATIVE=0" if os.environ.get("DEFNEWS_NATIVE") == "0" else cannot_build()
if not native_available(GAZ) and WHY_NOT is None:  # it could be built here: a missing build is a failure, not a skip
    pytest.fail("ingest.extract._scan is not built although this machine can build it: run `make install`", pytrace=False)
pytestmark = pytest.mark.skipif(not native_available(GAZ), reason=f"the C extension cannot be used here: {WHY_NOT}")


def _same(text: str) -> None:
    hits = find_hits_python(GAZ, text)
    assert find_hits(GAZ, text) == hits, text[:200]
    assert find_candidates(text, hits) == find_candidates_python(text, hits), text[:200]
    _same_mentions(hits, text)
    _same_tally(text[: len(text) // 3], text)


def _same_tally(title: str, text: str) -> None:
    """The scan's tally against extract._tally over the Python hits: the same actors, the same scores to the
    bit (the same float operations in the same order), and the body's actor-lane spans."""
    title_hits, body_hits = find_hits_python(GAZ, title), find_hits_python(GAZ, text)
    confirmed, scores = _tally(title_hits, body_hits)
    spans = [(h.start, h.end) for h in body_hits if h.pattern.kind in ("actor", "not_actor")]
    assert _hits_and_tally(GAZ, title, text) == (title_hits, body_hits, confirmed, scores, spans), text[:200]


def _same_mentions(hits: list[Hit], text: str) -> None:
    """The mentions of every kept hit (all, then about half the entities), as in the title and in the body."""
    from ingest.extract import _scan

    entities = sorted({(h.pattern.kind, h.pattern.entity_id) for h in hits})
    for kept_entities in (entities, entities[::2]):
        kept: dict[str, set[str]] = {}
        for kind, entity in kept_entities:
            kept.setdefault(kind, set()).add(entity)
        for field, size in (("title", 0), ("body", max(len(text), 1))):
            made = _scan.mentions(hits, kept, "a1", field, size, Mention)
            assert made == _mentions_python(hits, kept, "a1", field, size), text[:200]
            assert all(type(m) is Mention and type(m.salience) is float for m in made)


def _eval_rows() -> list[dict[str, str]]:
    """Both labelled sets: the six languages, and Chinese and Arabic (unspaced text, proclitics)."""
    return [row for name in ("labelled.jsonl", "labelled_zh_ar.jsonl") for row in labelled(ROOT / "eval" / name)]


def _eval_texts() -> list[str]:
    rows = _eval_rows()
    return [text for row in rows for text in (row["title"], row["text"], clean_text(row["text"]))]


def _feed_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "samples" / "feeds").glob("*.xml")):
        raw = path.read_bytes()
        texts.append(raw.decode("utf-8", "replace"))  # markup and all
        for entry in parse_feed(raw).entries:
            texts += [entry.title or "", entry.summary_html or "", entry.content_html or ""]
    return texts


def test_eval_texts() -> None:
    for text in _eval_texts():
        _same(text)


def test_sample_feeds() -> None:
    texts = _feed_texts()
    assert len(texts) > 50
    for text in texts:
        _same(text)


def test_generated_articles() -> None:
    vocab, topics = vocabulary(GAZ), [t.id for t in GAZ.topics]
    when = datetime(2026, 1, 1, tzinfo=UTC)
    for index in range(150):
        entry = render_entry(vocab, 7, index, topics[index % len(topics)], when)
        body = " ".join(entry.paragraphs)
        for text in (entry.title, body, clean_text(body)):
            _same(text)


def test_every_surface_alone_in_its_cases_and_glued_to_letters() -> None:
    for pattern in _patterns(GAZ):
        s = pattern.surface
        for text in (s, s.upper(), s.lower(), s.title(), f"x{s}", f"{s}x", f"({s}), {s}. {s}1 é{s}"):
            _same(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "Chad Daniels met officials from Chad. In Chad, Jordan said. The Jordan River; Michael Jordan",
        "Officials said Georgia Smith and Georgia. Atlanta, Georgia",
        "South China Sea and China; the South China Sea",
        "İstanbul NATO İ NATO",  # a lower case two code points long: the fold keeps the letter
        "ΣΑΣ NATO ΟΔΥΣΣΕΥΣ Σ Russia",  # capital sigma: lower case depends on the neighbours
        "K NATO ǅ Russia",  # Kelvin sign lowers to ASCII 'k'
        "NATO\u0301 Russia\u0308 NATO",  # combining marks are not alphanumeric
        "NATO² Russia½ ٣NATO",  # numeric characters are
        "北约 中国 台湾 习近平 NATO 🚀 Россия и НАТО",
        "美国国防部长表示北约成员国应增加开支，NATO成员国和俄罗斯x中国2中国",  # no spaces: Chinese has no word boundaries
        "กNATOก カNATOカ 𠀀中国𠀀 中国a a中国 Chinaware",  # Thai, katakana, Extension B beside aliases
        "وروسيا وبالصين بروسيا مروسيا ومروسيا وو روسيا ٣روسيا xروسيا وNATO والناتو",  # Arabic proclitics
        "nuclear-powered submarine and nuclear weapons",
        "\n\t NATO\r\nRussia\u2028Ukraine",
    ],
)
def test_adversarial_cases(text: str) -> None:
    _same(text)


@pytest.mark.parametrize(
    ("outside", "inside", "joined"),
    [
        ("a", "b", True),  # Latin runs on
        ("я", "b", True),
        ("2", "b", True),
        (" ", "b", False),
        ("-", "b", False),
        ("国", "美", False),  # Chinese: no spaces between words, so every edge may be one
        ("x", "美", False),
        ("美", "x", False),
        ("ก", "N", False),  # Thai
        ("カ", "N", False),  # katakana
        ("𠀀", "中", False),  # CJK Extension B
        ("한", "국", True),  # Hangul is written with spaces
    ],
)
def test_which_edges_run_on(outside: str, inside: str, joined: bool) -> None:
    assert _joined(outside, inside) is joined


@pytest.mark.parametrize(
    ("text", "start", "opens"),
    [
        ("روسيا", 0, True),
        (" روسيا", 1, True),
        ("وروسيا", 1, True),  # and
        ("وبروسيا", 2, True),  # and in
        (" ووبروسيا", 4, False),  # three letters before it: a word
        ("مروسيا", 1, False),  # م is no proclitic
        ("xوروسيا", 2, False),  # the proclitic must start a word
        ("وNATO", 1, False),  # only before an Arabic name
    ],
)
def test_where_a_name_may_start(text: str, start: int, opens: bool) -> None:
    assert _opens(text, start) is opens


_SURFACES = sorted({p.surface for p in _patterns(GAZ)})
_PIECES = st.one_of(
    st.sampled_from(_SURFACES),
    st.sampled_from(_SURFACES).map(str.upper),
    st.sampled_from(_SURFACES).map(str.lower),
    st.sampled_from(["Chad", "Jordan", "Georgia", "Daniels", "Michael", "River", "the", "of", "said", "Mr", "A"]),
    st.sampled_from([" ", "  ", ". ", ", ", '"', "(", ")", "-", "'", "\n", ": ", "; ", "!", "?", "…"]),
    st.sampled_from(["İ", "Σ", "ς", "K", "ß", "ǅ", "\u0301", "\u0308", "é", "Ω", "²", "٣", "北", "约", "Я", "ё", "🚀", "\u200b"]),
    st.sampled_from(["国", "成员", "ก", "カ", "ー", "𠀀", "\u3000", "。", "و", "ب", "ل", "م", "ال"]),  # unspaced scripts, Arabic
    st.text(max_size=4),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_random_texts_from_names_and_odd_characters(text: str) -> None:
    _same(text)


_NAME_PIECES = st.one_of(
    st.sampled_from(["Wellington", "Koo", "Eastern", "Theater", "Command", "O'Brien", "Al-Assad", "X_Y", "B2", "Ølund", "Þór"]),
    st.sampled_from(["Åsa", "Émile", "Über", "Ѐлка", "Явлинский", "Путин", "Ж", "É", "×Q", "ßQ", "İzmir", "ǅemal", "Ⅻ", "Σοφία"]),
    st.sampled_from(["of", "the", "de", "von", "Of", "The", "De", "of the", "van", "del", "ofthe", "theory", "often"]),
    st.sampled_from(sorted(ROLES) + ["The", "In", "Monday", "March", "May", "It", "A"]),
    st.sampled_from(["NATO", "China", "Chad", "Jordan", "South China Sea", "Xi Jinping", "Mark Rutte"]),
    st.sampled_from([" ", " ", "  ", "\t", " \t ", "\n", ". ", ", ", "-", "'", "’", "\u00a0", "\u2009", "(", '"', "\u0301"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=3),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_NAME_PIECES, max_size=40).map("".join))
def test_random_runs_of_capitalised_words(text: str) -> None:
    _same(text)


def test_long_runs_split_at_their_links() -> None:
    for text in (
        "General Zhang Wei of the Harbour Lights Institute said",
        "The Minister of Defence of the Republic of Korea Kim Yong Hyun arrived",
        "A B C D E F of G of the H I J K L M",
        "President of the United States of America Joe of Biden",
        "Of The De Von of the de von Q",
    ):
        _same(text)
        _same(text.replace(" ", "\t"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    _same(text)


def test_shuffled_sentences_of_every_kind_of_name() -> None:
    rng = random.Random(5)
    words = [*_SURFACES, "Chad", "Jordan", "said", "the", "İ", "Σ", ".", ","]
    for _ in range(300):
        _same(" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))))


# forces and organs named with their own state's name (`matcher.nested_states`), in three scripts
NESTED_SENTENCES = [
    "The U.S. Army units and Russian troops met U.S. Army officers.",
    "美国陆军宣布；中国海警船只靠近。",
    "وقالت القيادة المركزية الأمريكية إن القوات الروسية انسحبت وللبحرية الأمريكية سفن في المنطقة.",
    "America's budget. The U.S. Central Command asked for more.",
]


def test_the_fallback_gives_the_same_extraction() -> None:
    """DEFNEWS_NATIVE=0 takes the Python path, as a machine without the extension does: the eval sets, and the states
    found inside names."""
    nested = [{"id": f"nested-{n}", "title": "U.S. Army drills", "text": text} for n, text in enumerate(NESTED_SENTENCES)]
    rows = [*_eval_rows(), *nested]
    script = (
        "import json, sys\n"
        "from ingest.extract import extract, load_gazetteer\n"
        "from ingest.extract.matcher import native_available\n"
        "gaz = load_gazetteer()\n"
        "assert not native_available(gaz)\n"
        "for row in map(json.loads, sys.stdin.read().splitlines()):\n"
        "    print(repr(extract(gaz, row['id'], row['title'], row['text'])))\n"
    )
    env = {**os.environ, "DEFNEWS_NATIVE": "0"}
    python = subprocess.run([sys.executable, "-c", script], input="\n".join(map(json.dumps, rows)), env=env, cwd=ROOT,
                            capture_output=True, text=True, check=True)  # fmt: skip
    native = [repr(extract(GAZ, row["id"], row["title"], row["text"])) for row in rows]
    assert python.stdout.splitlines() == native
    assert all("united-states" in line for line in native[-len(nested) :])


def test_the_scanner_refuses_malformed_patterns() -> None:
    from ingest.extract import _scan
    from ingest.extract.matcher import _beside_a_name, _fold

    with pytest.raises(ValueError, match="non-empty"):
        _scan.Scanner([("", None, 1, False)], _beside_a_name, _fold)
    with pytest.raises(ValueError, match="lane"):
        _scan.Scanner([("nato", "NATO", 2, False)], _beside_a_name, _fold)
    with pytest.raises(TypeError):
        _scan.Scanner([("nato",)], _beside_a_name, _fold)
    assert _scan.Scanner([], _beside_a_name, _fold).scan("NATO") == []
    with pytest.raises(TypeError, match="given a tally"):
        _scan.Scanner([("nato", "NATO", 0, False)], _beside_a_name, _fold).scan("NATO", False, set(), {}, None)
    with pytest.raises(ValueError, match="one item per entry"):
        _scan.Scanner([("nato", "NATO", 0, False)], _beside_a_name, _fold, tally=[])
    with pytest.raises(ValueError, match="kind must be 0 to 3"):
        _scan.Scanner([("nato", "NATO", 0, False)], _beside_a_name, _fold, tally=[(7, "nato", False, 1.0, 2.0)])
    tallied = _scan.Scanner([("nato", "NATO", 0, False), ("war", None, 1, False)], _beside_a_name, _fold,
                            tally=[(0, "nato", False, 1.0, 2.0), (2, "war", False, 0.5, 1.5)])  # fmt: skip
    confirmed, scores, taken = set(), {"war": 0.25}, []
    assert tallied.scan("NATO war, war", True, confirmed, scores, taken) == [(0, 4, 0), (5, 8, 1), (10, 13, 1)]
    assert (confirmed, scores, taken) == ({"nato"}, {"war": 0.25 + 1.5 + 1.5}, [(0, 4)])
    with pytest.raises(TypeError):
        _scan.candidates("Mark Rutte", [(0,)], ("of",), frozenset(), 4)
    assert _scan.candidates("Mark Rutte", [], ("of",), frozenset(), 4) == ["Mark Rutte"]
    assert _scan.candidates("Mark Rutte", [(5, 10)], ("of",), frozenset(), 4) == []


def test_the_scanner_makes_hits_of_the_given_type() -> None:
    from ingest.extract import _scan
    from ingest.extract.matcher import Hit, _beside_a_name, _fold

    entries = [("nato", "NATO", 0, False), ("taiwan strait", None, 1, False)]
    payloads = ("the NATO pattern", "the strait pattern")
    indices = _scan.Scanner(entries, _beside_a_name, _fold).scan("NATO, the Taiwan Strait and nato")
    hits = _scan.Scanner(entries, _beside_a_name, _fold, hit=Hit, payloads=payloads).scan("NATO, the Taiwan Strait and nato")
    assert indices == [(0, 4, 0), (10, 23, 1)]
    assert hits == [Hit("the NATO pattern", 0, 4), Hit("the strait pattern", 10, 23)]
    assert all(type(h) is Hit for h in hits) and hits[1].pattern == "the strait pattern" and hits[1].end == 23
    with pytest.raises(TypeError, match="together"):
        _scan.Scanner(entries, _beside_a_name, _fold, hit=Hit)
    with pytest.raises(TypeError, match="tuple subclass"):
        _scan.Scanner(entries, _beside_a_name, _fold, hit=dict, payloads=payloads)
    with pytest.raises(TypeError, match="tuple subclass"):
        _scan.Scanner(entries, _beside_a_name, _fold, hit=Hit, payloads=list(payloads))
    with pytest.raises(ValueError, match="one item per entry"):
        _scan.Scanner(entries, _beside_a_name, _fold, hit=Hit, payloads=payloads[:1])


def test_the_scanner_refuses_hit_types_it_cannot_make() -> None:
    import os
    import time

    from ingest.extract import _scan
    from ingest.extract.matcher import Hit, _beside_a_name, _fold

    entries = [("nato", "NATO", 0, False)]
    for struct_sequence in (os.stat_result, time.struct_time):  # their dealloc reads more than three items
        with pytest.raises(TypeError, match="tuple subclass"):
            _scan.Scanner(entries, _beside_a_name, _fold, hit=struct_sequence, payloads=("p",))
    (hit,) = _scan.Scanner(entries, _beside_a_name, _fold, hit=Hit, payloads=("p",)).scan("NATO")
    assert hash(hit) == hash(Hit("p", 0, 4)) == hash(("p", 0, 4))  # no hash cached by the allocation (3.14 caches)


def test_mention_salience_is_round_to_the_bit() -> None:
    """round(1.0 - 0.5 * start / size, 3) in C: every offset of every size to 1,200 (the exact halves
    included: size 1,000, start 1 is 0.9995), and random offsets of sizes to 10 million."""
    from ingest.extract import _scan

    pattern = _patterns(GAZ)[0]
    kept = {pattern.kind: {pattern.entity_id}}
    rng = random.Random(11)
    sizes = [*range(1, 1201), *(rng.randrange(1, 10**7) for _ in range(300))]
    for size in sizes:
        starts = range(size) if size <= 1200 else [rng.randrange(size) for _ in range(300)]
        hits = [Hit(pattern, start, start + 1) for start in starts]
        made = [m.salience for m in _scan.mentions(hits, kept, "a", "body", size, Mention)]
        assert made == [m.salience for m in _mentions_python(hits, kept, "a", "body", size)], size


def test_mentions_refuses_what_it_cannot_read() -> None:
    from ingest.extract import _scan

    hit = Hit(_patterns(GAZ)[0], 0, 4)
    kept = {hit.pattern.kind: {hit.pattern.entity_id}}
    assert len(_scan.mentions([hit], kept, "a", "title", 0, Mention)) == 1
    with pytest.raises(TypeError, match="list"):
        _scan.mentions((hit,), kept, "a", "title", 0, Mention)
    with pytest.raises(TypeError, match="named tuple"):
        _scan.mentions([hit], kept, "a", "title", 0, os.stat_result)
    with pytest.raises(TypeError, match="named tuple"):
        _scan.mentions([hit], kept, "a", "title", -1, Mention)
    with pytest.raises(TypeError, match="pattern, start, end"):
        _scan.mentions([(hit.pattern, 0)], kept, "a", "title", 0, Mention)
    with pytest.raises(AttributeError):
        _scan.mentions([("not a pattern", 0, 4)], kept, "a", "title", 0, Mention)
    with pytest.raises(TypeError, match="six"):
        _scan.mentions([hit], kept, "a", "title", 0)


def test_mentions_holds_the_kept_ids_it_looks_in() -> None:
    """kept[kind] is borrowed from the dict; the `in` that follows runs the entity's __hash__ (and __eq__), which
    can empty the dict and free the set while it is being searched. In a subprocess under the debug allocator
    (freed memory overwritten): a use after free crashes it or finds the entity in what is not its set."""
    script = (
        "from ingest.extract import _mentions_python, _scan\n"
        "from ingest.extract.matcher import Hit\n"
        "from ingest.models import Mention\n"
        "class Pattern:\n"
        "    def __init__(self, kind, entity_id): self.kind, self.entity_id, self.surface = kind, entity_id, 'S'\n"
        "class Clearing(str):\n"
        "    def __hash__(self):\n"
        "        kept.clear()  # the dict held the only reference to kept['actor']\n"
        "        return str.__hash__(self)\n"
        "    __eq__ = str.__eq__\n"
        "for ids in ({'other'}, dict.fromkeys(['other']), {'x'}, dict.fromkeys(['x'])):\n"
        "    for field, size in (('title', 0), ('body', 100)):\n"
        "        kept = {'actor': type(ids)(ids)}  # a copy: the dict's reference is its only one\n"
        "        hits = [Hit(Pattern('actor', Clearing('x')), 3, 5)]\n"
        "        made = _scan.mentions(hits, kept, 'a', field, size, Mention)\n"
        "        kept = {'actor': type(ids)(ids)}\n"
        "        assert made == _mentions_python(hits, kept, 'a', field, size), (ids, made)\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONMALLOC": "debug"}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr[-2000:]


def test_mentions_reads_a_pattern_in_the_reference_order() -> None:
    """entity_id, then kind (as `_mentions_python` does): a pattern that cannot give either raises the same error."""
    from ingest.extract import _scan

    class Unreadable:
        @property
        def kind(self) -> str:
            raise KeyError("kind")

        @property
        def entity_id(self) -> str:
            raise ValueError("entity_id")

    hits = [Hit(Unreadable(), 0, 4)]
    for make in (_mentions_python, _scan.mentions):
        with pytest.raises(ValueError, match="entity_id"):
            make(hits, {"actor": set()}, "a", "body", 10, Mention)


def test_native_is_the_api_this_python_expects() -> None:
    from ingest.extract import _scan, native

    assert _scan.API == native.API  # a build from another _scan.c is not used (the module fails above then)
