"""py3langid's DFA walk in C (`_scan.LangidDFA`, used by `ingest.language`) against py3langid's own code.

Where the extension is built, `language._identifier()` is py3langid's LanguageIdentifier with
`_raw_score`'s walk and float16 rows done in C. Its scores must be py3langid's, bit for bit: the
reference is py3langid's own LanguageIdentifier over the same model file. Both of the C walks are
held to it: the compact one (its own 16-bit table, the model's) and the wide one (nextmove read in
place, for DFAs the 16 bits cannot hold, made here by moving the model's rows). Texts: the eval set,
the sample feeds, hypothesis (empty, ASCII, upper case, Cyrillic, CJK, emoji, combining marks, lone
surrogates, raw bytes that are not UTF-8). The private structure relied on is pinned below, so
a new py3langid fails here first; the fallback (DEFNEWS_NATIVE=0) must detect the same.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import subprocess
import sys
import tomllib
from array import array
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py3langid import langid
from py3langid.langid import LanguageIdentifier, visit_counts

from ingest import language
from ingest.evaluate import labelled
from ingest.extract import native
from ingest.extract.build_native import cannot_build
from ingest.normalize import html_to_text
from ingest.parse import parse_feed

ROOT = Path(__file__).resolve().parents[2]

WHY_NOT = "DEFNEWS_NATIVE=0" if os.environ.get("DEFNEWS_NATIVE") == "0" else cannot_build()
if native.WHY_PYTHON and WHY_NOT is None:  # it could be built here: a missing build is a failure, not a skip
    pytest.fail("ingest.extract._scan is not built although this machine can build it: run `make install`", pytrace=False)
pytestmark = pytest.mark.skipif(bool(native.WHY_PYTHON), reason=f"the C extension cannot be used here: {WHY_NOT}")


@pytest.fixture(scope="module")
def native_id() -> LanguageIdentifier:
    identifier = language._identifier()
    assert type(identifier) is not LanguageIdentifier and isinstance(identifier, LanguageIdentifier)
    return identifier


@pytest.fixture(scope="module")
def pure_id() -> LanguageIdentifier:
    """py3langid's own class on the same model, loaded again: the native one let py3langid's walk tables go."""
    return LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def _same(native_id: LanguageIdentifier, pure_id: LanguageIdentifier, text: str | bytes) -> None:
    encoded = pure_id._encode(text)
    walked = visit_counts(pure_id.tk_nextmove, pure_id._rowbase, pure_id.tk_output, encoded)
    assert list(native_id._dfa.counts(encoded).items()) == list((walked or {}).items())  # first-met order too
    assert native_id._raw_score(encoded).tobytes() == pure_id._raw_score(encoded).tobytes()
    assert native_id._decide(text).tobytes() == pure_id._decide(text).tobytes()  # every probability, bit for bit
    assert native_id.classify(text) == pure_id.classify(text)


def _eval_texts() -> list[str]:
    rows = labelled(ROOT / "eval" / "labelled.jsonl")
    return [text for row in rows for text in (row["title"], row["text"], f"{row['title']}\n{row['text']}")]


def test_eval_texts(native_id: LanguageIdentifier, pure_id: LanguageIdentifier) -> None:
    texts = _eval_texts()
    assert len(texts) > 300
    for text in texts:
        _same(native_id, pure_id, text)
        _same(native_id, pure_id, text[: language.MAX_CHARS])  # what detect() reads


def test_sample_feeds(native_id: LanguageIdentifier, pure_id: LanguageIdentifier) -> None:
    texts = []
    for path in sorted((ROOT / "samples" / "feeds").glob("*.xml")):
        raw = path.read_bytes()
        texts.append(raw.decode("utf-8", "replace"))  # markup and all
        for entry in parse_feed(raw).entries:
            title, body = html_to_text(entry.title), html_to_text(entry.content_html or entry.summary_html)
            texts += [title, body, f"{title}\n{body}"[: language.MAX_CHARS]]
    assert len(texts) > 100
    for text in texts:
        _same(native_id, pure_id, text)


def test_detect_reads_the_native_identifier(native_id: LanguageIdentifier, pure_id: LanguageIdentifier) -> None:
    text = _eval_texts()[2]
    expected = pure_id.classify(text[: language.MAX_CHARS])
    assert language.detect(text) == (expected[0], expected[1])
    assert language.detect(text[: language.MIN_CHARS - 1]) == (None, 0.0)


@pytest.mark.parametrize(
    "text",
    ["", b"", " ", "a", "NATO", "THE NAVY SAID ON MONDAY", "ПРЕЗИДЕНТ ЗАЯВИВ", b"\xff\xfe\x00", b"caf\xc3", b"\xc3\xa9t\xe9",
     "\ud800 lone \udfff surrogates", "🚀" * 50, "北约中国台湾" * 20, "e\u0301" * 40, "\x00\x01\x1f" * 30],
)  # fmt: skip
def test_edge_cases(native_id: LanguageIdentifier, pure_id: LanguageIdentifier, text: str | bytes) -> None:
    _same(native_id, pure_id, text)


def test_a_featureless_text_takes_py3langids_fill(native_id: LanguageIdentifier, pure_id: LanguageIdentifier) -> None:
    assert native_id._dfa.features(b"", native_id.nb_ptc) == (b"", b"")
    assert native_id._raw_score(b"").tobytes() == pure_id._raw_score(b"").tobytes()


_PIECES = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0x400, max_codepoint=0x4FF), max_size=40),  # Cyrillic
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=20),  # CJK
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=10),  # emoji
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=3),  # lone surrogates
    st.text(alphabet=st.characters(min_codepoint=0x300, max_codepoint=0x36F), max_size=3),  # combining marks
    st.sampled_from(["the ", "der ", "и ", "的", " NATO ", "Ministry of Defence ", "\n", "  ", "«", "»", "’"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=20).map("".join))
def test_random_texts(native_id: LanguageIdentifier, pure_id: LanguageIdentifier, text: str) -> None:
    _same(native_id, pure_id, text)
    _same(native_id, pure_id, text.upper())  # an all-capitals text is lowered by py3langid first


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_bytes(native_id: LanguageIdentifier, pure_id: LanguageIdentifier, data: bytes) -> None:
    _same(native_id, pure_id, data)


# The private parts of py3langid that language._NativeWalk stands on: `_decide` hands `_raw_score` the
# encoded bytes; `_raw_score` is visit_counts then `_sparse_score` (log1p(counts) @ nb_ptc[features]
# + nb_pc) or the fill; the attributes hold the DFA as visit_counts reads it. A new py3langid changes
# a hash: check _NativeWalk against the new code, then record the new hashes and version.
PINNED_SOURCES = {
    "visit_counts": "219054a8b7ee140f",
    "LanguageIdentifier._raw_score": "5f90f8ae3031f277",
    "LanguageIdentifier._sparse_score": "18976f40001d2a3e",
    "LanguageIdentifier._decide": "6a35981078f76ff3",
    "LanguageIdentifier.__init__": "874c2f736944a5d9",
}


def test_the_py3langid_relied_on_is_the_locked_one() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = next(p["version"] for p in lock["package"] if p["name"] == "py3langid")
    assert metadata.version("py3langid") == locked == "0.4.0"
    for name, digest in PINNED_SOURCES.items():
        function = langid.visit_counts if name == "visit_counts" else getattr(LanguageIdentifier, name.split(".")[1])
        assert hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16] == digest, name
    assert {"tk_nextmove", "_rowbase", "tk_output", "nb_ptc", "nb_pc"} <= set(LanguageIdentifier.__slots__)
    for name in ("tk_nextmove", "_rowbase", "tk_output"):  # what _NativeWalk empties: read by py3langid's walk alone
        assert _readers(name) == {"__init__", "_raw_score"}, name


def _readers(name: str) -> set[str]:
    """The functions of LanguageIdentifier whose source names `name`."""
    functions = {key: getattr(item, "__func__", getattr(item, "fget", item)) for key, item in vars(LanguageIdentifier).items()}
    return {key for key, function in functions.items() if inspect.isfunction(function) and name in inspect.getsource(function)}


def test_the_model_arrays_are_as_the_c_code_reads_them(native_id: LanguageIdentifier, pure_id: LanguageIdentifier) -> None:
    assert isinstance(pure_id.tk_nextmove, array) and pure_id.tk_nextmove.typecode in "HI"
    assert pure_id._rowbase == [row << 8 for row in pure_id.tk_row]  # rows at multiples of 256, as the compact walk needs
    assert native_id.nb_ptc.dtype == np.float16 and native_id.nb_ptc.flags.c_contiguous
    assert native_id._dfa.states == len(pure_id.tk_output) > 65_535  # more states than 16 bits, fewer targets per byte
    assert native_id._dfa.compact
    assert len(native_id.tk_nextmove) == len(native_id._rowbase) == len(native_id.tk_output) == 0  # py3langid's went
    assert native_id._dfa.nbytes < 24_000_000  # the 16-bit table (19.6 MB in whole huge pages), states and counters


def test_the_compact_and_the_wide_walk_meet_the_same_features(native_id: LanguageIdentifier, pure_id: LanguageIdentifier) -> None:
    """The model's DFA with every row moved 128 entries on: the same walk, which the compact table cannot hold."""
    nm = pure_id.tk_nextmove
    moved = array(nm.typecode, bytes(128 * nm.itemsize)) + nm
    wide = native.LangidDFA(moved, [at + 128 for at in pure_id._rowbase], pure_id.tk_output)
    assert not wide.compact and wide.states == native_id._dfa.states
    with pytest.raises(BufferError):  # read in place: the C object holds the array's buffer
        moved.append(0)
    for text in [*_eval_texts(), "", " ", "\x00" * 50, "🚀" * 50]:
        encoded = pure_id._encode(text)
        assert wide.features(encoded, pure_id.nb_ptc) == native_id._dfa.features(encoded, pure_id.nb_ptc)


@pytest.mark.parametrize("n", [65_535, 65_536])
def test_a_byte_with_more_targets_than_16_bits_takes_the_wide_walk(n: int) -> None:
    """n states in a ring, every byte moving on to the next: each byte has n targets."""
    moves = array("I", np.repeat((np.arange(n, dtype=np.uint32) + 1) % n, 256).tobytes())
    rowbase, output = [state << 8 for state in range(n)], [state % 5 - 1 for state in range(n)]
    dfa = native.LangidDFA(moves, rowbase, output)
    assert dfa.compact is (n <= 65_535)
    data = bytes(range(256)) * 300  # round the ring and on
    assert list(dfa.counts(data).items()) == list((visit_counts(moves, rowbase, output, data) or {}).items())


def _byte_dfa() -> native.LangidDFA:
    """A DFA whose state after byte b is 1 + b, meeting feature b there."""
    return native.LangidDFA(array("I", range(1, 257)), [0] * 257, [-1, *range(256)])


def _run_dfa(cap: int) -> tuple[array[int], list[int], list[int]]:
    """A DFA whose state k is a run of k "a" bytes so far (k at most cap), meeting feature k - 1 there."""
    moves = array("I", bytes(4 * 256 * (cap + 1)))
    for k in range(cap + 1):
        moves[(k << 8) + ord("a")] = min(k + 1, cap)
    return moves, [k << 8 for k in range(cap + 1)], [k - 1 for k in range(cap + 1)]


_RUNS = st.lists(st.tuples(st.sampled_from([b"a", b"b"]), st.integers(1, 50)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([6, 8, 9, 12, 40]), _RUNS.map(lambda runs: b"".join(byte * n for byte, n in runs)))
def test_the_side_by_side_walks_are_one_walk(cap: int, data: bytes) -> None:
    """The compact walk cuts a long text into stretches, each walked from the start a few bytes early: runs of "a"
    longer than that leave such a walk in the wrong state, which is found and walked again."""
    moves, rowbase, output = _run_dfa(cap)
    dfa = native.LangidDFA(moves, rowbase, output)
    assert dfa.compact
    assert list(dfa.counts(data).items()) == list((visit_counts(moves, rowbase, output, data) or {}).items())


def test_the_compact_walk_lets_nextmove_go() -> None:
    moves = array("I", range(1, 257))
    dfa = native.LangidDFA(moves, [0] * 257, [-1, *range(256)])
    assert dfa.compact
    moves.append(0)  # not held: the walk reads its own copy
    assert dfa.counts(b"ab") == {97: 1, 98: 1}


@pytest.mark.parametrize("width", [256, 142, 13, 8, 7, 1])  # 142 languages in the model; eight at a time, and the rest
def test_every_float16_converts_as_numpy_converts_it(width: int) -> None:
    every = np.arange(1 << 16, dtype=np.uint16).view(np.float16)  # NaNs (signalling too), infinities, subnormals
    for start in range(0, every.size, 256 * width):
        halves = np.zeros(256 * width, np.float16)
        chunk = every[start : start + halves.size]
        halves[: chunk.size] = chunk
        counts, rows = _byte_dfa().features(bytes(range(256)), halves.reshape(256, width))
        assert rows == halves.astype(np.float32).tobytes()
        assert counts == np.ones(256, np.float32).tobytes()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_the_walk_is_visit_counts(data: bytes) -> None:
    dfa, moves = _byte_dfa(), array("I", range(1, 257))
    walked = visit_counts(moves, [0] * 257, [-1, *range(256)], data)
    assert list(dfa.counts(data).items()) == list((walked or {}).items())
    counts, rows = dfa.features(data, np.arange(256 * 3, dtype=np.float16).reshape(256, 3))
    assert np.frombuffer(counts, np.float32).tolist() == [float(c) for c in (walked or {}).values()]
    assert np.frombuffer(rows, np.float32).reshape(-1, 3)[:, 0].tolist() == [3.0 * f for f in (walked or {})]


def test_malformed_tables_are_refused() -> None:
    with pytest.raises(TypeError):
        native.LangidDFA([1] * 256, [0, 0], [-1, 0])  # a list has no buffer
    with pytest.raises(TypeError, match="unsigned"):
        native.LangidDFA(array("i", [1] * 256), [0, 0], [-1, 0])
    with pytest.raises(ValueError, match="not a state"):
        native.LangidDFA(array("I", [2] * 256), [0, 0], [-1, 0])
    with pytest.raises(ValueError, match="rowbase"):
        native.LangidDFA(array("I", [1] * 256), [0, 1], [-1, 0])  # a row past the table's end
    with pytest.raises(ValueError, match="one entry per state"):
        native.LangidDFA(array("I", [1] * 256), [0, 0], [-1])
    with pytest.raises(ValueError, match="output"):
        native.LangidDFA(array("H", [1] * 256), [0, 0], [-1, -2])
    dfa = native.LangidDFA(array("H", [1] * 256), [0, 0], [-1, 4])
    assert dfa.counts(b"abc") == {4: 3}
    with pytest.raises(TypeError, match="float16"):
        dfa.features(b"abc", np.zeros((5, 2), np.float32))
    with pytest.raises(TypeError, match="at least 5 rows"):
        dfa.features(b"abc", np.zeros((4, 2), np.float16))
    with pytest.raises(TypeError):
        dfa.counts("abc")  # bytes, not str


def test_the_fallback_detects_the_same() -> None:
    """DEFNEWS_NATIVE=0 runs py3langid alone, as a machine without the extension does."""
    texts = _eval_texts()
    script = (
        "import json, sys\n"
        "from py3langid.langid import LanguageIdentifier\n"
        "from ingest import language\n"
        "assert type(language._identifier()) is LanguageIdentifier\n"
        "for text in json.loads(sys.stdin.read()):\n"
        "    print(repr(language.detect(text)))\n"
    )
    env = {**os.environ, "DEFNEWS_NATIVE": "0"}
    python = subprocess.run([sys.executable, "-c", script], input=json.dumps(texts), env=env, cwd=ROOT,
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert python.stdout.splitlines() == [repr(language.detect(text)) for text in texts]
    assert re.search(r"\('en', 0\.\d+\)", python.stdout)
