from pathlib import Path

import pytest

from ingest.catalog import CatalogError, load_catalog

ROOT = Path(__file__).resolve().parents[2]


def test_production_catalog_loads_and_refuses_private_targets() -> None:
    catalog = load_catalog(ROOT / "config" / "feeds.yaml")
    assert len(catalog.feeds) >= 5
    assert catalog.allow_private_network is False
    assert all(f.url.startswith("https://") for f in catalog.feeds)


def test_demo_catalog_expands_the_sample_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFNEWS_SAMPLE_BASE", "http://127.0.0.1:9")
    catalog = load_catalog(ROOT / "config" / "feeds.demo.yaml")
    assert catalog.allow_private_network is True
    assert len(catalog.feeds) >= 8
    assert all(f.url.startswith("http://127.0.0.1:9/") for f in catalog.feeds)


def test_unset_variable_and_duplicates_are_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE", raising=False)
    bad = tmp_path / "c.yaml"
    bad.write_text("feeds:\n  - {id: a, url: '${NOPE}/x', publisher: P}\n")
    with pytest.raises(CatalogError, match="NOPE is not set"):
        load_catalog(bad)
    bad.write_text(
        "feeds:\n  - {id: a, url: 'https://a.example/', publisher: P}\n  - {id: a, url: 'https://b.example/', publisher: Q}\n"
    )
    with pytest.raises(CatalogError, match="appears twice"):
        load_catalog(bad)
    bad.write_text("feeds:\n  - {id: 'Bad Id', url: 'https://a.example/', publisher: P}\n")
    with pytest.raises(CatalogError, match="slug"):
        load_catalog(bad)
    bad.write_text("feeds:\n  - {id: a, url: 'http://[::1/feed', publisher: P}\n")
    with pytest.raises(CatalogError, match="is not a URL: Invalid IPv6 URL"):
        load_catalog(bad)  # the fetcher's split of it failed every feed of the run
    bad.write_text("feeds:\n  - {id: a, url: 'https:///feed', publisher: P}\n")
    with pytest.raises(CatalogError, match="has no host"):
        load_catalog(bad)
