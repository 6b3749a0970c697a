"""The fast parse path against feedparser, body by body, on normalised entries (issue 9).

    .venv/bin/python bench/parse_diff.py ../shared/corpora [more folders or files] [--show N]

Every file under the folders (read where it is, never copied) is parsed twice, by `parse_feed`
(the fast path when it accepts the body) and by feedparser alone (`fast=False`); both results
are normalised as `ingest.process` does (`identity.assign`, `normalise_entry`) and compared field
by field. Prints files, how many took the fast path and why the others fell back, entries
compared and every difference grouped by field. A body that falls back is parsed by feedparser
both times, so differences can only come from bodies the fast path accepted.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest.identity import NoIdentity, assign
from ingest.models import Article, ParsedFeed
from ingest.normalize import base_for, normalise_entry
from ingest.parse import ParseError, parse_feed

FETCHED_AT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FEED_FIELDS = ("feed_link", "language", "ttl", "sy_period", "sy_frequency", "bozo")
ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_HEADER = re.compile(rb"^\s*Header:\s*Content-type:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_TAG = re.compile(r"<([A-Za-z][\w-]*)((?:\s+[^\s=<>]+=\"[^\"]*\")*)\s*(/?)>")
_ATTR = re.compile(r'([^\s=<>]+)="([^"]*)"')
# Differences that are not differences, each with its reason; everything else is reported as found.
EXPLAINED = {
    "html": "attribute order only: feedparser's sanitizer sorts a tag's attributes, the fast path keeps the "
    "publisher's order (nh3 sanitises both); the same HTML",
}


@dataclass
class Comparison:
    parser: str  # "fast", "feedparser" or "error"
    declined: str | None = None
    entries: int = 0
    differences: list[tuple[str, object, object]] = field(default_factory=list)  # (field, fast, feedparser)


def content_type_of(body: bytes) -> str | None:
    """The Content-Type a feedparser test file is meant to be served with (`Header:` in its comment)."""
    head = body[:2000]
    found = _HEADER.search(head) if b"Header:" in head else None
    return found.group(1).decode("latin-1") if found else None


def sorted_attributes(html: str) -> str:
    """nh3 output with each tag's attributes in name order (what feedparser's sanitizer does to them)."""
    return _TAG.sub(lambda m: "<" + m.group(1) + "".join(f' {k}="{v}"' for k, v in sorted(_ATTR.findall(m.group(2))))
                    + m.group(3) + ">", html)  # fmt: skip


def explained(name: str, fast: object, slow: object) -> bool:
    return (
        name == "html" and isinstance(fast, str) and isinstance(slow, str) and sorted_attributes(fast) == sorted_attributes(slow)
    )


def articles(parsed: ParsedFeed) -> list[Article | str]:
    out: list[Article | str] = []
    for entry, identity in zip(parsed.entries, assign(parsed.entries, "diff", base_for(parsed, None)), strict=True):
        if isinstance(identity, NoIdentity):
            out.append(f"no identity: {identity}")
        else:
            out.append(normalise_entry(entry, identity, feed_id="diff", language=parsed.language, payload_sha256="0" * 64,
                                       fetched_at=FETCHED_AT))  # fmt: skip
    return out


def compare(body: bytes, content_type: str | None = None) -> Comparison:
    """Both paths on one body; differences in feed values and in each normalised entry, field by field.

    A difference listed in `EXPLAINED` is reported under `<field> (explained)`.
    """
    try:
        fast = parse_feed(body, content_type)
    except ParseError:
        fast = None
    try:
        slow = parse_feed(body, content_type, fast=False)
    except ParseError:
        slow = None
    if fast is None or slow is None:
        result = Comparison("error")
        if (fast is None) != (slow is None):  # the fast path never raises ParseError itself, but check
            result.differences.append(("parse_error", fast is None, slow is None))
        return result
    result = Comparison(fast.parser, fast.fast_declined, len(fast.entries))
    result.differences = differences(fast, slow)
    return result


def differences(fast: ParsedFeed, slow: ParsedFeed) -> list[tuple[str, object, object]]:
    """(field, fast value, feedparser value) for each feed value and normalised entry field that differs."""
    found: list[tuple[str, object, object]] = []
    for name in FEED_FIELDS:
        a, b = getattr(fast, name), getattr(slow, name)
        if a != b:
            found.append((f"feed.{name}", a, b))
    if len(fast.entries) != len(slow.entries):
        return [*found, ("entries", len(fast.entries), len(slow.entries))]
    for one, two in zip(articles(fast), articles(slow), strict=True):
        if isinstance(one, str) or isinstance(two, str):
            if one != two:
                found.append(("identity", one, two))
            continue
        for name in ARTICLE_FIELDS:
            a, b = getattr(one, name), getattr(two, name)
            if a != b:
                found.append((f"{name} (explained)" if explained(name, a, b) else name, a, b))
    return found


def files(roots: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        found.extend([root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and p.suffix == ".xml"))
    return found


def short(value: object, width: int = 90) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("roots", nargs="+", type=Path, help="folders (searched for *.xml) or files")
    parser.add_argument("--show", type=int, default=5, help="examples printed per differing field")
    args = parser.parse_args(argv)
    paths = files(args.roots)
    paths_by_parser: Counter[str] = Counter()
    entries_by_parser: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    by_field: dict[str, list[tuple[Path, object, object]]] = defaultdict(list)
    for path in paths:
        body = path.read_bytes()
        result = compare(body, content_type_of(body))
        paths_by_parser[result.parser] += 1
        entries_by_parser[result.parser] += result.entries
        if result.declined:
            reasons[re.sub(r"(: |, line |\(<).*", "", result.declined).strip()] += 1
        for name, a, b in result.differences:
            by_field[name].append((path, a, b))
    print(f"files: {len(paths)}  fast: {paths_by_parser['fast']}  feedparser: {paths_by_parser['feedparser']}"
          f"  unparseable both ways: {paths_by_parser['error']}")  # fmt: skip
    compared = entries_by_parser["fast"]
    print(f"entries compared (fast path accepted the body): {compared}  entries through feedparser: "
          f"{entries_by_parser['feedparser']}")  # fmt: skip
    print("fallback reasons:")
    for reason, count in reasons.most_common():
        print(f"  {count:5d}  {reason}")
    total = sum(len(v) for v in by_field.values())
    print(f"differences in normalised entries and feed values: {total}")
    for name, found in sorted(by_field.items(), key=lambda kv: -len(kv[1])):
        reason = EXPLAINED.get(name.removesuffix(" (explained)")) if name.endswith("(explained)") else "UNEXPLAINED"
        print(f"  {name}: {len(found)} in {len({p for p, _, _ in found})} files: {reason}")
        for path, a, b in found[: args.show]:
            print(f"    {path.parent.name}/{path.name}\n      fast:       {short(a)}\n      feedparser: {short(b)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
