"""residency-classification-in-region: a resource's classification is allowed in its region.

The table (``allowedRegions``) maps each classification to the regions allowed per cloud.

Unknowns and gaps (fail closed, strictest reading):
* an unknown, missing or unrecognised classification on a data-bearing resource is read as
  ``us-user-data``, the most restricted class, so such a resource passes only in a region
  where user data may be;
* a resource that is not data-bearing is checked only if it carries a known classification;
* an undetermined region is left to ``residency-region-allowlist``, which reports it.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from residency_pack.engine import pack_config, type_catalog
from residency_pack.engine.classification import CLASSIFICATIONS, US_USER_DATA
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.rule import Finding, ResourceContext, RuleSpec, resource_policy

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
    if isinstance(value, str) and value in CLASSIFICATIONS:
        classification, assumed = value, ""
    elif not data_bearing:
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


POLICY = resource_policy(SPEC, check)
