"""residency-user-data-protected: every data-bearing resource that holds US user data (stores,
backups, snapshots, keys, logs) is declared with ``protect`` and, where the service offers it,
has the service's own deletion protection on.

The analyzer protocol carries ``protect`` but not ``retainOnDelete``, so ``protect`` is what the
pack can see and require.

Unknowns (fail closed): a classification that is unknown in preview is read as user data, and a
deletion-protection setting that is unknown in preview is a violation (set it as a literal);
``protect`` itself is a resource option and always known.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import type_catalog
from residency_pack.engine.classification import US_USER_DATA
from residency_pack.engine.props import UNKNOWN, get
from residency_pack.engine.rule import Finding, ResourceContext, RuleSpec, resource_policy


@dataclass(frozen=True)
class DeletionGuard:
    """A service's own deletion protection: ``prop`` must read as ``required``; or, with
    ``forbidden`` set, it must not read as ``forbidden`` (absent is then fine: the default).

    "Read as" is the provider's reading, not Python's ``==``: the engine sends what the program
    gave, and the Terraform-bridged providers convert it to the schema's type with cty's
    conversions (``"true"``/``"1"`` are true, ``"false"``/``"0"`` false, ``"0"`` the number 0,
    a bool the number 1 or 0). A value the pack cannot read that way fails closed."""

    path: tuple[str | int, ...]
    required: Any = None
    forbidden: Any = None

    @property
    def prop(self) -> str:
        return ".".join(str(p) for p in self.path)

    @property
    def like(self) -> Any:
        return self.required if self.required is not None else self.forbidden


_UNREADABLE: Final = object()
# cty's string -> bool conversion (zclconf/go-cty, convert/conversion_primitive.go), plus the
# spellings of Go's strconv.ParseBool that older bridge paths accept. Case-insensitive here:
# a spelling one path rejects and another accepts is read as the accepting path reads it.
_TRUE_STRINGS: Final = frozenset({"true", "1", "t"})
_FALSE_STRINGS: Final = frozenset({"false", "0", "f"})


def provider_reading(value: Any, like: Any) -> Any:
    """``value`` as a bridged provider reads it for a field of ``like``'s type (bool, number or
    string); :data:`_UNREADABLE` when the provider would reject it or the pack cannot tell."""
    if isinstance(like, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _TRUE_STRINGS:
                return True
            if text in _FALSE_STRINGS:
                return False
        return _UNREADABLE
    if isinstance(like, int | float):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float):
            return value
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                return _UNREADABLE
        return _UNREADABLE
    return value if isinstance(value, str) else _UNREADABLE


# The service's own deletion protection, per type (engine camelCase input names).
DELETION_GUARDS: Final[dict[str, tuple[DeletionGuard, ...]]] = {
    "aws:rds/instance:Instance": (DeletionGuard(("deletionProtection",), required=True),),
    "aws:rds/cluster:Cluster": (DeletionGuard(("deletionProtection",), required=True),),
    "aws:rds/globalCluster:GlobalCluster": (
        DeletionGuard(("deletionProtection",), required=True),
    ),
    "aws:docdb/cluster:Cluster": (DeletionGuard(("deletionProtection",), required=True),),
    "aws:docdb/globalCluster:GlobalCluster": (
        DeletionGuard(("deletionProtection",), required=True),
    ),
    "aws:neptune/cluster:Cluster": (DeletionGuard(("deletionProtection",), required=True),),
    "aws:neptune/globalCluster:GlobalCluster": (
        DeletionGuard(("deletionProtection",), required=True),
    ),
    "aws:neptunegraph/graph:Graph": (DeletionGuard(("deletionProtection",), forbidden=False),),
    "aws:dynamodb/table:Table": (DeletionGuard(("deletionProtectionEnabled",), required=True),),
    "aws:dynamodb/tableReplica:TableReplica": (
        DeletionGuard(("deletionProtectionEnabled",), required=True),
    ),
    "aws:dsql/cluster:Cluster": (
        DeletionGuard(("deletionProtectionEnabled",), required=True),
        DeletionGuard(("forceDestroy",), forbidden=True),
    ),
    "aws:cognito/userPool:UserPool": (DeletionGuard(("deletionProtection",), required="ACTIVE"),),
    "aws:qldb/ledger:Ledger": (DeletionGuard(("deletionProtection",), forbidden=False),),
    "aws:s3/bucket:Bucket": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:s3/bucketV2:BucketV2": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:s3/directoryBucket:DirectoryBucket": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:s3/vectorsVectorBucket:VectorsVectorBucket": (
        DeletionGuard(("forceDestroy",), forbidden=True),
    ),
    "aws:s3tables/tableBucket:TableBucket": (DeletionGuard(("forceDestroy",), forbidden=True),),
    # On an object, forceDestroy removes a legal hold so that the object can be deleted.
    "aws:s3/bucketObject:BucketObject": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:s3/bucketObjectv2:BucketObjectv2": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:athena/database:Database": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:athena/workgroup:Workgroup": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:lightsail/bucket:Bucket": (DeletionGuard(("forceDelete",), forbidden=True),),
    "aws:backup/vault:Vault": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:ecr/repository:Repository": (DeletionGuard(("forceDelete",), forbidden=True),),
    "aws:ecrpublic/repository:Repository": (DeletionGuard(("forceDestroy",), forbidden=True),),
    "aws:secretsmanager/secret:Secret": (DeletionGuard(("recoveryWindowInDays",), forbidden=0),),
    "oci:Mysql/mysqlDbSystem:MysqlDbSystem": (
        DeletionGuard(("deletionPolicies", 0, "isDeleteProtected"), required=True),
    ),
    "oci:Mysql/replica:Replica": (DeletionGuard(("isDeleteProtected",), required=True),),
}  # fmt: skip

SPEC = RuleSpec(
    name="residency-user-data-protected",
    display_name="User data is protected from deletion",
    description=(
        "Every resource that holds us-user-data is declared with `protect` and has the "
        "service's own deletion protection on where one exists."
    ),
    severity=Severity.HIGH,
    remediation=(
        "declare the resource with `opts=pulumi.ResourceOptions(protect=True)` and turn on the "
        "service's deletion protection; destroying the stack must never delete user data."
    ),
    frameworks=("residency", "data-retention"),
)


def _holds_user_data(ctx: ResourceContext) -> bool:
    return ctx.classification == US_USER_DATA or ctx.classification is UNKNOWN


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if not type_catalog.is_data_bearing(ctx.type) or not _holds_user_data(ctx):
        return
    held = "may hold us-user-data (its classification is unknown during preview)" if (
        ctx.classification is UNKNOWN
    ) else "holds us-user-data"  # fmt: skip
    if not ctx.protect:
        yield Finding(
            f"{ctx.type} `{ctx.name}` {held} but is not declared with `protect`.",
            fix="add `protect=True` to the resource's options (pulumi.ResourceOptions).",
        )
    for guard in DELETION_GUARDS.get(ctx.type, ()):
        yield from _guard_findings(ctx, guard, held)


def _guard_findings(ctx: ResourceContext, guard: DeletionGuard, held: str) -> Iterator[Finding]:
    value = get(ctx.props, *guard.path)
    if value is UNKNOWN:
        yield Finding(
            f"`{ctx.name}` {held}; its deletion protection `{guard.prop}` is unknown during "
            "preview.",
            fix=f"set `{guard.prop}` to a literal value.",
        )
        return
    reading = None if value is None else provider_reading(value, guard.like)
    if reading is _UNREADABLE:
        fix = (
            f"set `{guard.prop}` to {guard.required!r}."
            if guard.required is not None
            else f"remove `{guard.prop}` or set it to a literal other than {guard.forbidden!r}."
        )
        yield Finding(
            f"`{ctx.name}` {held} but `{guard.prop}` is {value!r}, which the provider does not "
            f"read as a {type(guard.like).__name__}: the pack cannot tell that deletion "
            "protection is on.",
            fix=fix,
        )
    elif guard.required is not None and reading != guard.required:
        shown = "not set (the service's default leaves it off)" if value is None else repr(value)
        yield Finding(
            f"`{ctx.name}` {held} but `{guard.prop}` is {shown}, not {guard.required!r}.",
            fix=f"set `{guard.prop}` to {guard.required!r}.",
        )
    elif guard.forbidden is not None and value is not None and reading == guard.forbidden:
        yield Finding(
            f"`{ctx.name}` {held} but `{guard.prop}` is {value!r}, which the provider reads as "
            f"{guard.forbidden!r} and lets it be deleted with its data.",
            fix=f"remove `{guard.prop}` or set it to a value other than {guard.forbidden!r}.",
        )


POLICY = resource_policy(SPEC, check)
