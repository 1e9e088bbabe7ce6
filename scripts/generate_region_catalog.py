"""Regenerate the region catalog that the blueprint and the policy pack share.

The catalog is derived from two well-kept sources instead of a hand-typed table:

* AWS regions and partitions from botocore's bundled endpoint data (``partitions.json``);
* OCI regions, their short keys (``iad``, ``phx``, ...) and realms from the ``oci`` SDK's
  ``oci.regions_definitions``.

The output lives inside the policy pack (``policy_packs/residency/residency_pack/engine/``)
because ``pulumi policy publish`` ships only the pack's folder; the blueprint imports it from
there. ``tests/test_region_catalog.py`` fails when the committed file drifts from the
installed libraries.

Usage: ``uv run python scripts/generate_region_catalog.py [--check]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

CATALOG_PATH = (
    Path(__file__).resolve().parent.parent
    / "policy_packs/residency/residency_pack/engine/region_catalog.json"
)


def geography_of(region: str) -> str:
    """The geography prefix of a region name: ``us`` for ``us-east-1`` and ``us-ashburn-1``.

    Both clouds name regions ``<geography>-<place>-<n>``; GovCloud regions (``us-gov-west-1``,
    ``us-gov-ashburn-1``) share the ``us`` prefix, which is the jurisdiction they belong to.
    """
    return region.split("-", 1)[0].lower()


def aws_regions() -> dict[str, dict[str, Any]]:
    import botocore.loaders

    partitions = botocore.loaders.create_loader().load_data("partitions")
    regions: dict[str, dict[str, Any]] = {}
    for partition in partitions["partitions"]:
        for name, info in sorted(partition.get("regions", {}).items()):
            if name.startswith("aws-"):  # partition-global pseudo regions such as aws-global
                continue
            regions[name] = {
                "partition": partition["id"],
                "description": info.get("description", ""),
                "geography": geography_of(name),
            }
    return dict(sorted(regions.items()))


def oci_regions() -> dict[str, dict[str, Any]]:
    import oci.regions_definitions as definitions

    keys_by_region = {name: key for key, name in definitions.REGIONS_SHORT_NAMES.items()}
    regions: dict[str, dict[str, Any]] = {}
    for name in sorted(set(definitions.REGIONS) | set(keys_by_region)):
        regions[name] = {
            "key": keys_by_region.get(name, ""),
            "realm": definitions.REGION_REALMS.get(name, ""),
            "geography": geography_of(name),
        }
    return regions


def aws_partitions() -> dict[str, dict[str, Any]]:
    """Each AWS partition's DNS suffixes and region-name pattern: what a service endpoint host
    of that partition ends with (``sqs.us-east-1.amazonaws.com``, ``sqs.us-east-1.api.aws``)."""
    import botocore.loaders

    partitions = botocore.loaders.create_loader().load_data("partitions")
    out: dict[str, dict[str, Any]] = {}
    for partition in partitions["partitions"]:
        outputs = partition.get("outputs", {})
        out[partition["id"]] = {
            "dnsSuffix": outputs.get("dnsSuffix", ""),
            "dualStackDnsSuffix": outputs.get("dualStackDnsSuffix", ""),
            "regionRegex": partition.get("regionRegex", ""),
        }
    return dict(sorted(out.items()))


def oci_realms() -> dict[str, str]:
    """Each OCI realm's second-level domain (``oc1`` -> ``oraclecloud.com``): the suffix of
    its service endpoint hosts (``objectstorage.us-ashburn-1.oraclecloud.com``)."""
    import oci.regions_definitions as definitions

    return dict(sorted(definitions.REALMS.items()))


def aws_service_prefixes() -> list[str]:
    """Multi-label service endpoint prefixes from botocore's endpoint data (``api.ecr``,
    ``runtime.sagemaker``, ``api-fips.sagemaker``): a host ``<prefix>.<region>.<suffix>`` is the
    service's own endpoint, not a customer resource. Single-label ones need no list."""
    import botocore.loaders

    loader = botocore.loaders.create_loader()
    partitions = loader.load_data("partitions")["partitions"]
    suffixes = sorted(
        {p["outputs"][k] for p in partitions for k in ("dnsSuffix", "dualStackDnsSuffix")},
        key=len,
        reverse=True,
    )
    prefixes: set[str] = set()
    for partition in loader.load_data("endpoints")["partitions"]:
        regions = set(partition.get("regions", {}))
        for service, info in partition.get("services", {}).items():
            prefixes.add(service)
            for endpoint in info.get("endpoints", {}).values():
                host = str(endpoint.get("hostname", ""))
                suffix = next((s for s in suffixes if host.endswith(f".{s}")), None)
                if suffix is None:
                    continue
                labels = host[: -len(suffix) - 1].split(".")
                prefixes.add(".".join(label for label in labels if label not in regions))
    return sorted(p for p in prefixes if "." in p)


def oci_service_prefixes() -> list[str]:
    """Service endpoint prefixes from the ``oci`` SDK's clients' endpoint templates
    (``https://inference.generativeai.{region}.oci.{secondLevelDomain}``): the labels before the
    region. Multi-label ones only; a one-label host prefix needs no list."""
    import re
    from pathlib import Path

    import oci

    template = re.compile(r"'service_endpoint_template': 'https://([A-Za-z0-9.-]+)\.\{region\}")
    prefixes: set[str] = set()
    for path in Path(oci.__file__).parent.rglob("*_client.py"):
        for match in template.finditer(path.read_text(encoding="utf-8")):
            prefixes.add(match.group(1).lower())
    return sorted(p for p in prefixes if "." in p)


def build_catalog() -> dict[str, Any]:
    import botocore
    import oci

    return {
        "_comment": "Generated by scripts/generate_region_catalog.py. Do not edit by hand.",
        "sources": {"botocore": botocore.__version__, "oci": oci.__version__},
        "aws": aws_regions(),
        "oci": oci_regions(),
        "aws_partitions": aws_partitions(),
        "oci_realms": oci_realms(),
        "aws_service_prefixes": aws_service_prefixes(),
        "oci_service_prefixes": oci_service_prefixes(),
    }


def render(catalog: dict[str, Any]) -> str:
    return json.dumps(catalog, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args(argv)
    rendered = render(build_catalog())
    if args.check:
        current = CATALOG_PATH.read_text() if CATALOG_PATH.exists() else ""
        if current != rendered:
            print(
                f"{CATALOG_PATH} is out of date: run scripts/generate_region_catalog.py",
                file=sys.stderr,
            )
            return 1
        return 0
    CATALOG_PATH.write_text(rendered)
    print(f"wrote {CATALOG_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
