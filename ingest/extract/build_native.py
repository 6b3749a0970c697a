"""Compile `_scan.c` into the extension module beside it, with this interpreter's headers and suffix.

    python ingest/extract/build_native.py   # `make install` runs it when _scan.c changes

Why not the build backend: the project is installed editable by uv with hatchling, which builds
no C; one source file does not need setuptools. It imports nothing of the project, so the
Dockerfile's `native` stage runs it on its own. The module is optional: without a C compiler
this prints why and exits 0, and `ingest.extract.matcher` uses its pure-Python path, which
gives the same hits. A compiler that fails on the source is an error.
Set CC to pick the compiler (default `cc`).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "_scan.c"
FLAGS = ["-O2", "-shared", "-fPIC", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"]


def target() -> Path:
    return HERE / f"_scan{sysconfig.get_config_var('EXT_SUFFIX')}"


def _compiler() -> list[str]:
    return shlex.split(os.environ.get("CC") or "cc")


def cannot_build() -> str | None:
    """Why the extension cannot be built here (no C compiler, no Python headers), or None when it can."""
    if not shutil.which(_compiler()[0]):
        return f"no C compiler ({_compiler()[0]!r})"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return f"no Python headers (Python.h) in {sysconfig.get_paths()['include']}"
    return None


def main() -> int:
    why = cannot_build()
    if why:
        print(f"build_native: {why}; extraction uses the pure-Python matcher", file=sys.stderr)
        return 0
    compiler = _compiler()
    out = target()
    # compile beside the target, then rename: a running process keeps the old file it mapped
    with tempfile.TemporaryDirectory(dir=HERE) as scratch:
        built = Path(scratch) / out.name
        command = [*compiler, *FLAGS, f"-I{sysconfig.get_paths()['include']}", str(SOURCE), "-o", str(built)]
        print(" ".join(command), file=sys.stderr)
        subprocess.run(command, check=True)
        os.replace(built, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
