"""Synthetic Pulumi programs of a given size: a deterministic, realistic residency mix.

A program is a list of :class:`ResourceSpec` (the real ``pulumi_aws`` / ``pulumi_oci`` class, its
arguments as a Python program passes them, references to other resources' outputs, provider,
``protect``), written as ``spec.json`` next to a fixed ``__main__.py`` (``synthetic_main.py``) that
instantiates them. Run through preflight's program runner, it reaches the pack exactly as a
hand-written program would: engine URNs, explicit providers, unknown IDs and ARNs in preview,
property dependencies from the references.

The mix is built from *units*, the shapes real stacks have: a user-data bucket with its key,
encryption configuration, public access block and bucket policy; a replicated bucket pair; a
database with its key; IAM roles and policies. Units are chosen so that about a third of the
resources are AWS and two thirds OCI. About 8 % of units (2-3 % of resources) carry one injected
violation, each of a kind one residency policy must report (``ResourceSpec.violation``).
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED = 20261129
VIOLATION_RATE = 0.08  # per unit: about 2-3 % of resources
AWS_SHARE = 1 / 3

PROJECT = "bench-residency"
STACK = "bench"
ACCOUNT_ID = "111122223333"
FOREIGN_ACCOUNT_ID = "999988887777"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaabenchtenancy00000000000000000000000000000000000000"
FOREIGN_TENANCY = "ocid1.tenancy.oc1..aaaaaaaaforeigntenancy0000000000000000000000000000000000"
COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaabenchcompartment000000000000000000000000000000"
NAMESPACE = "benchns"

US_USER_DATA = "us-user-data"
NON_PERSONAL = "non-personal"

# Providers every program declares (resources too: they count towards the size).
PROVIDERS: dict[str, tuple[str, str]] = {
    "aws-us-east-1": ("aws", "us-east-1"),
    "aws-ap-southeast-1": ("aws", "ap-southeast-1"),
    "oci-us-ashburn-1": ("oci", "us-ashburn-1"),
    "oci-us-phoenix-1": ("oci", "us-phoenix-1"),
    "oci-eu-frankfurt-1": ("oci", "eu-frankfurt-1"),
}
OCI_PRIMARY = "oci-us-ashburn-1"
OCI_DR = "oci-us-phoenix-1"
OCI_FOREIGN = "oci-eu-frankfurt-1"
AWS_BACKUP = "aws-us-east-1"
AWS_RESTRICTED = "aws-ap-southeast-1"


@dataclass(frozen=True)
class Ref:
    """An output of another resource of the program (unknown in preview, a property dependency)."""

    resource: str
    attr: str

    def to_json(self) -> dict[str, str]:
        return {"$ref": self.resource, "attr": self.attr}


@dataclass
class ResourceSpec:
    cls: str  # "aws.s3.Bucket": module path under pulumi_aws / pulumi_oci
    name: str
    args: dict[str, Any]
    provider: str | None  # a key of PROVIDERS; None for a provider itself
    protect: bool = False
    kind: str = ""  # bucket, database, key, replication, iam, provider, ...
    violation: str | None = None  # the policy that must report this resource, when injected

    @property
    def cloud(self) -> str:
        return self.cls.split(".", 1)[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "cls": self.cls,
            "name": self.name,
            "args": _encode(self.args),
            "provider": self.provider,
            "protect": self.protect,
            "kind": self.kind,
            "violation": self.violation,
        }


def _encode(value: Any) -> Any:
    if isinstance(value, Ref):
        return value.to_json()
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


@dataclass
class Program:
    size: int
    seed: int
    resources: list[ResourceSpec] = field(default_factory=list)

    def mix(self) -> dict[str, Any]:
        clouds = Counter(r.cloud for r in self.resources)
        kinds = Counter(r.kind for r in self.resources)
        violations = Counter(r.violation for r in self.resources if r.violation)
        return {
            "resources": len(self.resources),
            "aws": clouds["aws"],
            "oci": clouds["oci"],
            "kinds": dict(sorted(kinds.items())),
            "violations": sum(violations.values()),
            "violations_by_policy": dict(sorted(violations.items())),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "seed": self.seed,
            "providers": PROVIDERS,
            "resources": [r.to_json() for r in self.resources],
        }


# --- policy documents, as literal JSON strings the way programs usually write them -------------


def _aws_trust_policy(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def _aws_service_trust_policy(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def _aws_key_policy(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def _aws_bucket_policy(bucket_name: str, account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountReads",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": [
                        f"arn:aws:s3:::{bucket_name}",
                        f"arn:aws:s3:::{bucket_name}/*",
                    ],
                },
                {
                    "Sid": "TlsOnly",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [
                        f"arn:aws:s3:::{bucket_name}",
                        f"arn:aws:s3:::{bucket_name}/*",
                    ],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )


def _aws_permission_policy(bucket_name: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": f"arn:aws:s3:::{bucket_name}/*",
                }
            ],
        }
    )


def _tags(classification: str | None) -> dict[str, str]:
    tags = {"stack": STACK, "managed-by": "pulumi"}
    if classification is not None:
        tags["data-classification"] = classification
    return tags


# --- units ------------------------------------------------------------------------------------

Unit = list[ResourceSpec]
UnitBuilder = Callable[[str, random.Random], Unit]


def _aws_user_data_bucket(prefix: str, rng: random.Random) -> Unit:
    bucket_name = f"{prefix}-user-data"
    return [
        ResourceSpec(
            "aws.kms.Key",
            f"{prefix}-key",
            {
                "description": f"US user data ({prefix})",
                "enable_key_rotation": True,
                "deletion_window_in_days": 30,
                "policy": _aws_key_policy(ACCOUNT_ID),
                "tags": _tags(US_USER_DATA),
            },
            AWS_BACKUP,
            protect=True,
            kind="key",
        ),
        ResourceSpec(
            "aws.s3.Bucket",
            f"{prefix}-bucket",
            {"bucket": bucket_name, "force_destroy": False, "tags": _tags(US_USER_DATA)},
            AWS_BACKUP,
            protect=True,
            kind="bucket",
        ),
        ResourceSpec(
            "aws.s3.BucketServerSideEncryptionConfiguration",
            f"{prefix}-encryption",
            {
                "bucket": Ref(f"{prefix}-bucket", "id"),
                "rules": [
                    {
                        "apply_server_side_encryption_by_default": {
                            "sse_algorithm": "aws:kms",
                            "kms_master_key_id": Ref(f"{prefix}-key", "arn"),
                        },
                        "bucket_key_enabled": True,
                    }
                ],
            },
            AWS_BACKUP,
            protect=True,
            kind="bucket-config",
        ),
        ResourceSpec(
            "aws.s3.BucketPublicAccessBlock",
            f"{prefix}-public-access-block",
            {
                "bucket": Ref(f"{prefix}-bucket", "id"),
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
            AWS_BACKUP,
            protect=True,
            kind="bucket-config",
        ),
        ResourceSpec(
            "aws.s3.BucketPolicy",
            f"{prefix}-bucket-policy",
            {
                "bucket": Ref(f"{prefix}-bucket", "id"),
                "policy": _aws_bucket_policy(bucket_name, ACCOUNT_ID),
            },
            AWS_BACKUP,
            protect=True,
            kind="iam",
        ),
    ]


def _aws_replicated_buckets(prefix: str, rng: random.Random) -> Unit:
    source = _aws_user_data_bucket(f"{prefix}-src", rng)
    replica = _aws_user_data_bucket(f"{prefix}-dst", rng)
    role = ResourceSpec(
        "aws.iam.Role",
        f"{prefix}-replication-role",
        {
            "name": f"{prefix}-replication",
            "assume_role_policy": _aws_service_trust_policy("s3.amazonaws.com"),
        },
        AWS_BACKUP,
        kind="iam",
    )
    replication = ResourceSpec(
        "aws.s3.BucketReplicationConfig",
        f"{prefix}-replication",
        {
            "bucket": Ref(f"{prefix}-src-bucket", "id"),
            "role": Ref(f"{prefix}-replication-role", "arn"),
            "rules": [
                {
                    "id": "all",
                    "status": "Enabled",
                    "destination": {
                        "bucket": Ref(f"{prefix}-dst-bucket", "arn"),
                        "storage_class": "STANDARD",
                        "encryption_configuration": {
                            "replica_kms_key_id": Ref(f"{prefix}-dst-key", "arn"),
                        },
                    },
                    "source_selection_criteria": {
                        "sse_kms_encrypted_objects": {"status": "Enabled"},
                    },
                }
            ],
        },
        AWS_BACKUP,
        protect=True,
        kind="replication",
    )
    return [*source, *replica, role, replication]


def _aws_database(prefix: str, rng: random.Random) -> Unit:
    key = ResourceSpec(
        "aws.kms.Key",
        f"{prefix}-key",
        {
            "description": f"US user data database ({prefix})",
            "enable_key_rotation": True,
            "deletion_window_in_days": 30,
            "policy": _aws_key_policy(ACCOUNT_ID),
            "tags": _tags(US_USER_DATA),
        },
        AWS_BACKUP,
        protect=True,
        kind="key",
    )
    if rng.random() < 0.5:
        db = ResourceSpec(
            "aws.dynamodb.Table",
            f"{prefix}-table",
            {
                "billing_mode": "PAY_PER_REQUEST",
                "hash_key": "userId",
                "attributes": [{"name": "userId", "type": "S"}],
                "deletion_protection_enabled": True,
                "point_in_time_recovery": {"enabled": True},
                "server_side_encryption": {
                    "enabled": True,
                    "kms_key_arn": Ref(f"{prefix}-key", "arn"),
                },
                "tags": _tags(US_USER_DATA),
            },
            AWS_BACKUP,
            protect=True,
            kind="database",
        )
    else:
        db = ResourceSpec(
            "aws.rds.Instance",
            f"{prefix}-db",
            {
                "engine": "postgres",
                "engine_version": "16.4",
                "instance_class": "db.t4g.medium",
                "allocated_storage": 50,
                "username": "app",
                "manage_master_user_password": True,
                "storage_encrypted": True,
                "kms_key_id": Ref(f"{prefix}-key", "arn"),
                "deletion_protection": True,
                "backup_retention_period": 7,
                "skip_final_snapshot": False,
                "final_snapshot_identifier": f"{prefix}-final",
                "tags": _tags(US_USER_DATA),
            },
            AWS_BACKUP,
            protect=True,
            kind="database",
        )
    return [key, db]


def _aws_iam(prefix: str, rng: random.Random) -> Unit:
    return [
        ResourceSpec(
            "aws.iam.Role",
            f"{prefix}-role",
            {"name": f"{prefix}-app", "assume_role_policy": _aws_trust_policy(ACCOUNT_ID)},
            AWS_BACKUP,
            kind="iam",
        ),
        ResourceSpec(
            "aws.iam.Policy",
            f"{prefix}-policy",
            {"name": f"{prefix}-app", "policy": _aws_permission_policy(f"{prefix}-user-data")},
            AWS_BACKUP,
            kind="iam",
        ),
    ]


def _aws_restricted_bucket(prefix: str, rng: random.Random) -> Unit:
    return [
        ResourceSpec(
            "aws.s3.Bucket",
            f"{prefix}-artifacts",
            {
                "bucket": f"{prefix}-artifacts",
                "force_destroy": False,
                "tags": _tags(NON_PERSONAL),
            },
            AWS_RESTRICTED,
            kind="bucket",
        ),
        ResourceSpec(
            "aws.s3.BucketPublicAccessBlock",
            f"{prefix}-artifacts-public-access-block",
            {
                "bucket": Ref(f"{prefix}-artifacts", "id"),
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
            AWS_RESTRICTED,
            kind="bucket-config",
        ),
    ]


def _oci_key(prefix: str, provider: str) -> ResourceSpec:
    region = PROVIDERS[provider][1]
    return ResourceSpec(
        "oci.kms.Key",
        f"{prefix}-key",
        {
            "compartment_id": COMPARTMENT,
            "display_name": f"{prefix}-key",
            "key_shape": {"algorithm": "AES", "length": 32},
            "management_endpoint": Ref(f"vault-{region}", "management_endpoint"),
            "protection_mode": "HSM",
            "freeform_tags": _tags(US_USER_DATA),
        },
        provider,
        protect=True,
        kind="key",
    )


def _oci_bucket(prefix: str, provider: str, *, replica: bool = False) -> ResourceSpec:
    return ResourceSpec(
        "oci.objectstorage.Bucket",
        f"{prefix}-bucket",
        {
            "compartment_id": COMPARTMENT,
            "namespace": NAMESPACE,
            "name": f"{prefix}-user-content",
            "access_type": "NoPublicAccess",
            "kms_key_id": Ref(f"{prefix}-key", "id"),
            "versioning": "Disabled" if replica else "Enabled",
            "object_events_enabled": True,
            "storage_tier": "Standard",
            "freeform_tags": _tags(US_USER_DATA),
        },
        provider,
        protect=True,
        kind="bucket",
    )


def _oci_user_data_bucket(prefix: str, rng: random.Random) -> Unit:
    return [_oci_key(prefix, OCI_PRIMARY), _oci_bucket(prefix, OCI_PRIMARY)]


def _oci_replicated_buckets(prefix: str, rng: random.Random) -> Unit:
    return [
        _oci_key(f"{prefix}-src", OCI_PRIMARY),
        _oci_bucket(f"{prefix}-src", OCI_PRIMARY),
        _oci_key(f"{prefix}-dst", OCI_DR),
        _oci_bucket(f"{prefix}-dst", OCI_DR, replica=True),
        ResourceSpec(
            "oci.objectstorage.ReplicationPolicy",
            f"{prefix}-replication",
            {
                "namespace": NAMESPACE,
                "bucket": Ref(f"{prefix}-src-bucket", "name"),
                "name": f"{prefix}-to-dr",
                "destination_bucket_name": Ref(f"{prefix}-dst-bucket", "name"),
                "destination_region_name": PROVIDERS[OCI_DR][1],
                "delete_object_in_destination_bucket": "ACCEPT",
            },
            OCI_PRIMARY,
            kind="replication",
        ),
    ]


def _oci_database(prefix: str, rng: random.Random) -> Unit:
    key = _oci_key(prefix, OCI_PRIMARY)
    if rng.random() < 0.5:
        db = ResourceSpec(
            "oci.database.AutonomousDatabase",
            f"{prefix}-adb",
            {
                "compartment_id": COMPARTMENT,
                "db_name": prefix.replace("-", "")[:14],
                "display_name": f"{prefix}-adb",
                "compute_model": "ECPU",
                "compute_count": 2,
                "data_storage_size_in_tbs": 1,
                "db_workload": "OLTP",
                "kms_key_id": Ref(f"{prefix}-key", "id"),
                "vault_id": Ref(f"vault-{PROVIDERS[OCI_PRIMARY][1]}", "id"),
                "is_mtls_connection_required": True,
                "freeform_tags": _tags(US_USER_DATA),
            },
            OCI_PRIMARY,
            protect=True,
            kind="database",
        )
    else:
        db = ResourceSpec(
            "oci.mysql.MysqlDbSystem",
            f"{prefix}-mysql",
            {
                "compartment_id": COMPARTMENT,
                "availability_domain": "Uocm:US-ASHBURN-AD-1",
                "shape_name": "MySQL.2",
                "subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaabenchsubnet",
                "admin_username": "admin",
                "display_name": f"{prefix}-mysql",
                "data_storage_size_in_gb": 100,
                "deletion_policies": [
                    {
                        "is_delete_protected": True,
                        "automatic_backup_retention": "RETAIN",
                        "final_backup": "REQUIRE_FINAL_BACKUP",
                    }
                ],
                "encrypt_data": {
                    "key_generation_type": "BYOK",
                    "key_id": Ref(f"{prefix}-key", "id"),
                },
                "freeform_tags": _tags(US_USER_DATA),
            },
            OCI_PRIMARY,
            protect=True,
            kind="database",
        )
    return [key, db]


def _oci_iam(prefix: str, rng: random.Random) -> Unit:
    return [
        ResourceSpec(
            "oci.identity.Policy",
            f"{prefix}-policy",
            {
                "compartment_id": COMPARTMENT,
                "name": f"{prefix}-app",
                "description": f"Application access for {prefix}",
                "statements": [
                    f"Allow group {prefix}-app to read buckets in compartment id {COMPARTMENT}",
                    f"Allow group {prefix}-app to manage objects in compartment id {COMPARTMENT}"
                    " where target.bucket.name = '" + prefix + "-user-content'",
                    f"Allow service objectstorage-us-ashburn-1 to use keys in compartment id "
                    f"{COMPARTMENT}",
                ],
            },
            OCI_PRIMARY,
            kind="iam",
        )
    ]


AWS_UNITS: tuple[tuple[str, UnitBuilder, float], ...] = (
    ("user-data-bucket", _aws_user_data_bucket, 3.0),
    ("replicated-buckets", _aws_replicated_buckets, 1.0),
    ("database", _aws_database, 2.0),
    ("iam", _aws_iam, 2.0),
    ("restricted-bucket", _aws_restricted_bucket, 1.0),
)
OCI_UNITS: tuple[tuple[str, UnitBuilder, float], ...] = (
    ("user-data-bucket", _oci_user_data_bucket, 4.0),
    ("replicated-buckets", _oci_replicated_buckets, 2.0),
    ("database", _oci_database, 3.0),
    ("iam", _oci_iam, 2.0),
)


# --- violations: each one a mutation that exactly one policy must report --------------------


def _find(unit: Unit, kind: str, cloud: str | None = None) -> ResourceSpec | None:
    for r in unit:
        if r.kind == kind and (cloud is None or r.cloud == cloud):
            return r
    return None


def _tag_field(r: ResourceSpec) -> str:
    return "tags" if r.cloud == "aws" else "freeform_tags"


def _v_region(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "bucket", "oci") or _find(unit, "database", "oci")
    if r is None:
        return None
    r.provider = OCI_FOREIGN
    return r


def _v_classification_missing(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "bucket") or _find(unit, "database")
    if r is None:
        return None
    tags = dict(r.args[_tag_field(r)])
    tags.pop("data-classification")
    r.args[_tag_field(r)] = tags
    return r


def _v_classification_in_region(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "bucket", "aws")
    if r is None or r.provider != AWS_RESTRICTED:
        return None
    r.args["tags"] = _tags(US_USER_DATA)
    return r


def _v_cross_region_copy(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "replication", "oci")
    if r is None:
        return None
    r.args["destination_region_name"] = "eu-frankfurt-1"
    r.args["destination_bucket_name"] = "foreign-replica"
    return r


def _v_foreign_principal(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "iam", "aws")
    if r is None or r.cls != "aws.iam.Role":
        return None
    r.args["assume_role_policy"] = _aws_trust_policy(FOREIGN_ACCOUNT_ID)
    return r


def _v_oci_foreign_tenancy(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "iam", "oci")
    if r is None:
        return None
    r.args["statements"] = [
        *r.args["statements"],
        f"Define tenancy Partner as {FOREIGN_TENANCY}",
        "Endorse group Admins to manage buckets in tenancy Partner",
    ]
    return r


def _v_public_exposure(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "bucket", "oci")
    if r is None:
        return None
    r.args["access_type"] = "ObjectRead"
    return r


def _v_not_protected(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "database")
    if r is None:
        return None
    r.protect = False
    return r


def _v_key_locality(unit: Unit) -> ResourceSpec | None:
    r = _find(unit, "bucket", "oci")
    if r is None:
        return None
    r.args["kms_key_id"] = "ocid1.key.oc1.eu-frankfurt-1.aaaaaaaaforeignkey"
    return r


VIOLATIONS: tuple[tuple[str, Callable[[Unit], ResourceSpec | None]], ...] = (
    ("residency-region-allowlist", _v_region),
    ("residency-classification-required", _v_classification_missing),
    ("residency-classification-in-region", _v_classification_in_region),
    ("residency-no-cross-region-copy", _v_cross_region_copy),
    ("residency-no-foreign-principals", _v_foreign_principal),
    ("residency-no-foreign-principals", _v_oci_foreign_tenancy),
    ("residency-no-public-exposure", _v_public_exposure),
    ("residency-user-data-protected", _v_not_protected),
    ("residency-key-locality", _v_key_locality),
)


def _inject(unit: Unit, rng: random.Random) -> None:
    """One violation into ``unit``: the first kind (from a random start) that fits the unit."""
    start = rng.randrange(len(VIOLATIONS))
    for i in range(len(VIOLATIONS)):
        policy, mutate = VIOLATIONS[(start + i) % len(VIOLATIONS)]
        target = mutate(unit)
        if target is not None:
            target.violation = policy
            return


# --- the program ------------------------------------------------------------------------------


def _base_resources() -> Unit:
    out: Unit = [
        ResourceSpec(
            f"{cloud}.Provider", name, _provider_args(cloud, region), None, kind="provider"
        )
        for name, (cloud, region) in PROVIDERS.items()
    ]
    # The provider that injected region violations use is itself placed outside the allowed union.
    next(r for r in out if r.name == OCI_FOREIGN).violation = "residency-region-allowlist"
    for provider in (OCI_PRIMARY, OCI_DR):
        region = PROVIDERS[provider][1]
        out.append(
            ResourceSpec(
                "oci.kms.Vault",
                f"vault-{region}",
                {
                    "compartment_id": COMPARTMENT,
                    "display_name": f"user-data-{region}",
                    "vault_type": "DEFAULT",
                    "freeform_tags": _tags(US_USER_DATA),
                },
                provider,
                protect=True,
                kind="key",
            )
        )
    return out


def _provider_args(cloud: str, region: str) -> dict[str, Any]:
    if cloud == "aws":
        return {"region": region, "allowed_account_ids": [ACCOUNT_ID]}
    return {"region": region, "tenancy_ocid": TENANCY}


def _filler(index: int, remaining: int) -> Iterator[ResourceSpec]:
    """Single IAM resources to reach the exact size (region-neutral, no violation)."""
    for i in range(remaining):
        yield ResourceSpec(
            "aws.iam.Policy",
            f"fill{index}-{i}-policy",
            {"name": f"fill{index}-{i}", "policy": _aws_permission_policy(f"fill{index}-{i}")},
            AWS_BACKUP,
            kind="iam",
        )


def generate(size: int, seed: int = SEED, violation_rate: float = VIOLATION_RATE) -> Program:
    """A program of exactly ``size`` resources (providers included), the same for the same seed."""
    rng = random.Random(seed * 1_000_003 + size)
    program = Program(size=size, seed=seed)
    resources = _base_resources()
    aws = sum(1 for r in resources if r.cloud == "aws")
    index = 0
    while True:
        cloud_units = AWS_UNITS if aws < AWS_SHARE * len(resources) else OCI_UNITS
        names = [u[0] for u in cloud_units]
        weights = [u[2] for u in cloud_units]
        choice = rng.choices(range(len(names)), weights=weights)[0]
        name, build, _ = cloud_units[choice]
        unit = build(f"u{index}-{name}", rng)
        if len(resources) + len(unit) > size:
            break
        if rng.random() < violation_rate:
            _inject(unit, rng)
        resources.extend(unit)
        aws += sum(1 for r in unit if r.cloud == "aws")
        index += 1
    resources.extend(_filler(index, size - len(resources)))
    program.resources = resources[:size]
    return program


# --- writing it out as a Pulumi project -------------------------------------------------------

_MAIN = Path(__file__).with_name("synthetic_main.py")


def stack_config() -> dict[str, Any]:
    return {
        "config": {
            "aws:region": "us-east-1",
            "aws:allowedAccountIds": [ACCOUNT_ID],
            "oci:region": "us-ashburn-1",
            "oci:tenancyOcid": TENANCY,
        }
    }


def write_project(program: Program, directory: Path) -> Path:
    """Write ``Pulumi.yaml``, the stack file, ``__main__.py`` and ``spec.json``."""
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(
        yaml.safe_dump(
            {
                "name": PROJECT,
                "description": f"Synthetic residency program of {program.size} resources",
                "runtime": {"name": "python"},
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    (directory / f"Pulumi.{STACK}.yaml").write_text(
        yaml.safe_dump(stack_config(), sort_keys=False), encoding="utf-8"
    )
    shutil.copyfile(_MAIN, directory / "__main__.py")
    (directory / "spec.json").write_text(json.dumps(program.to_json()), encoding="utf-8")
    return directory


def expected_violations(program: Program) -> Mapping[str, str]:
    """Resource name -> the policy that must report it."""
    return {r.name: r.violation for r in program.resources if r.violation}
