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
    """A line that is not a JSON object; the message names the line."""


@lru_cache(maxsize=4)
def _fragments(gaz: Gazetteer) -> tuple[dict[str, str], dict[str, str]]:
    """Each actor's and topic's JSON object in the answer, as json.dumps writes it."""
    actors = {a.id: json.dumps({"id": a.id, "name": a.name, "type": a.type}, ensure_ascii=False) for a in gaz.actors}
    topics = {t.id: json.dumps({"id": t.id, "name": t.name}, ensure_ascii=False) for t in gaz.topics}
    return actors, topics


def read_line(line: str, number: int) -> dict[str, Any]:
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"stdin line {number} is not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise BadLine(f"stdin line {number} is not a JSON object: {type(doc).__name__}")
    return doc


def answer(gaz: Gazetteer, doc: dict[str, Any], number: int) -> str:
    """The answer line for one document (`number` stands in for a missing id in the mentions' article id)."""
    title, text = clean_text(str(doc.get("title") or "")), clean_text(str(doc.get("text") or ""))
    found = extract(gaz, str(doc.get("id", number)), title, text)
    actors, topics = _fragments(gaz)
    return (f'{{"id": {json.dumps(doc.get("id"), ensure_ascii=False)}, '
            f'"actors": [{", ".join(actors[a] for a in found.actor_ids())}], '
            f'"topics": [{", ".join(topics[t] for t in found.topic_ids())}]}}')  # fmt: skip
