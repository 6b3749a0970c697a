"""The feed catalog: a YAML file of feeds (see `config/feeds.yaml`)."""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ingest.models import Catalog, Feed

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ENV_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


class CatalogError(ValueError):
    """The catalog file is unreadable or breaks a rule; the message says which entry."""


def _expand(value: str, where: str) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise CatalogError(f"{where}: environment variable {name} is not set")
        return os.environ[name]

    return _ENV_REF.sub(sub, value)


def _feed(raw: dict[str, Any], index: int) -> Feed:
    where = f"feeds[{index}]"
    for key in ("id", "url", "publisher"):
        if not raw.get(key):
            raise CatalogError(f"{where}: missing '{key}'")
    feed_id = str(raw["id"])
    if not _SLUG.match(feed_id):
        raise CatalogError(f"{where}: id {feed_id!r} must be a lower-case slug (a-z, 0-9, -)")
    url = _expand(str(raw["url"]), f"{where} ({feed_id})")
    if not url.startswith(("http://", "https://")):
        raise CatalogError(f"{where} ({feed_id}): url must be http(s), got {url!r}")
    try:
        host = urlsplit(url).hostname  # what the fetcher splits to group feeds by host
    except ValueError as exc:
        raise CatalogError(f"{where} ({feed_id}): url {url!r} is not a URL: {exc}") from None
    if not host:
        raise CatalogError(f"{where} ({feed_id}): url {url!r} has no host")
    poll = raw.get("poll_minutes")
    return Feed(
        id=feed_id,
        url=url,
        publisher=str(raw["publisher"]),
        language=raw.get("language"),
        tags=tuple(str(t) for t in raw.get("tags") or ()),
        poll_minutes=int(poll) if poll is not None else None,
    )


def load_catalog(path: str | Path) -> Catalog:
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read feed catalog {path}: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("feeds"), list):
        raise CatalogError(f"{path}: expected a mapping with a 'feeds' list")
    feeds = tuple(_feed(raw, i) for i, raw in enumerate(doc["feeds"]))
    seen: set[str] = set()
    for feed in feeds:
        if feed.id in seen:
            raise CatalogError(f"{path}: feed id {feed.id!r} appears twice")
        seen.add(feed.id)
    allow = doc.get("allow_private_network", False)
    if isinstance(allow, list):
        networks = tuple(str(n) for n in allow)
        for network in networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise CatalogError(f"{path}: allow_private_network: {exc}") from exc
        return Catalog(feeds=feeds, allow_private_network=False, allowed_networks=networks)
    if not isinstance(allow, bool):
        raise CatalogError(f"{path}: allow_private_network must be true, false or a list of CIDRs")
    return Catalog(feeds=feeds, allow_private_network=allow)
