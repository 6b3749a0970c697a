"""Language: the declared hint, checked against what the text says (py3langid).

The detected language wins only on a clear mismatch (probability >= 0.9 on enough text),
because short titles fool every detector and the publisher's hint is usually right.

py3langid spends most of its time in two places of `LanguageIdentifier._raw_score`: its
DFA walk over the text's bytes, a Python loop per byte, and the float16 rows of the features
met, converted element by element before the matmul. Where the C extension is built
(`ingest.extract.native`), `_NativeWalk` does those two in C (`_scan.LangidDFA`) and leaves the
rest to py3langid: the encoding, the matmul in the same order, the softmax, the choice. The
(language, probability) are py3langid's own, bit for bit; tests/unit/test_language_native.py
holds the two to that and pins the private structure relied on. DEFNEWS_NATIVE=0: py3langid alone.
The C walk keeps its own 16-bit copy of the DFA (see _scan.c), so py3langid's tables for its walk
(39 MB of transitions, 7.5 MB of lists), which nothing else reads, are let go.
"""

from __future__ import annotations

import hashlib
import logging
import lzma
import os
import shutil
import tempfile
from array import array
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ingest import cache

log = logging.getLogger(__name__)

MIN_CHARS = 80
MAX_CHARS = 400  # the cost grows with the text; on 971 texts in 6 languages 400 characters decided as 2,000 did, 5x cheaper
CLEAR = 0.9


def normalise_tag(tag: str | None) -> str | None:
    """`IT-it` → `it-IT`, `en_us` → `en-US`, `EN` → `en`; anything unlike a language tag → None."""
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").split("-")
    primary = parts[0].lower()
    if not primary.isalpha() or not 2 <= len(primary) <= 3:
        return None
    rest = [p.upper() if len(p) == 2 else p.lower() for p in parts[1:] if p.isalnum() and 2 <= len(p) <= 8]
    return "-".join([primary, *rest])


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier for the wheel's model, probabilities normalised to [0, 1]; its walk in C where built.

    Made as py3langid's `LanguageIdentifier.from_model_file` makes it, from the model as `_model` reads it."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    from ingest.extract import native

    if native.WHY_PYTHON:
        log.info("language: py3langid in Python (%s)", native.WHY_PYTHON)
        kind = LanguageIdentifier
    else:
        log.info("language: py3langid with its DFA walk in C (ingest.extract._scan)")
        kind = _native_walk(LanguageIdentifier)
    ptc, pc, classes, nextmove, row, output = _model()
    return kind(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row)


# py3langid's model file: an .npz compressed with xz, these arrays in it (`py3langid.modelio`)
MODEL_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_TYPECODE = {2: "H", 4: "I", 8: "L"}  # unsigned integers of that many bytes, as `py3langid.modelio` reads them


def _model() -> tuple[Any, ...]:
    """The wheel's model as `py3langid.modelio.load_model` gives it: (ptc, pc, classes, nextmove, row, output).

    Decompressing it (xz) took 0.35 s of every process that classifies a text: each worker, the writer of a small
    batch, `defnews extract`. It is kept decompressed in the cache folder (`ingest.cache`), an .npy file per array,
    and read back memory-mapped; without a cache folder, every process decompresses it.
    """
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    path = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
    folder = cache.cache_dir()
    entry = folder / f"langid-{_model_key(path)}" if folder else None
    arrays = _cached_model(entry) if entry else None
    if arrays is None:
        arrays = _decompressed(path)
        if folder and entry:
            _keep_model(folder, entry, arrays)
    return (arrays["ptc"], arrays["pc"], arrays["classes"].tolist(), _unsigned(arrays["nextmove"]),
            _unsigned(arrays["nextmove_row"]), arrays["out_feat"].tolist())  # fmt: skip


def _model_key(path: Path) -> str:
    """What a kept model is made from: the model file (where, how big, when written) and the readers' versions."""
    import numpy as np

    info = path.stat()
    made_from = [str(path), str(info.st_size), str(info.st_mtime_ns), version("py3langid"), np.__version__, "npy-1"]
    return hashlib.sha256("\0".join(made_from).encode()).hexdigest()[:24]


def _unsigned(values: Any) -> array[int]:
    """An unsigned integer numpy array as a stdlib `array`, as py3langid keeps its DFA tables."""
    import numpy as np

    out = array(_TYPECODE[values.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(values).data.cast("B"))
    return out


def _decompressed(path: Path) -> dict[str, Any]:
    """The model file's arrays, decompressed through a temporary file (the npz is never whole in memory)."""
    import numpy as np

    with tempfile.TemporaryFile(suffix=".npz") as tmp:
        with lzma.open(path) as source:
            shutil.copyfileobj(source, tmp, length=1 << 20)
        tmp.seek(0)
        with np.load(tmp, allow_pickle=False) as data:
            missing = set(MODEL_ARRAYS).difference(data.files)
            if missing:
                raise ValueError(f"{path}: a model without {sorted(missing)}; py3langid's layout changed")
            return {name: data[name] for name in MODEL_ARRAYS}


def _cached_model(entry: Path) -> dict[str, Any] | None:
    """The arrays kept in `entry`, memory-mapped read-only; None when there are none, or not private to the user."""
    import numpy as np

    files = [entry / f"{name}.npy" for name in MODEL_ARRAYS]
    try:
        if not (cache.private(entry.parent) and cache.private(entry) and all(map(cache.private, files))):
            return None
        found = {name: np.load(file, mmap_mode="r", allow_pickle=False) for name, file in zip(MODEL_ARRAYS, files, strict=True)}
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a truncated or foreign file: decompressed again
        log.warning("language model cache %s unreadable (%s: %s); decompressing the model", entry, type(exc).__name__, exc)
        return None
    cache.used(entry)
    return found


def _keep_model(folder: Path, entry: Path, arrays: dict[str, Any]) -> None:
    """Write the arrays into `entry` whole or not at all: a folder made aside, synced, then renamed into place. Two
    workers may race (the first one's stays); an entry there that cannot be read (`_cached_model`: a file broken,
    missing or writable by others) is moved aside and replaced. The least recently used are dropped
    (`ingest.cache.prune`)."""
    import numpy as np

    if not cache.writable_folder(folder):
        return
    try:
        temporary = Path(tempfile.mkdtemp(dir=folder, prefix=".langid-", suffix=".tmp"))
        try:
            for name, values in arrays.items():
                with open(temporary / f"{name}.npy", "wb") as out:
                    np.save(out, values, allow_pickle=False)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temporary / f"{name}.npy", 0o600)
            for attempt in range(2):
                try:
                    os.rename(temporary, entry)
                    break
                except OSError:
                    if attempt or not entry.is_dir() or _cached_model(entry) is not None:
                        break  # another process's entry, whole: it stays
                    broken = Path(tempfile.mkdtemp(dir=folder, prefix=".langid-", suffix=".tmp"))
                    os.rename(entry, broken / "entry")
                    shutil.rmtree(broken, ignore_errors=True)  # a process reading it keeps its mapping
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        cache.prune(folder, "langid")
    except OSError as exc:
        log.debug("language model cache %s not written: %s", folder, exc)


def _native_walk(base: Any) -> Any:
    """`base` (py3langid's LanguageIdentifier) with `_raw_score`'s walk and rows in C: made here, as py3langid
    and numpy are imported only when a text is first classified."""
    import numpy as np

    from ingest.extract.native import LangidDFA

    class _NativeWalk(base):  # type: ignore[misc]  # py3langid has no types
        __slots__ = ("_dfa",)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._dfa = LangidDFA(self.tk_nextmove, self._rowbase, self.tk_output)
            if self._dfa.compact:  # the walk copied the DFA: py3langid's tables, read by its walk alone, go (47 MB)
                slots: Any = self  # py3langid's, which mypy does not see
                slots.tk_nextmove, slots._rowbase, slots.tk_output = array(self.tk_nextmove.typecode), [], []

        def _raw_score(self, text: bytes) -> Any:
            """`LanguageIdentifier._raw_score`: log1p(counts) @ nb_ptc[features] + nb_pc, the rows already float32."""
            counts, rows = self._dfa.features(text, self.nb_ptc)
            if not counts:  # no feature met: py3langid's own fill, what its walk over no bytes returns
                return super()._raw_score(b"")
            matrix = np.frombuffer(rows, np.float32).reshape(len(counts) // 4, -1)
            return np.log1p(np.frombuffer(counts, np.float32)) @ matrix + self.nb_pc

    return _NativeWalk


def warm() -> None:
    """Load the model now (its DFA copied; decompressed too the first time: see `_model`), not at the first text
    long enough."""
    _identifier()


def detect(text: str) -> tuple[str | None, float]:
    if len(text) < MIN_CHARS:
        return None, 0.0
    language, probability = _identifier().classify(text[:MAX_CHARS])
    return str(language), float(probability)


def resolve(hint: str | None, text: str) -> tuple[str | None, str | None]:
    """(language, detected): the hint unless the text clearly says otherwise."""
    declared = normalise_tag(hint)
    detected, probability = detect(text)
    if detected and probability >= CLEAR and (declared is None or declared.split("-")[0] != detected):
        return detected, detected
    return declared or detected, detected
