"""residency-key-locality: every store of US user data is encrypted with a customer-managed key
that lives in a region allowed for user data.

This is a *stack* policy because the answer usually needs the stack's graph:

* A key created in the same stack has an id (ARN / OCID) that is unknown during preview. The
  store's property dependencies name the key resource, and the key's own effective region is
  where the key lives. The blueprint's keys and stores are resolved this way, in preview.
* On AWS v7 an S3 bucket's encryption is a separate ``BucketServerSideEncryptionConfiguration``
  resource that points at the bucket; it is found through its ``bucket`` property dependency
  (or a literal bucket name).

Key references are read in this order: a literal ARN or OCID names its region; a bare AWS key id
or alias resolves in the store's own region (KMS looks them up there); an AWS-managed key
(``alias/aws/...``) is not customer-managed.

Unknowns: a key reference that is unknown and cannot be traced to a key resource of the stack,
a key whose own region is undetermined, and a store whose classification is unknown (read as
user data) all fail closed. Stack policies run at the end of ``pulumi preview`` and of the
preview that ``pulumi up`` runs first, so a violation blocks the update before the store is
created (do not use ``--skip-preview`` with this pack).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import pack_config
from residency_pack.engine.classification import CLASSIFICATIONS, US_USER_DATA
from residency_pack.engine.effective_region import region_of_reference
from residency_pack.engine.props import UNKNOWN, get
from residency_pack.engine.rule import Finding, RuleSpec, StackContext, StackResource, stack_policy

Path = tuple[str | int, ...]
ANY: Final = "*"  # a path step matching every element of a list

# Where each store type names its customer-managed key (engine camelCase input names).
STORE_KEY_PATHS: Final[dict[str, tuple[Path, ...]]] = {
    "aws:s3/bucket:Bucket": (
        ("serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault",
         "kmsMasterKeyId"),
    ),
    "aws:s3/bucketV2:BucketV2": (
        ("serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault",
         "kmsMasterKeyId"),
    ),
    "aws:rds/instance:Instance": (("kmsKeyId",),),
    "aws:rds/cluster:Cluster": (("kmsKeyId",),),
    "aws:rds/snapshotCopy:SnapshotCopy": (("kmsKeyId",),),
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": (("kmsKeyId",),),
    "aws:docdb/cluster:Cluster": (("kmsKeyId",),),
    "aws:neptune/cluster:Cluster": (("kmsKeyArn",),),
    "aws:redshift/cluster:Cluster": (("kmsKeyId",),),
    "aws:dynamodb/table:Table": (("serverSideEncryption", "kmsKeyArn"),),
    "aws:efs/fileSystem:FileSystem": (("kmsKeyId",),),
    "aws:ebs/volume:Volume": (("kmsKeyId",),),
    "aws:ebs/snapshotCopy:SnapshotCopy": (("kmsKeyId",),),
    "aws:backup/vault:Vault": (("kmsKeyArn",),),
    "aws:sqs/queue:Queue": (("kmsMasterKeyId",),),
    "aws:sns/topic:Topic": (("kmsMasterKeyId",),),
    "aws:secretsmanager/secret:Secret": (("kmsKeyId",),),
    "aws:kinesis/stream:Stream": (("kmsKeyId",),),
    "aws:cloudwatch/logGroup:LogGroup": (("kmsKeyId",),),
    "aws:elasticache/replicationGroup:ReplicationGroup": (("kmsKeyId",),),
    "aws:memorydb/cluster:Cluster": (("kmsKeyArn",),),
    "aws:opensearch/domain:Domain": (("encryptAtRest", "kmsKeyId"),),
    "aws:ecr/repository:Repository": (("encryptionConfigurations", ANY, "kmsKey"),),
    "oci:ObjectStorage/bucket:Bucket": (("kmsKeyId",),),
    "oci:Database/autonomousDatabase:AutonomousDatabase": (("kmsKeyId",),),
    "oci:Core/volume:Volume": (("kmsKeyId",),),
    "oci:Core/bootVolume:BootVolume": (("kmsKeyId",),),
    "oci:Core/volumeBackup:VolumeBackup": (("kmsKeyId",),),
    "oci:Core/bootVolumeBackup:BootVolumeBackup": (("kmsKeyId",),),
    "oci:FileStorage/fileSystem:FileSystem": (("kmsKeyId",),),
    "oci:Mysql/mysqlDbSystem:MysqlDbSystem": (("encryptData", "keyId"),),
    "oci:Streaming/streamPool:StreamPool": (("customEncryptionKey", "kmsKeyId"),),
    "oci:Vault/secret:Secret": (("keyId",),),
    "oci:Queue/queue:Queue": (("customEncryptionKeyId",),),
}  # fmt: skip


@dataclass(frozen=True)
class EncryptionAttachment:
    """A separate resource that sets a store's encryption (AWS v7 S3 buckets)."""

    target_prop: str  # the attachment's property naming the store
    target_key: str  # the store's property that holds that name
    key_paths: tuple[Path, ...]


_S3_SSE = EncryptionAttachment(
    target_prop="bucket",
    target_key="bucket",
    key_paths=(("rules", ANY, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"),),
)
_S3_SSE_TYPE: Final = "aws:s3/bucketServerSideEncryptionConfiguration"
ENCRYPTION_ATTACHMENTS: Final[dict[str, EncryptionAttachment]] = {
    f"{_S3_SSE_TYPE}:BucketServerSideEncryptionConfiguration": _S3_SSE,
    f"{_S3_SSE_TYPE}V2:BucketServerSideEncryptionConfigurationV2": _S3_SSE,
}

KEY_TYPES: Final = frozenset(
    {
        "aws:kms/key:Key",
        "aws:kms/replicaKey:ReplicaKey",
        "aws:kms/externalKey:ExternalKey",
        "aws:kms/replicaExternalKey:ReplicaExternalKey",
        "oci:Kms/key:Key",
    }
)
_ALIAS_TYPE: Final = "aws:kms/alias:Alias"
_AWS_BARE_KEY = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/.+)$",
    re.IGNORECASE,
)

SPEC = RuleSpec(
    name="residency-key-locality",
    display_name="User data encrypted with a local customer-managed key",
    description=(
        "Every store of us-user-data is encrypted with a customer-managed key that lives in a "
        "region allowed for us-user-data."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "encrypt the store with a customer-managed key (AWS KMS key / OCI Vault key) created in "
        "a region allowed for us-user-data, normally the store's own region, and reference it "
        "from the store (kmsKeyId and the like)."
    ),
    frameworks=("residency", "encryption", "project-texas"),
    config_properties={pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema()},
)


@dataclass(frozen=True)
class KeyReference:
    holder: StackResource  # the store, or the attachment that carries the key
    path: Path
    value: Any


def _expand(value: Any, path: Path, done: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every value at ``path`` (``*`` = each list element); an unknown step yields UNKNOWN."""
    if value is UNKNOWN:
        yield done, UNKNOWN
        return
    if not path:
        if value is not None:
            yield done, value
        return
    step, rest = path[0], path[1:]
    if step == ANY:
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _expand(item, rest, (*done, index))
        return
    child = get(value, step)
    if child is not None:
        yield from _expand(child, rest, (*done, step))


def _is_user_data_store(resource: StackResource) -> bool:
    if resource.type not in STORE_KEY_PATHS:
        return False
    value = resource.classification
    # Unknown, missing or unrecognised classification: held to the strictest class.
    return value == US_USER_DATA or not (isinstance(value, str) and value in CLASSIFICATIONS)


class _AttachmentIndex:
    """The stack's encryption attachments by the store they name: by the store's URN (the
    attachment's property dependency) and by the store's name (a literal, e.g. the bucket name).
    Built once per check, so finding a store's attachments does not scan the stack per store."""

    def __init__(self, ctx: StackContext) -> None:
        self._by_urn: dict[str, list[tuple[int, StackResource]]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[tuple[int, StackResource]]] = defaultdict(list)
        self._name_keys: set[str] = set()
        for position, resource in enumerate(ctx.resources):
            attachment = ENCRYPTION_ATTACHMENTS.get(resource.type)
            if attachment is None:
                continue
            targets = resource.property_dependencies.get(attachment.target_prop, ())
            for urn in dict.fromkeys(targets):
                self._by_urn[urn].append((position, resource))
            target = get(resource.props, attachment.target_prop)
            if isinstance(target, str):
                self._by_name[(attachment.target_key, target)].append((position, resource))
                self._name_keys.add(attachment.target_key)

    def attachments_of(self, store: StackResource) -> list[StackResource]:
        """The attachments that name ``store``, in stack order, each once."""
        found: dict[int, StackResource] = dict(self._by_urn.get(store.urn, ()))
        for key in self._name_keys:
            own_name = get(store.props, key)
            if isinstance(own_name, str):
                found.update(self._by_name.get((key, own_name), ()))
        return [found[position] for position in sorted(found)]


def _key_references(store: StackResource, attachments: _AttachmentIndex) -> list[KeyReference]:
    refs: list[KeyReference] = []
    for path in STORE_KEY_PATHS[store.type]:
        refs += [KeyReference(store, p, v) for p, v in _expand(store.props, path)]
    for attachment in attachments.attachments_of(store):
        for path in ENCRYPTION_ATTACHMENTS[attachment.type].key_paths:
            refs += [KeyReference(attachment, p, v) for p, v in _expand(attachment.props, path)]
    return refs


def _keys_behind(holder: StackResource, prop: str, ctx: StackContext) -> list[StackResource]:
    """Key resources of the stack that a property of ``holder`` depends on (through aliases)."""
    found: list[StackResource] = []
    for urn in holder.property_dependencies.get(prop, ()):
        dep = ctx.by_urn(urn)
        if dep is None:
            continue
        if dep.type in KEY_TYPES:
            found.append(dep)
        elif dep.type == _ALIAS_TYPE:
            found += _keys_behind(dep, "targetKeyId", ctx)
    return found


@dataclass(frozen=True)
class _Placed:
    cloud: str
    region: str
    what: str


def _locate(ref: KeyReference, store: StackResource, ctx: StackContext) -> list[_Placed | str]:
    """Where the referenced key lives, or a problem (a string) when that cannot be decided."""
    shown = ".".join(str(p) for p in ref.path)
    via = f" (set by `{ref.holder.name}`)" if ref.holder is not store else ""
    if ref.value is UNKNOWN:
        keys = _keys_behind(ref.holder, str(ref.path[0]), ctx)
        if not keys:
            return [
                f"its key `{shown}`{via} is unknown during preview and does not come from a key "
                "resource of this stack, so where the key lives cannot be decided"
            ]
        placed: list[_Placed | str] = []
        for key in keys:
            if key.region.undetermined or key.region.region is None:
                placed.append(f"the region of its key `{key.name}` cannot be determined")
            else:
                placed += [
                    _Placed(key.region.cloud or "?", region, f"key `{key.name}`")
                    for region in key.region.regions
                ]
        return placed
    if not isinstance(ref.value, str) or not ref.value.strip():
        return [f"its key `{shown}`{via} is not a key reference"]
    text = ref.value.strip()
    if text.lower().startswith("alias/aws/") or ":alias/aws/" in text.lower():
        return [
            f"its key `{shown}`{via} is the AWS-managed key `{text}`, not a customer-managed key"
        ]
    reference = region_of_reference(text)
    if reference is not None:
        return [_Placed(reference[0], reference[1], f"key `{text}`")]
    if store.region.cloud == "aws" and _AWS_BARE_KEY.match(text) and store.region.region:
        return [
            _Placed("aws", store.region.region, f"key `{text}` (resolved in the store's region)")
        ]
    return [f"its key `{shown}`{via} = `{text}` names no region the pack can place"]


def check(ctx: StackContext) -> Iterator[Finding]:
    allowed: dict[str, frozenset[str]] = {
        str(cloud): names
        for cloud, names in pack_config.allowed_regions(ctx.config, US_USER_DATA).items()
    }
    attachments = _AttachmentIndex(ctx)
    for store in ctx.resources:
        if not _is_user_data_store(store):
            continue
        refs = _key_references(store, attachments)
        label = f"{store.type} `{store.name}` (us-user-data)"
        if not refs:
            yield Finding(f"{label} is not encrypted with a customer-managed key.", urn=store.urn)
            continue
        for ref in refs:
            for placed in _locate(ref, store, ctx):
                if isinstance(placed, str):
                    yield Finding(f"{label}: {placed}.", urn=store.urn)
                elif placed.region not in allowed.get(placed.cloud, frozenset()):
                    yield Finding(
                        f"{label} is encrypted with {placed.what} in {placed.cloud} region "
                        f"`{placed.region}`, which is not allowed for us-user-data (allowed: "
                        f"{', '.join(sorted(allowed.get(placed.cloud, frozenset()))) or 'none'}).",
                        urn=store.urn,
                    )


POLICY = stack_policy(SPEC, check)
