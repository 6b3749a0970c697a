"""HTTP only: conditional GET of many feeds at once, with hard limits.

Every attempt returns a `FetchResult`, success or not; nothing here raises for a
bad feed. Network errors and statuses are mapped to an `error_class` so the
caller can record and back off (issue 3 deepens the policy).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from ingest.models import FetchResult, Validators
from ingest.settings import Settings


@dataclass(frozen=True)
class Target:
    """One feed to fetch: where, and with which validators."""

    feed_id: str
    url: str
    validators: Validators = Validators()


class BlockedAddress(Exception):
    """The target resolves to a private, loopback or link-local address."""


class BodyTooLarge(Exception):
    """The (decompressed) body exceeds the configured cap."""


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def make_guard(allowed_cidrs: Sequence[str] = ()) -> Callable[[httpx.Request], Awaitable[None]]:
    """A request hook refusing non-public targets on every hop (redirects too), after DNS resolution."""
    allowed = [ipaddress.ip_network(cidr, strict=False) for cidr in allowed_cidrs]

    async def guard(request: httpx.Request) -> None:
        host = request.url.host
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, request.url.port or 443, type=socket.SOCK_STREAM)
        except socket.gaierror:
            return  # httpx raises its own error for an unknown host, classed below
        for info in infos:
            address = str(info[4][0])
            if _is_private(address) and not any(ipaddress.ip_address(address) in net for net in allowed):
                raise BlockedAddress(f"{host} resolves to non-public address {address}")

    return guard


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _error_class(exc: BaseException) -> str:
    for link in _chain(exc):
        if isinstance(link, socket.gaierror):
            return "dns_temporary" if link.errno == socket.EAI_AGAIN else "unknown_host"
        if isinstance(link, ssl.SSLError):
            return "tls_error"
    if isinstance(exc, BlockedAddress):
        return "blocked_address"
    if isinstance(exc, BodyTooLarge):
        return "body_too_large"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too_many_redirects"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "name or service not known" in text or "nodename nor servname" in text or "no address associated" in text:
            return "unknown_host"
        if "temporary failure in name resolution" in text:
            return "dns_temporary"
        return "connect_error"
    if isinstance(exc, httpx.DecodingError):
        return "decoding_error"
    if isinstance(exc, httpx.HTTPError):
        return "http_error"
    return type(exc).__name__


async def read_capped(response: httpx.Response, cap: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():  # decompressed bytes: the cap holds for gzip bombs too
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge(f"body exceeds {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _record_response(result: FetchResult, response: httpx.Response) -> None:
    headers = response.headers
    result.status_code = response.status_code
    result.final_url = str(response.url)
    result.permanent_redirect = bool(response.history) and all(r.status_code in (301, 308) for r in response.history)
    result.content_type = headers.get("content-type")
    result.etag = headers.get("etag")
    result.last_modified = headers.get("last-modified")
    result.cache_control = headers.get("cache-control")
    result.expires = headers.get("expires")
    result.retry_after = headers.get("retry-after")


async def fetch_one(client: httpx.AsyncClient, target: Target, settings: Settings) -> FetchResult:
    validators = target.validators
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    started = time.perf_counter()
    result = FetchResult(feed_id=target.feed_id, url=target.url, requested_at=datetime.now(UTC), outcome="error",
                         sent_validators=bool(headers))  # fmt: skip
    try:
        async with asyncio.timeout(settings.total_timeout_s):
            async with client.stream("GET", target.url, headers=headers) as response:
                _record_response(result, response)
                if response.status_code == 304:
                    result.outcome = "not_modified"
                elif response.status_code == 200:
                    result.body = await read_capped(response, settings.max_body_bytes)
                    result.size = len(result.body)
                    if result.body.strip():
                        result.outcome = "ok"
                    else:
                        result.error_class, result.error = "empty_body", "HTTP 200 with an empty body"
                else:
                    result.error_class = f"http_{response.status_code}"
                    result.error = f"HTTP {response.status_code} {response.reason_phrase}"
    except TimeoutError:
        result.error_class, result.error = "timeout", f"no complete response within {settings.total_timeout_s}s"
    except Exception as exc:  # noqa: BLE001 - every failure becomes a recorded row, never a crash
        result.error_class, result.error = _error_class(exc), f"{type(exc).__name__}: {exc}"
    result.duration_ms = round((time.perf_counter() - started) * 1000, 3)
    return result


def make_client(settings: Settings, allow_private_network: bool, allowed_networks: Sequence[str] = ()) -> httpx.AsyncClient:
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
        event_hooks={} if allow_private_network else {"request": [make_guard(allowed_networks)]},
        trust_env=False,
    )


async def fetch_all(targets: Iterable[Target], settings: Settings, allow_private_network: bool = False,
                    allowed_networks: Sequence[str] = ()) -> list[FetchResult]:  # fmt: skip
    """Fetch every target concurrently, at most `per_host_concurrency` at a time per host."""
    host_limits: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(settings.per_host_concurrency))
    async with make_client(settings, allow_private_network, allowed_networks) as client:

        async def limited(target: Target) -> FetchResult:
            async with host_limits[urlsplit(target.url).hostname or ""]:
                return await fetch_one(client, target, settings)

        return list(await asyncio.gather(*(limited(t) for t in targets)))


def fetch_targets(targets: Iterable[Target], settings: Settings, allow_private_network: bool = False,
                  allowed_networks: Sequence[str] = ()) -> list[FetchResult]:  # fmt: skip
    """Synchronous entry point for the CLI and Airflow tasks."""
    return asyncio.run(fetch_all(targets, settings, allow_private_network, allowed_networks))
