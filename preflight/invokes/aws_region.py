"""``aws:index/getRegion``, ``getPartition`` and ``getAvailabilityZones`` answered offline.

Region names, descriptions and partitions come from the shared region catalog (generated from
botocore); partition DNS suffixes from botocore's own partition data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from residency_pack.engine import region_catalog

from .builtin import NoBuiltinAnswer
from .provider_settings import ProviderSettings

GET_REGION = "aws:index/getRegion:getRegion"
GET_PARTITION = "aws:index/getPartition:getPartition"
GET_AVAILABILITY_ZONES = "aws:index/getAvailabilityZones:getAvailabilityZones"

# Offline there is no account to ask which zones it sees. Every AWS region has at least three
# zones, so preflight answers the first three, named as AWS names them (<region>a, b, c). The
# zone names carry the region, which is what residency depends on.
ZONE_LETTERS = ("a", "b", "c")

_DIRECTIONS = {
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "central": "c",
}


def provider_region(args: Mapping[str, Any], settings: ProviderSettings) -> region_catalog.Region:
    """The call's region: its own ``region`` argument (pulumi-aws v7), else the provider's."""
    name = args.get("region") or settings.string("region")
    if not name:
        raise NoBuiltinAnswer(
            f"no AWS region is configured: set {settings.describe('region')} "
            "(preflight does not read AWS_REGION or ~/.aws; the stack must say where it deploys)"
        )
    region = region_catalog.lookup("aws", str(name))
    if region is None:
        raise NoBuiltinAnswer(f"{name!r} is not an AWS region known to the region catalog")
    return region


@cache
def _partition_outputs() -> dict[str, dict[str, Any]]:
    data_file = resources.files("botocore").joinpath("data", "partitions.json")
    data = json.loads(data_file.read_text(encoding="utf-8"))
    return {p["id"]: p["outputs"] for p in data["partitions"]}


def dns_suffix(partition: str) -> str:
    outputs = _partition_outputs().get(partition)
    if outputs is None:
        raise NoBuiltinAnswer(f"botocore does not know the AWS partition {partition!r}")
    return str(outputs["dnsSuffix"])


def get_region(args: Mapping[str, Any], settings: ProviderSettings) -> dict[str, Any]:
    selected = dict(args)
    if not selected.get("region") and selected.get("name"):
        selected["region"] = selected["name"]
    if not selected.get("region") and selected.get("endpoint"):
        # "ec2.<region>.amazonaws.com"
        parts = str(selected["endpoint"]).split(".")
        if len(parts) > 2:
            selected["region"] = parts[1]
    region = provider_region(selected, settings)
    return {
        "id": region.name,
        "name": region.name,
        "region": region.name,
        "description": region.description,
        "endpoint": f"ec2.{region.name}.{dns_suffix(region.partition)}",
    }


def get_partition(args: Mapping[str, Any], settings: ProviderSettings) -> dict[str, Any]:
    region = provider_region(args, settings)
    suffix = dns_suffix(region.partition)
    return {
        "id": region.partition,
        "partition": region.partition,
        "dnsSuffix": suffix,
        "reverseDnsPrefix": ".".join(reversed(suffix.split("."))),
    }


def zone_id(region: str, letter: str) -> str:
    """An AZ ID in AWS's format (``use1-az1``). Real IDs map to names differently per account."""
    geography, *words, number = region.split("-")
    short = "".join(_DIRECTIONS.get(word, word[:1]) for word in words)
    return f"{geography}{short}{number}-az{ZONE_LETTERS.index(letter) + 1}"


def get_availability_zones(args: Mapping[str, Any], settings: ProviderSettings) -> dict[str, Any]:
    region = provider_region(args, settings)
    excluded_names = set(args.get("excludeNames") or [])
    excluded_ids = set(args.get("excludeZoneIds") or [])
    zones = [
        (f"{region.name}{letter}", zone_id(region.name, letter))
        for letter in ZONE_LETTERS
        if f"{region.name}{letter}" not in excluded_names
        and zone_id(region.name, letter) not in excluded_ids
    ]
    result: dict[str, Any] = {
        "id": region.name,
        "region": region.name,
        "names": [name for name, _ in zones],
        "zoneIds": [zid for _, zid in zones],
        "groupNames": [region.name],
    }
    for echoed in ("allAvailabilityZones", "excludeNames", "excludeZoneIds", "filters", "state"):
        if echoed in args:
            result[echoed] = args[echoed]
    return result
