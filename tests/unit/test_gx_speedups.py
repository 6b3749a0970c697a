"""`expectations.speedups` against GX's own methods, on every expectation of the project's suites.

The replacements must give what GX's `_get_domain_kwargs`, `_get_success_kwargs` and `_get_runtime_kwargs` give,
for the expectations as the suites declare them and as GX rebuilds them from their configurations. The pinned GX
must be the one they were written from: a new GX fails here first, to be read again before they apply to it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from expectations import articles, import_gx, marts, mentions, speedups
from expectations.config import load_thresholds

RUNTIME = [None, {}, {"result_format": "COMPLETE"}, {"result_format": {"result_format": "SUMMARY"}, "catch_exceptions": False},
           {"result_format": "BOOLEAN_ONLY", "include_config": False}]  # fmt: skip


def _suites() -> list[Any]:
    limits = load_thresholds()
    mart = marts.for_columns(["day", "actor_id", "articles", "share_of_articles", "label"], {"articles", "share_of_articles"})
    declared = [*articles.row_level(limits), *articles.structural(), *articles.gate(limits), *mentions.row_level(),
                *mentions.structural(), *mart]  # fmt: skip
    for expectation in declared[:3]:
        expectation.meta = {"severity": "structural"}  # as `runner.run_suite` marks them
    return declared + [e.configuration.to_domain_obj() for e in declared]  # as GX rebuilds them to compute metrics


def test_the_replacements_apply_to_the_pinned_gx() -> None:
    import_gx()
    from great_expectations.expectations.expectation import Expectation

    assert speedups.apply() and set(speedups.ORIGINALS) == set(speedups.WRITTEN_FROM)
    assert Expectation._get_runtime_kwargs is speedups._get_runtime_kwargs


@pytest.mark.parametrize("method", ["_get_domain_kwargs", "_get_success_kwargs"])
def test_the_domain_and_success_kwargs_are_gx_own(method: str) -> None:
    import_gx()
    for expectation in _suites():
        assert getattr(expectation, method)() == speedups.ORIGINALS[method](expectation), type(expectation).__name__


def test_the_runtime_kwargs_are_gx_own() -> None:
    import_gx()
    theirs = speedups.ORIGINALS["_get_runtime_kwargs"]
    for expectation in _suites():
        for runtime in RUNTIME:
            assert expectation._get_runtime_kwargs(runtime) == theirs(expectation, runtime), (type(expectation).__name__, runtime)


def test_a_parameter_and_a_missing_field_are_read_as_gx_reads_them(caplog: pytest.LogCaptureFixture) -> None:
    """A `$PARAMETER` argument, and a runtime key that is no field of the expectation (GX warns, and so do we)."""
    gxe = import_gx().expectations
    bounded = gxe.ExpectColumnValuesToBeBetween(column="published_at", min_value=datetime(2000, 1, 1, tzinfo=UTC),
                                                max_value={"$PARAMETER": articles.PUBLISHED_MAX})  # fmt: skip
    for expectation in (bounded, bounded.configuration.to_domain_obj()):
        assert expectation._get_success_kwargs() == speedups.ORIGINALS["_get_success_kwargs"](expectation)
    unknown = type("Unknown", (type(bounded),), {"runtime_keys": (*type(bounded).runtime_keys, "not_a_field")})
    expectation = unknown(column="published_at", min_value=1)
    with caplog.at_level("WARNING"):
        ours = expectation._get_runtime_kwargs()
        theirs = speedups.ORIGINALS["_get_runtime_kwargs"](expectation)
    assert ours == theirs and ours["not_a_field"] is None
    assert sum("not_a_field" in r.getMessage() for r in caplog.records) == 2  # once each


def test_a_subclass_overriding_a_helper_has_it_called_as_gx_calls_it() -> None:
    gxe = import_gx().expectations

    def domain(self: Any) -> dict[str, Any]:
        return {"column": "overridden"}

    def success_kwarg(self: Any, key: str, default: Any = None) -> Any:
        return f"own {key}"

    base = gxe.ExpectColumnValuesToNotBeNull
    for name, attributes in (("OwnDomain", {"_get_domain_kwargs": domain}), ("OwnKwarg", {"_get_success_kwarg": success_kwarg})):
        expectation = type(f"ExpectSpeedups{name}", (base,), attributes)(column="title")
        for method in ("_get_success_kwargs", "_get_runtime_kwargs"):
            assert getattr(expectation, method)() == speedups.ORIGINALS[method](expectation), (name, method)
    own = type("ExpectSpeedupsOwnDomainTwo", (base,), {"_get_domain_kwargs": domain})(column="title")
    assert own._get_runtime_kwargs()["column"] == "overridden"
