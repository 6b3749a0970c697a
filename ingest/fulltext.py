"""Optional full text (`--fulltext`, off by default): the article page, fetched politely, through trafilatura.

Feeds that carry only a one-line summary give the extractor little to find. For new articles
whose feed text is shorter than `MIN_FEED_TEXT`, the page is fetched (one request at a time per
host, a pause between them, our User-Agent, robots.txt obeyed, the same size and address limits
as feeds) and trafilatura extracts the body. The article keeps whichever text is longer, and
`text_method` says which: feed, trafilatura, or why not (robots, fetch_error, no_extract).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ingest.fetch import make_client, read_capped
from ingest.models import Article, Catalog
from ingest.normalize import clean_text
from ingest.settings import Settings

log = logging.getLogger(__name__)
MIN_FEED_TEXT = 400
PAUSE_S = 1.0


async def _robots(client: httpx.AsyncClient, origin: str, agent: str) -> RobotFileParser:
    parser = RobotFileParser()
    try:
        response = await client.get(f"{origin}/robots.txt")
        parser.parse(response.text.splitlines() if response.status_code == 200 else [])
    except httpx.HTTPError:
        parser.parse([])
    return parser


async def _page(client: httpx.AsyncClient, url: str, settings: Settings) -> str | None:
    try:
        async with asyncio.timeout(settings.total_timeout_s), client.stream("GET", url) as response:
            if response.status_code != 200:
                return None
            return (await read_capped(response, settings.max_body_bytes)).decode(response.encoding or "utf-8", "replace")
    except Exception:  # noqa: BLE001 - a page we cannot get leaves the feed text in place
        return None


def _extract(html: str) -> str:
    import trafilatura

    return clean_text(trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or "")


async def _enrich_host(client: httpx.AsyncClient, origin: str, articles: list[Article], settings: Settings) -> list[Article]:
    robots = await _robots(client, origin, settings.user_agent)
    out = []
    for index, article in enumerate(articles):
        if not robots.can_fetch(settings.user_agent, article.url):
            out.append(dataclasses.replace(article, text_method="robots_disallowed"))
            continue
        if index:
            await asyncio.sleep(PAUSE_S)
        html = await _page(client, article.url, settings)
        text = _extract(html) if html else ""
        if not html:
            out.append(dataclasses.replace(article, text_method="fetch_error"))
        elif len(text) > len(article.text):
            out.append(dataclasses.replace(article, text=text, text_method="trafilatura"))
        else:
            out.append(dataclasses.replace(article, text_method="no_extract"))
    return out


async def _enrich(articles: Sequence[Article], settings: Settings, catalog: Catalog) -> list[Article]:
    by_host: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        parts = urlsplit(article.url)
        by_host[f"{parts.scheme}://{parts.netloc}"].append(article)
    async with make_client(settings, catalog.allow_private_network, catalog.allowed_networks) as client:
        done = await asyncio.gather(*(_enrich_host(client, origin, group, settings) for origin, group in by_host.items()))
    return [a for group in done for a in group]


def enrich(articles: Sequence[Article], settings: Settings, catalog: Catalog, known: set[str]) -> list[Article]:
    """The articles, with full text where the feed gave little and the page gave more."""
    wanted = [a for a in articles if a.article_id not in known and len(a.text) < MIN_FEED_TEXT and a.url]
    if not wanted:
        return list(articles)
    log.info("fetching full text for %d article(s)", len(wanted))
    enriched = {a.article_id: a for a in asyncio.run(_enrich(wanted, settings, catalog))}
    return [enriched.get(a.article_id, a) for a in articles]
