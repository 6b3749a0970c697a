"""`--fulltext`: article pages fetched politely over loopback and extracted with trafilatura."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from ingest.pipeline import ingest_batch
from ingest.settings import load_settings

pytestmark = pytest.mark.slow

BODY = " ".join(
    f"Paragraph {i}: Polish Defence Minister Wladyslaw Kosiniak-Kamysz said NATO air defences over Rzeszow would be "
    f"reinforced after repeated Russian drone incursions, and that Warsaw expects allies to share the cost."
    for i in range(8)
)
PAGE = f"""<html><head><title>Page</title></head><body><nav>Home | World | Defence</nav>
<article><h1>Poland reinforces air defences</h1>{"".join(f"<p>{s}.</p>" for s in BODY.split(". "))}</article>
<footer>Copyright Outlet</footer></body></html>""".encode()


class Site(BaseHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        Site.requests.append(self.path)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        pages = {
            "/robots.txt": (b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/feed.xml": (
                (
                    f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet</title>'
                    f"<item><title>Poland reinforces air defences</title><link>{base}/articles/1</link>"
                    f"<description>Poland adds air defences.</description></item>"
                    f"<item><title>Members-only analysis of NATO spending</title><link>{base}/private/2</link>"
                    f"<description>For members.</description></item></channel></rss>"
                ).encode(),
                "application/rss+xml",
            ),  # fmt: skip
            "/articles/1": (PAGE, "text/html; charset=utf-8"),
            "/private/2": (PAGE, "text/html; charset=utf-8"),
        }
        body, kind = pages.get(self.path, (b"", "text/plain"))
        self.send_response(200 if self.path in pages else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Site.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fulltext_replaces_one_line_summaries_and_obeys_robots(site: str, tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(f"allow_private_network: true\nfeeds:\n  - {{id: outlet, url: '{site}/feed.xml', publisher: Outlet}}\n")
    settings = load_settings(tmp_path / "data", catalog)
    ingest_batch(settings, fulltext=True)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    query = "select a.title, (t.text_method, t.text) from raw.articles a join raw.article_texts t using (article_id)"
    rows = dict(con.execute(query).fetchall())
    mentioned = {r[0] for r in con.execute("select distinct entity_id from raw.mentions").fetchall()}
    con.close()
    method, text = rows["Poland reinforces air defences"]
    assert method == "trafilatura" and "Paragraph 7" in text and "Copyright" not in text
    assert rows["Members-only analysis of NATO spending"] == ("robots_disallowed", "For members.")
    assert "/private/2" not in Site.requests
    assert "wladyslaw-kosiniak-kamysz" in mentioned or "poland" in mentioned  # the extractor read the full text


def test_fulltext_is_off_by_default(site: str, tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(f"allow_private_network: true\nfeeds:\n  - {{id: outlet, url: '{site}/feed.xml', publisher: Outlet}}\n")
    ingest_batch(load_settings(tmp_path / "data", catalog))
    assert Site.requests == ["/feed.xml"]
