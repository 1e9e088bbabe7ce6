"""residency-region-allowlist: no AWS or OCI resource outside the allowed regions.

The allowed set is the union of every classification's row in ``allowedRegions``: a region
that no classification may use may hold nothing at all, not even a VPC.

Unknowns: a region that cannot be determined (no region on the resource, its provider or the
stack config; or one computed from another resource's output, so unknown in preview) is a
violation that names the setting to add. Unknown location fields (an availability domain taken
from a data source, a subnet created in the same stack) are skipped; the provider's region
decides. Region-neutral global types (IAM, Route 53 zones, OCI identity) are not placed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from residency_pack.engine import pack_config, region_catalog
from residency_pack.engine.rule import Finding, ResourceContext, RuleSpec, resource_policy

SPEC = RuleSpec(
    name="residency-region-allowlist",
    display_name="Resources only in allowed regions",
    description=(
        "Every AWS and OCI resource is placed in a region allowed for some data classification; "
        "a resource whose region cannot be determined fails closed."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "place the resource in an allowed region: set `region` on its provider (or, on AWS, "
        "on the resource), or extend `allowedRegions` in this policy's config if the region "
        "is approved."
    ),
    frameworks=("residency", "gdpr-art-44", "project-texas"),
    config_properties={pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema()},
)


def check(ctx: ResourceContext) -> Iterator[Finding]:
    region = ctx.region
    if region.cloud is None or region.neutral:
        return
    if region.undetermined:
        yield Finding(
            f"The region of {ctx.type} `{ctx.name}` cannot be determined: "
            f"{region.undetermined_reason}.",
            fix=f"{region.fix or 'set a literal region on the provider'}.",
        )
        return
    allowed = pack_config.allowed_union(ctx.config)[region.cloud]
    for name in region.regions:
        if name not in allowed:
            known = region_catalog.lookup(region.cloud, name) is not None
            what = "not an allowed region" if known else f"not a known {region.cloud} region"
            yield Finding(
                f"{ctx.type} `{ctx.name}` is placed in {region.cloud} region `{name}` "
                f"({region.source}), which is {what} "
                f"(allowed: {', '.join(sorted(allowed)) or 'none'})."
            )


POLICY = resource_policy(SPEC, check)
