"""The landing zone: every fetched body kept as received, named by its sha256.

Written before anything parses it, never rewritten, so a parser or gazetteer fix
can be replayed over exactly what was received (`defnews replay`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def payload_path(landing_dir: Path, sha256: str) -> Path:
    return landing_dir / sha256[:2] / sha256


def land(landing_dir: Path, body: bytes) -> str:
    """Store `body` (atomically, once) and return its sha256."""
    digest = hashlib.sha256(body).hexdigest()
    target = payload_path(landing_dir, digest)
    if target.exists():
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


def read_payload(landing_dir: Path, sha256: str) -> bytes:
    return payload_path(landing_dir, sha256).read_bytes()
