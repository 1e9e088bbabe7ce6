"""residency-key-locality: every store of US user data is encrypted with a customer-managed key
that lives in a region allowed for user data, is held by a trusted owner, and is kept by the
cloud's own key service (not an external key store).

Which stores, which keys:

* Every type the type catalog says holds data and takes a key (``CatalogEntry.takes_key``) is
  covered: every input of the store whose name says it holds a key (``kmsKeyId``,
  ``kmsKeyArn``, ``kmsMasterKeyId``, ``encryptionKey``, ``customerManagedKey``, ``keyId`` ...,
  :data:`KEY_FIELD`), at any depth, is checked where it is set.
* The stores in :data:`STORE_KEY_PATHS` (S3, RDS, DynamoDB, OCI buckets ...) must in addition
  *have* a customer-managed key there: without one they are a violation.
* On AWS v7 an S3 bucket's encryption is a separate ``BucketServerSideEncryptionConfiguration``
  that names the bucket. It is paired with its bucket by the bucket's name when that name is
  known, and by its ``bucket`` property dependency only when it is not: a configuration that
  names another bucket never covers this one, whatever it depends on.

Where a key lives and who holds it:

* a key resource of the stack (found through the store's property dependencies, through an
  alias): its own effective region; for a replica key also its primary's region, and for a
  primary key the regions of its replicas in the stack (the key material is in each);
* a literal ARN (key or alias): its region, and its account, which must be trusted
  (``pack_config.trusted_account_ids``: a region is not an owner); a literal OCID: its region,
  and its realm, which must be trusted;
* a bare AWS key id or alias name: the store's own region and account (KMS looks it up there);
* an AWS-managed key (``alias/aws/...``) is not customer-managed.

External key stores are rejected: an AWS KMS key in an external key store (XKS: ``xksKeyId``,
or ``customKeyStoreId`` naming an ``aws:kms/customKeyStore`` of type ``EXTERNAL_KEY_STORE``, or
a custom key store outside the stack, whose type cannot be seen), and an OCI key with
``protectionMode: EXTERNAL`` or an ``externalKeyReference``, or in a vault of type ``EXTERNAL``
(OCI External KMS). The key material of those lives outside the cloud, wherever its operator
keeps it.

Unknowns: a key reference that is unknown and cannot be traced to a key resource of the stack,
a key whose own region is undetermined, and a store whose classification is unknown (read as
user data) all fail closed. Stack policies run at the end of ``pulumi preview`` and of the
preview that ``pulumi up`` runs first, so a violation blocks the update before the store is
created (do not use ``--skip-preview`` with this pack).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import pack_config, type_catalog
from residency_pack.engine.classification import CLASSIFICATIONS, US_USER_DATA
from residency_pack.engine.places import parse_arn, parse_ocid
from residency_pack.engine.props import UNKNOWN, get
from residency_pack.engine.rule import Finding, RuleSpec, StackContext, StackResource, stack_policy

Path = tuple[str | int, ...]
ANY: Final = "*"  # a path step matching every element of a list

# Stores that must have a customer-managed key, and where each names it (engine camelCase).
STORE_KEY_PATHS: Final[dict[str, tuple[Path, ...]]] = {
    "aws:s3/bucket:Bucket": (
        ("serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault",
         "kmsMasterKeyId"),
    ),
    "aws:s3/bucketV2:BucketV2": (
        ("serverSideEncryptionConfigurations", ANY, "rules", ANY,
         "applyServerSideEncryptionByDefaults", ANY, "kmsMasterKeyId"),
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

# Input names that hold a key reference, at any depth (the same reading of the provider schemas
# as the type catalog's `takes_key`, scripts/generate_type_catalog.py): kmsKeyId, kmsKeyArn,
# kmsMasterKeyId, kmsKey, encryptionKey(Arn|Id), customerManagedKey..., sseKmsKeyId, keyId ...
KEY_FIELD: Final = re.compile(
    r"(kms|cmk|customerManagedKey|customerMasterKey|encryptionKey(Arn|Id)?$|masterKeyId"
    r"|^keyId$|sseKey|customerEncryptionKey|kmsKeyVersion)",
    re.IGNORECASE,
)
# ... but not the names of settings about a key (its type, whether it is on, its algorithm).
NOT_KEY_FIELD: Final = re.compile(
    r"(Type$|Enabled$|^is|Policy$|Algorithm$|Spec$|Usage$|Name$|Encrypted$|Context$|Endpoint$"
    r"|Seconds$)"
)


def _covered_types() -> frozenset[str]:
    """Types held to key locality, decided once at import: the catalog's data-bearing types that
    take a key, and the stores that must have one."""
    taking = {
        token
        for token in type_catalog.data_bearing_types()
        if (found := type_catalog.entry(token)) is not None and found.takes_key
    }
    return frozenset(taking | set(STORE_KEY_PATHS))


COVERED_TYPES: Final = _covered_types()


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

AWS_KEY: Final = "aws:kms/key:Key"
AWS_REPLICA_KEYS: Final = frozenset(
    {"aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey"}
)
OCI_KEY: Final = "oci:Kms/key:Key"
KEY_TYPES: Final = frozenset(
    {AWS_KEY, "aws:kms/externalKey:ExternalKey", *AWS_REPLICA_KEYS, OCI_KEY}
)
CUSTOM_KEY_STORE: Final = "aws:kms/customKeyStore:CustomKeyStore"
OCI_VAULT: Final = "oci:Kms/vault:Vault"
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
        "region allowed for us-user-data, in a trusted account or realm, and in the cloud's own "
        "key service (no external key store)."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "encrypt the store with a customer-managed key (AWS KMS key / OCI Vault key) of a "
        "trusted account, created in a region allowed for us-user-data, normally the store's "
        "own region, outside any external key store, and reference it from the store "
        "(kmsKeyId and the like)."
    ),
    frameworks=("residency", "encryption", "project-texas"),
    config_properties={
        pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema(),
        **pack_config.trust_config_properties(),
    },
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


def is_key_field(name: str) -> bool:
    return bool(KEY_FIELD.search(name)) and not NOT_KEY_FIELD.search(name)


def named_keys(props: Any, done: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every key reference set in ``props``: a string or an unknown under a key-named input
    (or in a list there, ``kmsKeyIds``)."""
    if isinstance(props, Mapping):
        for name, value in props.items():
            path = (*done, name)
            if isinstance(name, str) and is_key_field(name):
                yield from _key_values(value, path)
            else:
                yield from named_keys(value, path)
    elif isinstance(props, list):
        for index, item in enumerate(props):
            yield from named_keys(item, (*done, index))


def _key_values(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    if value is UNKNOWN or (isinstance(value, str) and value.strip()):
        yield path, value
    elif isinstance(value, list) and all(v is UNKNOWN or isinstance(v, str) for v in value):
        for index, item in enumerate(value):
            yield from _key_values(item, (*path, index))
    else:  # a block that holds the key (`encryptionKey: {kmsKeyId: ...}`)
        yield from named_keys(value, path)


def _is_user_data_store(resource: StackResource) -> bool:
    if resource.type not in COVERED_TYPES:
        return False
    value = resource.classification
    # Unknown, missing or unrecognised classification: held to the strictest class.
    return value == US_USER_DATA or not (isinstance(value, str) and value in CLASSIFICATIONS)


class _AttachmentIndex:
    """The stack's encryption attachments by the store they name. An attachment whose target is
    a known name is indexed by that name only; one whose target is unknown, by the URNs of its
    property dependency (identity first: a dependency never outweighs a known name). Built once
    per check, so finding a store's attachments does not scan the stack per store."""

    def __init__(self, ctx: StackContext) -> None:
        self._by_urn: dict[str, list[tuple[int, StackResource]]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[tuple[int, StackResource]]] = defaultdict(list)
        self._name_keys: set[str] = set()
        for position, resource in enumerate(ctx.resources):
            attachment = ENCRYPTION_ATTACHMENTS.get(resource.type)
            if attachment is None:
                continue
            target = get(resource.props, attachment.target_prop)
            if isinstance(target, str):
                self._by_name[(attachment.target_key, target)].append((position, resource))
                self._name_keys.add(attachment.target_key)
                continue
            for urn in dict.fromkeys(
                resource.property_dependencies.get(attachment.target_prop, ())
            ):
                self._by_urn[urn].append((position, resource))

    def attachments_of(self, store: StackResource) -> list[StackResource]:
        """The attachments that name ``store``, in stack order, each once: those naming it by
        its known name, and those whose target is unknown but depends on it."""
        found: dict[int, StackResource] = dict(self._by_urn.get(store.urn, ()))
        for key in self._name_keys:
            own_name = get(store.props, key)
            if isinstance(own_name, str):
                found.update(self._by_name.get((key, own_name), ()))
        return [found[position] for position in sorted(found)]


def _key_references(
    store: StackResource, attachments: _AttachmentIndex
) -> tuple[list[KeyReference], bool]:
    """Every key the store names, and whether it names one where it must (its
    :data:`STORE_KEY_PATHS`, or an encryption attachment)."""
    refs: dict[Path, KeyReference] = {}
    for path in STORE_KEY_PATHS.get(store.type, ()):
        for where, value in _expand(store.props, path):
            refs[where] = KeyReference(store, where, value)
    required = bool(refs)
    for where, value in named_keys(store.props):
        # The stack view carries computed outputs as unknowns too (`kmsKeyVersionId` of an OCI
        # database): an unknown the program set comes from a resource (a property dependency).
        if value is not UNKNOWN or store.property_dependencies.get(str(where[0])):
            refs.setdefault(where, KeyReference(store, where, value))
    found = list(refs.values())
    for attachment in attachments.attachments_of(store):
        for path in ENCRYPTION_ATTACHMENTS[attachment.type].key_paths:
            from_attachment = [
                KeyReference(attachment, p, v) for p, v in _expand(attachment.props, path)
            ]
            required = required or bool(from_attachment)
            found += from_attachment
    return found, required


@dataclass(frozen=True)
class _Placed:
    cloud: str
    region: str
    what: str


class _Keys:
    """What the stack says about its keys: replicas by primary, custom key stores, vaults."""

    def __init__(self, ctx: StackContext) -> None:
        self.ctx = ctx
        self.replicas: dict[str, list[StackResource]] = defaultdict(list)
        for resource in ctx.resources:
            if resource.type in AWS_REPLICA_KEYS:
                for urn in resource.property_dependencies.get("primaryKeyArn", ()):
                    self.replicas[urn].append(resource)

    def behind(self, holder: StackResource, prop: str) -> list[StackResource]:
        """Key resources of the stack that a property of ``holder`` depends on (via aliases)."""
        found: list[StackResource] = []
        for urn in holder.property_dependencies.get(prop, ()):
            dep = self.ctx.by_urn(urn)
            if dep is None:
                continue
            if dep.type in KEY_TYPES:
                found.append(dep)
            elif dep.type == _ALIAS_TYPE:
                found += self.behind(dep, "targetKeyId")
        return found

    def external_store(self, key: StackResource) -> str | None:
        """Why ``key`` is kept outside the cloud's key service, or None."""
        if key.type == OCI_KEY:
            return self._oci_external(key)
        if key.type not in (AWS_KEY, *AWS_REPLICA_KEYS):
            return None
        xks = get(key.props, "xksKeyId")
        if xks is not None:
            return f"its key `{key.name}` is in an external key store (`xksKeyId` = {xks!r})"
        store_id = get(key.props, "customKeyStoreId")
        if store_id is None:
            return None
        stores = [
            dep
            for urn in key.property_dependencies.get("customKeyStoreId", ())
            if (dep := self.ctx.by_urn(urn)) is not None and dep.type == CUSTOM_KEY_STORE
        ]
        if not stores:
            return (
                f"its key `{key.name}` is in custom key store {_shown(store_id)}, which is not "
                "declared in this stack, so the pack cannot tell that it is not an external "
                "key store"
            )
        for store in stores:
            kind = get(store.props, "customKeyStoreType", default="AWS_CLOUDHSM")
            if kind != "AWS_CLOUDHSM":
                return (
                    f"its key `{key.name}` is in custom key store `{store.name}` of type "
                    f"{_shown(kind)}: the key material is outside AWS KMS"
                )
        return None

    def _oci_external(self, key: StackResource) -> str | None:
        mode = get(key.props, "protectionMode")
        if mode is UNKNOWN or (isinstance(mode, str) and mode.upper() == "EXTERNAL"):
            return f"its key `{key.name}` has `protectionMode` {_shown(mode)} (OCI External KMS)"
        if get(key.props, "externalKeyReference") is not None:
            return f"its key `{key.name}` is an `externalKeyReference` (OCI External KMS)"
        for urn in key.property_dependencies.get("managementEndpoint", ()):
            vault = self.ctx.by_urn(urn)
            if vault is None or vault.type != OCI_VAULT:
                continue
            kind = get(vault.props, "vaultType")
            external = get(vault.props, "externalKeyManagerMetadata") is not None
            if (
                external
                or kind is UNKNOWN
                or (isinstance(kind, str) and kind.upper() == "EXTERNAL")
            ):
                return (
                    f"its key `{key.name}` is in vault `{vault.name}` of type {_shown(kind)}, "
                    "an external key manager (OCI External KMS)"
                )
        return None


def _shown(value: Any) -> str:
    return "<unknown>" if value is UNKNOWN else repr(value)


@dataclass(frozen=True)
class _Trust:
    accounts: frozenset[str]
    realms: frozenset[str]


def _locate_resource(key: StackResource, keys: _Keys) -> list[_Placed | str]:
    external = keys.external_store(key)
    if external is not None:
        return [external]
    places: list[_Placed | str] = []
    for located in (key, *keys.replicas.get(key.urn, ())):
        if located.region.undetermined or located.region.region is None:
            places.append(f"the region of its key `{located.name}` cannot be determined")
            continue
        what = (
            f"key `{key.name}`"
            if located is key
            else f"replica `{located.name}` of key `{key.name}`"
        )
        places += [_Placed(located.region.cloud or "?", r, what) for r in located.region.regions]
    if key.type in AWS_REPLICA_KEYS:
        places += _locate_primary(key, keys)
    return places


def _locate_primary(replica: StackResource, keys: _Keys) -> list[_Placed | str]:
    """A replica key shares its key material with its primary: the primary's region counts."""
    primaries = keys.behind(replica, "primaryKeyArn")
    if primaries:
        places: list[_Placed | str] = []
        for primary in primaries:
            if primary.region.undetermined or primary.region.region is None:
                places.append(
                    f"the region of its key's primary `{primary.name}` cannot be determined"
                )
            else:
                places += [
                    _Placed(primary.region.cloud or "?", r, f"primary key `{primary.name}`")
                    for r in primary.region.regions
                ]
        return places
    arn = get(replica.props, "primaryKeyArn")
    parsed = parse_arn(arn) if isinstance(arn, str) else None
    if parsed is None or not parsed.region:
        return [
            f"the primary key {_shown(arn)} of its replica key `{replica.name}` names no region"
        ]
    return [_Placed("aws", parsed.region, f"primary key `{arn}`")]


def _locate_literal(
    text: str, shown: str, via: str, store: StackResource, trust: _Trust
) -> list[_Placed | str]:
    lowered = text.lower()
    if lowered.startswith("alias/aws/") or ":alias/aws/" in lowered:
        return [
            f"its key `{shown}`{via} is the AWS-managed key `{text}`, not a customer-managed key"
        ]
    arn = parse_arn(text)
    if arn is not None:
        if arn.account not in trust.accounts:
            return [
                f"its key `{shown}`{via} = `{text}` is held by account {arn.account or '(none)'}, "
                f"which is not trusted (trusted: {', '.join(sorted(trust.accounts)) or 'none'})"
            ]
        if not arn.region or "*" in arn.region:
            return [f"its key `{shown}`{via} = `{text}` names no region"]
        return [_Placed("aws", arn.region, f"key `{text}`")]
    ocid = parse_ocid(text)
    if ocid is not None:
        if ocid.realm not in trust.realms:
            return [
                f"its key `{shown}`{via} = `{text}` is in OCI realm `{ocid.realm}`, which is not "
                f"trusted (trusted: {', '.join(sorted(trust.realms))})"
            ]
        if ocid.region is None:
            return [f"its key `{shown}`{via} = `{text}` names no region"]
        return [_Placed("oci", ocid.region, f"key `{text}`")]
    if store.region.cloud == "aws" and _AWS_BARE_KEY.match(text) and store.region.region:
        return [
            _Placed("aws", store.region.region, f"key `{text}` (resolved in the store's region)")
        ]
    return [f"its key `{shown}`{via} = `{text}` names no region the pack can place"]


def _locate(
    ref: KeyReference, store: StackResource, keys: _Keys, trust: _Trust
) -> list[_Placed | str]:
    """Where the referenced key lives, or a problem (a string) when it is not acceptable or
    that cannot be decided."""
    shown = ".".join(str(p) for p in ref.path)
    via = f" (set by `{ref.holder.name}`)" if ref.holder is not store else ""
    if ref.value is UNKNOWN:
        found = keys.behind(ref.holder, str(ref.path[0]))
        if not found:
            return [
                f"its key `{shown}`{via} is unknown during preview and does not come from a key "
                "resource of this stack, so where the key lives cannot be decided"
            ]
        return [place for key in found for place in _locate_resource(key, keys)]
    if not isinstance(ref.value, str) or not ref.value.strip():
        return [f"its key `{shown}`{via} is not a key reference"]
    return _locate_literal(ref.value.strip(), shown, via, store, trust)


def check(ctx: StackContext) -> Iterator[Finding]:
    allowed: dict[str, frozenset[str]] = {
        str(cloud): names
        for cloud, names in pack_config.allowed_regions(ctx.config, US_USER_DATA).items()
    }
    trust = _Trust(
        pack_config.trusted_account_ids(ctx.config), pack_config.trusted_realms(ctx.config)
    )
    attachments = _AttachmentIndex(ctx)
    keys = _Keys(ctx)
    for store in ctx.resources:
        if not _is_user_data_store(store):
            continue
        refs, required = _key_references(store, attachments)
        label = f"{store.type} `{store.name}` (us-user-data)"
        if store.type in STORE_KEY_PATHS and not required:
            yield Finding(
                f"{label} is not encrypted with a customer-managed key.",
                urn=store.urn,
                fix=ELB_LOG_BUCKET_FIX if store.type in S3_BUCKET_TYPES else None,
            )
        for ref in refs:
            for placed in _locate(ref, store, keys, trust):
                if isinstance(placed, str):
                    yield Finding(f"{label}: {placed}.", urn=store.urn)
                elif placed.region not in allowed.get(placed.cloud, frozenset()):
                    yield Finding(
                        f"{label} is encrypted with {placed.what} in {placed.cloud} region "
                        f"`{placed.region}`, which is not allowed for us-user-data (allowed: "
                        f"{', '.join(sorted(allowed.get(placed.cloud, frozenset()))) or 'none'}).",
                        urn=store.urn,
                    )


S3_BUCKET_TYPES: Final = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
# Elastic Load Balancing writes access logs only to buckets encrypted with SSE-S3 (ELB User
# Guide, "Access logs": "The only server-side encryption option that's supported is Amazon
# S3-managed keys (SSE-S3)"). The pack keeps such a bucket fail closed rather than accepting
# SSE-S3 when ELB is "the only writer": the bucket policy cannot prove that (an identity
# policy elsewhere in the account may grant s3:PutObject on it), and the logs hold client IPs.
# The waiver is a per-bucket exemption with a reason and an expiry, reviewed like any other.
ELB_LOG_BUCKET_FIX: Final = (
    SPEC.remediation
    + " An Elastic Load Balancing access-log bucket cannot use a customer-managed key (ELB "
    "writes access logs only with SSE-S3): keep it in a user-data region with SSE-S3 and add "
    "an exemption for this bucket's URN in `residency-key-locality` with the reason (\"ALB "
    "access logs: SSE-S3 only\") and an expiry; see the pack README."
)

POLICY = stack_policy(SPEC, check)
