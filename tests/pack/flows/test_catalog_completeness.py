"""The copy-field catalog against the providers' schemas: every settable property of a data
service whose name says replication, copy, peer/standby or a destination region is either in
the catalog or reviewed here with the reason it moves no data to another place. A provider
upgrade that adds such a field fails this test until someone decides which it is."""

from __future__ import annotations

import re

from residency_pack.engine import copy_fields, type_catalog

from .sdk_schema import input_paths, token_index

CANDIDATE = re.compile(
    r"(replica|replicat|copyTo|copies|crossRegion|destinationRegion|targetRegion|remoteRegion"
    r"|peerRegion|sourceRegion|regionName$|^regions?$|Regions?$|witnessRegion|copyAction"
    r"|dataguard|consumerRegion)",
    re.IGNORECASE,
)

SOURCE = "where the data comes from, not where it goes (the copy lands in this resource)"
SETTING = "a replication setting (count, mode, timing, switch), not a place"
IDENTIFIER = "an identifier or description of the resource itself"
SAME_REGION = "replicas inside the resource's own region (availability zones, outposts)"

LOCATION = "where the resource itself is (a location field of its type catalog entry)"
ADDRESS = "a postal address of a user, not a place data goes"

REVIEWED: dict[str, dict[str, str]] = {
    "aws:cfg/configurationAggregator:ConfigurationAggregator": {
        "accountAggregationSource.allRegions": SOURCE,
        "accountAggregationSource.regions": SOURCE,
        "organizationAggregationSource.allRegions": SOURCE,
        "organizationAggregationSource.regions": SOURCE,
    },
    "aws:cloudsearch/domain:Domain": {"scalingParameters.desiredReplicationCount": SETTING},
    "aws:directoryservice/serviceRegion:ServiceRegion": {"regionName": LOCATION},
    "aws:dms/replicationInstance:ReplicationInstance": {
        "replicationInstanceClass": SETTING,
        "replicationInstanceId": IDENTIFIER,
        "replicationSubnetGroupId": "the instance's own subnets",
    },
    "aws:identitystore/user:User": {"addresses.region": ADDRESS},
    "aws:neptunegraph/graph:Graph": {"replicaCount": SAME_REGION},
    "aws:odb/autonomousDatabase:AutonomousDatabase": {
        "isLocalDataGuardEnabled": SAME_REGION,
        "sourceConfiguration.crossRegionDisasterRecovery.isReplicateAutomaticBackups": SETTING,
    },
    "aws:securitylake/dataLake:DataLake": {"configuration.region": LOCATION},
    "aws:ssoadmin/region:Region": {"regionName": LOCATION},
    "oci:Blockchain/blockchainPlatform:BlockchainPlatform": {"replicas": SETTING},
    "oci:GenerativeAi/importedModel:ImportedModel": {"dataSource.region": SOURCE},
    "oci:DataSafe/targetDatabasePeerTargetDatabase:TargetDatabasePeerTargetDatabase": {
        "dataguardAssociationId": "registers a standby for security assessment; copies no data",
    },
    "oci:Identity/domain:Domain": {"homeRegion": LOCATION},
    "oci:Identity/domainsUser:DomainsUser": {"addresses.region": ADDRESS},
    "oci:Ocvp/cluster:Cluster": {"networkConfiguration.replicationVlanId": IDENTIFIER},
    "oci:Ocvp/sddc:Sddc": {
        "initialConfigurations.initialClusterConfigurations.networkConfiguration"
        ".replicationVlanId": IDENTIFIER,
        "replicationVlanId": IDENTIFIER,
    },
    "oci:Tenantmanagercontrolplane/childTenancy:ChildTenancy": {
        "homeRegion": "the home region of a new, empty tenancy; no data is copied there",
    },
    "oci:oci/dbmulticloudOracleDbAwsKey:DbmulticloudOracleDbAwsKey": {
        "targetRegion": "where the key lives in the other cloud (key locality judges keys)",
    },
    "oci:oci/dbmulticloudOracleDbAzureVault:DbmulticloudOracleDbAzureVault": {
        "targetRegion": "where the vault lives in the other cloud (key locality judges keys)",
    },
    "oci:oci/dbmulticloudOracleDbGcpKeyRing:DbmulticloudOracleDbGcpKeyRing": {
        "targetRegion": "where the key ring lives in the other cloud (key locality judges keys)",
    },
    "aws:glue/catalogDatabase:CatalogDatabase": {
        "targetDatabase.region": "a resource link: metadata pointing at a catalog elsewhere",
    },
    "aws:glue/catalogTable:CatalogTable": {
        "targetTable.region": "a resource link: metadata pointing at a catalog elsewhere",
    },
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
        "extendedS3Configuration.dataFormatConversionConfiguration.schemaConfiguration.region":
        "where the Glue schema used to convert records is read from; no records go there",
    },
    "aws:opensearch/outboundConnection:OutboundConnection": {"remoteDomainInfo.region": SOURCE},
    "aws:s3control/multiRegionAccessPointRoutes:MultiRegionAccessPointRoutes": {
        "routes.region": "request routing between buckets that exist already; moves no data",
    },
    "oci:Core/bootVolumeBackup:BootVolumeBackup": {"sourceDetails.region": SOURCE},
    "oci:Core/volumeBackup:VolumeBackup": {"sourceDetails.region": SOURCE},
    "oci:Core/volumeGroupBackup:VolumeGroupBackup": {"sourceDetails.region": SOURCE},
    "oci:GoldenGate/connection:Connection": {
        "artifactLocation.configuration.region": "where connector libraries are read from",
        "authDetails.region": "the region of the identity endpoint used to authenticate",
    },
    "oci:Mysql/mysqlBackup:MysqlBackup": {
        "sourceDetails.region": SOURCE,
        "dbSystemSnapshotSummaries.region": "a summary of the backed-up DB system",
    },
    "oci:Mysql/mysqlDbSystem:MysqlDbSystem": {"source.region": SOURCE},
    "oci:ObjectStorage/storageObject:StorageObject": {"sourceUriDetails.region": SOURCE},
    "aws:backup/reportPlan:ReportPlan": {
        "reportSetting.regions": "regions a compliance report covers; no backup data moves",
    },
    "aws:cloudwatch/eventEndpoint:EventEndpoint": {
        "replicationConfig": "switches event replication to the secondary region, which "
        "routingConfig names (catalogued)",
    },
    "aws:dax/cluster:Cluster": {"replicationFactor": SETTING},
    "aws:datasync/locationHdfs:LocationHdfs": {"replicationFactor": SETTING},
    "aws:dms/endpoint:Endpoint": {"pauseReplicationTasks": SETTING},
    "aws:dms/replicationConfig:ReplicationConfig": {
        "computeConfig.replicationSubnetGroupId": "the network the replication runs in",
        "replicationConfigIdentifier": IDENTIFIER,
        "replicationType": SETTING,
        "replicationSettings": SETTING,
        "startReplication": SETTING,
    },
    "aws:dms/replicationTask:ReplicationTask": {
        "replicationInstanceArn": "the instance running the task, in the task's region",
        "replicationTaskId": IDENTIFIER,
        "replicationTaskSettings": SETTING,
        "startReplicationTask": SETTING,
    },
    "aws:ebs/snapshotCopy:SnapshotCopy": {"sourceRegion": SOURCE},
    "aws:ec2/amiCopy:AmiCopy": {"sourceAmiRegion": SOURCE},
    "aws:efs/fileSystem:FileSystem": {"protection.replicationOverwrite": SETTING},
    "aws:elasticache/cluster:Cluster": {"replicationGroupId": "membership of a replication "
                                        "group in the same region"},
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": {
        "globalReplicationGroupIdSuffix": IDENTIFIER,
        "globalReplicationGroupDescription": IDENTIFIER,
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        "nodeGroupConfigurations.replicaAvailabilityZones": SAME_REGION,
        "nodeGroupConfigurations.replicaCount": SETTING,
        "nodeGroupConfigurations.replicaOutpostArns": SAME_REGION,
        "replicasPerNodeGroup": SETTING,
        "replicationGroupId": IDENTIFIER,
    },
    "aws:keyspaces/keyspace:Keyspace": {
        "replicationSpecification.replicationStrategy": SETTING,
    },
    "aws:kms/externalKey:ExternalKey": {
        "multiRegion": "makes the key replicable; replicas are aws:kms/replicaExternalKey "
        "(catalogued)",
    },
    "aws:kms/key:Key": {
        "multiRegion": "makes the key replicable; replicas are aws:kms/replicaKey (catalogued)",
    },
    "aws:memorydb/cluster:Cluster": {"numReplicasPerShard": SETTING},
    "aws:mq/broker:Broker": {
        "dataReplicationMode": SETTING,
        "users.replicationUser": "a broker user flag",
    },
    "aws:msk/replicator:Replicator": {
        "replicationInfoList.consumerGroupReplications": SETTING,
        "replicationInfoList.consumerGroupReplications.consumerGroupsToReplicates": SETTING,
        "replicationInfoList.topicReplications": SETTING,
        "replicationInfoList.topicReplications.topicsToReplicates": SETTING,
        "replicationInfoList.topicReplications.copyTopicConfigurations": SETTING,
        "replicatorName": IDENTIFIER,
        "logDelivery.replicatorLogDelivery": "the replicator's own operational logs",
    },
    "aws:msk/topic:Topic": {"replicationFactor": SETTING},
    "aws:opensearch/serverlessCollection:ServerlessCollection": {"standbyReplicas": SETTING},
    "aws:opensearch/serverlessCollectionGroup:ServerlessCollectionGroup": {
        "standbyReplicas": SETTING,
    },
    "aws:rds/cluster:Cluster": {"sourceRegion": SOURCE},
    "aws:rds/instance:Instance": {"replicaMode": SETTING},
    "aws:s3/bucket:Bucket": {
        "replicationConfiguration.rules.destination.replicationTime": SETTING,
        "replicationConfiguration.rules.deleteMarkerReplicationStatus": SETTING,
    },
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
        "rules.destination.replicationTime": SETTING,
        "rules.deleteMarkerReplication": SETTING,
        "rules.existingObjectReplication": SETTING,
        "rules.sourceSelectionCriteria.replicaModifications": SETTING,
    },
    "aws:s3/bucketV2:BucketV2": {
        "replicationConfigurations.rules.destinations.replicationTimes": SETTING,
        "replicationConfigurations.rules.deleteMarkerReplicationStatus": SETTING,
    },
    "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint": {
        "details.regions": "routes requests to buckets that exist already; moves no data "
        "(replication between them is configured on the buckets, catalogued)",
        "details.regions.region": "the region of one of those buckets",
    },
    "aws:s3control/storageLensConfiguration:StorageLensConfiguration": {
        "storageLensConfiguration.exclude.regions": "scope of storage metrics",
        "storageLensConfiguration.include.regions": "scope of storage metrics",
    },
    "aws:secretsmanager/secret:Secret": {"forceOverwriteReplicaSecret": SETTING},
    "oci:Core/bootVolume:BootVolume": {
        "bootVolumeReplicas.bootVolumeReplicaId": IDENTIFIER,
        "bootVolumeReplicasDeletion": SETTING,
    },
    "oci:Core/volume:Volume": {
        "blockVolumeReplicas.blockVolumeReplicaId": IDENTIFIER,
        "blockVolumeReplicasDeletion": SETTING,
    },
    "oci:Core/volumeGroup:VolumeGroup": {
        "preserveVolumeReplica": SETTING,
        "volumeGroupReplicas.volumeGroupReplicaId": IDENTIFIER,
        "volumeGroupReplicasDeletion": SETTING,
    },
    "oci:DataSafe/targetDatabase:TargetDatabase": {
        "peerTargetDatabaseDetails.dataguardAssociationId": "registers a standby for security "
        "assessment; copies no data",
    },
    "oci:Database/autonomousContainerDatabaseDataguardAssociation:"
    "AutonomousContainerDatabaseDataguardAssociation": {
        "autonomousContainerDatabaseDataguardAssociationId": IDENTIFIER,
    },
    "oci:Database/autonomousContainerDatabaseDataguardAssociationOperation:"
    "AutonomousContainerDatabaseDataguardAssociationOperation": {
        "autonomousContainerDatabaseDataguardAssociationId": "an operation (switchover, "
        "failover) on an existing association",
    },
    "oci:Database/autonomousContainerDatabaseDataguardRoleChange:"
    "AutonomousContainerDatabaseDataguardRoleChange": {
        "autonomousContainerDatabaseDataguardAssociationId": "a role change of an existing "
        "association",
    },
    "oci:Database/autonomousDatabase:AutonomousDatabase": {
        "isDataGuardEnabled": "local (same-region) Data Guard switch; a cross-region standby is "
        "its own resource with source CROSS_REGION_DATAGUARD (catalogued)",
        "isLocalDataGuardEnabled": SAME_REGION,
        "isReplicateAutomaticBackups": "backups replicated to the standby's region, which the "
        "standby resource carries (catalogued)",
    },
    "oci:Database/dataGuardAssociation:DataGuardAssociation": {"isActiveDataGuardEnabled": SETTING},
    "oci:Database/database:Database": {
        "database.isActiveDataGuardEnabled": SETTING,
        "dataGuardAction": "an action on an existing Data Guard group",
    },
    "oci:Database/dbSystem:DbSystem": {"dbHome.database.isActiveDataGuardEnabled": SETTING},
    "oci:DisasterRecovery/drProtectionGroup:DrProtectionGroup": {
        "members.backupConfig.imageReplicationVaultSecretId": "credentials for the move to the "
        "peer region, which association.peerRegion names (catalogued)",
        "members.backupConfig.replicateImages": SETTING,
        "members.dbSystemReplicationUserDetails": "credentials of a member's replication user",
    },
    "oci:FileStorage/replication:Replication": {"replicationInterval": SETTING},
    "oci:GoldenGate/pipeline:Pipeline": {
        "processOptions.replicateSchemaChange": SETTING,
        "processOptions.replicateSchemaChange.canReplicateSchemaChange": SETTING,
    },
    "oci:Kms/vaultVerification:VaultVerification": {
        "replicaVaultMetadata": "settings of the replica created in replicaRegion (catalogued)",
    },
    "oci:Mysql/mysqlConfiguration:MysqlConfiguration": {
        "variables.groupReplicationConsistency": SETTING,
        "variables.replicaNetTimeout": SETTING,
        "variables.replicaParallelWorkers": SETTING,
        "variables.replicaTypeConversions": SETTING,
    },
    "oci:Mysql/replica:Replica": {"replicaOverrides": "shape and settings of the read replica"},
    "oci:Psql/backup:Backup": {"sourceBackupDetails.sourceRegion": SOURCE},
    "oci:Psql/dbSystem:DbSystem": {"replicationConfig": SETTING},
}


def _catalogued(resource_type: str) -> list[str]:
    paths = []
    for entry in copy_fields.fields_for(resource_type):
        base = entry.each.replace("[*]", "")
        paths += [f"{base}.{name}" if base else name for name in (*entry.at, *entry.hints)]
    return paths


def _candidates(resource_type: str) -> list[str]:
    return [
        path for path in input_paths(resource_type)
        if CANDIDATE.search(path.rsplit(".", 1)[-1]) and path != "region"
    ]  # fmt: skip


def test_every_copy_like_input_of_a_data_service_is_catalogued_or_reviewed():
    unreviewed: dict[str, list[str]] = {}
    for resource_type in sorted(token_index()):
        if not (
            type_catalog.belongs_to_data_service(resource_type)
            or resource_type in copy_fields.covered_types()
        ):
            continue
        if resource_type in copy_fields.SCANNED:
            continue  # every input naming a place or a region is a far end of a scanned type
        catalogued = _catalogued(resource_type)
        reviewed = REVIEWED.get(resource_type, {})
        missing = [
            path for path in _candidates(resource_type)
            if path not in reviewed
            and not any(c == path or c.startswith(path + ".") for c in catalogued)
        ]  # fmt: skip
        if missing:
            unreviewed[resource_type] = missing
    assert unreviewed == {}


def test_every_reviewed_field_still_exists():
    stale = {
        resource_type: [p for p in fields if p not in input_paths(resource_type)]
        for resource_type, fields in REVIEWED.items()
    }
    assert {t: p for t, p in stale.items() if p} == {}


def test_the_input_walk_finds_nested_copy_fields():
    # Guards the schema reader itself: if it stopped descending, the test above would pass
    # vacuously.
    paths = input_paths("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    assert "rules.destination.encryptionConfiguration.replicaKmsKeyId" in paths
    assert "replicationConfiguration.rules.destinations.region" in input_paths(
        "aws:ecr/replicationConfiguration:ReplicationConfiguration"
    )
