"""The region catalog shared by the policy pack and the blueprint.

The data in ``region_catalog.json`` is generated from botocore's endpoint data and the ``oci``
SDK's region definitions by ``scripts/generate_region_catalog.py``; this module only reads it.
It lives in the pack so that ``pulumi policy publish``, which uploads only the pack's folder,
ships it too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

Cloud = Literal["aws", "oci"]
CLOUDS: tuple[Cloud, ...] = ("aws", "oci")

_CATALOG_FILE = Path(__file__).with_name("region_catalog.json")


@dataclass(frozen=True)
class Region:
    """One region of one cloud, as the generated catalog describes it."""

    cloud: Cloud
    name: str
    geography: str  # the name's prefix: "us", "ap", "eu", ...
    key: str = ""  # OCI short key ("iad"); empty for AWS
    realm: str = ""  # OCI realm ("oc1"); empty for AWS
    partition: str = ""  # AWS partition ("aws", "aws-us-gov"); empty for OCI
    description: str = ""

    @property
    def in_us(self) -> bool:
        return self.geography == "us"


@cache
def _load() -> dict[Cloud, dict[str, Region]]:
    raw = _raw()
    catalog: dict[Cloud, dict[str, Region]] = {}
    for cloud in CLOUDS:
        catalog[cloud] = {
            name: Region(
                cloud=cloud,
                name=name,
                geography=info["geography"],
                key=info.get("key", ""),
                realm=info.get("realm", ""),
                partition=info.get("partition", ""),
                description=info.get("description", ""),
            )
            for name, info in raw[cloud].items()
        }
    return catalog


@dataclass(frozen=True)
class AwsPartition:
    """One AWS partition's endpoint naming, from botocore's ``partitions.json``."""

    name: str  # "aws", "aws-cn", "aws-us-gov", ...
    dns_suffix: str  # "amazonaws.com"
    dual_stack_dns_suffix: str  # "api.aws"
    region_regex: str


@cache
def _raw() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_CATALOG_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def aws_partitions() -> tuple[AwsPartition, ...]:
    """Every AWS partition, as botocore's endpoint data describes it."""
    return tuple(
        AwsPartition(name, info["dnsSuffix"], info["dualStackDnsSuffix"], info["regionRegex"])
        for name, info in _raw().get("aws_partitions", {}).items()
    )


@cache
def oci_realm_domains() -> dict[str, str]:
    """Each OCI realm's second-level domain (``oc1`` -> ``oraclecloud.com``), from the ``oci``
    SDK's region definitions."""
    return dict(_raw().get("oci_realms", {}))


@cache
def service_prefixes(cloud: Cloud) -> frozenset[str]:
    """Multi-label service endpoint prefixes (``runtime.sagemaker``, ``ingestion.logging``): a
    host ``<prefix>.<region>.<domain>`` is the cloud's own service endpoint. From botocore's
    endpoint data and the ``oci`` SDK's client endpoint templates."""
    return frozenset(_raw().get(f"{cloud}_service_prefixes", ()))


@cache
def _oci_by_key() -> dict[str, Region]:
    return {r.key: r for r in _load()["oci"].values() if r.key}


def regions(cloud: Cloud) -> dict[str, Region]:
    """Every known region of ``cloud``, by name."""
    return _load()[cloud]


def lookup(cloud: Cloud, name: str) -> Region | None:
    """The region called ``name`` in ``cloud`` (case-insensitive), or None if unknown."""
    return _load()[cloud].get(name.strip().lower())


def oci_region_by_key(key: str) -> Region | None:
    """The OCI region whose short key is ``key`` (``iad``, ``PHX``), or None."""
    return _oci_by_key().get(key.strip().lower())


def us_regions(cloud: Cloud) -> list[str]:
    """Names of the regions of ``cloud`` whose geography is the US, sorted."""
    return sorted(name for name, region in _load()[cloud].items() if region.in_us)
