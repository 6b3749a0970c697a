"""Nightly housekeeping: landing-zone retention and compaction, CHECKPOINT, the health summary.

Retention and compaction never touch a payload that is still pending (not yet loaded): that
would break "nothing lost". Compaction gzips loaded payloads older than `compact_after_days`
(`landing.read_payload` reads both forms); retention deletes loaded payloads older than
`retention_days` (0 = keep forever, the default: replay needs them).
"""

from __future__ import annotations

import gzip
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import landing, warehouse
from ingest.settings import Settings
from ingest.warehouse import open_writer


@dataclass(frozen=True)
class Housekeeping:
    compacted: int
    deleted: int
    kept_pending: int


def _pending_shas(landing_dir: Path) -> set[str]:
    return {str(r.get("sha256")) for r in landing.pending(landing_dir)}


def tidy_landing(settings: Settings, compact_after_days: int | None = None, retention_days: int | None = None) -> Housekeeping:
    compact_after = compact_after_days if compact_after_days is not None else int(os.environ.get("DEFNEWS_COMPACT_AFTER_DAYS", 7))
    retention = retention_days if retention_days is not None else int(os.environ.get("DEFNEWS_LANDING_RETENTION_DAYS", 0))
    pending = _pending_shas(settings.landing_dir)
    now = time.time()
    compacted = deleted = kept = 0
    for path in sorted(settings.landing_dir.glob("??/*")):
        sha = path.name.removesuffix(".gz")
        age_days = (now - path.stat().st_mtime) / 86_400
        if sha in pending:
            kept += 1
        elif retention and age_days > retention:
            path.unlink()
            deleted += 1
        elif not path.name.endswith(".gz") and age_days > compact_after:
            with path.open("rb") as raw, gzip.open(path.with_name(path.name + ".gz.tmp"), "wb") as packed:
                packed.write(raw.read())
            os.replace(path.with_name(path.name + ".gz.tmp"), path.with_name(path.name + ".gz"))
            path.unlink()
            compacted += 1
    return Housekeeping(compacted, deleted, kept)


def checkpoint(settings: Settings) -> None:
    """The nightly CHECKPOINT, under the same memory cap as each batch's (see `ingest.warehouse.checkpoint`)."""
    with open_writer(settings) as con:
        warehouse.checkpoint(con, settings.warehouse_memory_limit)


def feed_health_summary(settings: Settings) -> dict[str, Any]:
    with open_writer(settings) as con:
        rows = con.execute("select status, count(*) from raw.feed_state group by status order by status").fetchall()
        failing = con.execute(
            "select feed_id, last_error_class, consecutive_failures from raw.feed_state where status in ('failing', 'muted') "
            "order by consecutive_failures desc limit 20"
        ).fetchall()
    return {"by_status": dict(rows), "attention": [{"feed_id": f, "error": e, "failures": n} for f, e, n in failing]}
