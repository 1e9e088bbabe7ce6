"""residency-no-cross-region-copy through the policy SDK's own Analyze: one compliant fixture
per copy feature, one field changed per violating case, and the unknown-value cases."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from residency_pack.engine import copy_fields
from residency_pack.rules.no_cross_region_copy import NAME, PENDING_BUCKETS, POLICY
from residency_pack.testing import (
    UNKNOWN_ARRAY,
    UNKNOWN_STRING,
    Diagnostic,
    Resource,
    analyze,
    analyze_stack,
    aws_provider,
    oci_provider,
)

from .trust import STACK_CONFIG

USER = {"data-classification": "us-user-data"}
NON_PERSONAL = {"data-classification": "non-personal"}
VAULT_ARN = "arn:aws:backup:us-east-1:111122223333:backup-vault:user-data-copy"
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234"


@pytest.fixture(autouse=True)
def _update(monkeypatch):
    # As during `pulumi up` unless a test says preview (the CLI sets PULUMI_DRY_RUN).
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")


@pytest.fixture(autouse=True)
def _no_pending_buckets():
    PENDING_BUCKETS.clear()
    yield
    PENDING_BUCKETS.clear()


def run(
    resource: Resource, config: dict[str, Any] | None = None, stack: tuple[Resource, ...] = ()
) -> list[Diagnostic]:
    """Analyze, then the policy's stack follow-up on ``resource`` and ``stack``: a finding on
    an account-less bucket waits for the whole stack, where a bucket of that name is ours."""
    configured = {NAME: config} if config else None
    diagnostics = analyze(POLICY, resource, configured, STACK_CONFIG)
    diagnostics += analyze_stack(POLICY, [resource, *stack], configured, STACK_CONFIG)
    # Never downgraded to an advisory "can't run during preview".
    assert all(d.enforcement == "mandatory" and d.policy == NAME for d in diagnostics)
    return diagnostics


def changed(resource: Resource, path: tuple[Any, ...], value: Any, provider=None) -> Resource:
    """The fixture with one field changed (or the provider swapped)."""
    props = copy.deepcopy(dict(resource.props))
    target: Any = props
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return Resource(resource.type, resource.name, props, provider or resource.provider)


_DELETE = object()

# Compliant fixtures: user data copied only within the US regions allowed for it.
DYNAMODB = Resource("aws:dynamodb/table:Table", "users", {
    "name": "users", "tags": USER,
    "replicas": [{"regionName": "us-east-1", "kmsKeyArn": KEY_ARN}],
}, aws_provider("us-east-1"))  # fmt: skip
SECRET = Resource("aws:secretsmanager/secret:Secret", "db-password", {
    "tags": USER, "replicas": [{"region": "us-east-1"}],
}, aws_provider("us-east-1"))  # fmt: skip
BACKUP_PLAN = Resource("aws:backup/plan:Plan", "plan", {
    "name": "plan", "tags": USER,
    "rules": [{"ruleName": "daily", "targetVaultName": "primary",
               "copyActions": [{"destinationVaultArn": VAULT_ARN}]}],
}, aws_provider("us-east-1"))  # fmt: skip
S3_REPLICATION = Resource("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "repl", {
    "bucket": "user-data", "role": "arn:aws:iam::111122223333:role/r",
    "rules": [{"id": "all", "status": "Enabled", "destination": {
        "bucket": "arn:aws:s3:::user-data-replica",
        "encryptionConfiguration": {"replicaKmsKeyId": KEY_ARN}}}],
}, aws_provider("us-east-1"))  # fmt: skip
RDS_BACKUP_REPLICATION = Resource(
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "rds-bkp",
    {"sourceDbInstanceArn": "arn:aws:rds:us-east-1:111122223333:db:users",
     "kmsKeyId": KEY_ARN},
    aws_provider("us-east-1"),
)  # fmt: skip
OCI_REPLICATION = Resource("oci:ObjectStorage/replicationPolicy:ReplicationPolicy", "repl", {
    "bucket": "user-data", "namespace": "ns", "name": "to-dr",
    "destinationBucketName": "user-data-dr", "destinationRegionName": "us-phoenix-1",
}, oci_provider("us-ashburn-1"))  # fmt: skip
ADB_STANDBY = Resource("oci:Database/autonomousDatabase:AutonomousDatabase", "users-standby", {
    "compartmentId": "ocid1.compartment.oc1..aaaa", "freeformTags": USER,
    "source": "CROSS_REGION_DATAGUARD",
    "sourceId": "ocid1.autonomousdatabase.oc1.iad.aaaa",
}, oci_provider("us-phoenix-1", name="dr"))  # fmt: skip
VOLUME = Resource("oci:Core/volume:Volume", "users-vol", {
    "availabilityDomain": "Uocm:US-ASHBURN-AD-1", "freeformTags": USER,
    "blockVolumeReplicas": [{"availabilityDomain": "Uocm:PHX-AD-1"}],
}, oci_provider("us-ashburn-1"))  # fmt: skip
MYSQL = Resource("oci:Mysql/mysqlDbSystem:MysqlDbSystem", "users-mysql", {
    "freeformTags": USER,
    "backupPolicy": {"copyPolicies": [{"copyToRegion": "us-phoenix-1"}]},
}, oci_provider("us-ashburn-1"))  # fmt: skip
PSQL = Resource("oci:Psql/dbSystem:DbSystem", "users-pg", {
    "freeformTags": USER,
    "managementPolicy": {"backupPolicy": {"copyPolicy": {"regions": ["us-phoenix-1"]}}},
}, oci_provider("us-ashburn-1"))  # fmt: skip
NOSQL = Resource("oci:Nosql/table:Table", "users-nosql", {
    "freeformTags": USER, "replicas": [{"region": "us-chicago-1"}],
}, oci_provider("us-ashburn-1"))  # fmt: skip
OCI_SECRET = Resource("oci:Vault/secret:Secret", "users-secret", {
    "freeformTags": USER,
    "replicationConfig": {"replicationTargets": [
        {"targetRegion": "us-phoenix-1", "targetVaultId": "ocid1.vault.oc1.phx.aaaa",
         "targetKeyId": "ocid1.key.oc1.phx.aaaa"}]},
}, oci_provider("us-ashburn-1"))  # fmt: skip
VOLUME_BACKUP_POLICY = Resource("oci:Core/volumeBackupPolicy:VolumeBackupPolicy", "policy", {
    "compartmentId": "ocid1.compartment.oc1..aaaa", "destinationRegion": "us-phoenix-1",
}, oci_provider("us-ashburn-1"))  # fmt: skip

COMPLIANT = [DYNAMODB, SECRET, BACKUP_PLAN, RDS_BACKUP_REPLICATION,
             OCI_REPLICATION, ADB_STANDBY, VOLUME, MYSQL, PSQL, NOSQL, OCI_SECRET,
             VOLUME_BACKUP_POLICY]  # fmt: skip


@pytest.mark.parametrize("resource", COMPLIANT, ids=lambda r: r.type)
def test_copies_within_allowed_regions_pass(resource):
    assert run(resource) == []


SINGAPORE_KEY = "arn:aws:kms:ap-southeast-1:111122223333:key/1234"
VIOLATIONS = [
    ("dynamodb replica", changed(DYNAMODB, ("replicas", 0, "regionName"), "ap-southeast-1"),
     "ap-southeast-1"),
    ("secret replica", changed(SECRET, ("replicas", 0, "region"), "eu-west-1"), "eu-west-1"),
    ("backup copy action", changed(
        BACKUP_PLAN, ("rules", 0, "copyActions", 0, "destinationVaultArn"),
        VAULT_ARN.replace("us-east-1", "ap-southeast-1")), "ap-southeast-1"),
    ("s3 replica key names the destination region", changed(
        S3_REPLICATION, ("rules", 0, "destination", "encryptionConfiguration",
                         "replicaKmsKeyId"), SINGAPORE_KEY.replace("ap-southeast-1", "eu-west-1")),
     "eu-west-1"),
    ("rds backups replicated into singapore", changed(
        RDS_BACKUP_REPLICATION, ("kmsKeyId",), SINGAPORE_KEY,
        provider=aws_provider("ap-southeast-1")), "ap-southeast-1"),
    ("oci bucket replication", changed(
        OCI_REPLICATION, ("destinationRegionName",), "ap-singapore-1"), "ap-singapore-1"),
    ("cross-region data guard standby", changed(
        ADB_STANDBY, ("compartmentId",), "ocid1.compartment.oc1..aaaa",
        provider=oci_provider("eu-frankfurt-1", name="dr")), "eu-frankfurt-1"),
    ("block volume replica", changed(
        VOLUME, ("blockVolumeReplicas", 0, "availabilityDomain"), "Uocm:SIN-AD-1"),
     "ap-singapore-1"),
    ("mysql backup copy", changed(
        MYSQL, ("backupPolicy", "copyPolicies", 0, "copyToRegion"), "uk-london-1"),
     "uk-london-1"),
    ("postgresql backup copy", changed(
        PSQL, ("managementPolicy", "backupPolicy", "copyPolicy", "regions"),
        ["us-phoenix-1", "ap-tokyo-1"]), "ap-tokyo-1"),
    ("nosql replica", changed(NOSQL, ("replicas", 0, "region"), "ap-mumbai-1"), "ap-mumbai-1"),
    ("secret replication", changed(
        OCI_SECRET, ("replicationConfig", "replicationTargets", 0, "targetRegion"),
        "ca-toronto-1"), "ca-toronto-1"),
    ("volume backup policy", changed(
        VOLUME_BACKUP_POLICY, ("destinationRegion",), "ap-singapore-1"), "ap-singapore-1"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "resource", "region"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_a_copy_outside_the_allowed_regions_is_reported(case, resource, region):
    [d] = run(resource)
    assert f"`{region}`" in d.message and d.urn == resource.resource_urn()
    assert "Fix:" in d.message


def test_non_personal_data_may_be_copied_to_singapore_but_user_data_may_not():
    singapore = changed(DYNAMODB, ("replicas", 0, "regionName"), "ap-southeast-1")
    assert run(changed(singapore, ("tags",), NON_PERSONAL)) == []
    [d] = run(changed(singapore, ("tags",), _DELETE))
    assert "held to us-user-data" in d.message and "missing" in d.message


def test_a_replication_configuration_is_held_to_the_regions_of_some_classification():
    # It has no tags: its data is its source bucket's, which one resource cannot see. Non-personal
    # data may go to Singapore, so the rule leaves that region to residency-data-flow (which
    # follows `bucket` to the source); a region no classification may use is reported here.
    to_singapore = changed(
        S3_REPLICATION,
        ("rules", 0, "destination", "encryptionConfiguration", "replicaKmsKeyId"),
        SINGAPORE_KEY,
    )
    declared = {"destinationRegions": {"arn:aws:s3:::user-data-replica": "ap-southeast-1"}}
    assert run(to_singapore, declared) == []
    tagged_user_data = Resource(
        "aws:s3/bucket:Bucket", "users", {
            "tags": USER, "replicationConfiguration": {"role": "arn:aws:iam::111122223333:role/r",
            "rules": [{"status": "Enabled", "destination": {
                "bucket": "arn:aws:s3:::users-sg", "replicaKmsKeyId": SINGAPORE_KEY}}]}},
        aws_provider("us-east-1"),
    )  # fmt: skip
    [d] = run(tagged_user_data)
    assert "`ap-southeast-1`" in d.message and "us-user-data" in d.message


def test_a_replica_key_does_not_say_where_or_whose_the_destination_bucket_is():
    # The key is in us-east-1 of the stack's own account; the bucket ARN carries no region and
    # no account, so where the copy lands cannot be told: fail closed, and the Fix does not
    # suggest a key as the remedy.
    [d] = run(S3_REPLICATION)
    assert "`rules[0].destination.bucket` = 'arn:aws:s3:::user-data-replica' names no region" in (
        d.message
    )
    assert "does not say where the copy lands" in d.message
    assert d.urn == S3_REPLICATION.resource_urn()
    declared = {"destinationRegions": {"arn:aws:s3:::user-data-replica": "us-east-1"}}
    assert run(S3_REPLICATION, declared) == []


def test_a_destination_bucket_of_this_stack_is_left_to_the_data_flow_rule():
    # Bucket names are global: a bucket the stack declares under that name is its own, and
    # residency-data-flow follows the copy to its region (all values known, as in `pulumi up`).
    replica = Resource("aws:s3/bucketV2:BucketV2", "replica", {
        "bucket": "user-data-replica", "tags": USER,
    }, aws_provider("us-east-1"))  # fmt: skip
    assert analyze(POLICY, S3_REPLICATION, None, STACK_CONFIG) == []
    assert run(S3_REPLICATION, stack=(replica,)) == []
    other = changed(replica, ("bucket",), "someone-elses-replica")
    [d] = run(S3_REPLICATION, stack=(other,))
    assert "names no region" in d.message and d.urn == S3_REPLICATION.resource_urn()
    # A bucket of the stack does not excuse another place at fault in the same copy.
    foreign = changed(S3_REPLICATION, ("rules", 0, "destination", "account"), "999999999999")
    [d] = run(foreign, stack=(replica,))
    assert "AWS account 999999999999" in d.message


def test_a_copy_into_a_foreign_account_is_foreign_even_in_us_east_1():
    foreign = "999999999999"
    owned = changed(S3_REPLICATION, ("rules", 0, "destination", "account"), foreign)
    declared = {"destinationRegions": {"arn:aws:s3:::user-data-replica": "us-east-1"}}
    [d] = run(owned, declared)
    assert f"belongs to AWS account {foreign}, which is not trusted" in d.message
    foreign_key = changed(
        S3_REPLICATION, ("rules", 0, "destination", "encryptionConfiguration", "replicaKmsKeyId"),
        KEY_ARN.replace("111122223333", foreign),
    )  # fmt: skip
    [d] = run(foreign_key, declared)
    assert f"AWS account {foreign}" in d.message
    vault = changed(BACKUP_PLAN, ("rules", 0, "copyActions", 0, "destinationVaultArn"),
                    VAULT_ARN.replace("111122223333", foreign))  # fmt: skip
    [d] = run(vault)
    assert f"AWS account {foreign}" in d.message and "us-east-1" in d.message
    # The platform team may trust more accounts in the policy config.
    assert run(vault, {"trustedAccountIds": ["111122223333", foreign]}) == []


def test_unknown_classification_is_held_to_user_data():
    singapore = changed(SECRET, ("replicas", 0, "region"), "ap-southeast-1")
    [d] = run(changed(singapore, ("tags",), UNKNOWN_STRING))
    assert "unknown during preview" in d.message


def test_a_destination_that_names_no_region_fails_closed_and_says_what_to_set():
    no_key = changed(S3_REPLICATION, ("rules", 0, "destination", "encryptionConfiguration"),
                     _DELETE)  # fmt: skip
    [d] = run(no_key)
    assert "names no region" in d.message and "destinationRegions" in d.message
    declared = {"destinationRegions": {"arn:aws:s3:::user-data-replica": "us-east-1"}}
    assert run(no_key, declared) == []
    declared_abroad = {"destinationRegions": {"arn:aws:s3:::user-data-replica": "eu-west-1"}}
    [d] = run(no_key, declared_abroad)
    assert "`eu-west-1`" in d.message


UNKNOWN_DESTINATIONS = [
    changed(BACKUP_PLAN, ("rules", 0, "copyActions", 0, "destinationVaultArn"), UNKNOWN_STRING),
    changed(DYNAMODB, ("replicas",), UNKNOWN_ARRAY),
    changed(S3_REPLICATION, ("rules", 0, "destination"), {"bucket": UNKNOWN_STRING}),
    changed(OCI_SECRET, ("replicationConfig", "replicationTargets", 0),
            {"targetRegion": UNKNOWN_STRING, "targetVaultId": UNKNOWN_STRING}),
]  # fmt: skip
UNKNOWN_IDS = ["vault arn", "replicas list", "s3 bucket arn", "secret target"]


@pytest.mark.parametrize("resource", UNKNOWN_DESTINATIONS, ids=UNKNOWN_IDS)
def test_unknown_destinations_are_pending_in_preview_visibly(resource, monkeypatch):
    # Preview: the ARN/OCID of a resource created in the same stack. residency-data-flow
    # resolves it through property dependencies; this rule decides in `up`, before the create.
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    [d] = analyze(POLICY, resource, None, STACK_CONFIG)
    assert d.enforcement == "advisory" and "during preview" in d.message
    assert "decided during `pulumi up`" in d.message


@pytest.mark.parametrize("resource", UNKNOWN_DESTINATIONS, ids=UNKNOWN_IDS)
def test_unknown_destinations_outside_preview_fail_closed(resource):
    [d] = run(resource)
    assert "still unknown outside preview: fail closed" in d.message


def test_a_preview_still_reports_what_is_decidable(monkeypatch):
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    resource = changed(BACKUP_PLAN, ("rules", 0, "copyActions"), [
        {"destinationVaultArn": UNKNOWN_STRING},
        {"destinationVaultArn": VAULT_ARN.replace("us-east-1", "eu-west-1")}])  # fmt: skip
    levels = sorted(d.enforcement for d in analyze(POLICY, resource, None, STACK_CONFIG))
    assert levels == ["advisory", "mandatory"]


def test_a_known_part_of_a_partly_unknown_destination_is_still_checked():
    resource = changed(
        OCI_SECRET,
        ("replicationConfig", "replicationTargets", 0),
        {"targetRegion": "ap-singapore-1", "targetVaultId": UNKNOWN_STRING},
    )
    [d] = run(resource)
    assert "`ap-singapore-1`" in d.message


def test_resources_without_copy_fields_and_unset_fields_pass():
    assert (
        run(Resource("aws:s3/bucket:Bucket", "b", {"bucket": "b", "tags": USER}, aws_provider()))
        == []
    )
    assert run(changed(DYNAMODB, ("replicas",), [])) == []


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        # Joins a global datastore named by its id: residency-data-flow follows it in the stack.
        ("aws:elasticache/replicationGroup:ReplicationGroup",
         {"replicationGroupId": "users", "description": "d",
          "globalReplicationGroupId": "ldgnf-users-global", "tags": USER}),
        # Copies an object between buckets named by name: residency-data-flow follows it.
        ("aws:s3/objectCopy:ObjectCopy",
         {"bucket": "users-archive", "key": "k", "source": "users/k", "tags": USER}),
    ],
)  # fmt: skip
def test_copies_between_resources_named_by_name_are_left_to_the_data_flow_rule(
    resource_type: str, props: dict[str, Any]
) -> None:
    assert run(Resource(resource_type, "x", props, aws_provider("us-east-1"))) == []


_EU = aws_provider("eu-west-1", name="eu")


# Flows where this resource receives data (its source is named) or that only the stack's graph
# can judge: residency-data-flow follows them; this rule reports nothing even with the resource
# (and so the copy) outside the allowed regions, which residency-region-allowlist reports.
@pytest.mark.parametrize(
    ("resource_type", "props", "provider"),
    [
        ("aws:s3/objectCopy:ObjectCopy",
         {"bucket": "archive", "key": "k", "source": "users/k"}, _EU),
        ("aws:neptune/globalCluster:GlobalCluster",
         {"globalClusterIdentifier": "g",
          "sourceDbClusterIdentifier": "arn:aws:rds:us-east-1:111122223333:cluster:users"}, _EU),
        ("aws:cloudwatch/logDeliverySource:LogDeliverySource",
         {"name": "s", "logType": "APPLICATION_LOGS",
          "resourceArn": "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/r"}, _EU),
        ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
         {"name": "f", "destination": "extended_s3", "kinesisSourceConfiguration": {
             "kinesisStreamArn": "arn:aws:kinesis:us-east-1:111122223333:stream/s",
             "roleArn": "arn:aws:iam::111122223333:role/r"}}, _EU),
        ("aws:transfer/user:User",
         {"serverId": "s-1", "userName": "u", "role": "arn:aws:iam::111122223333:role/r",
          "homeDirectory": "/partner-bucket/home"}, aws_provider("us-east-1")),
        ("aws:transfer/access:Access",
         {"serverId": "s-1", "externalId": "S-1-1-12", "homeDirectory": "/partner-bucket/home"},
         aws_provider("us-east-1")),
        ("oci:Core/bootVolumeBackup:BootVolumeBackup",
         {"bootVolumeId": "ocid1.bootvolume.oc1.iad.aaaa"}, oci_provider("eu-frankfurt-1")),
        ("aws:opensearch/outboundConnection:OutboundConnection",
         {"connectionAlias": "c", "remoteDomainInfo": {"domainName": "remote", "ownerId":
          "111122223333", "region": "us-east-1"}}, _EU),
        ("aws:cloudwatch/logDelivery:LogDelivery",
         {"deliverySourceName": "s", "deliveryDestinationArn":
          "arn:aws:logs:eu-west-1:111122223333:delivery-destination:d"}, aws_provider("us-east-1")),
        ("aws:sns/topicSubscription:TopicSubscription",
         {"topic": "arn:aws:sns:us-east-1:111122223333:t", "protocol": "sqs",
          "endpoint": "arn:aws:sqs:us-east-1:111122223333:q",
          "redrivePolicy": '{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:111122223333:dlq"}'},
         aws_provider("us-east-1")),
        ("aws:transfer/server:Server",
         {"workflowDetails": {"onUpload": {"workflowId": "w-1234567890abcdef0",
          "executionRole": "arn:aws:iam::111122223333:role/r"}}}, aws_provider("us-east-1")),
        ("oci:Database/autonomousDatabase:AutonomousDatabase",
         {"compartmentId": "ocid1.compartment.oc1..aaaa", "dbName": "db",
          "backupConfigs": [{"manualBackupBucketName": "partner-backups"}]}, oci_provider()),
    ],
)  # fmt: skip
def test_flows_only_the_stack_graph_can_judge_are_not_reported_per_resource(
    resource_type: str, props: dict[str, Any], provider: Any
) -> None:
    assert list(copy_fields.destinations(resource_type, props))  # the catalog reads the flow
    assert run(Resource(resource_type, "x", props, provider)) == []


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        ("aws:rds/cluster:Cluster",
         {"engine": "aurora-mysql", "tags": USER, "replicationSourceIdentifier":
          "arn:aws:rds:eu-west-1:111122223333:cluster:users-eu"}),
        ("aws:rds/snapshotCopy:SnapshotCopy",
         {"targetDbSnapshotIdentifier": "copy", "tags": USER, "sourceDbSnapshotIdentifier":
          "arn:aws:rds:eu-west-1:111122223333:snapshot:users-eu"}),
        ("aws:mq/broker:Broker",
         {"brokerName": "b", "tags": USER, "dataReplicationMode": "CRDR",
          "dataReplicationPrimaryBrokerArn": "arn:aws:mq:eu-west-1:111122223333:broker:b:b-1"}),
    ],
)  # fmt: skip
def test_an_inbound_copy_lands_here_whatever_region_its_source_is_in(
    resource_type: str, props: dict[str, Any]
) -> None:
    # The source (in eu-west-1) is where the data comes from; the copy is this resource.
    assert run(Resource(resource_type, "x", props, aws_provider("us-east-1"))) == []
    [d] = run(Resource(resource_type, "x", props, _EU))
    assert "`eu-west-1`" in d.message and "this resource" in d.message


def test_a_table_replication_is_held_to_the_regions_of_some_classification():
    # No tags: it copies its source table's data, which one resource cannot see (a conduit).
    replication = Resource("aws:s3tables/tableReplication:TableReplication", "repl", {
        "tableArn": "arn:aws:s3tables:us-east-1:111122223333:bucket/b/table/t",
        "role": "arn:aws:iam::111122223333:role/r",
        "rule": {"destinations": [{"destinationTableBucketArn":
                 "arn:aws:s3tables:ap-southeast-1:111122223333:bucket/sg"}]},
    }, aws_provider("us-east-1"))  # fmt: skip
    assert list(copy_fields.destinations(replication.type, replication.props))
    assert run(replication) == []
