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
    """A service's own deletion protection: ``prop`` must equal ``required``; or, with
    ``forbidden`` set, it must not equal ``forbidden`` (absent is then fine: the default)."""

    path: tuple[str | int, ...]
    required: Any = None
    forbidden: Any = None

    @property
    def prop(self) -> str:
        return ".".join(str(p) for p in self.path)


# The service's own deletion protection, per type (engine camelCase input names).
DELETION_GUARDS: Final[dict[str, DeletionGuard]] = {
    "aws:rds/instance:Instance": DeletionGuard(("deletionProtection",), required=True),
    "aws:rds/cluster:Cluster": DeletionGuard(("deletionProtection",), required=True),
    "aws:rds/globalCluster:GlobalCluster": DeletionGuard(("deletionProtection",), required=True),
    "aws:docdb/cluster:Cluster": DeletionGuard(("deletionProtection",), required=True),
    "aws:docdb/elasticCluster:ElasticCluster": DeletionGuard(
        ("deletionProtection",), required=True
    ),
    "aws:docdb/globalCluster:GlobalCluster": DeletionGuard(("deletionProtection",), required=True),
    "aws:neptune/cluster:Cluster": DeletionGuard(("deletionProtection",), required=True),
    "aws:neptune/globalCluster:GlobalCluster": DeletionGuard(
        ("deletionProtection",), required=True
    ),
    "aws:dynamodb/table:Table": DeletionGuard(("deletionProtectionEnabled",), required=True),
    "aws:qldb/ledger:Ledger": DeletionGuard(("deletionProtection",), forbidden=False),
    "aws:s3/bucket:Bucket": DeletionGuard(("forceDestroy",), forbidden=True),
    "aws:s3/bucketV2:BucketV2": DeletionGuard(("forceDestroy",), forbidden=True),
    "aws:backup/vault:Vault": DeletionGuard(("forceDestroy",), forbidden=True),
    "aws:ecr/repository:Repository": DeletionGuard(("forceDelete",), forbidden=True),
    "aws:secretsmanager/secret:Secret": DeletionGuard(("recoveryWindowInDays",), forbidden=0),
    "oci:Mysql/mysqlDbSystem:MysqlDbSystem": DeletionGuard(
        ("deletionPolicies", 0, "isDeleteProtected"), required=True
    ),
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
    guard = DELETION_GUARDS.get(ctx.type)
    if guard is None:
        return
    value = get(ctx.props, *guard.path)
    if value is UNKNOWN:
        yield Finding(
            f"`{ctx.name}` {held}; its deletion protection `{guard.prop}` is unknown during "
            "preview.",
            fix=f"set `{guard.prop}` to a literal value.",
        )
    elif guard.required is not None and value != guard.required:
        shown = "not set (the service's default leaves it off)" if value is None else repr(value)
        yield Finding(
            f"`{ctx.name}` {held} but `{guard.prop}` is {shown}, not {guard.required!r}.",
            fix=f"set `{guard.prop}` to {guard.required!r}.",
        )
    elif guard.forbidden is not None and value == guard.forbidden:
        yield Finding(
            f"`{ctx.name}` {held} but `{guard.prop}` is {value!r}, which lets it be deleted "
            "with its data.",
            fix=f"remove `{guard.prop}` or set it to a value other than {guard.forbidden!r}.",
        )


POLICY = resource_policy(SPEC, check)
