"""residency-public-access-block (stack policy): the cross-resource half of public exposure.

* Every S3 bucket that holds (or may hold) US user data has a ``BucketPublicAccessBlock`` with all
  four settings ``true``, or the stack sets an ``AccountPublicAccessBlock`` with all four ``true``.
  The block is a separate resource that names the bucket, so only the stack can pair them: by
  the block's property dependency on the bucket (``bucket=bucket.id``, unknown in preview) or by
  the bucket's name when both are known. Buckets classified ``non-personal`` or ``public`` are not
  required to have one (``residency-no-public-exposure`` still rejects their public ACLs unless
  they are ``public``); an unclassified bucket is (fail closed).
* Every OCI pre-authenticated request (``oci:ObjectStorage/preauthrequest:Preauthrequest``) is a
  bearer URL to objects of a bucket, readable by whoever holds the link. It names its bucket by
  name, so the stack resolves it (property dependency, else name and namespace). A PAR on a bucket
  of US user data, on an unclassified bucket, or on a bucket outside this stack (whose
  classification the pack cannot see: fail closed) is a violation.

Unknown values: a block whose settings are unknown, a bucket whose classification is unknown,
or a PAR whose bucket cannot be resolved because its name is unknown and it has no dependency is
an unknown finding (see ``no_foreign_principals``): not blocking in preview, checked with known
values by ``pulumi up`` before the resources are created.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine.classification import NON_PERSONAL, PUBLIC, US_USER_DATA
from residency_pack.engine.props import UNKNOWN, get
from residency_pack.engine.rule import Finding, RuleSpec, StackContext, StackResource, stack_policy
from residency_pack.rules.no_foreign_principals import unknown_finding

NAME: Final = "residency-public-access-block"

S3_BUCKETS: Final = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
BUCKET_BLOCK: Final = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_BLOCK: Final = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
BLOCK_SETTINGS: Final = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)
OCI_BUCKET: Final = "oci:ObjectStorage/bucket:Bucket"
OCI_PAR: Final = "oci:ObjectStorage/preauthrequest:Preauthrequest"
# Classifications that may go without a public access block / may carry a PAR.
NOT_USER_DATA: Final = frozenset({NON_PERSONAL, PUBLIC})

SPEC = RuleSpec(
    name=NAME,
    display_name="User-data buckets block public access",
    description=(
        "Every S3 bucket of US user data has a public access block with all four settings on "
        "(or the account has one), and no OCI pre-authenticated request opens a bucket of US "
        "user data."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "add `aws.s3.BucketPublicAccessBlock(bucket=<bucket>.id, block_public_acls=True, "
        "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)` for "
        "each user-data bucket; serve OCI user data through authenticated IAM access, not "
        "pre-authenticated requests."
    ),
    frameworks=("data-residency", "access-control"),
)


def _settings_verdict(block: StackResource) -> tuple[bool | Any, list[str]]:
    """(True / False / UNKNOWN, the settings that are not ``true``)."""
    off: list[str] = []
    unknown = False
    for setting in BLOCK_SETTINGS:
        value = get(block.props, setting)
        if value is UNKNOWN:
            unknown = True
        elif value is not True:
            off.append(setting)
    if off:
        return False, off
    return (UNKNOWN if unknown else True), off


def _refers_to(
    ctx: StackContext, resource: StackResource, prop: str, target: StackResource, name_prop: str
) -> bool:
    """Whether ``resource.<prop>`` points at ``target``: by the property's dependency; else by
    known name; else, when the engine sent no property dependencies for ``prop``, by the
    resource's plain dependencies if exactly one resource of the target's type is among them."""
    if target.urn in resource.property_dependencies.get(prop, ()):
        return True
    value = get(resource.props, prop)
    name = get(target.props, name_prop)
    if isinstance(value, str) and isinstance(name, str) and value == name:
        return True
    if prop in resource.property_dependencies:
        return False
    same_type = [
        urn
        for urn in resource.dependencies
        if (dep := ctx.by_urn(urn)) is not None and dep.type == target.type
    ]
    return same_type == [target.urn]


def _needs_block(bucket: StackResource) -> bool | Any:
    if bucket.classification is UNKNOWN:
        return UNKNOWN
    return bucket.classification not in NOT_USER_DATA


class _BlockIndex:
    """The stack's bucket public access blocks by the bucket they may name: by the URN in the
    block's ``bucket`` property dependency, by its literal bucket name, and (for a block the
    engine sent no ``bucket`` property dependency for) by the URNs of its plain dependencies.
    These are the only ways :func:`_refers_to` can match, so looking a bucket up here and then
    applying :func:`_refers_to` gives the same blocks as testing every block, without scanning
    every block for every bucket."""

    def __init__(self, blocks: list[StackResource]) -> None:
        self._by_urn: dict[str, list[tuple[int, StackResource]]] = defaultdict(list)
        self._by_name: dict[str, list[tuple[int, StackResource]]] = defaultdict(list)
        for position, block in enumerate(blocks):
            entry = (position, block)
            name = get(block.props, "bucket")
            if isinstance(name, str):
                self._by_name[name].append(entry)
            if "bucket" in block.property_dependencies:
                urns = block.property_dependencies["bucket"]
            else:
                urns = block.dependencies
            for urn in dict.fromkeys(urns):
                self._by_urn[urn].append(entry)

    def candidates(self, bucket: StackResource) -> list[StackResource]:
        """Blocks that may name ``bucket``, in stack order, each once."""
        found: dict[int, StackResource] = dict(self._by_urn.get(bucket.urn, ()))
        name = get(bucket.props, "bucket")
        if isinstance(name, str):
            found.update(self._by_name.get(name, ()))
        return [found[position] for position in sorted(found)]


def _bucket_findings(ctx: StackContext) -> Iterator[Finding]:
    account_blocks = [r for r in ctx.resources if r.type == ACCOUNT_BLOCK]
    account_verdicts = [_settings_verdict(b)[0] for b in account_blocks]
    if any(v is True for v in account_verdicts):
        return
    account_unknown = any(v is UNKNOWN for v in account_verdicts)
    blocks = _BlockIndex([r for r in ctx.resources if r.type == BUCKET_BLOCK])
    for bucket in (r for r in ctx.resources if r.type in S3_BUCKETS):
        needs = _needs_block(bucket)
        if needs is False:
            continue
        candidates = blocks.candidates(bucket)
        mine = [b for b in candidates if _refers_to(ctx, b, "bucket", bucket, "bucket")]
        verdicts = [_settings_verdict(b) for b in mine]
        if any(v is True for v, _ in verdicts):
            continue
        what = f"S3 bucket `{bucket.name}` ({bucket.classification or 'unclassified'})"
        if needs is UNKNOWN:
            yield unknown_finding(
                f"{what} has an unknown `data-classification` and no public access block.",
                urn=bucket.urn,
            )
        elif account_unknown or any(v is UNKNOWN for v, _ in verdicts):
            yield unknown_finding(
                f"{what}: the settings of its public access block are unknown.", urn=bucket.urn
            )
        elif verdicts:
            off = sorted({s for _, settings in verdicts for s in settings})
            yield Finding(
                f"{what} has a public access block with {', '.join(f'`{s}`' for s in off)} "
                "not set to true.",
                urn=bucket.urn,
            )
        else:
            yield Finding(
                f"{what} has no public access block: a later bucket policy or ACL could make "
                "it public.",
                urn=bucket.urn,
            )


class _OciBuckets:
    """The stack's OCI buckets in stack order, indexed by URN and by name."""

    def __init__(self, buckets: list[StackResource]) -> None:
        self.buckets = buckets
        self.position = {bucket.urn: i for i, bucket in reversed(list(enumerate(buckets)))}
        self.by_name: dict[Any, list[StackResource]] = defaultdict(list)
        for bucket in buckets:
            name = get(bucket.props, "name")
            if isinstance(name, Hashable):
                self.by_name[name].append(bucket)

    def named(self, name: Any) -> list[StackResource]:
        """Buckets whose ``name`` equals ``name``, in stack order."""
        if isinstance(name, Hashable):
            return self.by_name.get(name, [])
        return [b for b in self.buckets if get(b.props, "name") == name]


def _par_bucket(par: StackResource, buckets: _OciBuckets) -> StackResource | Any | None:
    """The stack bucket a PAR opens; None if none matches; UNKNOWN if that cannot be told."""
    if par.urn:
        positions = [
            buckets.position[urn]
            for urn in par.property_dependencies.get("bucket", ())
            if urn in buckets.position
        ]
        if positions:
            return buckets.buckets[min(positions)]
    name, namespace = get(par.props, "bucket"), get(par.props, "namespace")
    if name is UNKNOWN:
        return UNKNOWN
    for bucket in buckets.named(name):
        bucket_namespace = get(bucket.props, "namespace")
        if namespace is UNKNOWN or bucket_namespace is UNKNOWN:
            return UNKNOWN if namespace != bucket_namespace else bucket
        if namespace == bucket_namespace:
            return bucket
    return None


def _par_findings(ctx: StackContext) -> Iterator[Finding]:
    buckets = _OciBuckets([r for r in ctx.resources if r.type == OCI_BUCKET])
    for par in (r for r in ctx.resources if r.type == OCI_PAR):
        bucket = _par_bucket(par, buckets)
        access = get(par.props, "accessType")
        what = f"Pre-authenticated request `{par.name}` ({access or 'unknown access'})"
        if bucket is UNKNOWN:
            yield unknown_finding(f"{what}: its `bucket` is unknown.", urn=par.urn)
        elif bucket is None:
            yield Finding(
                f"{what} opens bucket {get(par.props, 'bucket')!r}, which is not in this stack: "
                "the pack cannot see its classification, so it may hold US user data.",
                urn=par.urn,
            )
        elif bucket.classification is UNKNOWN:
            yield unknown_finding(
                f"{what} opens bucket `{bucket.name}`, whose classification is unknown.",
                urn=par.urn,
            )
        elif bucket.classification not in NOT_USER_DATA:
            shown = bucket.classification or "unclassified"
            yield Finding(
                f"{what} opens bucket `{bucket.name}` ({shown}) to whoever holds the URL"
                + (", including US user data." if shown == US_USER_DATA else "."),
                urn=par.urn,
            )


def check(ctx: StackContext) -> Iterator[Finding]:
    yield from _bucket_findings(ctx)
    yield from _par_findings(ctx)


POLICY = stack_policy(SPEC, check)
