"""Load and check the curated gazetteer (`data/actors.yaml`) and topic taxonomy (`data/topics.yaml`).

The files are data, curated by hand; this module refuses them loudly when they
break a rule (unknown type, duplicate id, an alias owned by two actors), because
a silent overlap would count one name for two actors.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ingest import cache

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent / "data"
# libyaml's loader where PyYAML was built with it (the wheels are): it reads the gazetteer to the same
# objects 6x faster than the pure-Python one, and every process that extracts (workers, tasks, tests) loads it
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ACTOR_TYPES = frozenset({"person", "state", "organisation", "armed_force", "armed_group"})
THEATRES = frozenset(
    {"euro_atlantic", "indo_pacific", "middle_east", "africa", "americas", "south_asia", "central_asia", "global"}
)


# The matcher's rules (matcher.py, with _scan.c): part of the extractor version with the two files' contents, so
# that a rule change that finds other mentions in the same text gets a new version too, and `defnews replay` has a
# reason to re-extract. Bump it with such a change. 2: no word boundary beside unspaced scripts, Arabic proclitics
# and the ل contraction (session 6). 3: a force or organ named with its own state's name names the state too ("U.S.
# Army": `matcher.nested_states`).
MATCHING_RULES = 3


class GazetteerError(ValueError):
    """A gazetteer or taxonomy file breaks a rule; the message names the entry."""


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    type: str
    country: str | None
    theatre: str | None
    role: str | None
    aliases: tuple[str, ...]
    context_aliases: tuple[str, ...]
    guarded_aliases: tuple[str, ...] = ()  # also a personal name ("Jordan", "Chad"): not beside other name words
    organ_of_state: bool = True  # a force or organ of its `country`; false for a party ("French National Rally")


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    description: str
    min_score: float
    keywords: tuple[str, ...]
    weights: tuple[tuple[str, float], ...] = ()  # keywords worth more (or less) than 1
    negative: tuple[
        str, ...
    ] = ()  # cues that this is not the topic ("nuclear-powered"): -1 each, and they hide keywords inside them
    title_boost: float = 2.0

    def weight(self, keyword: str) -> float:
        return self._weight_of.get(keyword, 1.0)

    @functools.cached_property
    def _weight_of(self) -> dict[str, float]:
        """`weights` as a dict, made once: made at every call, it cost 0.7 s of building the matcher for 13,000
        phrases (every process that extracts builds it)."""
        return dict(self.weights)


@dataclass(frozen=True, eq=False)  # hashed by identity: the lru_caches keyed on it stay O(1)
class Gazetteer:
    actors: tuple[Actor, ...]
    topics: tuple[Topic, ...]
    version: str  # content hash of both files and the matching rules' number: stamped on every mention row
    not_actors: tuple[str, ...] = ()  # places that contain an actor's name ("South China Sea"): never a mention

    def entity_ids(self) -> list[str]:
        return [a.id for a in self.actors] + [t.id for t in self.topics]

    def actor(self, actor_id: str) -> Actor:
        return _index(self)[0][actor_id]

    def topic(self, topic_id: str) -> Topic:
        return _index(self)[1][topic_id]


@lru_cache(maxsize=4)
def _index(gaz: Gazetteer) -> tuple[dict[str, Actor], dict[str, Topic]]:
    return {a.id: a for a in gaz.actors}, {t.id: t for t in gaz.topics}


def _strings(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in raw.get(key) or () if str(v).strip())


def _actor(raw: dict[str, Any]) -> Actor:
    actor_id = str(raw.get("id") or "")
    if not actor_id or raw.get("type") not in ACTOR_TYPES:
        raise GazetteerError(f"actor {actor_id or raw!r}: needs an id and a type in {sorted(ACTOR_TYPES)}")
    theatre = raw.get("theatre")
    if theatre is not None and theatre not in THEATRES:
        raise GazetteerError(f"actor {actor_id}: unknown theatre {theatre!r}")
    full = _strings(raw, "aliases") + _strings(raw, "metonyms") + _strings(raw, "demonyms")
    if not full:
        raise GazetteerError(f"actor {actor_id}: no alias")
    return Actor(
        id=actor_id,
        name=str(raw["name"]),
        type=str(raw["type"]),
        country=raw.get("country"),
        theatre=theatre,
        role=raw.get("role"),
        aliases=full,
        context_aliases=_strings(raw, "context_aliases"),
        guarded_aliases=_strings(raw, "guarded_aliases"),
        organ_of_state=raw.get("organ_of_state", True) is not False,
    )


def _topic(raw: dict[str, Any]) -> Topic:
    topic_id = str(raw.get("id") or "")
    keywords = _strings(raw, "keywords")
    if not topic_id or not keywords:
        raise GazetteerError(f"topic {topic_id or raw!r}: needs an id and keywords")
    weights = {str(k): float(v) for k, v in (raw.get("weights") or {}).items()}
    keywords = keywords + tuple(k for k in weights if k not in keywords)
    return Topic(
        id=topic_id,
        name=str(raw.get("name") or topic_id),
        description=str(raw.get("description") or ""),
        min_score=float(raw.get("min_score") or raw.get("min_mentions") or 1),
        keywords=keywords,
        weights=tuple(sorted(weights.items())),
        negative=_strings(raw, "negative"),
        title_boost=float(raw.get("title_boost") or 2.0),
    )


def _unique(kind: str, pairs: list[tuple[str, str]]) -> None:
    owner: dict[str, str] = {}
    for key, entity in pairs:
        if owner.setdefault(key, entity) != entity:
            raise GazetteerError(f"{kind} {key!r} belongs to both {owner[key]} and {entity}")


def _check(actors: tuple[Actor, ...], topics: tuple[Topic, ...]) -> None:
    for kind, ids in (("actor", [a.id for a in actors]), ("topic", [t.id for t in topics])):
        if len(ids) != len(set(ids)):
            raise GazetteerError(f"duplicate {kind} id: {sorted({i for i in ids if ids.count(i) > 1})}")
    _unique("alias", [(s, a.id) for a in actors for s in set(a.aliases + a.context_aliases)])
    _unique("keyword", [(k.casefold(), t.id) for t in topics for k in set(t.keywords + t.negative)])
    for actor in actors:
        stray = set(actor.guarded_aliases) - set(actor.aliases)
        if stray:
            raise GazetteerError(f"actor {actor.id}: guarded_aliases {sorted(stray)} must also be aliases")


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: Path = DATA_DIR) -> Gazetteer:
    """The gazetteer in `data_dir`, from the parse cache when this code read the same files before (`_cached`)."""
    contents = {name: (data_dir / name).read_bytes() for name in FILES}
    raw_bytes = b"".join(contents.values())
    version = "gaz-" + hashlib.sha256(raw_bytes + f"\nmatching rules {MATCHING_RULES}".encode()).hexdigest()[:12]
    key = hashlib.sha256(b"".join(b"%d:%s" % (len(c), c) for c in (*contents.values(), _CODE))).hexdigest()[:24]
    folder = cache.cache_dir()
    found = _cached(folder / f"gazetteer-{key}.pickle", version) if folder else None
    if found is not None:
        return found
    docs = {name: yaml.load(content, Loader=YAML_LOADER) or {} for name, content in contents.items()}
    actors = tuple(_actor(a) for a in docs["actors.yaml"].get("actors") or ())
    topics = tuple(_topic(t) for t in docs["topics.yaml"].get("topics") or ())
    _check(actors, topics)
    not_actors = tuple(str(p) for p in docs["actors.yaml"].get("not_actors") or ())
    gaz = Gazetteer(actors=actors, topics=topics, version=version, not_actors=not_actors)
    if folder:
        _keep(folder, f"gazetteer-{key}.pickle", gaz)
    return gaz


FILES = ("actors.yaml", "topics.yaml")


def _code_digest() -> bytes:
    """What the cache key holds of the code that parses: this module as it was imported (a checkout changed under a
    running process must not file that process's parse under the new code), PyYAML's version, Python's."""
    try:
        source = Path(__file__).read_bytes()
    except OSError:  # no source beside the module: no parse is filed under its code
        source = os.urandom(16)
    return hashlib.sha256(b"\0".join([source, yaml.__version__.encode(), sys.version.encode()])).digest()


_CODE = _code_digest()


def _cached(path: Path, version: str) -> Gazetteer | None:
    """The gazetteer pickled at `path`, or None when there is none or it cannot be read back as this version.

    The key in the file's name covers both files' bytes and the parsing code (`_CODE`), so a changed file or rule
    is parsed again. Unpickling runs what a pickle says, so a file is read only when it and its folder are the
    user's own and written by no one else (`cache.private`); a shared or group-writable folder is not used at all.
    """
    try:
        if not (cache.private(path.parent) and cache.private(path)):
            return None
        with path.open("rb") as handle:
            found = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - unpickling a truncated or foreign file raises anything; parsed again
        log.warning("gazetteer cache %s unreadable (%s: %s); parsing the YAML", path, type(exc).__name__, exc)
        return None
    if not isinstance(found, Gazetteer) or found.version != version:
        return None
    cache.used(path)
    return found


def _keep(folder: Path, name: str, gaz: Gazetteer) -> None:
    """Pickle `gaz` into `folder` as `name`, whole or not at all (two workers may write it at once); drop all but the
    most recently used (`ingest.cache.prune`). A folder that cannot be written, or that others can write, costs
    only the parse next time."""
    if not cache.writable_folder(folder):
        return
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".gazetteer-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(gaz, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        cache.prune(folder, "gazetteer")
    except OSError as exc:
        log.debug("gazetteer cache %s not written: %s", folder, exc)
