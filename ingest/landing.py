"""The landing zone: every fetched body kept as received, named by its sha256.

Written before anything parses it, never rewritten, so a parser or gazetteer fix
can be replayed over exactly what was received (`defnews replay`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def payload_path(landing_dir: Path, sha256: str) -> Path:
    return landing_dir / sha256[:2] / sha256


def land(landing_dir: Path, body: bytes) -> str:
    """Store `body` (atomically, once) and return its sha256."""
    digest = hashlib.sha256(body).hexdigest()
    target = payload_path(landing_dir, digest)
    if target.exists() or target.with_name(target.name + ".gz").exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def landed_bytes(landing_dir: Path, sha256: str) -> int:
    """The size on disk of a landed body (compacted bodies count as stored, gzipped), 0 if it is missing."""
    path = payload_path(landing_dir, sha256)
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.exists():
            return candidate.stat().st_size
    return 0


def read_payload(landing_dir: Path, sha256: str) -> bytes:
    """The body as received, whether it still lies as landed or was compacted (gzip) since."""
    path = payload_path(landing_dir, sha256)
    if path.exists():
        return path.read_bytes()
    import gzip

    return gzip.decompress(path.with_name(path.name + ".gz").read_bytes())


# The pending journal: a landed body stays "pending" until the batch that loads it commits.
# A process killed between landing and commit leaves its entries here; the next batch loads them,
# so a body that changed upstream in the meantime is still not lost.
PENDING = "_pending"


def mark_pending(landing_dir: Path, sha256: str, feed_id: str, record: dict[str, Any]) -> Path:
    folder = landing_dir / PENDING
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha256}.{feed_id}.json"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, default=str)
    os.replace(tmp, target)
    return target


def pending(landing_dir: Path) -> list[dict[str, Any]]:
    """Every journal record not yet cleared, oldest first."""
    folder = landing_dir / PENDING
    records = []
    for path in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else ():
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue  # a torn write: the body itself is safe under its sha256
    return records


def clear_pending(landing_dir: Path, keys: Iterable[tuple[str, str]]) -> None:
    for sha256, feed_id in keys:
        (landing_dir / PENDING / f"{sha256}.{feed_id}.json").unlink(missing_ok=True)
