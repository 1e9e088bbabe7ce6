"""The committed region catalog must match what botocore and the oci SDK define today."""

from __future__ import annotations

import json

from residency_pack.engine import region_catalog

from scripts.generate_region_catalog import CATALOG_PATH, build_catalog, render


def test_committed_catalog_matches_installed_libraries() -> None:
    assert CATALOG_PATH.read_text() == render(build_catalog()), (
        "region_catalog.json drifted from botocore/oci: run "
        "`uv run python scripts/generate_region_catalog.py` and commit the result"
    )


def test_catalog_knows_the_blueprint_regions() -> None:
    assert region_catalog.lookup("oci", "us-ashburn-1").key == "iad"
    assert region_catalog.oci_region_by_key("PHX").name == "us-phoenix-1"
    assert region_catalog.lookup("aws", "us-east-1").in_us
    assert not region_catalog.lookup("aws", "ap-southeast-1").in_us
    assert region_catalog.lookup("aws", "us-ashburn-1") is None


def test_us_regions_are_exactly_the_us_geography() -> None:
    raw = json.loads(CATALOG_PATH.read_text())
    for cloud in ("aws", "oci"):
        expected = sorted(n for n, info in raw[cloud].items() if n.startswith("us-"))
        assert region_catalog.us_regions(cloud) == expected
        assert "us-east-1" in region_catalog.us_regions("aws")
