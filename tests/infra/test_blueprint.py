"""What the prod and dev stacks declare, checked against the blueprint's promises."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from residency_pack.engine import region_catalog

OCI_BUCKET = "oci:ObjectStorage/bucket:Bucket"
OCI_ADB = "oci:Database/autonomousDatabase:AutonomousDatabase"
OCI_VAULT = "oci:Kms/vault:Vault"
OCI_KEY = "oci:Kms/key:Key"
OCI_SECRET = "oci:Vault/secret:Secret"
OCI_LOG_GROUP = "oci:Logging/logGroup:LogGroup"
OCI_LOG = "oci:Logging/log:Log"
OCI_REPLICATION = "oci:ObjectStorage/replicationPolicy:ReplicationPolicy"
OCI_POLICY = "oci:Identity/policy:Policy"
S3_BUCKET = "aws:s3/bucket:Bucket"
KMS_KEY = "aws:kms/key:Key"
BACKUP_VAULT = "aws:backup/vault:Vault"
BACKUP_PLAN = "aws:backup/plan:Plan"

# Every type of the blueprint that holds data (or the keys to it).
DATA_BEARING = (
    OCI_BUCKET,
    OCI_ADB,
    OCI_VAULT,
    OCI_KEY,
    OCI_SECRET,
    OCI_LOG_GROUP,
    OCI_LOG,
    S3_BUCKET,
    KMS_KEY,
    BACKUP_VAULT,
    BACKUP_PLAN,
)

PRIMARY, DR, BACKUP, SINGAPORE = "us-ashburn-1", "us-phoenix-1", "us-east-1", "ap-southeast-1"

# Where each data store of prod lives, and its classification.
PROD_STORES = {
    "user-content-bucket": (PRIMARY, "us-user-data"),
    "user-content-replica-bucket": (DR, "us-user-data"),
    "user-records-adb": (PRIMARY, "us-user-data"),
    "user-records-standby-adb": (DR, "us-user-data"),
    "user-records-admin-password": (PRIMARY, "us-user-data"),
    "primary-vault": (PRIMARY, "us-user-data"),
    "primary-master-key": (PRIMARY, "us-user-data"),
    "dr-vault": (DR, "us-user-data"),
    "dr-master-key": (DR, "us-user-data"),
    "primary-logs-log-group": (PRIMARY, "us-user-data"),
    "primary-logs-bucket-write": (PRIMARY, "us-user-data"),
    "primary-logs-bucket-read": (PRIMARY, "us-user-data"),
    "dr-logs-log-group": (DR, "us-user-data"),
    "dr-logs-bucket-write": (DR, "us-user-data"),
    "dr-logs-bucket-read": (DR, "us-user-data"),
    "backups-bucket": (BACKUP, "us-user-data"),
    "backups-key": (BACKUP, "us-user-data"),
    "backups-vault": (BACKUP, "us-user-data"),
    "backups-plan": (BACKUP, "us-user-data"),
    "artifacts-bucket": (SINGAPORE, "non-personal"),
}


def _oci_region_of_ocid(ocid: str) -> str | None:
    """The region an OCID names (``ocid1.key.oc1.iad.…`` -> us-ashburn-1)."""
    parts = ocid.split(".")
    if len(parts) < 5 or not parts[3]:
        return None
    region = region_catalog.oci_region_by_key(parts[3])
    return region.name if region else None


def _arn_region(arn: str) -> str:
    return arn.split(":")[3]


# ---------------------------------------------------------------- regions and classification


def test_every_data_store_is_in_its_region_with_its_classification(prod: Any) -> None:
    stores = {r.name: (r.region, r.classification) for r in prod.of_type(*DATA_BEARING)}
    assert stores == PROD_STORES


@pytest.mark.parametrize("deployment", ["prod", "dev"])
def test_every_data_bearing_resource_is_classified(deployment: str, request: Any) -> None:
    d = request.getfixturevalue(deployment)
    data = d.of_type(*DATA_BEARING)
    assert data
    for r in data:
        assert r.classification in ("us-user-data", "non-personal", "public"), r.urn


@pytest.mark.parametrize("deployment", ["prod", "dev"])
def test_user_data_only_in_us_regions_of_its_clouds(deployment: str, request: Any) -> None:
    d = request.getfixturevalue(deployment)
    for r in d.of_type(*DATA_BEARING):
        if r.classification != "us-user-data":
            continue
        region = region_catalog.lookup(r.cloud, r.region or "")
        assert region is not None and region.in_us, r.urn
        if r.cloud == "aws":
            assert r.region == BACKUP, (
                f"{r.urn}: AWS holds US user data only as backups in {BACKUP}"
            )


@pytest.mark.parametrize("deployment", ["prod", "dev"])
def test_every_resource_has_an_explicit_provider_with_its_region(
    deployment: str, request: Any
) -> None:
    d = request.getfixturevalue(deployment)
    for r in d.custom():
        if r.type.startswith("pulumi:providers:"):
            assert r.inputs.get("region"), f"provider {r.name} has no region"
            continue
        provider_urn = r.provider_ref.rsplit("::", 1)[0]
        assert provider_urn in d.providers, f"{r.urn} uses a default provider"
        assert r.region, r.urn


# Accounts other than the stack file's, so that the tests below see them flow from config.
OTHER_ACCOUNTS = ["444455556666", "777788889999"]


@pytest.fixture(scope="module")
def prod_other_accounts(runner: Any, prod_config: Any) -> Any:
    return runner({**prod_config, "aws:allowedAccountIds": OTHER_ACCOUNTS})


def test_providers_carry_the_account_and_tenancy_from_config(
    prod_other_accounts: Any, prod_config: Any
) -> None:
    d = prod_other_accounts
    for p in d.providers.values():
        if p.type == "pulumi:providers:aws":
            assert json.loads(p.inputs["allowedAccountIds"]) == OTHER_ACCOUNTS
        else:
            assert p.inputs["tenancyOcid"] == prod_config["oci:tenancyOcid"]


# ---------------------------------------------------------------- keys


def test_oci_stores_use_the_key_and_vault_of_their_own_region(prod: Any) -> None:
    checked = 0
    for r in prod.of_type(OCI_BUCKET, OCI_ADB, OCI_SECRET):
        key_field = "keyId" if r.type == OCI_SECRET else "kmsKeyId"
        key_ocid = r.inputs[key_field]
        assert key_ocid.startswith("ocid1.key."), r.urn
        assert _oci_region_of_ocid(key_ocid) == r.region, f"{r.urn} uses {key_ocid}"
        key = prod.by_id(key_ocid)
        assert key is not None and key.region == r.region
        if r.type == OCI_ADB:
            assert _oci_region_of_ocid(r.inputs["vaultId"]) == r.region
        checked += 1
    assert checked == 5


def test_oci_keys_are_hsm_protected_and_rotated(prod: Any) -> None:
    keys = prod.of_type(OCI_KEY)
    assert {k.region for k in keys} == {PRIMARY, DR}
    for key in keys:
        assert key.inputs["protectionMode"] == "HSM"
        assert key.inputs["isAutoRotationEnabled"] is True
        vault = prod.of_type(OCI_VAULT)
        endpoint = key.inputs["managementEndpoint"]
        assert any(v.region == key.region and key.region in endpoint for v in vault)


def test_aws_backups_use_the_single_region_rotating_key_of_their_region(prod: Any) -> None:
    (key,) = prod.of_type(KMS_KEY)
    assert key.inputs["multiRegion"] is False
    assert key.inputs["enableKeyRotation"] is True
    (sse,) = [
        r
        for r in prod.of_type(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
        )
        if r.region == BACKUP
    ]
    default = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == "aws:kms"
    assert _arn_region(default["kmsMasterKeyId"]) == BACKUP
    (vault,) = prod.of_type(BACKUP_VAULT)
    assert _arn_region(vault.inputs["kmsKeyArn"]) == BACKUP


# ---------------------------------------------------------------- copies


def test_replication_targets_only_the_dr_region(prod: Any) -> None:
    (policy,) = prod.of_type(OCI_REPLICATION)
    assert policy.region == PRIMARY
    assert policy.inputs["destinationRegionName"] == DR
    replica = prod.named("user-content-replica-bucket")
    assert policy.inputs["destinationBucketName"] == replica.inputs["name"]
    assert policy.inputs["bucket"] == prod.named("user-content-bucket").inputs["name"]


def test_aws_backup_plan_keeps_recovery_points_in_its_own_locked_vault(prod: Any) -> None:
    (plan,) = prod.of_type(BACKUP_PLAN)
    vault = prod.named("backups-vault")
    (rule,) = plan.inputs["rules"]
    assert rule["targetVaultName"] == vault.inputs["name"]
    assert not rule.get("copyActions")
    assert (
        rule["lifecycle"]["deleteAfter"]
        >= prod.named("backups-vault-lock").inputs["minRetentionDays"]
    )
    (selection,) = prod.of_type("aws:backup/selection:Selection")
    bucket = prod.named("backups-bucket")
    assert selection.inputs["resources"] == [f"arn:aws:s3:::{bucket.inputs['bucket']}"]
    assert prod.by_id(selection.inputs["planId"]) is plan


def test_aws_backup_service_role_is_pinned_to_the_configured_accounts(
    prod_other_accounts: Any,
) -> None:
    accounts = OTHER_ACCOUNTS
    d = prod_other_accounts
    (statement,) = json.loads(d.named("backups-service-role").inputs["assumeRolePolicy"])[
        "Statement"
    ]
    assert statement["Principal"] == {"Service": "backup.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": accounts}}


def test_database_standby_is_cross_region_data_guard_in_dr(prod: Any) -> None:
    standby = prod.named("user-records-standby-adb")
    primary = prod.named("user-records-adb")
    assert standby.region == DR
    assert standby.inputs["source"] == "CROSS_REGION_DATAGUARD"
    assert prod.by_id(standby.inputs["sourceId"]) is primary
    assert "source" not in primary.inputs


def test_no_other_copy_feature_is_declared(prod: Any) -> None:
    for r in prod.of_type(S3_BUCKET):
        assert "replicationConfiguration" not in r.inputs, r.urn
    copies = [
        r for r in prod.of_type(*DATA_BEARING) if "source" in r.inputs or "sourceId" in r.inputs
    ]
    assert [r.name for r in copies] == ["user-records-standby-adb"]


# ---------------------------------------------------------------- Singapore


def test_singapore_holds_only_non_personal_data(prod: Any) -> None:
    in_singapore = prod.in_region(SINGAPORE)
    assert in_singapore, "prod keeps the artifact bucket in Singapore until it is retired"
    for r in in_singapore:
        if r.type in DATA_BEARING:
            assert r.classification == "non-personal", r.urn


def test_retiring_singapore_removes_everything_there(runner: Any, prod_config: Any) -> None:
    d = runner({**prod_config, "residency-blueprint:restrictedRegionRetired": True})
    assert d.in_region(SINGAPORE) == []
    assert [p for p in d.providers.values() if p.inputs.get("region") == SINGAPORE] == []
    assert d.outputs["regionMap"]["aws"]["nonPersonalOnly"] is None
    assert "artifactsBucket" not in d.outputs


def test_dev_is_one_oci_region_without_dr_or_singapore(dev: Any) -> None:
    regions = {r.region for r in dev.custom()}
    assert regions == {PRIMARY, BACKUP}
    assert dev.of_type(OCI_REPLICATION) == []
    assert [r for r in dev.of_type(OCI_ADB) if r.inputs.get("source")] == []
    assert dev.outputs["regionMap"] == {
        "oci": {"primary": PRIMARY, "dr": None},
        "aws": {"usUserDataBackups": BACKUP, "nonPersonalOnly": None},
    }


# ---------------------------------------------------------------- protection


@pytest.mark.parametrize("deployment", ["prod", "dev"])
def test_every_user_data_store_and_backup_is_protected(deployment: str, request: Any) -> None:
    d = request.getfixturevalue(deployment)
    user_data = [r for r in d.of_type(*DATA_BEARING) if r.classification == "us-user-data"]
    assert len(user_data) >= 10
    for r in user_data:
        assert r.protect, f"{r.urn} holds US user data but is not protected"


def test_backup_bucket_settings_are_protected_too(prod: Any) -> None:
    """Deleting the lock, versioning or encryption resource would weaken the backups."""
    bucket_settings = [r for r in prod.in_region(BACKUP) if r.type.startswith("aws:s3/")]
    assert len(bucket_settings) == 8
    assert all(r.protect for r in bucket_settings)


def test_services_own_deletion_protection_is_on(prod: Any) -> None:
    backup_bucket = prod.named("backups-bucket")
    assert backup_bucket.inputs["objectLockEnabled"] is True
    assert backup_bucket.inputs["forceDestroy"] is False
    lock = prod.named("backups-object-lock")
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 35}
    vault_lock = prod.named("backups-vault-lock")
    assert vault_lock.inputs["minRetentionDays"] == 35
    assert "changeableForDays" in vault_lock.inputs
    assert prod.named("backups-vault").inputs["forceDestroy"] is False
    assert prod.named("user-records-adb").inputs["isBackupRetentionLocked"] is True
    assert prod.named("user-data-compartment").inputs["enableDelete"] is False
    for name in ("backups-versioning", "backups-public-access-block"):
        assert prod.named(name).protect


# ---------------------------------------------------------------- exposure and access


def test_user_content_bucket_is_private_versioned_with_events(prod: Any) -> None:
    bucket = prod.named("user-content-bucket")
    assert bucket.inputs["accessType"] == "NoPublicAccess"
    assert bucket.inputs["versioning"] == "Enabled"
    assert bucket.inputs["objectEventsEnabled"] is True
    assert prod.named("user-content-replica-bucket").inputs["accessType"] == "NoPublicAccess"


def test_databases_are_private_with_mtls_and_no_ip_allowlist(prod: Any) -> None:
    subnets = {r.name: r for r in prod.of_type("oci:Core/subnet:Subnet")}
    for db in prod.of_type(OCI_ADB):
        assert db.inputs["isMtlsConnectionRequired"] is True
        assert not db.inputs.get("whitelistedIps")
        assert db.inputs["privateEndpointLabel"]
        subnet = prod.by_id(db.inputs["subnetId"])
        assert subnet is not None and subnet.name in subnets
        assert subnet.inputs["prohibitPublicIpOnVnic"] is True
        assert subnet.inputs["prohibitInternetIngress"] is True
        assert subnet.region == db.region


def test_data_subnets_route_only_to_the_service_gateway(prod: Any) -> None:
    for subnet in prod.of_type("oci:Core/subnet:Subnet"):
        if not subnet.name.endswith("data-subnet"):
            continue
        routes = prod.by_id(subnet.inputs["routeTableId"])
        targets = [prod.by_id(rule["networkEntityId"]) for rule in routes.inputs["routeRules"]]
        assert [t.type for t in targets] == ["oci:Core/serviceGateway:ServiceGateway"]
        assert routes.inputs["routeRules"][0]["destinationType"] == "SERVICE_CIDR_BLOCK"


def test_s3_buckets_block_public_access(prod: Any) -> None:
    blocks = prod.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    buckets = {b.inputs["bucket"] for b in blocks}
    expected = {"backups-bucket", "artifacts-bucket"}
    assert {prod.by_id(b).name for b in buckets} == expected
    for block in blocks:
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"):
            assert block.inputs[flag] is True
        assert block.inputs["restrictPublicBuckets"] is True


_FOREIGN_STATEMENT = re.compile(r"^\s*(define|endorse|admit)\b", re.IGNORECASE)


@pytest.mark.parametrize("deployment", ["prod", "dev"])
def test_oci_policies_are_scoped_to_the_compartment_without_cross_tenancy_verbs(
    deployment: str, request: Any
) -> None:
    d = request.getfixturevalue(deployment)
    (policy,) = d.of_type(OCI_POLICY)
    compartment = d.named("user-data-compartment")
    assert d.by_id(policy.inputs["compartmentId"]) is compartment
    statements = policy.inputs["statements"]
    assert statements
    for statement in statements:
        assert not _FOREIGN_STATEMENT.match(statement), statement
        assert statement.startswith("Allow ")
        assert statement.endswith(f"in compartment {compartment.inputs['name']}")


def test_dev_policy_grants_no_replication(dev: Any) -> None:
    (policy,) = dev.of_type(OCI_POLICY)
    assert not [
        s for s in policy.inputs["statements"] if "manage object-family" in s and "service" in s
    ]


def test_aws_trust_and_key_policies_name_only_the_configured_accounts(
    prod_other_accounts: Any,
) -> None:
    accounts = OTHER_ACCOUNTS
    d = prod_other_accounts
    roots = [f"arn:aws:iam::{a}:root" for a in accounts]
    role = d.named("backups-export-role")
    key = d.named("backups-key")
    for document in (role.inputs["assumeRolePolicy"], key.inputs["policy"]):
        statements = json.loads(document)["Statement"]
        assert [s["Principal"] for s in statements] == [{"AWS": roots}]
        assert all(s["Effect"] == "Allow" for s in statements)


# ---------------------------------------------------------------- traffic and outputs


def test_dns_fails_over_between_the_two_us_regions(prod: Any) -> None:
    (policy,) = prod.of_type("oci:Dns/steeringPolicy:SteeringPolicy")
    assert policy.inputs["template"] == "FAILOVER"
    lbs = {r.name: r for r in prod.of_type("oci:LoadBalancer/loadBalancer:LoadBalancer")}
    assert {lb.region for lb in lbs.values()} == {PRIMARY, DR}
    answers = {a["pool"]: a["rdata"] for a in policy.inputs["answers"]}
    assert answers == prod.outputs["loadBalancerIps"]
    assert set(answers) == {"primary", "dr"}


def test_stack_outputs(prod: Any) -> None:
    out = prod.outputs
    assert out["regionMap"] == {
        "oci": {"primary": PRIMARY, "dr": DR},
        "aws": {"usUserDataBackups": BACKUP, "nonPersonalOnly": SINGAPORE},
    }
    assert out["userContentBucket"] == prod.named("user-content-bucket").inputs["name"]
    assert prod.by_id(out["userRecordsDatabaseId"]) is prod.named("user-records-adb")
    assert prod.by_id(out["standbyDatabaseId"]) is prod.named("user-records-standby-adb")
    assert {region: prod.by_id(v).region for region, v in out["vaultIds"].items()} == {
        PRIMARY: PRIMARY,
        DR: DR,
    }
    assert _arn_region(out["backupKeyArn"]) == BACKUP


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_program_runs_in_preview_mode(runner: Any, stack: str, request: Any) -> None:
    """In a preview the runtime resolves outputs differently (unknowns, output types); the
    program must declare the same resources there as in an update."""
    config = request.getfixturevalue(f"{stack}_config")
    previewed = runner(config, stack, preview=True)
    updated = request.getfixturevalue(stack)
    assert sorted(r.urn for r in previewed.resources) == sorted(r.urn for r in updated.resources)


def test_provider_authentication_settings_reach_every_explicit_provider(
    runner: Any, prod_config: Any
) -> None:
    config = {
        **prod_config,
        "oci:configFileProfile": "RESIDENCY",
        "oci:privateKeyPath": "~/.oci/residency.pem",
        "aws:profile": "residency-prod",
    }
    d = runner(config)
    oci_providers = [p for p in d.providers.values() if p.type == "pulumi:providers:oci"]
    aws_providers = [p for p in d.providers.values() if p.type == "pulumi:providers:aws"]
    assert len(oci_providers) == 2 and len(aws_providers) == 2
    for p in oci_providers:
        assert p.inputs["configFileProfile"] == "RESIDENCY"
        assert p.inputs["privateKeyPath"] == "~/.oci/residency.pem"
    for p in aws_providers:
        assert p.inputs["profile"] == "residency-prod"
