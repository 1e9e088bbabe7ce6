"""residency-public-access-block (stack policy): the cross-resource half of public exposure.

* Every S3 bucket that holds (or may hold) US user data has a ``BucketPublicAccessBlock`` with all
  four settings ``true``, or an ``AccountPublicAccessBlock`` with all four ``true`` for the
  bucket's own account. The block is a separate resource that names the bucket, so only the
  stack can pair them, identity first: by the bucket's name when the block names it literally
  (a block naming another bucket never covers this one, whatever it depends on), and by the
  block's property dependency on the bucket only when its ``bucket`` is unknown
  (``bucket=bucket.id`` in preview). Buckets classified ``non-personal`` or ``public`` are not
  required to have one (``residency-no-public-exposure`` still rejects their public ACLs unless
  they are ``public``); an unclassified bucket is (fail closed).
* An account-level block covers the account it names (``accountId``, else its provider's
  account), and only when that account is trusted (``pack_config.trusted_account_ids``) and is
  the bucket's account. A provider's account is the one its ``allowedAccountIds`` pins, else the
  account of the role it assumes, else the stack's own account when the stack trusts exactly one.
  A block for another account covers nothing here.
* OCI pre-authenticated requests are judged by ``residency-no-public-exposure``, which owns
  public exposure on OCI.

Unknown values: a block whose settings are unknown or a bucket whose classification is unknown
is an unknown finding (see ``no_foreign_principals``): not blocking in preview, checked with known
values by ``pulumi up`` before the resources are created.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import pack_config
from residency_pack.engine.classification import NON_PERSONAL, PUBLIC
from residency_pack.engine.iam_policy import account_of
from residency_pack.engine.props import UNKNOWN, as_string_list, get
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
# Classifications that may go without a public access block.
NOT_USER_DATA: Final = frozenset({NON_PERSONAL, PUBLIC})

SPEC = RuleSpec(
    name=NAME,
    display_name="User-data buckets block public access",
    description=(
        "Every S3 bucket of US user data has a public access block with all four settings on "
        "(or the account has one)."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "add `aws.s3.BucketPublicAccessBlock(bucket=<bucket>.id, block_public_acls=True, "
        "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)` for "
        "each user-data bucket."
    ),
    frameworks=("data-residency", "access-control"),
    config_properties=pack_config.trust_config_properties(),
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
    """Whether ``resource.<prop>`` points at ``target``, identity first: a known name decides
    alone; only an unknown one is resolved by the property's dependency, or, when the engine
    sent no property dependencies for ``prop``, by the resource's plain dependencies if exactly
    one resource of the target's type is among them."""
    value = get(resource.props, prop)
    if isinstance(value, str):
        name = get(target.props, name_prop)
        return isinstance(name, str) and value == name
    if value is not UNKNOWN:
        return False
    if prop in resource.property_dependencies:
        return target.urn in resource.property_dependencies[prop]
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
    A block that names its bucket is indexed by that name only. These are the only ways
    :func:`_refers_to` can match, so looking a bucket up here and then
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
                continue
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


_SOLE: Final = object()  # the stack's own account, when nothing names one


def _provider_account(resource: StackResource) -> str | Any | None:
    """The account a resource's provider acts in: the one its ``allowedAccountIds`` pins, else
    that of the role it assumes (the last of ``assumeRoles``), else :data:`_SOLE` (the
    credentials the stack deploys with). UNKNOWN when the deciding input is unknown; None when
    it names no single account."""
    inputs = resource.provider_inputs
    allowed = as_string_list(get(inputs, "allowedAccountIds"))
    if allowed is UNKNOWN:
        return UNKNOWN
    if isinstance(allowed, list) and allowed:
        return allowed[0] if len(set(allowed)) == 1 else None
    roles = _json_value(get(inputs, "assumeRoles"))
    if roles is None:
        single = _json_value(get(inputs, "assumeRole"))
        roles = [single] if single is not None else []
    if roles is UNKNOWN:
        return UNKNOWN
    if isinstance(roles, list) and roles:
        arn = get(roles[-1], "roleArn")
        if arn is UNKNOWN:
            return UNKNOWN
        return account_of(arn) if isinstance(arn, str) else None
    return _SOLE


def _json_value(value: Any) -> Any:
    """A default provider receives structured stack config as JSON text."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _resolve(account: Any, trusted: frozenset[str]) -> str | Any | None:
    if account is _SOLE:
        return next(iter(trusted)) if len(trusted) == 1 else None
    return account


@dataclass(frozen=True)
class _AccountBlock:
    block: StackResource
    account: str | Any | None  # UNKNOWN, or None when no single trusted account is named
    verdict: bool | Any


def _account_blocks(ctx: StackContext, trusted: frozenset[str]) -> list[_AccountBlock]:
    found = []
    for block in (r for r in ctx.resources if r.type == ACCOUNT_BLOCK):
        named = get(block.props, "accountId")
        account = named if named is not None else _resolve(_provider_account(block), trusted)
        if isinstance(account, str) and account not in trusted:
            account = None  # another account's block covers nothing of ours
        elif account is not UNKNOWN and not isinstance(account, str):
            account = None
        found.append(_AccountBlock(block, account, _settings_verdict(block)[0]))
    return found


def _account_cover(
    bucket: StackResource, blocks: list[_AccountBlock], trusted: frozenset[str]
) -> bool | Any:
    """True if an account-level block with every setting on covers the bucket's account;
    UNKNOWN if that hinges on an unknown."""
    if not blocks:
        return False
    own = _resolve(_provider_account(bucket), trusted)
    unknown = own is UNKNOWN
    for candidate in blocks:
        if candidate.account is UNKNOWN or candidate.verdict is UNKNOWN:
            unknown = unknown or candidate.account in (UNKNOWN, own)
            continue
        if candidate.verdict is True and isinstance(own, str) and candidate.account == own:
            return True
    return UNKNOWN if unknown else False


def _foreign_block_hint(blocks: list[_AccountBlock]) -> str:
    ignored = [b.block.name for b in blocks if b.account is None]
    if not ignored:
        return ""
    shown = ", ".join(f"`{name}`" for name in ignored)
    return (
        f" The account-level block {shown} does not cover it: it is not for this bucket's "
        "account, or for a trusted one."
    )


def _bucket_findings(ctx: StackContext) -> Iterator[Finding]:
    trusted = pack_config.trusted_account_ids(ctx.config)
    account_blocks = _account_blocks(ctx, trusted)
    blocks = _BlockIndex([r for r in ctx.resources if r.type == BUCKET_BLOCK])
    for bucket in (r for r in ctx.resources if r.type in S3_BUCKETS):
        needs = _needs_block(bucket)
        if needs is False:
            continue
        account_cover = _account_cover(bucket, account_blocks, trusted)
        if account_cover is True:
            continue
        account_unknown = account_cover is UNKNOWN
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
                f"it public.{_foreign_block_hint(account_blocks)}",
                urn=bucket.urn,
            )


def check(ctx: StackContext) -> Iterator[Finding]:
    yield from _bucket_findings(ctx)


POLICY = stack_policy(SPEC, check)
