"""`make eval`: precision, recall and F1 of actor and topic extraction on the labelled set.

The set (`eval/labelled.jsonl`) was written and labelled by the project by reading, never by
running the matcher. Scores are micro-averaged over (article, label) pairs; actors also by type,
and everything by language, so a weak language or type cannot hide in the total. Articles with
odd numbers are the dev split (the gazetteer may be tuned on their errors); even numbers are the
held-out test split, reported separately so tuning cannot flatter itself. Topics are also scored
one by one on the dev split (`topics@dev:<id>`), the view to tune a topic's phrases and
`min_score` on; the test split is only ever reported whole. The test split is also reported in two
slices: `@test-old` (the articles up to eval-319, whose errors earlier tuning may have seen through
the dev split's vocabulary), `@test-new` (eval-320 … 441, written after that tuning and never tuned
on) and `@test-blind` (eval-442 on, written by writers who never saw the phrase lists), so fresh,
unbiased figures sit beside the historical one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.extract import Gazetteer, extract, load_gazetteer
from ingest.normalize import clean_text
from ingest.settings import PROJECT_ROOT

DEFAULT_SET = PROJECT_ROOT / "eval" / "labelled.jsonl"
FIRST_NEW_TEST = 320  # eval-320 on: written after the taxonomy's earlier tuning, reported as @test-new
FIRST_BLIND_TEST = 442  # eval-442 on: written without sight of topics.yaml's phrase lists, reported as @test-blind


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, doc_id: str, gold: set[str], found: set[str]) -> None:
        self.tp += len(gold & found)
        self.fp += len(found - gold)
        self.fn += len(gold - found)
        self.errors += [f"{doc_id}: +{x}" for x in sorted(found - gold)] + [f"{doc_id}: -{x}" for x in sorted(gold - found)]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}  # fmt: skip


def _number(doc_id: str) -> int | None:
    digits = "".join(c for c in doc_id if c.isdigit())
    return int(digits) if digits else None


def split_of(doc_id: str) -> str:
    """dev (odd numbers: tune the gazetteer on these) or test (even: held out, reported, never tuned on)."""
    number = _number(doc_id)
    return "dev" if number is not None and number % 2 else "test"


def slice_of(doc_id: str) -> str:
    """For a test article: test-old (before eval-320), test-new (eval-320 … 441, never seen by any tuning) or
    test-blind (eval-442 on, also written by writers who never read the phrase lists)."""
    number = _number(doc_id)
    if number is None or number < FIRST_NEW_TEST:
        return "test-old"
    return "test-blind" if number >= FIRST_BLIND_TEST else "test-new"


def labelled(path: Path = DEFAULT_SET) -> list[dict[str, Any]]:
    """The rows of a labelled set (JSON lines: id, lang, title, text, actors, topics, ...)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(path: Path = DEFAULT_SET, gaz: Gazetteer | None = None) -> dict[str, Any]:
    gaz = gaz or load_gazetteer()
    scores: dict[str, Score] = defaultdict(Score)
    docs = labelled(path)
    for doc in docs:
        result = extract(gaz, doc["id"], clean_text(doc["title"]), clean_text(doc["text"]))
        found_actors, gold_actors = set(result.actor_ids()), set(doc["actors"])
        found_topics, gold_topics = set(result.topic_ids()), set(doc["topics"])
        lang = doc.get("lang", "en")
        part = split_of(doc["id"])
        for key in ("actors", f"actors[{lang}]", f"actors@{part}"):
            scores[key].add(doc["id"], gold_actors, found_actors)
        for key in ("topics", f"topics[{lang}]", f"topics@{part}"):
            scores[key].add(doc["id"], gold_topics, found_topics)
        if part == "test":  # two slices of the test split, still only ever reported whole
            scores[f"actors@{slice_of(doc['id'])}"].add(doc["id"], gold_actors, found_actors)
            scores[f"topics@{slice_of(doc['id'])}"].add(doc["id"], gold_topics, found_topics)
        if part == "dev":  # per topic on dev only: what to tune on, without a per-topic view of the test split
            for topic in gold_topics | found_topics:
                scores[f"topics@dev:{topic}"].add(doc["id"], gold_topics & {topic}, found_topics & {topic})
        for kind in {gaz.actor(a).type for a in gold_actors | found_actors}:
            typed = {a for a in gold_actors if gaz.actor(a).type == kind}, {a for a in found_actors if gaz.actor(a).type == kind}
            scores[f"actors:{kind}"].add(doc["id"], *typed)
    return {"articles": len(docs), "set": str(path), "extractor_version": gaz.version,
            "scores": {k: v.as_dict() for k, v in sorted(scores.items())},
            "errors": {k: v.errors for k, v in scores.items() if k in ("actors", "topics")}}  # fmt: skip


def format_report(report: dict[str, Any]) -> str:
    width = max([22, *map(len, report["scores"])])
    lines = [f"extraction on {report['articles']} labelled articles ({report['extractor_version']})",
             f"  {'':{width}} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>5} {'fp':>4} {'fn':>4}"]  # fmt: skip
    for key, s in report["scores"].items():
        figures = f"{s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} {s['tp']:5} {s['fp']:4} {s['fn']:4}"
        lines.append(f"  {key:{width}} {figures}")
    return "\n".join(lines)
