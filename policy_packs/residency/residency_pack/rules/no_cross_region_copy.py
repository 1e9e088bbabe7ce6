"""residency-no-cross-region-copy: every copy of data goes only to regions allowed for it.

Checks every property of the copy-field catalog (:mod:`residency_pack.engine.copy_fields`)
that a resource sets: S3/OCI bucket replication, DynamoDB/NoSQL replicas, RDS read replicas and
automated-backup replication, AWS Backup copy actions, KMS replica keys, Secrets Manager / OCI
secret replication, ECR and EFS replication, DLM cross-region copy rules, Data Guard standbys,
volume replicas and backup copies, MySQL/PostgreSQL backup copy policies, and more.

The data's classification is the resource's own ``data-classification`` tag. A copy that lands
in another resource (an *inbound* field: a read replica, a replica key, a standby) lands in the
resource's own effective region.

Unknowns and gaps:
* an unknown, missing or unrecognised classification is held to ``us-user-data`` (the
  strictest class): fail closed;
* a destination that names its region (a region field, an ARN, an OCID, an availability-domain
  name, or a reference the service requires in the destination's region, such as an S3
  replica KMS key) is checked against the allowed regions;
* a destination whose value is *unknown* (preview: the ARN/OCID of a resource created in the
  same stack) is pending in preview (the SDK shows a visible "can't run during preview"
  notice, never a silent pass): ``residency-data-flow`` resolves it through the stack's
  property dependencies at the end of that preview, and during ``pulumi up`` the value is
  known before the resource is created, so this rule decides it then; still unknown outside
  a preview, it is a mandatory violation (fail closed);
* a *known* destination that names no region (an S3 bucket ARN, a bucket name) fails closed
  unless the pack config declares its region in ``destinationRegions``;
* an undetermined region of the resource itself is left to ``residency-region-allowlist``;
* a configuration resource without tags that copies another store's data (an S3 replication
  configuration, an OCI replication policy: its ``source`` field names the store) has that
  store's classification, which a single resource cannot see: its destinations are held here to
  the regions allowed for *some* classification, and ``residency-data-flow`` judges whether user
  data reaches them (it resolves the source through the stack, and fails closed when the source
  is outside it). Judging such a copy as user data here would block non-personal data that the
  table allows in ap-southeast-1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import copy_fields, pack_config, region_catalog
from residency_pack.engine.classification import CLASSIFICATIONS, US_USER_DATA
from residency_pack.engine.copy_fields import Destination, Location
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.rule import Finding, ResourceContext, RuleSpec, resource_policy

DESTINATION_REGIONS: Final = "destinationRegions"
NAME: Final = "residency-no-cross-region-copy"


def _destination_regions_schema() -> dict[str, Any]:
    names = sorted({*region_catalog.regions("aws"), *region_catalog.regions("oci")})
    return {
        "type": "object",
        "description": "Regions of copy destinations that name no region themselves (an S3 "
        "bucket ARN or name, an OCI bucket name), keyed by the exact value the resource sets.",
        "additionalProperties": {"type": "string", "enum": names},
        "default": {},
    }


SPEC = RuleSpec(
    name=NAME,
    display_name="No copy outside the data's allowed regions",
    description=(
        "Every replication, copy, restore, backup or export property of a resource points only "
        "into regions allowed for the data's classification."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "point the replication, copy or backup at a region allowed for the data's "
        "classification (for us-user-data: the US regions of the allowedRegions table), or "
        "remove it."
    ),
    frameworks=("residency", "gdpr-art-44", "project-texas"),
    config_properties={
        pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema(),
        DESTINATION_REGIONS: _destination_regions_schema(),
    },
)


def _classification(ctx: ResourceContext) -> tuple[str, str]:
    value = ctx.classification
    if isinstance(value, str) and value in CLASSIFICATIONS:
        return value, ""
    shown = "unknown during preview" if value is UNKNOWN else (
        "missing" if value is None else f"`{value}`, not a known classification"
    )  # fmt: skip
    return US_USER_DATA, f" (its classification is {shown}, so it is held to {US_USER_DATA})"


def _declared(config: Mapping[str, Any], value: str) -> Location | None:
    region = dict(config.get(DESTINATION_REGIONS) or {}).get(value)
    if not isinstance(region, str):
        return None
    if region_catalog.lookup("aws", region):
        return "aws", region
    return "oci", region


def _locations(ctx: ResourceContext, destination: Destination) -> list[tuple[str, Location]]:
    if destination.field.inbound:
        region = ctx.region
        if region.cloud is None or region.neutral or region.undetermined:
            return []
        return [(f"this resource ({region.source})", (region.cloud, r)) for r in region.regions]
    found = list(destination.regions)
    for path, value in destination.unlocated:
        if (declared := _declared(ctx.config, value)) is not None:
            found.append((f"{path} (declared in {DESTINATION_REGIONS})", declared))
    return found


def _unresolved(ctx: ResourceContext, destination: Destination) -> Finding:
    shown = ", ".join(f"`{path}` = {value!r}" for path, value in destination.unlocated)
    example = destination.unlocated[0][1]
    return Finding(
        f"`{ctx.name}` sends data ({destination.field.flow.value}) to {shown}, which names no "
        "region: the pack cannot tell where the copy lands, so it fails closed.",
        fix=(
            "reference the destination by a value that carries its region (an ARN or OCID with "
            "a region, a region field, or for S3 the replica KMS key `replicaKmsKeyId`), or "
            f"declare its region in the policy config: `{NAME}: {{{DESTINATION_REGIONS}: "
            f'{{"{example}": "us-east-1"}}}}`.'
        ),
    )


def _pending(ctx: ResourceContext, destination: Destination) -> Finding:
    shown = ", ".join(f"`{path}`" for path in destination.unknown)
    return Finding(
        f"`{ctx.name}` sends data ({destination.field.flow.value}) to {shown}, which is unknown "
        "until the update; residency-data-flow resolves it through the stack's graph now.",
        fix="nothing if the destination is a resource of this stack in an allowed region; "
        "otherwise point the copy at a region allowed for the data's classification.",
        unknown=True,
    )


def _carries_another_resources_data(ctx: ResourceContext, destination: Destination) -> bool:
    """An unclassified configuration resource (an S3 replication configuration, an OCI
    replication policy: no tags input) that copies the data of the store its ``source`` field
    names. Its classification is that store's, which one resource cannot see."""
    return (
        ctx.classification is None
        and ctx.type in copy_fields.CONDUIT_TYPES
        and destination.field.source is not None
    )


def check(ctx: ResourceContext) -> Iterator[Finding]:
    classification, assumed = _classification(ctx)
    allowed = pack_config.allowed_regions(ctx.config, classification)
    # A conduit's data is judged here against every classification's regions (a region no
    # classification may use is a violation whatever the source holds); whether user data
    # reaches a region allowed only for lesser classifications is judged by residency-data-flow,
    # which resolves the source through the stack (and fails closed on a source outside it).
    union = pack_config.allowed_union(ctx.config)
    seen: set[tuple[str, str]] = set()
    for destination in copy_fields.destinations(ctx.type, ctx.props, copy_rule_only=True):
        conduit = _carries_another_resources_data(ctx, destination)
        locations = _locations(ctx, destination)
        if not locations:
            if destination.field.inbound:
                continue
            if destination.unlocated:
                yield _unresolved(ctx, destination)
            elif destination.unknown:
                yield _pending(ctx, destination)
            continue
        flow = destination.field.flow.value
        for path, (cloud, region) in locations:
            permitted = union if conduit else allowed
            if region in permitted[cloud] or (path, region) in seen:
                continue
            seen.add((path, region))
            where = destination.path or destination.field.label
            if conduit:
                yield Finding(
                    f"`{ctx.name}` copies the data of `{destination.field.source}` and its "
                    f"{flow} `{where}` lands in {cloud} region `{region}` ({path}), which no "
                    f"classification may use (allowed: {', '.join(sorted(union[cloud]))} on "
                    f"{cloud})."
                )
                continue
            yield Finding(
                f"`{ctx.name}` holds `{classification}` data{assumed} and its {flow} `{where}` "
                f"lands in {cloud} region `{region}` ({path}); {classification} is allowed "
                f"only in {', '.join(sorted(allowed[cloud])) or 'no region'} on {cloud}."
            )


POLICY = resource_policy(SPEC, check)
