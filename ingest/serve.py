"""A loopback-only static server for feed files (the demo and the tests).

Serves a folder with `Last-Modified` and answers `If-Modified-Since` with 304,
so the conditional-GET path is exercised for real.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml",
        ".rss": "application/rss+xml",
        ".atom": "application/atom+xml",
        ".rdf": "application/rdf+xml",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


class FeedServer:
    """`with FeedServer(folder) as server: server.base_url` — stops itself on exit."""

    def __init__(self, folder: Path, port: int = 0) -> None:
        if not folder.is_dir():
            raise FileNotFoundError(f"feed folder {folder} does not exist")
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer((LOOPBACK, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="feed-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.httpd.server_address[1]}"

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
