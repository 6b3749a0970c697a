"""Landing-zone compaction and retention never lose a pending payload, and compacted ones still read."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ingest import landing
from ingest.maintenance import tidy_landing
from ingest.settings import load_settings


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86_400
    os.utime(path, (then, then))


def test_compaction_and_retention_spare_pending_payloads(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "data")
    old_loaded = landing.land(settings.landing_dir, b"<rss>old and loaded</rss>")
    ancient = landing.land(settings.landing_dir, b"<rss>ancient</rss>")
    old_pending = landing.land(settings.landing_dir, b"<rss>old but never loaded</rss>")
    landing.mark_pending(settings.landing_dir, old_pending, "f", {"sha256": old_pending, "feed_id": "f"})
    for sha, days in ((old_loaded, 10), (ancient, 400), (old_pending, 400)):
        _age(landing.payload_path(settings.landing_dir, sha), days)

    done = tidy_landing(settings, compact_after_days=7, retention_days=365)
    assert (done.compacted, done.deleted, done.kept_pending) == (1, 1, 1)
    assert landing.read_payload(settings.landing_dir, old_loaded) == b"<rss>old and loaded</rss>"  # from the .gz
    assert not landing.payload_path(settings.landing_dir, ancient).exists()
    assert landing.read_payload(settings.landing_dir, old_pending) == b"<rss>old but never loaded</rss>"
    assert landing.land(settings.landing_dir, b"<rss>old and loaded</rss>") == old_loaded  # no second copy


def test_retention_zero_keeps_everything(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "data")
    sha = landing.land(settings.landing_dir, b"<rss/>")
    _age(landing.payload_path(settings.landing_dir, sha), 5000)
    assert tidy_landing(settings, compact_after_days=10_000, retention_days=0).deleted == 0
