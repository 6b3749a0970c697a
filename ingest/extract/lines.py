"""`defnews extract`: JSON lines `{"id", "title", "text"}` in, `{"id", "actors", "topics"}` out (the contract).

Each line is cleaned as the pipeline cleans an entry's text (`clean_text`), so the same article gives the same
actors and topics here and in the warehouse. The answer is written as `json.dumps` writes the contract's
object, but from fragments made once per gazetteer: building and serialising a dict per actor cost more
than extraction itself on a 5 KB article with forty actors.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ingest.extract import Gazetteer, extract
from ingest.normalize import clean_text


class BadLine(ValueError):
    """A line that is not a JSON object with string (or null) title and text; the message names the line."""


@lru_cache(maxsize=4)
def _fragments(gaz: Gazetteer) -> tuple[dict[str, str], dict[str, str]]:
    """Each actor's and topic's JSON object in the answer, as json.dumps writes it."""
    actors = {a.id: json.dumps({"id": a.id, "name": a.name, "type": a.type}, ensure_ascii=False) for a in gaz.actors}
    topics = {t.id: json.dumps({"id": t.id, "name": t.name}, ensure_ascii=False) for t in gaz.topics}
    return actors, topics


def read_line(line: str, number: int) -> dict[str, Any]:
    """The document on one line: a JSON object whose title and text, when present, are strings (or null)."""
    try:
        doc = json.loads(line)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError; also a number too long to read, nesting too deep
        raise BadLine(f"stdin line {number} is not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise BadLine(f"stdin line {number} is not a JSON object: {type(doc).__name__}")
    for field in ("title", "text"):
        if (value := doc.get(field)) is not None and not isinstance(value, str):
            raise BadLine(f"stdin line {number}: {field} is not a string: {type(value).__name__}")
    return doc


def answer(gaz: Gazetteer, doc: dict[str, Any], number: int) -> str:
    """The answer line for one document (`number` stands in for a missing id in the mentions' article id)."""
    found = extract(gaz, str(doc.get("id", number)), clean_text(doc.get("title") or ""), clean_text(doc.get("text") or ""))
    actors, topics = _fragments(gaz)
    return (f'{{"id": {_echo(doc.get("id"))}, '
            f'"actors": [{", ".join(actors[a] for a in found.actor_ids())}], '
            f'"topics": [{", ".join(topics[t] for t in found.topic_ids())}]}}')  # fmt: skip


def _echo(doc_id: Any) -> str:
    """The id as JSON, as given; escaped where it holds a lone surrogate (from a \\ud800 escape), which UTF-8
    cannot write."""
    text = json.dumps(doc_id, ensure_ascii=False)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(doc_id)
    return text
