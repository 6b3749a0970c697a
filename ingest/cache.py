"""The per-user cache folder: what a process would otherwise rebuild at every start, kept between processes.

Two things are kept there: the parsed gazetteer (`ingest.extract.gazetteer`) and the language model decompressed
(`ingest.language`). Each entry is named by a key over everything it was made from, so a changed input or code
is made again, never read stale. An entry is read only when it and the folder are the user's own and written by
no one else (`private`); a shared or group-writable folder is not used at all. A folder that cannot be written
costs only the rebuild next time; nothing here fails a run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

KEEP = 4  # entries of one kind kept: one per checkout or branch in use, the least recently used dropped
STALE_S = 3600  # a temporary entry this old was left by a writer that was killed


def cache_dir() -> Path | None:
    """`DEFNEWS_CACHE_DIR`, else `$XDG_CACHE_HOME/defnews` (`~/.cache/defnews`). None when set empty (every process
    rebuilds) or when there is no home to find.

    `{uid}` in `DEFNEWS_CACHE_DIR` is the process's user id: one folder for every user that runs there (the
    container image's `/opt/defnews/cache/{uid}`), since a folder is used only by the user that owns it."""
    given = os.environ.get("DEFNEWS_CACHE_DIR")
    try:
        if given is not None:
            return Path(given.replace("{uid}", str(os.getuid()))).expanduser() if given.strip() else None
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "defnews"
    except (RuntimeError, KeyError):  # no HOME and no passwd entry (an arbitrary container uid)
        return None


def private(path: Path) -> bool:
    """Whether only this user can have written `path`: theirs, and not writable by group or others."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def writable_folder(folder: Path) -> bool:
    """Make `folder` (mode 0700) when missing; whether entries may be written there (`private`)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return private(folder)
    except OSError:
        return False


def used(path: Path) -> None:
    """Mark an entry as just used: the last of its kind to be dropped (`prune`)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder: Path, kind: str) -> None:
    """Keep the `KEEP` most recently used entries named `<kind>-*` (files or folders), and drop the temporary
    `.<kind>-*.tmp` ones a killed writer left."""
    entries = sorted(folder.glob(f"{kind}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    stale = [p for p in folder.glob(f".{kind}-*.tmp") if time.time() - p.stat().st_mtime > STALE_S]
    for old in entries[KEEP:] + stale:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
