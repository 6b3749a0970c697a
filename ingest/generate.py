"""Synthetic defence feeds at any scale, with known ground truth (`defnews generate`, issue 9).

Entry `i` is a pure function of `(seed, i)`: its own `random.Random` draws a title, a lead and a
body of 300-800 words from sentence templates that name real actors by the gazetteer's canonical
names and carry keywords of one topic (`Topic.keywords`). A plan made first with the run's own
generator fixes each entry's day and topic, one planted surge (one topic weighted x5 for 5 days)
and ~2% syndicated copies (an earlier entry's title and lead, in another outlet, the same day).
Entry `i` goes to feed `i % feeds`; formats cycle RSS 2.0 / Atom / RSS 1.0 (RDF); a feed keeps at
most `MAX_PER_FILE` entries per file (`<feed>.xml` newest, then `<feed>-p0002.xml`...), written
page by page, so a million entries never sit in memory at once. Only keywords and names that the
extractor finds exactly as written are used, and the other sentences name nothing, so the truth
in `ground_truth.json` (entries per topic and day, the surge, syndicated groups, entries per
actor) is what `ingest.extract` should find.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from html import escape as html_escape
from itertools import accumulate
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ingest.extract import Gazetteer, load_gazetteer
from ingest.extract.gazetteer import Actor
from ingest.extract.matcher import find_hits

MAX_PER_FILE = 1000
SYNDICATED_SHARE = 0.02
SURGE_FACTOR = 5.0
SURGE_DAYS = 5
FORMATS = ("rss2", "atom", "rdf")
THEATRES = {"taiwan_strait": "indo_pacific", "russia_ukraine_war": "euro_atlantic", "nato_alliance": "euro_atlantic",
            "defence_spending": "euro_atlantic", "indo_pacific_partnerships": "indo_pacific", "korean_peninsula": "indo_pacific",
            "middle_east_conflict": "middle_east", "maritime_disputes": "indo_pacific", "arctic_security": "euro_atlantic",
            "ammunition_industrial_base": "euro_atlantic", "terrorism_insurgency": "africa"}  # fmt: skip
BASE_WEIGHT = {"russia_ukraine_war": 3.0, "middle_east_conflict": 2.5, "nato_alliance": 2.0, "defence_spending": 1.5}
TITLES = ("{person} presses {state} on {kw}", "{state} and {state2} hold talks on {kw}", "{org} weighs {kw} after appeal from "
          "{person}", "{state} faces new questions over {kw}", "{person} says {kw} will top the agenda with {state}",
          "Analysis: how {kw} is testing {org}", "{state} signals shift on {kw} as {person} visits")  # fmt: skip
LEADS = ("{person} said on {weekday} that {kw} would remain a priority for {state}, according to officials briefed on the talks.",
         "Officials from {state} and {state2} met on {weekday} to discuss {kw}, the latest sign of how far the issue has "
         "climbed up the agenda of {org}.", "{state} moved on {weekday} to address {kw}, weeks after {person} promised a "
         "review.")  # fmt: skip
KEYWORD = ("Diplomats described {kw} as the central issue of the week.", "The question of {kw} has dominated recent meetings "
           "between {state} and {state2}.", "Several officials said privately that {kw} was now their main worry.",
           "{person} told reporters that progress on {kw} would take time.", "Analysts at {think_tank} expect {kw} to stay in "
           "the headlines for months.", "Much of the debate in {state} now turns on {kw}.")  # fmt: skip
ACTORS = ("{person} was expected to raise the matter with counterparts later in the week.", "Officials in {state} declined "
          "to comment on the record.", "A spokesperson for {org} said it was following developments closely.",
          "{person} has argued for a firmer line, while {person2} has urged caution.", "{state} summoned a senior diplomat "
          "from {state2} on {weekday}, according to a statement.", "Talks between {state} and {org} are due to resume next "
          "month.", "{person} spoke by phone with {person2} on {weekday}, their offices said.")  # fmt: skip
NEUTRAL = ("Officials cautioned that details were still emerging and that initial figures could be revised.",
           "The statement did not say when a decision would be taken.", "{official} said the timing was deliberate.",
           "\u201cThe pattern matters more than any single incident,\u201d said {analyst} of {think_tank}.",
           "Neither side released independent evidence to support its account.", "A decision is expected within {n} weeks.",
           "Parliamentary committees have asked for a briefing before the end of the month.", "Officials said about {n} "
           "people had been involved in the preparations.", "\u201cNobody should read this as routine,\u201d {official} "
           "said, speaking on condition of anonymity.", "Previous rounds of talks ended without a joint statement.",
           "Critics said the plan lacked detail and a clear timetable.", "{analyst}, a senior fellow at {think_tank}, said "
           "the next few weeks would be decisive.", "The figures could not be independently verified.", "Officials said "
           "the review would cover the past {n} years.", "The announcement came after {n} days of closed-door meetings.",
           "Opposition lawmakers accused the government of moving too slowly.", "Markets showed little reaction to the news.",
           "A fuller account is due to be published on {weekday}.", "Some officials were said to favour a slower approach.",
           "The meeting lasted more than {n} hours, according to people present.")  # fmt: skip
FILL = {"analyst": ("Helena Voss", "Daniel Okafor", "Ingrid Salo", "Rahul Menon", "Claire Dubois", "Tomas Varga", "Yuki Arata"),
        "think_tank": ("the Institute for Maritime Strategy", "the Pacific Policy Forum", "the Centre for Strategic Risk Studies",
                       "the Harrow Institute for Strategic Studies", "the Lisbon Defence Forum", "the Eurasia Risk Group"),
        "official": ("a senior diplomat", "a defence official", "one official familiar with the talks", "a senior officer"),
        "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        "reporter": ("Anya Kovac", "Felix Morrow", "Priya Raman", "Jonas Brandt", "Isla Fenwick", "Rory Calder", "Mika Tanabe"),
        "outlet_a": ("Meridian", "Harbour", "Atlantic", "Lantern", "Pacific", "Keel", "Baltic", "Steppe", "Silicon", "Northern",
                     "Coastal", "Granite", "Beacon", "Summit", "Compass", "Anchor", "Frontier", "Signal", "Citadel", "Horizon"),
        "outlet_b": ("Wire", "Watch", "Ledger", "Dispatch", "Sentinel", "Monitor", "Review", "Post", "Herald", "Observer",
                     "Courier", "Bulletin")}  # fmt: skip
THE = re.compile(r"^United |Republic|Islands$|lands$|^(Philippines|Bahamas|Maldives|Comoros|Seychelles|Gambia|Quad|Five Eyes)$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Pool:
    names: tuple[str, ...]  # as written ("the United Kingdom")
    ids: tuple[str, ...]
    cum: tuple[float, ...]  # cumulative weights: popular actors (early in the gazetteer) and the topic's theatre first

    def pick(self, rng: random.Random) -> tuple[str, str]:
        k = rng.choices(range(len(self.names)), cum_weights=self.cum)[0]
        return self.names[k], self.ids[k]


@dataclass(frozen=True)
class Vocabulary:
    topics: tuple[str, ...]
    names: dict[str, str]  # topic id -> display name
    keywords: dict[str, tuple[tuple[str, frozenset[str]], ...]]  # topic -> (keyword, actor ids named inside it)
    pools: dict[tuple[str, str], Pool]  # (topic, person|state|org) -> actors


def written(actor: Actor) -> str:
    """The name as a sentence uses it: "the United Kingdom", "the European Union", but "NATO", "Poland"."""
    bare = actor.type == "person" or not THE.search(actor.name) and (actor.type == "state" or actor.name.isupper())
    return actor.name if bare or any(c.isdigit() for c in actor.name) or actor.name == "Mossad" else "the " + actor.name


def _exact(gaz: Gazetteer, actor: Actor) -> bool:
    found = find_hits(gaz, f"Said {written(actor)} was.")
    hits = [(h.pattern.kind, h.pattern.entity_id, h.pattern.contextual, h.end - h.start) for h in found]
    alone = hits == [("actor", actor.id, False, len(actor.name))]
    return alone and actor.name in actor.aliases and actor.name not in actor.guarded_aliases


def _keyword_actors(gaz: Gazetteer, topic: str, keyword: str) -> frozenset[str] | None:
    hits = find_hits(gaz, f"Officials said the {keyword} was discussed.")
    if [(h.pattern.entity_id, h.end - h.start) for h in hits if h.pattern.kind != "actor"] != [(topic, len(keyword))]:
        return None
    actors = [h.pattern for h in hits if h.pattern.kind == "actor"]
    return None if any(p.contextual or p.guarded for p in actors) else frozenset(p.entity_id for p in actors)


@lru_cache(maxsize=2)
def vocabulary(gaz: Gazetteer) -> Vocabulary:
    """Keywords and actor names that the extractor finds exactly as written (checked once, here)."""
    keywords = {}
    for t in gaz.topics:
        found = ((k, _keyword_actors(gaz, t.id, k)) for k in t.keywords if t.weight(k) >= 1.0)
        keywords[t.id] = tuple((k, a) for k, a in found if a is not None)
    usable = [a for a in gaz.actors if a.type in ("person", "state", "organisation") and _exact(gaz, a)]
    pools = {}
    for t in gaz.topics:
        for kind, slot in (("person", "person"), ("state", "state"), ("organisation", "org")):
            mine = [a for a in usable if a.type == kind]
            weights = [(4.0 if a.theatre in (THEATRES.get(t.id), "global") else 1.0) / (rank + 5) for rank, a in enumerate(mine)]
            pools[(t.id, slot)] = Pool(tuple(map(written, mine)), tuple(a.id for a in mine), tuple(accumulate(weights)))
    return Vocabulary(tuple(t for t in sorted(keywords) if keywords[t]), {t.id: t.name for t in gaz.topics}, keywords, pools)


@lru_cache(maxsize=256)
def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


@dataclass
class Writer:
    """Fills templates for one entry and remembers the actors it named."""

    vocab: Vocabulary
    rng: random.Random
    topic: str
    actors: set[str] = field(default_factory=set)

    def sentence(self, template: str) -> str:
        values: dict[str, str] = {}
        for name in _fields(template):
            kind = name.rstrip("2")
            if kind == "kw":
                values[name], inside = self.rng.choice(self.vocab.keywords[self.topic])
                self.actors |= inside
            elif kind in ("person", "state", "org"):
                values[name], actor_id = self.vocab.pools[(self.topic, kind)].pick(self.rng)
                while name.endswith("2") and values[name] == values[kind]:  # "X spoke with Y", never with X
                    values[name], actor_id = self.vocab.pools[(self.topic, kind)].pick(self.rng)
                self.actors.add(actor_id)
            else:
                values[name] = str(self.rng.randint(2, 40)) if kind == "n" else self.rng.choice(FILL[kind])
        text = template.format(**values)
        return text[0].upper() + text[1:]

    def paragraph(self, words: int, first: str = "") -> tuple[str, int]:
        """A `<p>` of at least `words` words (after `first`): ~10% keyword, ~35% actor, the rest neutral sentences."""
        sentences, count, last = [first] if first else [], len(first.split()), ""
        while count < words:
            roll = self.rng.random()
            template = self.rng.choice(KEYWORD if roll < 0.1 else ACTORS if roll < 0.45 else NEUTRAL)
            if template != last:
                sentences.append(self.sentence(template))
                count, last = count + len(sentences[-1].split()), template
        return "<p>" + html_escape(" ".join(sentences), quote=False) + "</p>", count


@dataclass
class Entry:
    index: int
    topic: str
    title: str
    paragraphs: list[str]
    actors: set[str]
    words: int
    published: datetime
    author: str | None


def _head(vocab: Vocabulary, rng: random.Random, topic: str) -> tuple[str, str, int, set[str]]:
    """Title and lead paragraph of at least 60 words: what a syndicated copy shares with its original."""
    w = Writer(vocab, rng, topic)
    title = w.sentence(rng.choice(TITLES))
    lead, words = w.paragraph(60, w.sentence(rng.choice(LEADS)))
    return title, lead, words, w.actors


def render_entry(vocab: Vocabulary, seed: int, index: int, topic: str, when: datetime, origin: int | None = None) -> Entry:
    rng = random.Random(seed * 2**32 + index)  # entry `index` of run `seed`, whatever else the run holds
    title, lead, words, actors = _head(vocab, random.Random(seed * 2**32 + origin) if origin is not None else rng, topic)
    w = Writer(vocab, rng, topic, set(actors))
    target, paragraphs = rng.randint(300, 770), [lead]
    while words < target:  # a sentence has at most ~30 words, so the body stays under 800
        html, n = w.paragraph(min(rng.randint(50, 110), target - words))
        paragraphs.append(html)
        words += n
    author = rng.choice(FILL["reporter"]) if rng.random() < 0.8 else None
    return Entry(index, topic, title, paragraphs, w.actors, words, when, author)


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    domain: str
    fmt: str
    utm: bool  # links carry utm_* parameters (canonicalisation drops them)


def outlet(number: int) -> Outlet:
    a, b = FILL["outlet_a"], FILL["outlet_b"]
    name = f"{a[(number % len(b) + number // len(b)) % len(a)]} {b[number % len(b)]}"
    name += f" {number // (len(a) * len(b)) + 1}" if number >= len(a) * len(b) else ""
    slug = _NON_ALNUM.sub("-", name.lower()).strip("-")
    return Outlet(slug, name, slug.replace("-", "") + ".example", FORMATS[number % len(FORMATS)], number % 4 == 0)


def published(index: int, entries: int, days: int, start: date) -> datetime:
    """Spread each day's entries evenly over it, in index order (a copy comes after its original)."""
    day = index * days // entries
    first, after = -(-day * entries // days), -(-(day + 1) * entries // days)  # the day's indices: [first, after)
    slot = 86_400_000_000 // (after - first)  # microseconds: a day may hold more entries than seconds
    midnight = datetime(start.year, start.month, start.day, tzinfo=UTC) + timedelta(days=day)
    return midnight + timedelta(microseconds=(index - first) * slot + index * 7_919_000 % slot)


@dataclass
class Plan:
    day: array[int]  # day offset per entry (non-decreasing in the index)
    topic: array[int]  # index into Vocabulary.topics
    origin: dict[int, int]  # syndicated copy -> the entry it copies
    surge_topic: str
    surge_days: tuple[int, ...]


def make_plan(vocab: Vocabulary, rng: random.Random, entries: int, days: int, feeds: int) -> Plan:
    surge_topic = rng.choice([t for t in vocab.topics if t not in BASE_WEIGHT])
    first = max(0, (days - SURGE_DAYS) // 2)
    surge = tuple(range(first, min(days, first + SURGE_DAYS)))
    base = [BASE_WEIGHT.get(t, 1.0) for t in vocab.topics]
    boosted = [w * SURGE_FACTOR if t == surge_topic else w for t, w in zip(vocab.topics, base, strict=True)]
    day = array("H", (i * days // entries for i in range(entries)))
    per_day, topic = Counter(day), array("B")
    for d in range(days):
        topic.extend(rng.choices(range(len(vocab.topics)), weights=boosted if d in surge else base, k=per_day[d]))
    origin: dict[int, int] = {}
    for i in range(entries if feeds > 1 else 0):
        if rng.random() < SYNDICATED_SHARE:
            j = i - rng.randint(1, feeds - 1)  # in another feed, so another outlet
            if j >= 0 and day[j] == day[i] and j not in origin:
                origin[i], topic[i] = j, topic[j]
    return Plan(day, topic, origin, surge_topic, surge)


def _link(o: Outlet, e: Entry) -> str:
    slug = _NON_ALNUM.sub("-", e.title.lower())[:60].strip("-")
    return f"https://www.{o.domain}/{e.published:%Y/%m/%d}/{slug}-{e.index}" + ("?utm_source=rss&utm_medium=feed" * o.utm)


def _item(o: Outlet, e: Entry, link: str, topic_name: str) -> str:
    html, title, when = escape("".join(e.paragraphs)), escape(e.title), f"{e.published:%Y-%m-%dT%H:%M:%SZ}"
    by = escape(e.author or "")
    if o.fmt == "rss2":
        return (f'<item><title>{title}</title><link>{escape(link)}</link><guid isPermaLink="false">{o.domain}-{e.index}</guid>'
                f"<pubDate>{e.published:%a, %d %b %Y %H:%M:%S} +0000</pubDate>{f'<dc:creator>{by}</dc:creator>' * bool(by)}"
                f"<category>{escape(topic_name)}</category><description>{html}</description></item>\n")  # fmt: skip
    if o.fmt == "atom":
        return (f'<entry><title>{title}</title><link rel="alternate" type="text/html" href={quoteattr(link)}/><id>tag:{o.domain},'
                f"2026:article-{e.index}</id><published>{when}</published><updated>{when}</updated>"
                f"{f'<author><name>{by}</name></author>' * bool(by)}<category term=\"{e.topic}\" label={quoteattr(topic_name)}/>"
                f'<content type="html">{html}</content></entry>\n')  # fmt: skip
    return (f"<item rdf:about={quoteattr(link)}><title>{title}</title><link>{escape(link)}</link><description>{html}"
            f"</description><dc:date>{when}</dc:date>{f'<dc:creator>{by}</dc:creator>' * bool(by)}<dc:subject>"
            f"{escape(topic_name)}</dc:subject></item>\n")  # fmt: skip


def _frame(o: Outlet, newest: datetime, links: list[str]) -> tuple[str, str]:
    home, title, about = f"https://www.{o.domain}/", escape(f"{o.name} - Defence"), "<description>Defence news</description>"
    if o.fmt == "rss2":
        return (f'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>\n<title>{title}</title><link>{home}'
                f"</link>{about}<language>en</language><lastBuildDate>{newest:%a, %d %b %Y %H:%M:%S} +0000</lastBuildDate>"
                "<ttl>15</ttl>\n", "</channel></rss>\n")  # fmt: skip
    if o.fmt == "atom":
        return (f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n<title>{title}</title><link href="{home}"/>'
                f"<id>tag:{o.domain},2026:feed</id><updated>{newest:%Y-%m-%dT%H:%M:%SZ}</updated>\n", "</feed>\n")  # fmt: skip
    items = "".join(f"<rdf:li rdf:resource={quoteattr(link)}/>" for link in links)
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc='
            f'"http://purl.org/dc/elements/1.1/">\n<channel rdf:about="{home}feed.rdf"><title>{title}</title><link>{home}</link>'
            f"{about}<dc:language>en</dc:language><items><rdf:Seq>{items}</rdf:Seq></items></channel>\n",
            "</rdf:RDF>\n")  # fmt: skip


def write_page(path: Path, o: Outlet, entries: list[Entry], names: dict[str, str]) -> list[str]:
    """One feed file, written entry by entry; returns the entries' links."""
    links = [_link(o, e) for e in entries]
    head, tail = _frame(o, max(e.published for e in entries), links)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write('<?xml version="1.0" encoding="utf-8"?>\n' + head)
        for e, link in zip(entries, links, strict=True):
            handle.write(_item(o, e, link, names[e.topic]))
        handle.write(tail)
    return links


@dataclass
class GroundTruth:
    seed: int
    feeds: int
    entries: int
    days: int
    start: str
    surge: dict[str, Any]  # topic, days, weight factor, mean entries per day inside and outside
    topics: dict[str, dict[str, int]]  # topic -> UTC day -> entries about it (syndicated copies included)
    stories: dict[str, dict[str, int]]  # the same without the copies
    syndicated: list[dict[str, Any]] = field(default_factory=list)  # title, day, topic, original link, copies' links
    actors: dict[str, int] = field(default_factory=dict)  # actor id -> entries naming it (title or text)
    words: dict[str, float] = field(default_factory=dict)  # per entry text: min, max, mean
    files: list[dict[str, Any]] = field(default_factory=list)  # path, feed, format, entries

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _truth(vocab: Vocabulary, plan: Plan, seed: int, feeds: int, start: date, span: int) -> GroundTruth:
    days = [(start + timedelta(d)).isoformat() for d in range(span)]
    counts = Counter(zip(plan.topic, plan.day, strict=True))
    copies = Counter((plan.topic[i], plan.day[i]) for i in plan.origin)
    topics = {t: {day: counts[(k, d)] for d, day in enumerate(days)} for k, t in enumerate(vocab.topics)}
    stories = {t: {day: counts[(k, d)] - copies[(k, d)] for d, day in enumerate(days)} for k, t in enumerate(vocab.topics)}
    series = list(topics[plan.surge_topic].values())
    inside = [series[d] for d in plan.surge_days]
    outside = [n for d, n in enumerate(series) if d not in plan.surge_days] or [0]
    surge = {"topic": plan.surge_topic, "days": [days[d] for d in plan.surge_days], "weight_factor": SURGE_FACTOR,
             "per_day_in_surge": sum(inside) / len(inside), "per_day_otherwise": sum(outside) / len(outside)}  # fmt: skip
    return GroundTruth(seed, feeds, len(plan.day), len(days), start.isoformat(), surge, topics, stories)


def _syndicated(plan: Plan, kept: dict[int, tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    groups: dict[int, list[int]] = {}
    for copy, original in sorted(plan.origin.items()):
        groups.setdefault(original, []).append(copy)
    return [{"title": kept[j][1], "day": kept[j][2], "topic": kept[j][3], "original": kept[j][0],
             "copies": [kept[c][0] for c in copies]} for j, copies in groups.items()]  # fmt: skip


def generate(out: Path, feeds: int, entries: int, days: int, seed: int, start: date = date(2026, 1, 1)) -> GroundTruth:
    """Write the feed files and `ground_truth.json` into `out`; return the ground truth."""
    if feeds < 1 or entries < 1 or not 1 <= days <= 10_000:
        raise ValueError("feeds, entries and days must be positive (days at most 10,000)")
    vocab = vocabulary(load_gazetteer())
    plan = make_plan(vocab, random.Random(seed), entries, days, feeds)
    truth = _truth(vocab, plan, seed, feeds, start, days)
    keep, kept = set(plan.origin) | set(plan.origin.values()), {}  # syndicated entries: link, title, day, topic
    actors: Counter[str] = Counter()
    words: list[int] = []
    out.mkdir(parents=True, exist_ok=True)
    for number in range(feeds):
        o, mine = outlet(number), range(number, entries, feeds)[::-1]  # newest first
        for page, lo in enumerate(range(0, len(mine), MAX_PER_FILE), start=1):
            batch = [render_entry(vocab, seed, i, vocab.topics[plan.topic[i]], published(i, entries, days, start),
                                  plan.origin.get(i)) for i in mine[lo : lo + MAX_PER_FILE]]  # fmt: skip
            name = f"{o.id}.xml" if page == 1 else f"{o.id}-p{page:04d}.xml"
            links = write_page(out / name, o, batch, vocab.names)
            truth.files.append({"path": name, "feed": o.id, "format": o.fmt, "entries": len(batch)})
            for e, link in zip(batch, links, strict=True):
                actors.update(e.actors)
                words = [min(words[0], e.words), max(words[1], e.words), words[2] + e.words] if words else [e.words] * 3
                if e.index in keep:
                    kept[e.index] = (link, e.title, f"{e.published:%Y-%m-%d}", e.topic)
    truth.actors = dict(sorted(actors.items(), key=lambda kv: (-kv[1], kv[0])))
    truth.words = {"min": words[0], "max": words[1], "mean": round(words[2] / entries, 1)}
    truth.syndicated = _syndicated(plan, kept)
    (out / "ground_truth.json").write_text(json.dumps(truth.as_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return truth


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The `defnews generate` options (shared by `main` and the `defnews` CLI)."""
    parser.add_argument("--feeds", type=int, default=10, help="feeds (outlets); formats cycle RSS 2.0, Atom, RDF")
    parser.add_argument("--entries", type=int, default=1000, help="entries across all feeds")
    parser.add_argument("--days", type=int, default=30, help="days covered, from --start")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1), help="first day (UTC), YYYY-MM-DD")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    return parser


def run(args: argparse.Namespace) -> int:
    """Generate as the options say; print a one-line JSON summary."""
    truth = generate(args.out, args.feeds, args.entries, args.days, args.seed, args.start)
    print(json.dumps({"out": str(args.out), "files": len(truth.files), "entries": truth.entries, "surge": truth.surge,
                      "syndicated_groups": len(truth.syndicated), "words": truth.words}))  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    """`defnews generate --feeds N --entries M --days D --seed S --out DIR`."""
    parser = argparse.ArgumentParser(prog="defnews generate", description="Write synthetic defence feeds with ground truth.")
    return run(add_arguments(parser).parse_args(argv))
