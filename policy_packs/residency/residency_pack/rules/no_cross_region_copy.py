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
* a destination is checked for region *and* owner together: a region field, an ARN (region
  and account), an OCID (region and realm), an availability-domain name; an ARN of an account
  that is not trusted (the policy config's ``trustedAccountIds``, else the stack's
  ``aws:allowedAccountIds``), an owner field such as an S3 rule's ``destination.account``, or
  a key the copy is encrypted with in such an account or region is a foreign destination even
  in us-east-1. A replica KMS key does not say where the destination bucket is, or whose;
* a destination whose value is *unknown* (preview: the ARN/OCID of a resource created in the
  same stack) is pending in preview (the SDK shows a visible "can't run during preview"
  notice, never a silent pass): ``residency-data-flow`` resolves it through the stack's
  property dependencies at the end of that preview, and during ``pulumi up`` the value is
  known before the resource is created, so this rule decides it then; still unknown outside
  a preview, it is a mandatory violation (fail closed);
* a *known* destination that does not say where or whose it is (an S3 bucket ARN, a bucket
  name, a host) fails closed unless the platform team declares its region in the policy
  config's ``destinationRegions``;
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

from collections.abc import Iterator
from typing import Final

from pulumi_policy import Severity

from residency_pack.engine import copy_fields, pack_config
from residency_pack.engine.classification import CLASSIFICATIONS, US_USER_DATA
from residency_pack.engine.copy_fields import OWN, Destination, Named, Trust, problems
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.rule import (
    Finding,
    ResourceContext,
    RuleSpec,
    StackContext,
    resource_policy,
    stack_follow_up_active,
)
from residency_pack.engine.stack_buckets import (
    PendingBucketFindings,
    bucket_name_of,
    bucket_names,
    stack_of,
)

DESTINATION_REGIONS: Final = copy_fields.DESTINATION_REGIONS
NAME: Final = "residency-no-cross-region-copy"


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
        **pack_config.trust_config_properties(),
        DESTINATION_REGIONS: copy_fields.destination_regions_schema(),
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


def _own(ctx: ResourceContext) -> list[Named]:
    """Where an inbound copy lands: the resource itself, in its own region and account."""
    region = ctx.region
    if region.cloud is None or region.neutral or region.undetermined:
        return []
    return [
        Named(f"this resource ({region.source})", r, "region", region.cloud, r, OWN)
        for r in region.regions
    ]


def _places(ctx: ResourceContext, destination: Destination) -> list[Named]:
    if destination.field.inbound:
        return _own(ctx)
    return [
        copy_fields.declared(ctx.config, named)
        for named in (*destination.named, *destination.touched)
    ]


_FIX_PLACE: Final = (
    "copy only to a place in a region allowed for the data's classification and in a trusted "
    "account or tenancy (the policy config's trustedAccountIds / trustedTenancyOcids, or the "
    "stack's aws:allowedAccountIds / oci:tenancyOcid). A destination that does not say where "
    "or whose it is (an S3 bucket ARN or name, an OCI bucket name, a host) is a resource of "
    "this stack (residency-data-flow follows it), or the platform team declares its region in "
    f"the policy config: `{NAME}: {{{DESTINATION_REGIONS}: {{\"<value>\": \"us-east-1\"}}}}`. "
    "A key, role or region hint in the same rule does not say where the copy lands."
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
    if not copy_fields.fields_for(ctx.type):
        return
    classification, assumed = _classification(ctx)
    allowed = pack_config.allowed_regions(ctx.config, classification)
    # A conduit's data is judged here against every classification's regions (a region no
    # classification may use is a violation whatever the source holds); whether user data
    # reaches a region allowed only for lesser classifications is judged by residency-data-flow,
    # which resolves the source through the stack (and fails closed on a source outside it).
    found = list(copy_fields.destinations(ctx.type, ctx.props, copy_rule_only=True))
    if not found:  # most resources copy nothing: read no more config
        return
    union = pack_config.allowed_union(ctx.config)
    trust = Trust.of(ctx.config)
    PENDING_BUCKETS.discard(ctx.urn)
    for destination in found:
        conduit = _carries_another_resources_data(ctx, destination)
        places = _places(ctx, destination)
        if not places:
            if destination.unknown and not destination.field.inbound:
                yield _pending(ctx, destination)
            continue
        permitted = union if conduit else allowed
        judged = [(place, problems(place, permitted, trust, classification)) for place in places]
        reasons = [r for _, place_reasons in judged for r in place_reasons]
        if not reasons:
            continue
        whose = (
            f"copies the data of `{destination.field.source}` (whatever it holds)"
            if conduit
            else f"holds `{classification}` data{assumed}"
        )
        where = destination.path or destination.field.label
        finding = Finding(
            f"`{ctx.name}` {whose} and its {destination.field.flow.value} `{where}` goes where "
            f"it may not: {'; and '.join(dict.fromkeys(reasons))}.",
            urn=ctx.urn,
            fix=_FIX_PLACE,
        )
        buckets = _stack_bucket_candidates([place for place, at_fault in judged if at_fault])
        if buckets and stack_follow_up_active():
            for bucket in buckets:  # reported unless the stack has every one of them
                PENDING_BUCKETS.add(ctx.urn, f"{where}\0{bucket}", bucket, finding)
            continue
        yield finding


PENDING_BUCKETS: Final = PendingBucketFindings()


def _stack_bucket_candidates(at_fault: list[Named]) -> list[str]:
    """The buckets named by account-less S3 ARNs or URLs when they are the only places at fault:
    each may be a bucket of this stack (bucket names are global), which residency-data-flow
    follows to its region. Empty when any other place is at fault."""
    buckets: list[str] = []
    for place in at_fault:
        bucket = bucket_name_of(place.value)
        if bucket is None or place.location is not None or place.account not in (None, OWN):
            return []
        buckets.append(bucket)
    return buckets


def stack_check(ctx: StackContext) -> Iterator[Finding]:
    """The kept findings whose buckets are not all buckets of this stack."""
    if not ctx.resources:
        return
    names = bucket_names(ctx.resources)
    reported: set[tuple[str | None, str]] = set()
    for bucket, finding in PENDING_BUCKETS.take(stack_of(ctx.resources[0].urn)):
        if bucket in names or (finding.urn, finding.message) in reported:
            continue
        reported.add((finding.urn, finding.message))
        yield finding


POLICY = resource_policy(SPEC, check, stack_check)
