"""Which path extraction and language detection take: the C extension `_scan` where it is built, else Python,
with the same output.

`_scan` (see _scan.c, built by `make install` through build_native.py) runs the matcher's scan,
extraction's mentions, the candidate-name runs, py3langid's DFA walk (`ingest.language`) and the
story shingles' hashes (`ingest.shingles`) in C; the Python code beside each call is the reference
the tests hold it to (tests/unit/test_scan_native.py, test_language_native.py, test_shingles_native.py)
and the fallback where no C compiler was there. DEFNEWS_NATIVE=0 forces the Python path.
"""

from __future__ import annotations

import os

WHY_PYTHON = "DEFNEWS_NATIVE=0" if os.environ.get("DEFNEWS_NATIVE") == "0" else ""  # empty: the C path runs
API = 7  # the _scan.c this Python expects: bump both together when its types, signatures or output change
try:
    from ingest.extract._scan import API as _BUILT
except ImportError as error:  # not built: the Python path gives the same output
    WHY_PYTHON = f"C extension not available: {error}"
else:
    if _BUILT != API:  # built from an older _scan.c, which may lack a function named below
        WHY_PYTHON = f"C extension built from another _scan.c (API {_BUILT}, not {API}): run make install"
    else:
        from ingest.extract._scan import LangidDFA, Scanner, band_keys, candidates, mentions, shingle_hashes

__all__ = ["WHY_PYTHON", "LangidDFA", "Scanner", "band_keys", "candidates", "mentions", "shingle_hashes"]
