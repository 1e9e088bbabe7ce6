"""OCI identity data answered offline: availability domains, regions, subscriptions, tenancy.

Region names and keys come from the shared region catalog (generated from the oci SDK).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from residency_pack.engine import region_catalog

from .builtin import NoBuiltinAnswer
from .provider_settings import ProviderSettings

GET_AVAILABILITY_DOMAINS = "oci:Identity/getAvailabilityDomains:getAvailabilityDomains"
GET_REGIONS = "oci:Identity/getRegions:getRegions"
GET_REGION_SUBSCRIPTIONS = "oci:Identity/getRegionSubscriptions:getRegionSubscriptions"
GET_TENANCY = "oci:Identity/getTenancy:getTenancy"

# An AD name is "<tenancy-specific prefix>:<REGION KEY>-AD-<n>". The prefix differs per tenancy
# and cannot be known offline: this placeholder stands in for it. Offline, preflight answers one
# AD per region (every region has at least one); a fixture can give more.
AD_NAME_PREFIX = "Xxxx"
AD_COUNT = 1


def provider_region(settings: ProviderSettings) -> region_catalog.Region:
    name = settings.string("region")
    if not name:
        raise NoBuiltinAnswer(f"no OCI region is configured: set {settings.describe('region')}")
    region = region_catalog.lookup("oci", name) or region_catalog.oci_region_by_key(name)
    if region is None:
        raise NoBuiltinAnswer(f"{name!r} is not an OCI region known to the region catalog")
    return region


def availability_domain_names(region: region_catalog.Region) -> list[str]:
    return [f"{AD_NAME_PREFIX}:{region.key.upper()}-AD-{n}" for n in range(1, AD_COUNT + 1)]


def get_availability_domains(
    args: Mapping[str, Any], settings: ProviderSettings
) -> dict[str, Any]:
    region = provider_region(settings)
    compartment = args.get("compartmentId") or settings.string("tenancyOcid") or ""
    domains = [
        {
            "compartmentId": compartment,
            "id": f"ocid1.availabilitydomain.{region.realm}..preflight{region.key}ad{n}",
            "name": name,
        }
        for n, name in enumerate(availability_domain_names(region), start=1)
    ]
    result: dict[str, Any] = {
        "id": f"preflight-availability-domains-{region.name}",
        "compartmentId": compartment,
        "availabilityDomains": domains,
    }
    if "filters" in args:
        result["filters"] = args["filters"]
    return result


def get_regions(args: Mapping[str, Any], settings: ProviderSettings) -> dict[str, Any]:
    """Every region of the provider's realm, as the API lists them (key upper-case)."""
    realm = provider_region(settings).realm if settings.string("region") else "oc1"
    regions = [
        {"key": r.key.upper(), "name": r.name}
        for r in sorted(region_catalog.regions("oci").values(), key=lambda r: r.name)
        if r.realm == realm
    ]
    result: dict[str, Any] = {"id": f"preflight-regions-{realm}", "regions": regions}
    if "filters" in args:
        result["filters"] = args["filters"]
    return result


def _tenancy(args: Mapping[str, Any], settings: ProviderSettings) -> str:
    tenancy = args.get("tenancyId") or settings.string("tenancyOcid")
    if not tenancy:
        raise NoBuiltinAnswer(f"no tenancy OCID: set {settings.describe('tenancyOcid')}")
    return str(tenancy)


def get_region_subscriptions(
    args: Mapping[str, Any], settings: ProviderSettings
) -> dict[str, Any]:
    """The provider's region, as the tenancy's (home) subscription: the one region known offline."""
    tenancy = _tenancy(args, settings)
    region = provider_region(settings)
    result: dict[str, Any] = {
        "id": f"preflight-region-subscriptions-{region.name}",
        "tenancyId": tenancy,
        "regionSubscriptions": [
            {
                "isHomeRegion": True,
                "regionKey": region.key.upper(),
                "regionName": region.name,
                "state": "READY",
                "tenancyId": tenancy,
            }
        ],
    }
    if "filters" in args:
        result["filters"] = args["filters"]
    return result


def get_tenancy(args: Mapping[str, Any], settings: ProviderSettings) -> dict[str, Any]:
    tenancy = _tenancy(args, settings)
    region = provider_region(settings)
    return {
        "id": tenancy,
        "tenancyId": tenancy,
        "name": "preflight-tenancy",
        "description": "placeholder answered offline by preflight",
        "homeRegionKey": region.key.upper(),
        "definedTags": {},
        "freeformTags": {},
        "upiIdcsCompatibilityLayerEndpoint": "",
    }
