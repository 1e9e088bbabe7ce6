"""residency-classification-in-region: a resource's classification is allowed in its region.

The table (``allowedRegions``) maps each classification to the regions allowed per cloud.

Unknowns and gaps (fail closed, strictest reading):
* an unknown, missing or unrecognised classification on a data-bearing resource is read as
  ``us-user-data``, the most restricted class, so such a resource passes only in a region
  where user data may be;
* a resource that is not data-bearing is checked only if it carries a known classification;
* an undetermined region is left to ``residency-region-allowlist``, which reports it.

Inherited classification: a type that takes no tags and whose data comes from a source the copy
table names (an inbound entry of ``engine/copy_fields.py``: a Glue catalog table's or partition's
S3 location, a table replica's global table) has the classification of that source, which one
resource cannot see: when the source is set (known, or unknown during preview) it is left to
``residency-data-flow``, which follows the source to its store (a store of the stack: its label;
outside the stack or unresolvable: ``us-user-data``) and judges this resource's region for that
data. With no source set it is held to ``us-user-data`` as above.

Label trust: a store of a type that holds personal data by nature (the type catalog's
``personal_by_nature``, reviewed per type: user pools, identity domains, directories, contact
lists) is held to ``us-user-data`` whatever its tag says. A tag is the program's claim; a user
directory tagged ``non-personal`` still holds people's identities.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from residency_pack.engine import copy_fields, pack_config, type_catalog
from residency_pack.engine.classification import CLASSIFICATIONS, US_USER_DATA
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.rule import (
    Finding,
    ResourceContext,
    RuleSpec,
    is_preview,
    resource_policy,
)

SPEC = RuleSpec(
    name="residency-classification-in-region",
    display_name="Classification allowed in the region",
    description=(
        "A resource's data classification is allowed in its effective region "
        "(us-user-data only in the US regions of the table)."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "move the resource to a region allowed for its classification (its provider's "
        "`region`, or on AWS the resource's `region`), or store only data of a classification "
        "that is allowed there."
    ),
    frameworks=("residency", "gdpr-art-44", "project-texas"),
    config_properties={pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema()},
)


def check(ctx: ResourceContext) -> Iterator[Finding]:
    region = ctx.region
    if region.cloud is None or region.neutral or region.undetermined:
        return
    value = ctx.classification
    data_bearing = type_catalog.is_data_bearing(ctx.type)
    personal = type_catalog.personal_by_nature(ctx.type)
    if personal is not None and value != US_USER_DATA:
        yield from _personal_by_nature(ctx, value, personal)
        return
    if isinstance(value, str) and value in CLASSIFICATIONS:
        classification, assumed = value, ""
    elif not data_bearing or _inherits_from_its_source(ctx):
        return
    else:
        shown = "unknown during preview" if value is UNKNOWN else (
            "missing" if value is None else f"`{value}`, not a known classification"
        )  # fmt: skip
        classification = US_USER_DATA
        assumed = f" (its classification is {shown}, so it is held to {US_USER_DATA})"
    allowed = pack_config.allowed_regions(ctx.config, classification)[region.cloud]
    for name in region.regions:
        if name not in allowed:
            yield Finding(
                f"`{ctx.name}` holds data classified `{classification}`{assumed} in "
                f"{region.cloud} region `{name}` ({region.source}); {classification} is "
                f"allowed only in {', '.join(sorted(allowed)) or 'no region'} on {region.cloud}."
            )


def _inherits_from_its_source(ctx: ResourceContext) -> bool:
    """True if the resource takes no tags and names the source of its data (see the module
    docstring): ``residency-data-flow`` judges it with the source's classification. An unknown
    source defers only during preview; outside it, it is held to ``us-user-data``."""
    if ctx.classification is not None or type_catalog.takes_classification_tag(ctx.type):
        return False
    for found in copy_fields.destinations(ctx.type, ctx.props):
        if found.field.inbound and (found.values or (found.unknown and is_preview())):
            return True
    return False


def _personal_by_nature(ctx: ResourceContext, value: object, why: str) -> Iterator[Finding]:
    region = ctx.region
    assert region.cloud is not None
    allowed = pack_config.allowed_regions(ctx.config, US_USER_DATA)[region.cloud]
    shown = "unknown during preview" if value is UNKNOWN else (
        "missing" if value is None else f"`{value}`"
    )  # fmt: skip
    for name in region.regions:
        if name not in allowed:
            yield Finding(
                f"`{ctx.name}` is a {ctx.type}, which holds personal data by nature ({why}), "
                f"so it is held to `{US_USER_DATA}` whatever its `data-classification` tag says "
                f"(it is {shown}); it is in {region.cloud} region `{name}` ({region.source}), "
                f"and `{US_USER_DATA}` is allowed only in "
                f"{', '.join(sorted(allowed)) or 'no region'} on {region.cloud}.",
                fix=f"move the store to a region allowed for `{US_USER_DATA}` (its provider's "
                "`region`, or its location field), or, if it truly holds no personal data, "
                "add an exemption for this resource with the reason and an expiry.",
            )


POLICY = resource_policy(SPEC, check)
