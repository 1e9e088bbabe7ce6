"""The catalog of properties through which data leaves a resource for somewhere else.

Every entry names one resource type (pulumi-aws v7 / pulumi-oci 5 token), the property path of
one kind of *copy destination* in it (camelCase, ``[*]`` for every list element), what kind of
flow it is, and which fields of that element say where the data goes:

* ``at`` fields name the destination: a region name, an ARN or OCID (whose region segment
  locates it), an availability-domain name, or a name/id of another resource (located only
  through the stack graph, see :mod:`residency_pack.engine.dataflow`);
* ``hints`` are references the service requires to be in the destination's region (the replica
  KMS key of an S3 replication rule, the cross-region KMS key of a volume replica), so their
  region is the destination's region too;
* ``inbound`` entries name the *source* of the data: the copy is the resource itself (an RDS
  read replica, a KMS replica key, an OCI cross-region Data Guard standby), so it lands in the
  resource's own effective region;
* ``same_region`` marks references the service resolves in the resource's own region (an AWS
  Backup plan's vault name, a bucket-logging target), so a referenced resource outside the
  stack is still located;
* ``source_tags`` names a tag filter that selects the stores being copied (AWS Backup
  selections, DLM policies); a ``source`` value with ``*`` selects every store of the cloud;
* ``source`` names, for configuration resources (an S3 replication configuration, an OCI
  replication policy), the field that references the data store being copied.

``copy_rule`` marks the entries that ``residency-no-cross-region-copy`` checks one resource at a
time; the others (log deliveries, subscriptions, backup selections, membership in a global
database) are flows that only the stack-wide data-flow graph can judge. The catalog is explicit
on purpose: ``tests/pack/flows`` walks every entry through the SDK's own classes, so a renamed
field fails a test instead of silently letting data out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Final

from residency_pack.engine import region_catalog
from residency_pack.engine.effective_region import region_of_reference
from residency_pack.engine.props import UNKNOWN, is_unknown, unwrap
from residency_pack.engine.region_catalog import Cloud

Location = tuple[Cloud, str]


class FlowKind(StrEnum):
    REPLICATION = "replication"
    STANDBY = "standby"
    COPY = "copy"
    BACKUP = "backup"
    RESTORE = "restore"
    EXPORT = "export"
    SUBSCRIPTION = "subscription"


@dataclass(frozen=True)
class CopyField:
    """One property of one resource type through which data is copied somewhere."""

    resource_type: str
    each: str  # path to the destination element(s): "rules[*].destination"; "" = the resource
    flow: FlowKind
    at: tuple[str, ...]  # fields of the element naming the destination (or, inbound, the source)
    hints: tuple[str, ...] = ()  # references the service requires in the destination's region
    inbound: bool = False  # `at` names where the data comes from; the copy is this resource
    source: str | None = None  # field naming the data store being copied (None: this resource)
    source_tags: str | None = None  # field selecting the copied stores by tag (map or list)
    targets: tuple[str, ...] = ()  # type tokens or token prefixes `at` may reference
    copy_rule: bool = True  # checked per resource by residency-no-cross-region-copy
    same_region: bool = False  # the service requires the referenced resource in this region
    # The path is an output the provider computes (the program cannot set it): read when known
    # (after an update it lists what exists), never taken for a destination while unknown.
    computed: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        where = f"{self.each}." if self.each else ""
        return f"{where}{'|'.join(self.at)}"


# Configuration resources that hold no data themselves: a flow passes through them.
CONDUIT_TYPES: Final[frozenset[str]] = frozenset(
    {
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aws:s3tables/tableBucketReplication:TableBucketReplication",
        "aws:s3tables/tableReplication:TableReplication",
        "aws:s3/inventory:Inventory",
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketLoggingV2:BucketLoggingV2",
        "aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination",
        "aws:dynamodb/tableExport:TableExport",
        "aws:rds/exportTask:ExportTask",
        "aws:dsql/clusterPeering:ClusterPeering",
        "aws:redshift/snapshotCopy:SnapshotCopy",
        "aws:redshift/dataShareConsumerAssociation:DataShareConsumerAssociation",
        "aws:opensearch/outboundConnection:OutboundConnection",
        "aws:msk/replicator:Replicator",
        "aws:backup/plan:Plan",
        "aws:backup/selection:Selection",
        "aws:efs/replicationConfiguration:ReplicationConfiguration",
        "aws:dlm/lifecyclePolicy:LifecyclePolicy",
        "aws:ecr/replicationConfiguration:ReplicationConfiguration",
        "aws:cloudwatch/eventEndpoint:EventEndpoint",
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "aws:cloudwatch/logDestination:LogDestination",
        "aws:cloudwatch/logDelivery:LogDelivery",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        "aws:datasync/task:Task",
        "aws:dms/replicationTask:ReplicationTask",
        "aws:cloudtrail/trail:Trail",
        "aws:ssm/resourceDataSync:ResourceDataSync",
        "oci:ObjectStorage/replicationPolicy:ReplicationPolicy",
        "oci:Database/dataGuardAssociation:DataGuardAssociation",
        "oci:Database/autonomousContainerDatabaseAddStandby:AutonomousContainerDatabaseAddStandby",
        "oci:Database/autonomousContainerDatabaseDataguardAssociation:"
        "AutonomousContainerDatabaseDataguardAssociation",
        "oci:Core/volumeBackupPolicy:VolumeBackupPolicy",
        "oci:Core/volumeBackupPolicyAssignment:VolumeBackupPolicyAssignment",
        "oci:FileStorage/replication:Replication",
        "oci:Kms/vaultVerification:VaultVerification",
        "oci:Identity/domainReplicationToRegion:DomainReplicationToRegion",
        "oci:DisasterRecovery/drProtectionGroup:DrProtectionGroup",
        "oci:Sch/connector:Connector",
        "oci:Ons/subscription:Subscription",
    }
)


def _f(resource_type: str, each: str, flow: FlowKind, *at: str, **kwargs: Any) -> CopyField:
    return CopyField(resource_type, each, flow, tuple(at), **kwargs)


R, S, C, B = FlowKind.REPLICATION, FlowKind.STANDBY, FlowKind.COPY, FlowKind.BACKUP
RS, EX, SUB = FlowKind.RESTORE, FlowKind.EXPORT, FlowKind.SUBSCRIPTION

_S3_BUCKETS: Final = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
_OCI_BUCKETS: Final = ("oci:ObjectStorage/bucket:Bucket",)
_RDS: Final = ("aws:rds/",)
_KMS_KEYS: Final = ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/externalKey:")
_DYNAMODB: Final = ("aws:dynamodb/table:Table",)
_OCI_DB: Final = ("oci:Database/",)

# fmt: off
COPY_FIELDS: Final[tuple[CopyField, ...]] = (
    # --- AWS S3 -----------------------------------------------------------------------------
    _f("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "rules[*].destination", R,
       "bucket", hints=("encryptionConfiguration.replicaKmsKeyId",), source="bucket",
       targets=_S3_BUCKETS, note="S3 replication rule destination bucket (ARN has no region)"),
    _f("aws:s3/bucket:Bucket", "replicationConfiguration.rules[*].destination", R, "bucket",
       hints=("replicaKmsKeyId",), targets=_S3_BUCKETS),
    _f("aws:s3/bucketV2:BucketV2", "replicationConfigurations[*].rules[*].destinations[*]", R,
       "bucket", hints=("replicaKmsKeyId",), targets=_S3_BUCKETS),
    _f("aws:s3tables/tableBucketReplication:TableBucketReplication", "rule.destinations[*]", R,
       "destinationTableBucketArn", source="tableBucketArn"),
    _f("aws:s3tables/tableReplication:TableReplication", "rule.destinations[*]", R,
       "destinationTableBucketArn", source="tableArn"),
    _f("aws:s3/inventory:Inventory", "destination.bucket", EX, "bucketArn", source="bucket",
       targets=_S3_BUCKETS, copy_rule=False, same_region=True,
       note="object listing exported to a bucket"),
    _f("aws:s3/bucketLogging:BucketLogging", "", EX, "targetBucket", source="bucket",
       targets=_S3_BUCKETS, copy_rule=False, same_region=True),
    _f("aws:s3/bucketLoggingV2:BucketLoggingV2", "", EX, "targetBucket", source="bucket",
       targets=_S3_BUCKETS, copy_rule=False, same_region=True),
    # --- AWS DynamoDB -----------------------------------------------------------------------
    _f("aws:dynamodb/table:Table", "replicas[*]", R, "regionName", hints=("kmsKeyArn",)),
    _f("aws:dynamodb/table:Table", "globalTableWitness", R, "regionName",
       note="multi-Region strong consistency witness: holds replicated change data"),
    _f("aws:dynamodb/table:Table", "", RS, "restoreSourceTableArn", inbound=True,
       targets=_DYNAMODB),
    _f("aws:dynamodb/table:Table", "importTable.s3BucketSource", RS, "bucket", inbound=True,
       targets=_S3_BUCKETS, copy_rule=False),
    _f("aws:dynamodb/globalTable:GlobalTable", "replicas[*]", R, "regionName"),
    _f("aws:dynamodb/tableReplica:TableReplica", "", R, "globalTableArn", inbound=True,
       targets=_DYNAMODB),
    _f("aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination", "", EX,
       "streamArn", source="tableName"),
    _f("aws:dynamodb/tableExport:TableExport", "", EX, "s3Bucket", source="tableArn",
       targets=_S3_BUCKETS),
    # --- AWS RDS / Aurora / DocumentDB / Neptune ---------------------------------------------
    _f("aws:rds/instance:Instance", "", R, "replicateSourceDb", inbound=True, targets=_RDS,
       note="read replica: cross-region when the source is an ARN of another region"),
    _f("aws:rds/instance:Instance", "restoreToPointInTime", RS, "sourceDbInstanceIdentifier",
       "sourceDbInstanceAutomatedBackupsArn", "sourceDbiResourceId", inbound=True, targets=_RDS),
    _f("aws:rds/instance:Instance", "", RS, "snapshotIdentifier", inbound=True, targets=_RDS,
       copy_rule=False),
    _f("aws:rds/instance:Instance", "s3Import", RS, "bucketName", inbound=True,
       targets=_S3_BUCKETS, copy_rule=False),
    _f("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "", B,
       "sourceDbInstanceArn", inbound=True, targets=_RDS,
       note="automated backups replicated into this resource's region"),
    _f("aws:rds/cluster:Cluster", "", R, "replicationSourceIdentifier", inbound=True,
       targets=_RDS),
    _f("aws:rds/cluster:Cluster", "", R, "globalClusterIdentifier", inbound=True,
       targets=("aws:rds/globalCluster:GlobalCluster",)),
    _f("aws:rds/cluster:Cluster", "", R, "globalClusterIdentifier",
       targets=("aws:rds/globalCluster:GlobalCluster",), copy_rule=False,
       note="a member's writes replicate to every other member of the global cluster"),
    _f("aws:rds/cluster:Cluster", "restoreToPointInTime", RS, "sourceClusterIdentifier",
       inbound=True, targets=_RDS),
    _f("aws:rds/cluster:Cluster", "", RS, "snapshotIdentifier", inbound=True, targets=_RDS,
       copy_rule=False),
    _f("aws:rds/globalCluster:GlobalCluster", "", R, "sourceDbClusterIdentifier", inbound=True,
       targets=_RDS, copy_rule=False),
    _f("aws:rds/snapshotCopy:SnapshotCopy", "", C, "sourceDbSnapshotIdentifier", inbound=True,
       targets=_RDS),
    _f("aws:rds/snapshotCopy:SnapshotCopy", "", C, "destinationRegion"),
    _f("aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy", "", C,
       "sourceDbClusterSnapshotIdentifier", inbound=True, targets=_RDS),
    _f("aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy", "", C, "destinationRegion"),
    _f("aws:rds/exportTask:ExportTask", "", EX, "s3BucketName", source="sourceArn",
       targets=_S3_BUCKETS),
    _f("aws:docdb/cluster:Cluster", "", R, "globalClusterIdentifier", inbound=True,
       targets=("aws:docdb/globalCluster:GlobalCluster",)),
    _f("aws:docdb/cluster:Cluster", "", R, "globalClusterIdentifier",
       targets=("aws:docdb/globalCluster:GlobalCluster",), copy_rule=False),
    _f("aws:docdb/globalCluster:GlobalCluster", "", R, "sourceDbClusterIdentifier",
       inbound=True, copy_rule=False),
    _f("aws:neptune/cluster:Cluster", "", R, "replicationSourceIdentifier", inbound=True,
       targets=("aws:neptune/",)),
    _f("aws:neptune/cluster:Cluster", "", R, "globalClusterIdentifier", inbound=True,
       targets=("aws:neptune/globalCluster:GlobalCluster",)),
    _f("aws:neptune/cluster:Cluster", "", R, "globalClusterIdentifier",
       targets=("aws:neptune/globalCluster:GlobalCluster",), copy_rule=False),
    _f("aws:neptune/globalCluster:GlobalCluster", "", R, "sourceDbClusterIdentifier",
       inbound=True, copy_rule=False),
    _f("aws:dsql/cluster:Cluster", "multiRegionProperties", R, "witnessRegion", "clusters"),
    _f("aws:dsql/clusterPeering:ClusterPeering", "", R, "witnessRegion", "clusters",
       source="identifier"),
    _f("aws:redshift/snapshotCopy:SnapshotCopy", "", C, "destinationRegion",
       source="clusterIdentifier", targets=("aws:redshift/cluster:Cluster",)),
    _f("aws:redshift/dataShareConsumerAssociation:DataShareConsumerAssociation", "", EX,
       "consumerRegion", "consumerArn", source="dataShareArn",
       note="the datashare's data is readable by a consumer in that region"),
    _f("aws:opensearch/outboundConnection:OutboundConnection", "remoteDomainInfo", C,
       "domainName", inbound=True, targets=("aws:opensearch/domain:Domain",), copy_rule=False,
       note="cross-cluster search: the local domain reads the remote domain's data"),
    _f("aws:opensearch/outboundConnection:OutboundConnection", "localDomainInfo", C,
       "domainName", "region", targets=("aws:opensearch/domain:Domain",), copy_rule=False),
    # --- AWS caches, brokers, streams --------------------------------------------------------
    _f("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "", R,
       "primaryReplicationGroupId", inbound=True, copy_rule=False),
    _f("aws:elasticache/replicationGroup:ReplicationGroup", "", R, "globalReplicationGroupId",
       inbound=True, targets=("aws:elasticache/globalReplicationGroup:",)),
    _f("aws:elasticache/replicationGroup:ReplicationGroup", "", R, "globalReplicationGroupId",
       targets=("aws:elasticache/globalReplicationGroup:",), copy_rule=False),
    _f("aws:mq/broker:Broker", "", R, "dataReplicationPrimaryBrokerArn", inbound=True,
       targets=("aws:mq/broker:Broker",)),
    _f("aws:msk/replicator:Replicator", "replicationInfoList", R, "targetKafkaClusterArn",
       source="replicationInfoList.sourceKafkaClusterArn"),
    _f("aws:keyspaces/keyspace:Keyspace", "replicationSpecification", R, "regionLists"),
    # --- AWS Backup, EBS, AMIs, EFS, FSx, DLM ------------------------------------------------
    _f("aws:backup/plan:Plan", "rules[*].copyActions[*]", B, "destinationVaultArn",
       note="backup copy action: destination vault ARN carries its region"),
    _f("aws:backup/plan:Plan", "rules[*]", B, "targetVaultName",
       targets=("aws:backup/vault:Vault",), copy_rule=False, same_region=True),
    _f("aws:backup/plan:Plan", "rules[*]", B, "targetLogicallyAirGappedBackupVaultArn"),
    _f("aws:backup/selection:Selection", "", B, "planId", source="resources",
       source_tags="selectionTags", targets=("aws:backup/plan:Plan",), copy_rule=False,
       note="the selected resources are backed up by the plan", same_region=True),
    _f("aws:ebs/snapshotCopy:SnapshotCopy", "", C, "sourceSnapshotId", inbound=True,
       targets=("aws:ebs/",)),
    _f("aws:ebs/volumeCopy:VolumeCopy", "", C, "sourceVolumeId", inbound=True,
       targets=("aws:ebs/",)),
    _f("aws:ebs/snapshot:Snapshot", "", B, "volumeId", inbound=True, copy_rule=False),
    _f("aws:ebs/volume:Volume", "", RS, "snapshotId", inbound=True, copy_rule=False),
    _f("aws:ec2/amiCopy:AmiCopy", "", C, "sourceAmiId", inbound=True),
    _f("aws:efs/replicationConfiguration:ReplicationConfiguration", "destination", R, "region",
       "fileSystemId", hints=("kmsKeyId",), source="sourceFileSystemId",
       targets=("aws:efs/fileSystem:FileSystem",)),
    _f("aws:fsx/backup:Backup", "", B, "fileSystemId", "volumeId", inbound=True,
       copy_rule=False),
    _f("aws:dlm/lifecyclePolicy:LifecyclePolicy",
       "policyDetails.schedules[*].crossRegionCopyRules[*]", C, "target", "targetRegion",
       hints=("cmkArn",), source_tags="policyDetails.targetTags",
       note="EBS snapshot / AMI copy rule"),
    _f("aws:dlm/lifecyclePolicy:LifecyclePolicy", "policyDetails.action.crossRegionCopies[*]", C,
       "target", hints=("encryptionConfiguration.cmkArn",), source_tags="policyDetails.targetTags"),
    # --- AWS keys and secrets ----------------------------------------------------------------
    _f("aws:kms/replicaKey:ReplicaKey", "", R, "primaryKeyArn", inbound=True,
       targets=_KMS_KEYS),
    _f("aws:kms/replicaExternalKey:ReplicaExternalKey", "", R, "primaryKeyArn", inbound=True,
       targets=_KMS_KEYS),
    _f("aws:secretsmanager/secret:Secret", "replicas[*]", R, "region", hints=("kmsKeyId",)),
    _f("aws:ecr/replicationConfiguration:ReplicationConfiguration",
       "replicationConfiguration.rules[*].destinations[*]", R, "region"),
    _f("aws:ssmincidents/replicationSet:ReplicationSet", "regions[*]", R, "name",
       hints=("kmsKeyArn",)),
    # --- AWS events, logs, streams, subscriptions (data-flow graph) ---------------------------
    _f("aws:cloudwatch/eventEndpoint:EventEndpoint", "routingConfig.failoverConfig.secondary", R,
       "route", note="global endpoint fails events over to this region"),
    _f("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "", SUB, "destinationArn",
       source="logGroup", targets=("aws:kinesis/", "aws:lambda/", "aws:cloudwatch/logDest")),
    _f("aws:cloudwatch/logDestination:LogDestination", "", SUB, "targetArn"),
    _f("aws:cloudwatch/logDelivery:LogDelivery", "", EX, "deliveryDestinationArn",
       copy_rule=False),
    _f("aws:sns/topicSubscription:TopicSubscription", "", SUB, "endpoint", source="topic",
       copy_rule=False, note="http(s)/email/sms endpoints leave the stack: unresolvable"),
    _f("aws:lambda/eventSourceMapping:EventSourceMapping", "", SUB, "functionName",
       source="eventSourceArn", targets=("aws:lambda/function:Function",), copy_rule=False,
       same_region=True),
    _f("aws:lambda/eventSourceMapping:EventSourceMapping", "destinationConfig.onFailure", SUB,
       "destinationArn", source="eventSourceArn", copy_rule=False),
    _f("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
       "destinationConfig.onSuccess", SUB, "destination", source="functionName", copy_rule=False),
    _f("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
       "destinationConfig.onFailure", SUB, "destination", source="functionName", copy_rule=False),
    _f("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "extendedS3Configuration", EX,
       "bucketArn", targets=_S3_BUCKETS, copy_rule=False),
    _f("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "httpEndpointConfiguration",
       EX, "url", copy_rule=False),
    _f("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "opensearchConfiguration", EX,
       "domainArn", copy_rule=False),
    _f("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
       "redshiftConfiguration.s3Configuration", EX, "bucketArn", targets=_S3_BUCKETS,
       copy_rule=False),
    _f("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "kinesisSourceConfiguration",
       SUB, "kinesisStreamArn", inbound=True, copy_rule=False),
    _f("aws:datasync/task:Task", "", C, "destinationLocationArn", source="sourceLocationArn"),
    _f("aws:dms/replicationTask:ReplicationTask", "", C, "targetEndpointArn",
       source="sourceEndpointArn", copy_rule=False),
    _f("aws:cloudtrail/trail:Trail", "", EX, "s3BucketName", targets=_S3_BUCKETS,
       copy_rule=False),
    _f("aws:ssm/resourceDataSync:ResourceDataSync", "s3Destination", EX, "region", "bucketName",
       targets=_S3_BUCKETS, copy_rule=False),
    # --- OCI Object Storage -------------------------------------------------------------------
    _f("oci:ObjectStorage/replicationPolicy:ReplicationPolicy", "", R, "destinationRegionName",
       "destinationBucketName", source="bucket", targets=_OCI_BUCKETS),
    _f("oci:ObjectStorage/storageObject:StorageObject", "sourceUriDetails", C, "bucket",
       inbound=True, targets=_OCI_BUCKETS, copy_rule=False),
    # --- OCI databases -----------------------------------------------------------------------
    _f("oci:Database/autonomousDatabase:AutonomousDatabase", "", S, "sourceId", inbound=True,
       targets=_OCI_DB, note="source CROSS_REGION_DATAGUARD / clone / refreshable clone: the "
       "standby or clone is this resource, in its provider's region"),
    _f("oci:Database/autonomousDatabase:AutonomousDatabase", "", RS, "autonomousDatabaseId",
       "autonomousDatabaseBackupId", inbound=True, targets=_OCI_DB),
    _f("oci:Database/autonomousDatabase:AutonomousDatabase", "backupConfigs[*]", B,
       "manualBackupBucketName", targets=_OCI_BUCKETS, copy_rule=False, same_region=True,
       computed=True),
    _f("oci:Database/autonomousDatabaseBackup:AutonomousDatabaseBackup",
       "backupDestinationDetails", B, "remoteRegion", "id", source="autonomousDatabaseId"),
    _f("oci:Database/autonomousContainerDatabase:AutonomousContainerDatabase", "", S,
       "peerCloudAutonomousVmClusterId", "peerAutonomousVmClusterId",
       "peerAutonomousExadataInfrastructureId"),
    _f("oci:Database/autonomousContainerDatabase:AutonomousContainerDatabase",
       "backupConfig.backupDestinationDetails[*]", B, "remoteRegion", "id"),
    _f("oci:Database/autonomousContainerDatabase:AutonomousContainerDatabase",
       "peerAutonomousContainerDatabaseBackupConfig.backupDestinationDetails[*]", B,
       "remoteRegion", "id"),
    _f("oci:Database/autonomousContainerDatabaseAddStandby:AutonomousContainerDatabaseAddStandby",
       "", S, "peerCloudAutonomousVmClusterId", "peerAutonomousVmClusterId",
       source="autonomousContainerDatabaseId"),
    _f("oci:Database/autonomousContainerDatabaseDataguardAssociation:"
       "AutonomousContainerDatabaseDataguardAssociation", "", S,
       "peerCloudAutonomousVmClusterId", "peerAutonomousVmClusterId",
       source="autonomousContainerDatabaseId"),
    _f("oci:Database/autonomousContainerDatabaseDataguardAssociation:"
       "AutonomousContainerDatabaseDataguardAssociation",
       "peerAutonomousContainerDatabaseBackupConfig.backupDestinationDetails[*]", B,
       "remoteRegion", "id", source="autonomousContainerDatabaseId"),
    _f("oci:Database/dataGuardAssociation:DataGuardAssociation", "", S, "peerDbSystemId",
       "peerVmClusterId", "peerDbHomeId", "availabilityDomain", source="databaseId",
       note="the standby's DB system, VM cluster or (new DB system) availability domain"),
    _f("oci:Database/database:Database", "database.dbBackupConfig.backupDestinationDetails[*]",
       B, "remoteRegion", "id"),
    _f("oci:Database/dbHome:DbHome", "database.dbBackupConfig.backupDestinationDetails[*]", B,
       "remoteRegion", "id"),
    _f("oci:Database/dbSystem:DbSystem",
       "dbHome.database.dbBackupConfig.backupDestinationDetails[*]", B, "remoteRegion", "id"),
    _f("oci:Database/database:Database", "database", RS, "sourceDatabaseId", "backupId",
       inbound=True, targets=_OCI_DB),
    _f("oci:Mysql/mysqlDbSystem:MysqlDbSystem", "backupPolicy.copyPolicies[*]", B,
       "copyToRegion"),
    _f("oci:Mysql/mysqlDbSystem:MysqlDbSystem", "source", RS, "backupId", "dbSystemId",
       inbound=True, targets=("oci:Mysql/",)),
    _f("oci:Mysql/mysqlBackup:MysqlBackup", "", B, "dbSystemId", inbound=True,
       targets=("oci:Mysql/",)),
    _f("oci:Mysql/mysqlBackup:MysqlBackup", "sourceDetails", C, "backupId", inbound=True,
       targets=("oci:Mysql/",)),
    _f("oci:Mysql/replica:Replica", "", R, "dbSystemId", inbound=True, targets=("oci:Mysql/",)),
    _f("oci:Psql/dbSystem:DbSystem", "managementPolicy.backupPolicy.copyPolicy", B, "regions"),
    _f("oci:Psql/dbSystem:DbSystem", "source", RS, "backupId", "dbSystemId",
       "primaryDbSystemId", inbound=True, targets=("oci:Psql/",)),
    _f("oci:Psql/backup:Backup", "", B, "dbSystemId", inbound=True, targets=("oci:Psql/",)),
    _f("oci:Psql/backup:Backup", "sourceBackupDetails", C, "sourceBackupId", inbound=True,
       targets=("oci:Psql/",)),
    _f("oci:Nosql/table:Table", "replicas[*]", R, "region", computed=True,
       note="lists the table's replicas (each one an oci:Nosql/tableReplica)"),
    _f("oci:Nosql/tableReplica:TableReplica", "", R, "region", source="tableNameOrId",
       targets=("oci:Nosql/table:Table",)),
    _f("oci:Redis/redisCluster:RedisCluster", "", R, "primaryClusterId", "backupId",
       inbound=True, targets=("oci:Redis/",)),
    _f("oci:Redis/redisCluster:RedisCluster",
       "clusterReplicationTopologies[*].secondaryClusters[*]", R, "region", "ociCacheClusterId",
       computed=True),
    # --- OCI block and boot volumes ----------------------------------------------------------
    _f("oci:Core/volume:Volume", "blockVolumeReplicas[*]", R, "availabilityDomain",
       hints=("xrrKmsKeyId",)),
    _f("oci:Core/volume:Volume", "sourceDetails", RS, "id", inbound=True, targets=("oci:Core/",)),
    _f("oci:Core/bootVolume:BootVolume", "bootVolumeReplicas[*]", R, "availabilityDomain",
       hints=("xrrKmsKeyId",)),
    _f("oci:Core/bootVolume:BootVolume", "sourceDetails", RS, "id", inbound=True,
       targets=("oci:Core/",)),
    _f("oci:Core/volumeGroup:VolumeGroup", "volumeGroupReplicas[*]", R, "availabilityDomain",
       hints=("xrrKmsKeyId",)),
    _f("oci:Core/volumeGroup:VolumeGroup", "sourceDetails", RS, "volumeGroupBackupId",
       "volumeGroupId", "volumeGroupReplicaId", "volumeIds", inbound=True,
       targets=("oci:Core/",)),
    _f("oci:Core/volumeBackupPolicy:VolumeBackupPolicy", "", B, "destinationRegion",
       note="scheduled backups are also copied to this region"),
    _f("oci:Core/volumeBackupPolicyAssignment:VolumeBackupPolicyAssignment", "", B, "policyId",
       source="assetId", targets=("oci:Core/volumeBackupPolicy:VolumeBackupPolicy",),
       copy_rule=False, same_region=True, note="the asset is backed up under the policy"),
    _f("oci:Core/volumeBackup:VolumeBackup", "sourceDetails", C, "volumeBackupId", inbound=True,
       targets=("oci:Core/volumeBackup:VolumeBackup",), note="cross-region backup copy"),
    _f("oci:Core/volumeBackup:VolumeBackup", "", B, "volumeId", inbound=True,
       targets=("oci:Core/volume:Volume",), copy_rule=False),
    _f("oci:Core/bootVolumeBackup:BootVolumeBackup", "sourceDetails", C, "bootVolumeBackupId",
       inbound=True, targets=("oci:Core/bootVolumeBackup:BootVolumeBackup",)),
    _f("oci:Core/bootVolumeBackup:BootVolumeBackup", "", B, "bootVolumeId", inbound=True,
       targets=("oci:Core/bootVolume:BootVolume",), copy_rule=False),
    _f("oci:Core/volumeGroupBackup:VolumeGroupBackup", "sourceDetails", C, "volumeGroupBackupId",
       inbound=True, targets=("oci:Core/volumeGroupBackup:VolumeGroupBackup",)),
    _f("oci:Core/volumeGroupBackup:VolumeGroupBackup", "", B, "volumeGroupId", inbound=True,
       targets=("oci:Core/volumeGroup:VolumeGroup",), copy_rule=False),
    # --- OCI file storage, vaults, secrets, identity, DR --------------------------------------
    _f("oci:FileStorage/replication:Replication", "", R, "targetId", source="sourceId",
       targets=("oci:FileStorage/fileSystem:FileSystem",)),
    _f("oci:Kms/vaultVerification:VaultVerification", "", R, "replicaRegion", source="vaultId",
       targets=("oci:Kms/vault:Vault",), note="creates a replica of the vault and its keys"),
    _f("oci:Vault/secret:Secret", "replicationConfig.replicationTargets[*]", R, "targetRegion",
       "targetVaultId", hints=("targetKeyId",)),
    _f("oci:Identity/domainReplicationToRegion:DomainReplicationToRegion", "", R,
       "replicaRegion", source="domainId"),
    _f("oci:DisasterRecovery/drProtectionGroup:DrProtectionGroup", "association", R,
       "peerRegion", "peerId"),
    # --- OCI connectors and notifications (data-flow graph) ----------------------------------
    _f("oci:GoldenGate/connection:Connection", "", R, "region",
       note="the Object Storage endpoint GoldenGate replicates to or from"),
    _f("oci:GoldenGate/connection:Connection", "storage", R, "region", "bucket",
       note="the object storage an Iceberg connection writes replicated data to"),
    _f("oci:Sch/connector:Connector", "target", EX, "bucket", "streamId", "functionId",
       "logGroupId", "topicId", source="source.streamId", copy_rule=False, same_region=True),
    _f("oci:Ons/subscription:Subscription", "", SUB, "endpoint", source="topicId",
       copy_rule=False),
)
# fmt: on


@cache
def _by_type() -> Mapping[str, tuple[CopyField, ...]]:
    index: dict[str, list[CopyField]] = {}
    for entry in COPY_FIELDS:
        index.setdefault(entry.resource_type, []).append(entry)
    return {t: tuple(entries) for t, entries in index.items()}


def fields_for(resource_type: str) -> tuple[CopyField, ...]:
    """The catalog entries of ``resource_type`` (empty if it copies data nowhere)."""
    return _by_type().get(resource_type, ())


def covered_types() -> frozenset[str]:
    return frozenset(_by_type())


# --- reading the catalog's paths out of a property bag ----------------------------------------


def split_path(path: str) -> tuple[str, ...]:
    """``"rules[*].destination"`` -> ``("rules", "*", "destination")``."""
    steps: list[str] = []
    for part in path.split(".") if path else []:
        name, _, rest = part.partition("[")
        if name:
            steps.append(name)
        steps.extend("*" for _ in range(rest.count("*]")))
    return tuple(steps)


def _display(steps: tuple[str | int, ...]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def walk(value: Any, steps: tuple[str, ...], prefix: tuple[str | int, ...] = ()) -> Iterator[
    tuple[tuple[str | int, ...], Any]
]:
    """Every ``(concrete path, value)`` that ``steps`` reaches in ``value``; ``*`` expands a
    list (a single object counts as a one-element list). Missing values yield nothing; an
    unknown one yields :data:`UNKNOWN` at the path where it was met."""
    if is_unknown(value):
        yield prefix, UNKNOWN
        return
    if value is None:
        return
    if not steps:
        yield prefix, value
        return
    step, rest = steps[0], steps[1:]
    if step == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, rest, (*prefix, index))
        elif isinstance(value, Mapping):
            yield from walk(value, rest, prefix)
        return
    if isinstance(value, list):  # an object the SDK encodes as a one-element list
        for index, item in enumerate(value):
            yield from walk(item, steps, (*prefix, index))
        return
    if isinstance(value, Mapping):
        yield from walk(value.get(step), rest, (*prefix, step))


def strings_at(element: Any, field: str) -> Iterator[tuple[str, Any]]:
    """``(path, value)`` for the value(s) of ``field`` in ``element``: a string, or each string
    of a list of strings; unknowns as :data:`UNKNOWN`. Non-string leaves are skipped."""
    for path, value in walk(element, split_path(field)):
        if value is UNKNOWN or isinstance(value, str):
            yield _display(path), value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if item is UNKNOWN or isinstance(item, str):
                    yield _display((*path, index)), item


_AD_NAME: Final = re.compile(r"^(?:[A-Za-z0-9_-]+:)?([A-Za-z][A-Za-z0-9-]*?)-AD-\d+$")


def _availability_domain(text: str) -> Location | None:
    """The region of an OCI availability-domain name, whichever form it takes: the region key
    (``Uocm:PHX-AD-1``) or the upper-cased region name, with or without its number
    (``Uocm:US-ASHBURN-AD-1``, ``Uocm:US-CHICAGO-1-AD-1``)."""
    match = _AD_NAME.match(text)
    if not match:
        return None
    name = match.group(1).lower()
    found = (
        region_catalog.oci_region_by_key(name)
        or region_catalog.lookup("oci", name)
        or region_catalog.lookup("oci", f"{name}-1")
    )
    return ("oci", found.name) if found else None


def locate(cloud: Cloud | None, value: str) -> Location | None:
    """The region a destination value names: a region name (or OCI region key) of ``cloud``,
    or the region inside an ARN, OCID or availability-domain name. None if it names none."""
    text = value.strip()
    if cloud is not None:
        found = region_catalog.lookup(cloud, text)
        if found is None and cloud == "oci":
            found = region_catalog.oci_region_by_key(text)
        if found is not None:
            return cloud, found.name
    return region_of_reference(text) or _availability_domain(text)


@dataclass(frozen=True)
class Destination:
    """Where one element of one catalog entry sends data, as far as the bag itself tells."""

    field: CopyField
    path: str  # display path of the element ("rules[0].destination")
    values: tuple[tuple[str, str], ...]  # (field path, value) of every known `at` value
    regions: tuple[tuple[str, Location], ...]  # (field path, location) located without the stack
    unlocated: tuple[tuple[str, str], ...]  # known `at` values that name no region
    unknown: tuple[str, ...]  # field paths whose value is unknown (preview)

    @property
    def empty(self) -> bool:
        return not (self.values or self.unknown)


def destinations(resource_type: str, props: Any, *, copy_rule_only: bool = False) -> Iterator[
    Destination
]:
    """Every copy destination (or, for inbound entries, copy source) the bag names.

    ``props`` is a bag as :func:`~residency_pack.engine.props.unwrap` returns it; a proxied
    bag is unwrapped first."""
    if not isinstance(props, dict):
        props = unwrap(props)
    cloud = region_catalog_cloud(resource_type)
    for entry in fields_for(resource_type):
        if copy_rule_only and not entry.copy_rule:
            continue
        for element_path, element in walk(props, split_path(entry.each)):
            prefix = _display(element_path)
            values: list[tuple[str, str]] = []
            regions: list[tuple[str, Location]] = []
            unlocated: list[tuple[str, str]] = []
            unknown: list[str] = []

            def full(path: str, prefix: str = prefix) -> str:
                return f"{prefix}.{path}" if prefix and path else (prefix or path)

            if element is UNKNOWN:
                if not entry.computed:
                    unknown.append(prefix or entry.each or ",".join(entry.at))
            else:
                for name in entry.at:
                    for path, value in strings_at(element, name):
                        if value is UNKNOWN:
                            if not entry.computed:
                                unknown.append(full(path))
                            continue
                        if not value.strip():
                            continue
                        values.append((full(path), value))
                        location = locate(cloud, value)
                        if location is None:
                            unlocated.append((full(path), value))
                        else:
                            regions.append((full(path), location))
                if values or unknown:
                    for name in entry.hints:
                        for path, value in strings_at(element, name):
                            if isinstance(value, str) and (hint := region_of_reference(value)):
                                regions.append((full(path), hint))
            destination = Destination(
                entry, prefix, tuple(values), tuple(regions), tuple(unlocated), tuple(unknown)
            )
            if not destination.empty:
                yield destination


def region_catalog_cloud(resource_type: str) -> Cloud | None:
    if resource_type.startswith("aws:"):
        return "aws"
    if resource_type.startswith("oci:"):
        return "oci"
    return None


def source_values(entry: CopyField, props: Any) -> Iterator[tuple[str, Any]]:
    """``(path, value)`` of the entry's ``source`` field(s); unknowns as :data:`UNKNOWN`."""
    if entry.source is None:
        return
    yield from strings_at(props, entry.source)


def matches_target(entry: CopyField, resource_type: str) -> bool:
    """True if ``resource_type`` is one the entry's references may name."""
    return not entry.targets or any(resource_type.startswith(t) for t in entry.targets)


def _matches(pattern: tuple[str, ...], path: tuple[str | int, ...]) -> bool:
    """True if ``path`` (concrete: list indexes as ints) starts with ``pattern`` (``*`` for
    any index; a list index in ``path`` may also stand where the pattern has none, for the
    one-element lists the SDK uses for objects)."""
    steps = [s for s in path if not isinstance(s, int)]
    names = [s for s in pattern if s != "*"]
    return steps[: len(names)] == names


def is_destination_field(resource_type: str, path: tuple[str | int, ...]) -> bool:
    """True if ``path`` in a bag of ``resource_type`` is (or is inside) a copy destination of
    the catalog: a location there says where a *copy* goes (a volume replica's availability
    domain), not where the resource itself is, so effective-region readers should skip it."""
    for entry in fields_for(resource_type):
        if entry.inbound:
            continue
        each = split_path(entry.each)
        for name in (*entry.at, *entry.hints):
            if _matches(each + split_path(name), path):
                return True
    return False


def source_tag_filter(entry: CopyField, props: Any) -> list[tuple[str, str | None]] | None:
    """The ``(key, value)`` tag pairs that select the entry's source stores (a value of None
    matches any value of the key), UNKNOWN-free; None if the entry selects by no tags. A
    selection whose tags are unknown selects by key only where known, else every key (``[("",
    None)]`` matches any tagged store): fail closed."""
    if entry.source_tags is None:
        return None
    value = next((v for _, v in walk(props, split_path(entry.source_tags))), None)
    if value is None:
        return None
    if value is UNKNOWN:
        return [("", None)]
    pairs: list[tuple[str, str | None]] = []
    if isinstance(value, Mapping):  # DLM: {key: value}
        for key, tag in value.items():
            pairs.append((str(key), tag if isinstance(tag, str) else None))
    elif isinstance(value, list):  # AWS Backup: [{type, key, value}]
        for item in value:
            if not isinstance(item, Mapping):
                pairs.append(("", None))
                continue
            key, tag, kind = item.get("key"), item.get("value"), item.get("type")
            if not isinstance(key, str):
                pairs.append(("", None))
            elif kind == "STRINGEQUALS" and isinstance(tag, str):
                pairs.append((key, tag))
            else:
                pairs.append((key, None))
    return pairs
