"""`clean_text` and `html_to_text` against the versions they replaced: the same output, on every text.

The references below are the functions as they were: clean_text with a regex and a Python
callback for the curly and invisible characters, a regex for the runs of blanks and another for
the blank lines (now a replace per character present, runs of spaces halved, and the empty lines
filtered out after stripping), html_to_text with a template for the break
after a block end (now a function). Texts: hypothesis over the characters either treats specially
(every blank, the straightened ones, combining marks for NFC, line breaks, block tags), any text,
and the sample feeds' HTML.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from ingest.normalize import _BLOCK_END, _HIDDEN, _STRAIGHTEN, _single_spaces, clean_text, html_to_text
from ingest.parse import parse_feed

ROOT = Path(__file__).resolve().parents[2]
_CURLY_OR_INVISIBLE = re.compile("[" + "".join(_STRAIGHTEN) + "]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n\s*\n+")


def clean_text_regex(text: str) -> str:
    if not text.isascii():
        text = _CURLY_OR_INVISIBLE.sub(lambda m: _STRAIGHTEN[m.group(0)], unicodedata.normalize("NFC", text))
    lines = (line.strip() for line in _SPACES.sub(" ", text).split("\n"))
    return _BLANKS.sub("\n", "\n".join(lines)).strip()


def html_to_text_template(html: str | None) -> str:
    if not html:
        return ""
    if "<" not in html:
        return clean_text_regex(html)
    tree = LexborHTMLParser(_BLOCK_END.sub("\\1\n", html))
    if _HIDDEN.search(html):
        for node in tree.css("script, style, noscript, iframe"):
            node.decompose()
    return clean_text_regex(tree.text(separator="") if tree.body is not None else "")


_SPECIAL = [*_STRAIGHTEN, " ", "  ", "\t", "\r", "\f", "\v", "\n", "\r\n", "\n\n", "\u2028", "\x1c", "\x85", "\u3000"]
_PIECES = st.one_of(
    st.sampled_from(_SPECIAL),
    st.sampled_from(["e\u0301", "A\u030a", "\u212b", "\ufb01", "NATO", "said", "Ж", "北约", "🚀", "'", '"']),
    st.text(max_size=5),
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_same_as_the_regex_version(text: str) -> None:
    assert clean_text(text) == clean_text_regex(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_same_on_any_text(text: str) -> None:
    assert clean_text(text) == clean_text_regex(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\r\f\vab\n", max_size=80))
def test_single_spaces_is_the_runs_regex(text: str) -> None:
    assert _single_spaces(text) == _SPACES.sub(" ", text)


_TAGS = st.sampled_from(["<p>", "</p>", "</P >", "<br>", "<BR/>", "<br class='x'>", "<hr>", "</div>", "</li>", "</h2>", "</td>",
                         "</figcaption>", "<b>", "</b>", "<script>x</script>", "< style>", "<", ">", "</", "&amp;",
                         "&nbsp;"])  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_TAGS, _PIECES), max_size=40).map("".join))
def test_html_to_text_the_same_as_before(html: str) -> None:
    assert html_to_text(html) == html_to_text_template(html)


def test_long_runs_of_blanks() -> None:
    for n in (1, 2, 3, 4, 5, 7, 8, 9, 1000, 4097):
        for blank in (" ", "\t", " \t", "\v\f\r"):
            text = f"a{blank * n}b{blank * n}"
            assert _single_spaces(text) == _SPACES.sub(" ", text) == "a b "


def test_the_sample_feeds_as_html_to_text_hands_them_over() -> None:
    texts = []
    for path in sorted((ROOT / "samples" / "feeds").glob("*.xml")):
        for entry in parse_feed(path.read_bytes()).entries:
            for html in (entry.title, entry.summary_html, entry.content_html):
                if html:
                    texts += [html, LexborHTMLParser(_BLOCK_END.sub("\\1\n", html)).text(separator="")]
                    assert html_to_text(html) == html_to_text_template(html)
    assert len(texts) > 100
    for text in texts:
        assert clean_text(text) == clean_text_regex(text)
