"""Cross-validation of the topic tagger's general parameters, on the dev split only.

The tagger's scoring parameters (`min_score` per topic, `title_boost`, the weight of weak cues)
used to be chosen on the whole dev split, which then scored them: an optimistic figure. This
script reads only the dev articles (odd ids; test articles are dropped before anything else is
done with them), splits them into k folds, chooses the parameters on k-1 folds with a selection
procedure, scores the held-out fold with them, and prints the mean held-out F1 over the folds
(and over repeats with other fold assignments). Comparing procedures this way says which one
generalises; the chosen procedure is then run once on the whole dev split to give the values
written into topics.yaml (`--fit`).

    .venv/bin/python bench/topics_cv.py                     # every procedure, 5 folds x 4 repeats
    .venv/bin/python bench/topics_cv.py --fit per_topic     # the values a procedure picks on all of dev

It first prints dev F1 as configured, whole and by batch (old, new, blind: the dev halves of the
batches the test split's slices are cut from).

Scoring mirrors `ingest.extract._tally`: each keyword hit adds its weight (times `title_boost`
in the title), each negative cue takes 1 away, and the topic is assigned at `min_score`.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.evaluate import DEFAULT_SET, FIRST_BLIND_TEST, FIRST_NEW_TEST, split_of
from ingest.extract import load_gazetteer
from ingest.extract.gazetteer import DATA_DIR, Gazetteer
from ingest.extract.matcher import find_hits
from ingest.normalize import clean_text

THRESHOLDS = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)
TITLE_BOOSTS = (1.0, 1.5, 2.0, 2.5, 3.0)
WEAK_WEIGHTS = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class Doc:
    id: str
    gold: frozenset[str]
    # per topic: (in title, base weight, keyword) for every keyword hit, and the number of negative cues
    hits: dict[str, list[tuple[bool, float, str]]]
    negatives: dict[str, int]

    def keywords(self) -> set[str]:
        return {k for hits in self.hits.values() for _, _, k in hits}

    def only(self, supported: Callable[[str], bool]) -> Doc:
        """The article as a tagger would see it whose lists lack the keywords `supported` rejects."""
        hits = {t: [h for h in hs if supported(h[2])] for t, hs in self.hits.items()}
        return replace(self, hits=hits)


@dataclass(frozen=True)
class Params:
    min_score: tuple[tuple[str, float], ...]
    title_boost: float = 2.0
    weak: float = 0.5  # the value of every keyword whose weight in topics.yaml is 0.5

    def threshold(self, topic: str) -> float:
        return dict(self.min_score)[topic]


def dev_docs(path: Path, gaz: Gazetteer) -> list[Doc]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        if split_of(raw["id"]) != "dev":
            continue  # the test split is never read beyond its id
        hits: dict[str, list[tuple[bool, float, str]]] = defaultdict(list)
        negatives: dict[str, int] = defaultdict(int)
        for in_title, text in ((True, raw["title"]), (False, raw["text"])):
            for hit in find_hits(gaz, clean_text(text)):
                if hit.pattern.kind == "topic":
                    hits[hit.pattern.entity_id].append((in_title, hit.pattern.weight, hit.pattern.surface.casefold()))
                elif hit.pattern.kind == "negative":
                    negatives[hit.pattern.entity_id] += 1
        docs.append(Doc(raw["id"], frozenset(raw["topics"]), dict(hits), dict(negatives)))
    return docs


def score(doc: Doc, topic: str, p: Params) -> float:
    total = 0.0
    for in_title, weight, _ in doc.hits.get(topic, ()):
        value = p.weak if weight == 0.5 else weight
        total += value * (p.title_boost if in_title else 1.0)
    return total - doc.negatives.get(topic, 0)


def counts(docs: Iterable[Doc], topics: Iterable[str], p: Params) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for doc in docs:
        for topic in topics:
            found = score(doc, topic, p) >= p.threshold(topic)
            gold = topic in doc.gold
            tp += found and gold
            fp += found and not gold
            fn += gold and not found
    return tp, fp, fn


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def tables(docs: list[Doc], topics: list[str], p: Params) -> dict[str, dict[float, tuple[int, int, int]]]:
    """Per topic and candidate min_score: (tp, fp, fn) on `docs` (the topics add up independently)."""
    out: dict[str, dict[float, tuple[int, int, int]]] = {}
    for topic in topics:
        pairs = [(score(d, topic, p), topic in d.gold) for d in docs]
        out[topic] = {}
        for m in THRESHOLDS:
            tp = sum(1 for s, g in pairs if g and s >= m)
            fp = sum(1 for s, g in pairs if not g and s >= m)
            fn = sum(1 for s, g in pairs if g and s < m)
            out[topic][m] = (tp, fp, fn)
    return out


def micro(table: dict[str, dict[float, tuple[int, int, int]]], chosen: dict[str, float]) -> float:
    return f1(*(sum(table[t][chosen[t]][i] for t in chosen) for i in range(3)))


def best_thresholds(docs: list[Doc], topics: list[str], p: Params, prior: Params) -> tuple[float, Params]:
    """Each topic's min_score that maximises micro F1 on `docs` (ties: closest to the prior)."""
    table = tables(docs, topics, p)
    chosen = {t: prior.threshold(t) if prior.threshold(t) in THRESHOLDS else 2.0 for t in topics}
    for _ in range(3):  # micro F1 couples the topics; a few sweeps settle it
        for topic in topics:

            def key(m: float, topic: str = topic) -> tuple[float, float]:
                return (round(micro(table, {**chosen, topic: m}), 9), -abs(m - prior.threshold(topic)))

            chosen[topic] = max(THRESHOLDS, key=key)
    return micro(table, chosen), replace(p, min_score=tuple(chosen.items()))


Procedure = Callable[[list[Doc], list[str], Params], Params]


def _best(docs: list[Doc], topics: list[str], grid: list[Params], prior: Params) -> Params:
    """The point of `grid` with the highest micro F1 on `docs`; ties go to the one nearest the prior."""

    def distance(p: Params) -> float:
        moved = sum(abs(p.threshold(t) - prior.threshold(t)) for t in topics)
        return moved + abs(p.title_boost - prior.title_boost) + abs(p.weak - prior.weak)

    return max(grid, key=lambda p: (round(f1(*counts(docs, topics, p)), 9), -distance(p)))


def fixed(docs: list[Doc], topics: list[str], prior: Params) -> Params:
    return prior


def global_threshold(docs: list[Doc], topics: list[str], prior: Params) -> Params:
    """One min_score for every topic, with title_boost and the weak weight."""
    grid = [replace(prior, min_score=tuple((t, m) for t in topics), title_boost=b, weak=w)
            for m in THRESHOLDS for b in TITLE_BOOSTS for w in WEAK_WEIGHTS]  # fmt: skip
    return _best(docs, topics, grid, prior)


def shifted(docs: list[Doc], topics: list[str], prior: Params) -> Params:
    """The hand-set per-topic min_scores kept in their order, all moved by one shift; title_boost, weak weight."""
    grid = [replace(prior, min_score=tuple((t, prior.threshold(t) + s) for t in topics), title_boost=b, weak=w)
            for s in (-0.5, 0.0, 0.5, 1.0) for b in TITLE_BOOSTS for w in WEAK_WEIGHTS]  # fmt: skip
    return _best(docs, topics, grid, prior)


def per_topic(docs: list[Doc], topics: list[str], prior: Params) -> Params:
    """min_score per topic, for each title_boost and weak weight on the grid."""
    fits = [best_thresholds(docs, topics, replace(prior, title_boost=b, weak=w), prior)
            for b in TITLE_BOOSTS for w in WEAK_WEIGHTS]  # fmt: skip
    return max(fits, key=lambda fit: fit[0])[1]


def per_topic_only(docs: list[Doc], topics: list[str], prior: Params) -> Params:
    """min_score per topic; title_boost and weak weight as they are."""
    return best_thresholds(docs, topics, prior, prior)[1]


PROCEDURES: dict[str, Procedure] = {
    "fixed": fixed,
    "global": global_threshold,
    "shifted": shifted,
    "per_topic_only": per_topic_only,
    "per_topic": per_topic,
}


def unseen_dropped(train: list[Doc], held: list[Doc]) -> tuple[list[Doc], list[Doc]]:
    """Keywords no other training article contains are dropped: from each training article (leave one
    out) and from the held-out ones. Most of the lists' phrases occur in one dev article only, many
    added for it; this is how the tagger fares on text whose phrasing it was not fitted to."""
    freq: dict[str, int] = defaultdict(int)
    for doc in train:
        for keyword in doc.keywords():
            freq[keyword] += 1

    def others_have(doc: Doc) -> Callable[[str], bool]:
        mine = doc.keywords()
        return lambda k: freq[k] - (k in mine) > 0

    return [d.only(others_have(d)) for d in train], [d.only(lambda k: freq[k] > 0) for d in held]


MODES = ("full", "unseen", "blend")


def cross_validate(docs: list[Doc], topics: list[str], prior: Params, procedure: Procedure,
                   folds: int, repeats: int, mode: str = "full") -> tuple[float, list[float]]:  # fmt: skip
    """Mean held-out micro F1. `full`: the lists as they are. `unseen`: keywords no training article
    contains are dropped (see `unseen_dropped`). `blend`: parameters chosen on both views of the
    training folds together, the held-out fold scored in both and the two F1s averaged."""
    scores = []
    for repeat in range(repeats):
        order = sorted(docs, key=lambda d: d.id)
        random.Random(repeat).shuffle(order)
        for k in range(folds):
            held = order[k::folds]
            train = [d for d in order if d not in held]
            dropped_train, dropped_held = unseen_dropped(train, held)
            if mode == "full":
                scores.append(f1(*counts(held, topics, procedure(train, topics, prior))))
            elif mode == "unseen":
                scores.append(f1(*counts(dropped_held, topics, procedure(dropped_train, topics, prior))))
            else:
                chosen = procedure(train + dropped_train, topics, prior)
                scores.append((f1(*counts(held, topics, chosen)) + f1(*counts(dropped_held, topics, chosen))) / 2)
    return sum(scores) / len(scores), scores


def batches(docs: list[Doc]) -> list[tuple[str, list[Doc]]]:
    """The dev halves of the set's batches, as the test split's slices cut it: old, new and blind (the blind
    batches' writers never saw the phrase lists, so their dev half is the closest dev view of fresh text)."""
    number = {d.id: int("".join(c for c in d.id if c.isdigit())) for d in docs}
    return [("old", [d for d in docs if number[d.id] < FIRST_NEW_TEST]),
            ("new", [d for d in docs if FIRST_NEW_TEST <= number[d.id] < FIRST_BLIND_TEST]),
            ("blind", [d for d in docs if number[d.id] >= FIRST_BLIND_TEST])]  # fmt: skip


def loo_dropped(docs: list[Doc]) -> list[Doc]:
    return unseen_dropped(docs, [])[0]


def prior_params(gaz: Gazetteer) -> Params:
    boosts = {t.title_boost for t in gaz.topics}
    return Params(tuple((t.id, t.min_score) for t in gaz.topics), title_boost=boosts.pop() if len(boosts) == 1 else 2.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default=str(DEFAULT_SET))
    parser.add_argument("--data-dir", default=str(DATA_DIR), help="where actors.yaml and topics.yaml are")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--procedures", default=",".join(PROCEDURES))
    parser.add_argument("--modes", default="full,unseen,blend", help=f"which of {MODES} to run")
    parser.add_argument("--fit", help="print the values this procedure picks on the whole dev split")
    parser.add_argument("--fit-mode", default="blend", choices=MODES, help="the view of dev that --fit chooses on")
    args = parser.parse_args()
    gaz = load_gazetteer(Path(args.data_dir))
    docs = dev_docs(Path(args.set), gaz)
    topics = [t.id for t in gaz.topics]
    prior = prior_params(gaz)
    print(f"dev: {len(docs)} articles, {gaz.version}; dev F1 as configured {f1(*counts(docs, topics, prior)):.3f}")
    by_batch = (f"{name} ({len(part)}) {f1(*counts(part, topics, prior)):.3f}" for name, part in batches(docs))
    print("  by batch: " + "  ".join(by_batch))
    if args.fit:
        views = {"full": docs, "unseen": loo_dropped(docs), "blend": docs + loo_dropped(docs)}
        chosen = PROCEDURES[args.fit](views[args.fit_mode], topics, prior)
        print(f"{args.fit} on all of dev: title_boost {chosen.title_boost}, weak {chosen.weak}, "
              f"dev F1 {f1(*counts(docs, topics, chosen)):.3f}")  # fmt: skip
        for topic in topics:
            mark = "" if chosen.threshold(topic) == prior.threshold(topic) else f"  (was {prior.threshold(topic)})"
            print(f"  {topic:30} min_score {chosen.threshold(topic)}{mark}")
        return
    for name in args.procedures.split(","):
        figures = []
        for mode in args.modes.split(","):
            mean, scores = cross_validate(docs, topics, prior, PROCEDURES[name], args.folds, args.repeats, mode)
            figures.append(f"{mode} {mean:.3f} [{min(scores):.3f}-{max(scores):.3f}]")
        print(f"{name:16} CV F1 ({args.folds} folds x {args.repeats})  " + "  ".join(figures))


if __name__ == "__main__":
    main()
