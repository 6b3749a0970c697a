"""GX's expectation kwargs, read from one configuration per call instead of one per key.

`Expectation.configuration` is a property: each read dumps the expectation's pydantic model (`.dict()`) and builds a
new `ExpectationConfiguration`. GX 1.24's `_get_domain_kwargs`, `_get_success_kwargs` and `_get_runtime_kwargs` read
it once for every key they look up, and a validation asks for them several times per expectation (its metrics, its
result): a run of the article suite built 1,627 configurations whatever the batch's size, 383 with the replacements.
Building them was 11% of the writer's CPU in a run of 30,000 entries in 16 batches, and the three suites of a batch
took 0.30-0.46 s with the replacements against 0.43-0.60 s without (20 and 500 rows, in turn).

The replacements below read the configuration once per call and otherwise do what GX's own do, line for line: the
same keys, defaults, warning and error. They are applied only over the very methods they were written from: the
source of each of the four is checked against its hash here, so a GX whose methods differ keeps its own (and says so
in the log). tests/unit/test_gx_speedups.py holds them equal to GX's on every expectation of the project's suites.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
from typing import Any

log = logging.getLogger(__name__)

# sha-256 (first 16 hex digits) of the source of each method replaced, as GX 1.24.1 has it
WRITTEN_FROM = {
    "_get_domain_kwargs": "91ad2a0670ff463a",
    "_get_success_kwargs": "fe376905e18bc525",
    "_get_runtime_kwargs": "4196ca2a2cdb5bbf",
    "_get_success_kwarg": "baef37a186b40871",
}
ORIGINALS: dict[str, Any] = {}  # GX's own methods, once replaced


@functools.cache  # once per process: its answer stands (a GX found different is not hashed again)
def apply() -> bool:
    """Replace the methods on GX's `Expectation`; False, changing nothing, where GX's differ."""
    from great_expectations.expectations.expectation import Expectation

    found = {name: _source_hash(getattr(Expectation, name, None)) for name in WRITTEN_FROM}
    if found != WRITTEN_FROM:
        changed = sorted(name for name in WRITTEN_FROM if found[name] != WRITTEN_FROM[name])
        log.info("GX's Expectation.%s differ from those expectations.speedups was written from: left as GX has them",
                 ", ".join(changed))  # fmt: skip
        return False
    ORIGINALS.update({name: getattr(Expectation, name) for name in WRITTEN_FROM})
    Expectation._get_domain_kwargs = _get_domain_kwargs
    Expectation._get_success_kwargs = _get_success_kwargs
    Expectation._get_runtime_kwargs = _get_runtime_kwargs
    return True


def _source_hash(method: Any) -> str | None:
    try:
        return hashlib.sha256(inspect.getsource(method).encode()).hexdigest()[:16]
    except (OSError, TypeError):  # no such method, or no source to read
        return None


def _domain(expectation: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    from great_expectations.exceptions import InvalidExpectationKwargsError

    keys = expectation.domain_keys
    domain_kwargs = {key: kwargs.get(key, expectation._get_default_value(key)) for key in keys}
    missing_kwargs = set(keys) - set(domain_kwargs.keys())
    if missing_kwargs:
        raise InvalidExpectationKwargsError(f"Missing domain kwargs: {list(missing_kwargs)}")
    return domain_kwargs


def _success(expectation: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    own = type(expectation)._get_domain_kwargs is _get_domain_kwargs  # else a subclass's, called as GX calls it
    domain_kwargs = _domain(expectation, kwargs) if own else expectation._get_domain_kwargs()
    success_kwargs = {key: kwargs.get(key, expectation._get_default_value(key)) for key in expectation.success_keys}
    success_kwargs.update(domain_kwargs)
    return success_kwargs


def _success_kwarg(expectation: Any, kwargs: dict[str, Any], key: str, default: Any = None) -> Any:
    """`Expectation._get_success_kwarg`, over kwargs already read."""
    from great_expectations.expectations import expectation as module

    if key in kwargs:
        return kwargs[key]
    field = expectation.__fields__.get(key)
    if field is not None:
        return field.default if not field.required else default
    module.logger.warning(
        f'_get_success_kwarg called with key "{key}", but it is not a known field of {type(expectation).__name__}'
    )
    return default


def _get_domain_kwargs(self: Any) -> dict[str, Any]:
    return _domain(self, self.configuration.kwargs)


def _get_success_kwargs(self: Any) -> dict[str, Any]:
    return _success(self, self.configuration.kwargs)


def _get_runtime_kwargs(self: Any, runtime_configuration: dict[str, Any] | None = None) -> dict[str, Any]:
    from great_expectations.expectations.expectation import parse_result_format

    runtime_configuration = runtime_configuration or {}
    kwargs = self.configuration.kwargs
    kind = type(self)  # a subclass's own helpers are called as GX calls them
    success_kwargs = _success(self, kwargs) if kind._get_success_kwargs is _get_success_kwargs else self._get_success_kwargs()
    if kind._get_success_kwarg is ORIGINALS["_get_success_kwarg"]:
        runtime_kwargs = {key: runtime_configuration.get(key, _success_kwarg(self, kwargs, key)) for key in self.runtime_keys}
    else:
        runtime_kwargs = {key: runtime_configuration.get(key, self._get_success_kwarg(key)) for key in self.runtime_keys}
    runtime_kwargs.update(success_kwargs)
    runtime_kwargs["result_format"] = parse_result_format(runtime_kwargs["result_format"])
    return runtime_kwargs
