import hashlib
from pathlib import Path

from ingest.landing import land, payload_path, read_payload


def test_land_is_content_addressed_and_never_rewritten(tmp_path: Path) -> None:
    body = b"<rss/>"
    sha = land(tmp_path, body)
    assert sha == hashlib.sha256(body).hexdigest()
    path = payload_path(tmp_path, sha)
    mtime = path.stat().st_mtime_ns
    assert land(tmp_path, body) == sha
    assert path.stat().st_mtime_ns == mtime
    assert read_payload(tmp_path, sha) == body
    assert not list(tmp_path.rglob(".incoming-*"))
