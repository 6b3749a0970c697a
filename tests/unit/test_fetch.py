"""The fetcher against a real HTTP server on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import dataclasses
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import brotli
import httpx
import pytest

from ingest.fetch import Target, _error_class, fetch_targets
from ingest.models import Validators
from ingest.settings import Settings, load_settings
from tests.helpers import LoopbackHandler

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


class Handler(LoopbackHandler):
    lock = threading.Lock()
    in_flight = 0
    max_in_flight = 0

    def do_GET(self) -> None:
        if self.path == "/feed":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304)
            return self._send(200, FEED, {"ETag": '"v1"', "Content-Type": "application/rss+xml"})
        if self.path == "/gone":
            return self._send(404, b"not here")
        if self.path == "/slow":
            time.sleep(3)
            return self._send(200, FEED)
        if self.path == "/counted":
            with Handler.lock:
                Handler.in_flight += 1
                Handler.max_in_flight = max(Handler.max_in_flight, Handler.in_flight)
            time.sleep(0.5)
            with Handler.lock:
                Handler.in_flight -= 1
            return self._send(200, FEED)
        if self.path == "/big":
            return self._send(200, b"x" * 5000)
        if self.path == "/bomb":
            return self._send(200, gzip.compress(b"\0" * 200_000), {"Content-Encoding": "gzip"})
        if self.path.startswith("/loop"):
            n = int(self.path.removeprefix("/loop") or 0)
            return self._send(302, headers={"Location": f"/loop{n + 1}"})
        if self.path == "/brotli":
            return self._send(200, brotli.compress(FEED), {"Content-Encoding": "br"})
        if self.path == "/ua":
            return self._send(200, self.headers.get("User-Agent", "").encode())
        return self._send(500)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hanging up on /slow or /bomb is the point of those tests


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tight(tmp_path: Path) -> Settings:
    return dataclasses.replace(load_settings(tmp_path), total_timeout_s=1.0, read_timeout_s=1.0, max_body_bytes=4096)


def _one(url: str, settings: Settings, validators: Validators | None = None, allow: bool = True):  # type: ignore[no-untyped-def]
    return fetch_targets([Target("f", url, validators or Validators())], settings, allow_private_network=allow)[0]


def test_200_then_conditional_get_gives_304(base_url: str, tight: Settings) -> None:
    first = _one(f"{base_url}/feed", tight)
    assert (first.outcome, first.status_code, first.body, first.etag) == ("ok", 200, FEED, '"v1"')
    second = _one(f"{base_url}/feed", tight, Validators(etag=first.etag))
    assert (second.outcome, second.status_code, second.body) == ("not_modified", 304, None)


@pytest.mark.parametrize(
    ("path", "error_class"),
    [
        ("/gone", "http_404"),
        ("/slow", "timeout"),
        ("/big", "body_too_large"),
        ("/bomb", "body_too_large"),
        ("/loop", "too_many_redirects"),
    ],
)
def test_failures_are_recorded_not_raised(base_url: str, tight: Settings, path: str, error_class: str) -> None:
    result = _one(f"{base_url}{path}", tight)
    assert result.outcome == "error"
    assert result.error_class == error_class
    assert result.error
    assert result.duration_ms > 0


def test_loopback_refused_unless_the_catalog_allows_it(base_url: str, tight: Settings) -> None:
    refused = _one(f"{base_url}/feed", tight, allow=False)
    assert (refused.outcome, refused.error_class) == ("error", "blocked_address")


@pytest.mark.parametrize(("errno", "expected"), [(socket.EAI_AGAIN, "dns_temporary"), (socket.EAI_NONAME, "unknown_host")])
def test_dns_failures_are_classed_by_errno(errno: int, expected: str) -> None:
    # built, not provoked: a real lookup would leave loopback
    try:
        try:
            raise socket.gaierror(errno, "lookup failed")
        except socket.gaierror as cause:
            raise httpx.ConnectError("connect failed") from cause
    except httpx.ConnectError as exc:
        assert _error_class(exc) == expected


def test_brotli_and_gzip_bodies_are_decoded(base_url: str, tight: Settings) -> None:
    assert _one(f"{base_url}/brotli", tight).body == FEED


def test_own_user_agent(base_url: str, tight: Settings) -> None:
    assert _one(f"{base_url}/ua", tight).body == tight.user_agent.encode()


def test_many_feeds_fetched_concurrently(base_url: str, tight: Settings) -> None:
    settings = dataclasses.replace(tight, per_host_concurrency=8, total_timeout_s=10.0, read_timeout_s=10.0)
    targets = [Target(f"f{i}", f"{base_url}/counted") for i in range(8)]
    results = fetch_targets(targets, settings, allow_private_network=True)
    assert all(r.outcome == "ok" for r in results)
    # the server saw requests overlap, up to the per-host limit, never beyond it
    assert 2 <= Handler.max_in_flight <= settings.per_host_concurrency
