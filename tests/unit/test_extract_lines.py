"""`defnews extract`'s answers (`ingest.extract.lines`) against the contract's object as json.dumps writes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.extract import extract, load_gazetteer
from ingest.extract.lines import BadLine, answer, read_line
from ingest.normalize import clean_text

ROOT = Path(__file__).resolve().parents[2]
GAZ = load_gazetteer()


def contract_answer(doc: dict[str, Any], number: int) -> str:
    """The answer built as the contract states it: a dict of lists of dicts, serialised by json.dumps."""
    found = extract(GAZ, str(doc.get("id", number)), clean_text(doc.get("title") or ""), clean_text(doc.get("text") or ""))
    actors = [{"id": a, "name": GAZ.actor(a).name, "type": GAZ.actor(a).type} for a in found.actor_ids()]
    topics = [{"id": t, "name": GAZ.topic(t).name} for t in found.topic_ids()]
    return json.dumps({"id": doc.get("id"), "actors": actors, "topics": topics}, ensure_ascii=False)


def test_answers_are_the_contract_objects_on_the_eval_set() -> None:
    lines = (ROOT / "eval" / "labelled.jsonl").read_text(encoding="utf-8").splitlines()
    named = 0
    for number, line in enumerate(lines, start=1):
        doc = read_line(line, number)
        got = answer(GAZ, doc, number)
        assert got == contract_answer(doc, number), doc["id"]
        named += bool(json.loads(got)["actors"])
    assert named > len(lines) * 0.9


@pytest.mark.parametrize("doc_id", [None, 5, 1.5, True, 'é " \\ \n \u2028', [1, {"a": "b"}], {"nested": None}, ""])
def test_any_json_id_is_echoed_as_json_dumps_writes_it(doc_id: Any) -> None:
    doc = {"id": doc_id, "title": "NATO and Путин", "text": "习近平会见普京 in Poland."}
    assert answer(GAZ, doc, 7) == contract_answer(doc, 7)
    assert json.loads(answer(GAZ, doc, 7))["id"] == doc_id


def test_missing_or_null_fields_are_empty() -> None:
    for doc in ({}, {"title": None, "text": None}, {"id": "x", "text": ""}):
        assert answer(GAZ, doc, 3) == contract_answer(doc, 3)
    assert json.loads(answer(GAZ, {"title": "NATO"}, 3)) == {
        "id": None,
        "actors": [{"id": "nato", "name": "NATO", "type": "organisation"}],
        "topics": [],
    }


def test_an_id_with_a_lone_surrogate_is_echoed_escaped() -> None:
    doc = read_line('{"id": "\\ud800x", "title": "NATO"}', 1)
    line = answer(GAZ, doc, 1)
    line.encode("utf-8")  # printable
    assert json.loads(line)["id"] == "\ud800x"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", " is not JSON"),
        ("[1, 2]", " is not a JSON object: list"),
        ('"x"', " is not a JSON object: str"),
        ('{"id": ' + "1" * 5000 + "}", " is not JSON: Exceeds the limit"),  # an integer too long to convert
        ("[" * 100_000, " is not JSON"),  # nesting deeper than the decoder recurses
        ('{"title": {"x": "NATO"}}', ": title is not a string: dict"),
        ('{"text": true}', ": text is not a string: bool"),
        ('{"title": 0}', ": title is not a string: int"),
        ('{"text": ["NATO"]}', ": text is not a string: list"),
    ],
)
def test_a_bad_line_is_named(line: str, reason: str) -> None:
    with pytest.raises(BadLine, match=f"stdin line 12{reason}"):
        read_line(line, 12)
