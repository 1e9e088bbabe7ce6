"""Where a resource is: its effective region.

Rules, in order:

* Region-neutral global types (IAM, Route 53 zones, OCI IAM, ...) have no region.
* A type's reviewed catalog entry may name inputs that place the resource itself
  (``location_fields``: an OCI identity domain's ``homeRegion``, the ``regionName`` of a
  directory replica). Set, they decide where it is, whatever the provider's region; unknown in
  preview, the region is undetermined; not set, a global type has no region and any other type
  is placed as below.
* AWS: a v7 resource's own ``region`` input overrides its provider's ``region``.
* OCI: the provider's ``region`` is used.
* A resource on a default provider gets the stack config (``aws:region`` / ``oci:region``): the
  engine passes that config as the default provider's inputs, so it is read like any provider.
* Location fields inside the resource count too: availability-domain names (``Uocm:PHX-AD-1``),
  availability zones (``us-east-1a``), and OCIDs, ARNs and service endpoints in placement fields
  (``subnetId``). When a location field names a region other than the provider's, the location
  is where the resource is; both regions are reported so that neither escapes the allowlist.
* A resource whose region cannot be determined is *undetermined*; the reason names the setting
  to add. Rules treat undetermined as a violation (fail closed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from residency_pack.engine import region_catalog, type_catalog
from residency_pack.engine.places import region_of_place
from residency_pack.engine.props import UNKNOWN, get, iter_strings
from residency_pack.engine.region_catalog import Cloud

# An availability-domain name: optional tenancy prefix, then the region key (``PHX-AD-1``) or the
# upper-cased region name with or without its number (``US-ASHBURN-AD-1``, ``US-CHICAGO-1-AD-1``).
_AD_NAME = re.compile(r"^(?:[A-Za-z0-9_-]+:)?([A-Za-z][A-Za-z0-9-]*?)-AD-\d+$", re.IGNORECASE)
_AWS_AZ = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)(?:-[a-z]+-\d+)?[a-z]$", re.IGNORECASE)

# Property names (anywhere in the bag) that say where the resource itself is placed.
LOCATION_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "availabilityDomain",
        "availabilityZone",
        "availabilityZones",
        "subnetId",
        "subnetIds",
        "vcnId",
    }
)


# Containers whose location fields describe another copy of the data (a replica, a source, a
# backup destination), not where this resource is; the copy and data-flow rules judge those.
_OTHER_COPY = re.compile(r"replica|destination|target|source|backup|copy|peer|standby", re.I)


@dataclass(frozen=True)
class EffectiveRegion:
    """The region a resource is placed in, and how the engine decided it."""

    cloud: Cloud | None
    region: str | None
    source: str
    neutral: bool = False
    undetermined_reason: str | None = None
    # Every region the resource touches: ``region`` first, then any conflicting one.
    regions: tuple[str, ...] = field(default=())
    # For an undetermined region: the setting to add, phrased as an instruction.
    fix: str | None = None

    @property
    def undetermined(self) -> bool:
        return self.undetermined_reason is not None


def cloud_of_type(resource_type: str) -> Cloud | None:
    """``aws`` or ``oci`` for a resource or provider type of that cloud, else None."""
    return type_catalog.cloud_of(resource_type)


def region_of_reference(value: str) -> tuple[Cloud, str] | None:
    """The region named inside a reference: an OCID's region segment, an ARN's region field,
    an OCI availability-domain name, or a service endpoint's host (:mod:`places` parses them).
    None if it names no region."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    head = text[:6].lower()
    if head.startswith("arn:") or head == "ocid1.":
        return region_of_place(text)
    if match := _AD_NAME.match(text):
        name = match.group(1).lower()
        oci_region = (
            region_catalog.oci_region_by_key(name)
            or region_catalog.lookup("oci", name)
            or region_catalog.lookup("oci", f"{name}-1")
        )
        return ("oci", oci_region.name) if oci_region else None
    # A service endpoint's URL or host name: the host alone decides, never a path or query.
    return region_of_place(text)


def _availability_zone_region(value: str) -> str | None:
    match = _AWS_AZ.match(value.strip())
    if not match:
        return None
    found = region_catalog.lookup("aws", match.group(1))
    return found.name if found else None


def location_regions(cloud: Cloud, props: Any) -> list[tuple[str, str]]:
    """``(region, field path)`` for every location field of ``props`` that names a region of
    ``cloud``. Unknown location values are skipped: the provider's region then decides."""
    found: list[tuple[str, str]] = []
    for path, text in iter_strings(props):
        keys = [step for step in path if isinstance(step, str)]
        if not keys or keys[-1] not in LOCATION_FIELDS:
            continue
        if any(_OTHER_COPY.search(key) for key in keys[:-1]):
            continue
        where = ".".join(str(step) for step in path)
        reference = region_of_reference(text)
        if reference is not None and reference[0] == cloud:
            found.append((reference[1], where))
            continue
        if cloud == "aws" and keys[-1] in ("availabilityZone", "availabilityZones"):
            az_region = _availability_zone_region(text)
            if az_region:
                found.append((az_region, where))
    return found


def _region_named(cloud: Cloud, value: str) -> str | None:
    """The region a location field's value names: a region name, or an OCI region key."""
    text = _normalise(value)
    found = region_catalog.lookup(cloud, text)
    if found is None and cloud == "oci":
        found = region_catalog.oci_region_by_key(text)
    return found.name if found is not None else None


@dataclass(frozen=True)
class _Placement:
    """What a type's catalog location fields say: the regions named (and the fields), or why
    they cannot be read."""

    regions: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    problem: str | None = None
    fix: str | None = None


def _placed_by_entry(cloud: Cloud, resource_type: str, props: Any) -> _Placement:
    regions: list[str] = []
    fields: list[str] = []
    for path in type_catalog.location_fields(resource_type):
        value = get(props, *path.split("."))
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None or item == "":
                continue
            if item is UNKNOWN:
                return _Placement(
                    problem=f"its location field `{path}` is unknown during preview",
                    fix=f"set `{path}` to a literal {cloud} region name",
                )
            region = _region_named(cloud, str(item))
            if region is None:
                return _Placement(
                    problem=f"its location field `{path}` = `{item}` is not a region of {cloud}",
                    fix=f"set `{path}` to a {cloud} region name (e.g. "
                    f"{'us-east-1' if cloud == 'aws' else 'us-ashburn-1'})",
                )
            if region not in regions:
                regions.append(region)
            if path not in fields:
                fields.append(path)
    return _Placement(tuple(regions), tuple(fields))


def _is_default_provider(provider: Any) -> bool:
    name = str(getattr(provider, "name", "") or "")
    return name == "default" or name.startswith("default_")


def _normalise(region: str) -> str:
    return region.strip().lower()


def _missing_region_fix(cloud: Cloud) -> str:
    if cloud == "aws":
        return (
            "set `region` on the resource or on its explicit aws.Provider, or set the stack "
            "config `aws:region` (pulumi config set aws:region us-east-1)"
        )
    return (
        "set `region` on its explicit oci.Provider, or set the stack config `oci:region` "
        "(pulumi config set oci:region us-ashburn-1)"
    )


def effective_region(resource_type: str, props: Any, provider: Any) -> EffectiveRegion:
    """The effective region of a resource of ``resource_type`` with inputs ``props``.

    ``provider`` is the ``PolicyProviderResource`` the engine passed (its ``props`` are the
    provider's inputs; a default provider's inputs are the stack config), or None.
    Never raises.
    """
    cloud = cloud_of_type(resource_type)
    if cloud is None:
        return EffectiveRegion(None, None, "not an AWS or OCI resource", neutral=True)
    if type_catalog.is_region_neutral(resource_type):
        return EffectiveRegion(cloud, None, "region-neutral global type", neutral=True)

    if type_catalog.is_provider(resource_type):
        own = get(props, "region")
        if own is UNKNOWN:
            return EffectiveRegion(
                cloud, None, "provider input `region`",
                undetermined_reason="the provider's `region` is unknown during preview; "
                "set it to a literal region name",
                fix="set the provider's `region` to a literal region name",
            )  # fmt: skip
        if isinstance(own, str) and own.strip():
            return EffectiveRegion(cloud, _normalise(own), "provider input `region`",
                                   regions=(_normalise(own),))  # fmt: skip
        # A provider without a region places nothing by itself; its resources are checked.
        return EffectiveRegion(cloud, None, "provider without `region`", neutral=True)

    base: str | None = None
    source = ""
    unknown_reason: str | None = None
    placed = _placed_by_entry(cloud, resource_type, props)
    if placed.problem is not None:
        return EffectiveRegion(
            cloud, None, "undetermined", undetermined_reason=f"{placed.problem}; {placed.fix}",
            fix=placed.fix,
        )  # fmt: skip
    if placed.regions:
        base = placed.regions[0]
        source = "location field " + ", ".join(f"`{f}`" for f in placed.fields)
    elif type_catalog.role_of(resource_type) == "global":
        # A global type whose location fields are not set is not placed anywhere.
        return EffectiveRegion(cloud, None, "global type without a location", neutral=True)
    if base is None and cloud == "aws":
        own = get(props, "region")
        if own is UNKNOWN:
            unknown_reason = "the resource's `region` input is unknown during preview"
        elif isinstance(own, str) and own.strip():
            base, source = _normalise(own), "resource input `region`"
    if base is None and unknown_reason is None:
        if provider is None:
            unknown_reason = "the engine passed no provider for the resource"
        else:
            provider_region = get(getattr(provider, "props", None), "region")
            where = (
                f"stack config `{cloud}:region` (default provider)"
                if _is_default_provider(provider)
                else f"provider `{getattr(provider, 'name', '?')}` input `region`"
            )
            if provider_region is UNKNOWN:
                unknown_reason = f"the {where} is unknown during preview"
            elif isinstance(provider_region, str) and provider_region.strip():
                base, source = _normalise(provider_region), where
            else:
                unknown_reason = f"no region is set: the {where} is missing"

    locations = location_regions(cloud, props)
    location_names: list[str] = []
    for region, _ in locations:
        if region not in location_names:
            location_names.append(region)

    if location_names:
        region = location_names[0]
        others = [
            r for r in [*location_names[1:], base, *placed.regions[1:]] if r and r != region
        ]
        where_fields = ", ".join(sorted({path for _, path in locations}))
        loc_source = f"location field {where_fields}"
        if base and base != region:
            loc_source += f" (differs from {source} `{base}`)"
        return EffectiveRegion(cloud, region, loc_source, regions=(region, *dict.fromkeys(others)))
    if base is not None:
        return EffectiveRegion(cloud, base, source, regions=(base, *placed.regions[1:]))
    fix = _missing_region_fix(cloud)
    return EffectiveRegion(
        cloud, None, "undetermined", undetermined_reason=f"{unknown_reason}; {fix}", fix=fix
    )
