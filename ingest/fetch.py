"""HTTP only: conditional GET of many feeds at once, with hard limits.

Every attempt returns a `FetchResult`, success or not; nothing here raises for a
bad feed. Network errors and statuses are mapped to an `error_class` so the
caller can record and back off (issue 3 deepens the policy).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from ingest.models import Feed, FetchResult, Validators
from ingest.settings import Settings


class BlockedAddress(Exception):
    """The target resolves to a private, loopback or link-local address."""


class BodyTooLarge(Exception):
    """The (decompressed) body exceeds the configured cap."""


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast


async def _guard(request: httpx.Request) -> None:
    """Refuse private targets on every hop, redirects included, after DNS resolution."""
    host = request.url.host
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, request.url.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return  # let httpx raise its own ConnectError for an unknown host
    for info in infos:
        if _is_private(str(info[4][0])):
            raise BlockedAddress(f"{host} resolves to non-public address {info[4][0]}")


def _error_class(exc: BaseException) -> str:
    if isinstance(exc, BlockedAddress):
        return "blocked_address"
    if isinstance(exc, BodyTooLarge):
        return "body_too_large"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too_many_redirects"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect_error"
    if isinstance(exc, httpx.HTTPError):
        return "http_error"
    return type(exc).__name__


async def _read_capped(response: httpx.Response, cap: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():  # decompressed bytes: the cap holds for gzip bombs too
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge(f"body exceeds {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch_one(client: httpx.AsyncClient, feed: Feed, validators: Validators, settings: Settings) -> FetchResult:
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    started = time.perf_counter()
    result = FetchResult(feed_id=feed.id, url=feed.url, requested_at=datetime.now(UTC), outcome="error")
    try:
        async with asyncio.timeout(settings.total_timeout_s):
            async with client.stream("GET", feed.url, headers=headers) as response:
                result.status_code = response.status_code
                result.final_url = str(response.url)
                result.content_type = response.headers.get("content-type")
                result.etag = response.headers.get("etag")
                result.last_modified = response.headers.get("last-modified")
                if response.status_code == 304:
                    result.outcome = "not_modified"
                elif response.status_code == 200:
                    result.body = await _read_capped(response, settings.max_body_bytes)
                    result.size = len(result.body)
                    result.outcome = "ok"
                else:
                    result.error_class = f"http_{response.status_code}"
                    result.error = f"HTTP {response.status_code} {response.reason_phrase}"
    except TimeoutError:
        result.error_class, result.error = "timeout", f"no complete response within {settings.total_timeout_s}s"
    except Exception as exc:  # noqa: BLE001 - every failure becomes a recorded row, never a crash
        result.error_class, result.error = _error_class(exc), f"{type(exc).__name__}: {exc}"
    result.duration_ms = round((time.perf_counter() - started) * 1000, 3)
    return result


def make_client(settings: Settings, allow_private_network: bool) -> httpx.AsyncClient:
    timeout = httpx.Timeout(settings.total_timeout_s, connect=settings.connect_timeout_s, read=settings.read_timeout_s)
    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
        },
        limits=httpx.Limits(max_connections=settings.concurrency),
        event_hooks={} if allow_private_network else {"request": [_guard]},
        trust_env=False,
    )


async def fetch_all(
    feeds: Iterable[Feed],
    validators: dict[str, Validators],
    settings: Settings,
    allow_private_network: bool = False,
) -> list[FetchResult]:
    """Fetch every feed concurrently, at most `per_host_concurrency` at a time per host."""
    host_limits: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(settings.per_host_concurrency))
    async with make_client(settings, allow_private_network) as client:

        async def limited(feed: Feed) -> FetchResult:
            async with host_limits[urlsplit(feed.url).hostname or ""]:
                return await fetch_one(client, feed, validators.get(feed.id, Validators()), settings)

        return list(await asyncio.gather(*(limited(feed) for feed in feeds)))


def fetch_feeds(
    feeds: Iterable[Feed],
    validators: dict[str, Validators],
    settings: Settings,
    allow_private_network: bool = False,
) -> list[FetchResult]:
    """Synchronous entry point for the CLI and Airflow tasks."""
    return asyncio.run(fetch_all(feeds, validators, settings, allow_private_network))
