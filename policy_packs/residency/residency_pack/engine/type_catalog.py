"""The catalog of resource types the pack reasons about: data-bearing, region-neutral, and the
data services whose types must all be known.

Every list here is explicit and checked against the installed provider SDKs by
``tests/pack/engine/test_type_catalog.py``: each token must exist, and every resource type of a
data service must be classified either as data-bearing or as auxiliary. A type of a data service
that is missing from both lists (a new type in a newer provider) is treated as data-bearing:
fail closed until someone classifies it here.

Tokens are the engine's type tokens (``aws:s3/bucket:Bucket``), exactly as ``Analyze`` receives
them from ``pulumi-aws`` v7 and ``pulumi-oci`` v5.
"""

from __future__ import annotations

from typing import Final, Literal

Cloud = Literal["aws", "oci"]

# Modules (the part of a token between ':' and '/') whose types all belong to a data service.
DATA_SERVICE_MODULES: Final[dict[Cloud, frozenset[str]]] = {
    "aws": frozenset(
        {
            "s3", "s3control", "s3tables", "dynamodb", "rds", "docdb", "neptune", "elasticache",
            "memorydb", "redshift", "redshiftserverless", "sqs", "sns", "kinesis", "msk", "efs",
            "fsx", "backup", "ebs", "glacier", "secretsmanager", "kms", "timestreamwrite", "qldb",
            "keyspaces", "dax", "ecr", "opensearch",
        }
    ),
    "oci": frozenset(
        {
            "ObjectStorage", "Database", "Mysql", "Psql", "Nosql", "FileStorage", "Kms", "Vault",
            "Logging", "Streaming", "Queue", "Redis", "Opensearch", "GoldenGate", "Lustre",
        }
    ),
}  # fmt: skip

# Modules whose resources are global: they have no region (IAM, DNS zones, organizations, ...).
_REGION_NEUTRAL_MODULES: Final[dict[Cloud, frozenset[str]]] = {
    "aws": frozenset(
        {
            "iam", "organizations", "route53", "cloudfront", "globalaccelerator", "waf", "shield",
            "budgets", "costexplorer", "account",
        }
    ),
    "oci": frozenset({"Identity", "Dns", "Budget", "Audit", "Limits"}),
}  # fmt: skip

# Regional types inside otherwise global modules (VPC-attached resolvers, Route 53 Profiles).
_REGIONAL_IN_NEUTRAL_MODULES: Final[frozenset[str]] = frozenset(
    {
        "aws:route53/profilesAssociation:ProfilesAssociation",
        "aws:route53/profilesProfile:ProfilesProfile",
        "aws:route53/profilesResourceAssociation:ProfilesResourceAssociation",
        "aws:route53/resolverConfig:ResolverConfig",
        "aws:route53/resolverDnsSecConfig:ResolverDnsSecConfig",
        "aws:route53/resolverEndpoint:ResolverEndpoint",
        "aws:route53/resolverFirewallConfig:ResolverFirewallConfig",
        "aws:route53/resolverFirewallDomainList:ResolverFirewallDomainList",
        "aws:route53/resolverFirewallRule:ResolverFirewallRule",
        "aws:route53/resolverFirewallRuleGroup:ResolverFirewallRuleGroup",
        "aws:route53/resolverFirewallRuleGroupAssociation:ResolverFirewallRuleGroupAssociation",
        "aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig",
        "aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation",
        "aws:route53/resolverRule:ResolverRule",
        "aws:route53/resolverRuleAssociation:ResolverRuleAssociation",
        "oci:Dns/resolver:Resolver",
        "oci:Dns/resolverEndpoint:ResolverEndpoint",
        "oci:Dns/view:View",
    }
)

# AWS types that hold data: stores, databases, caches, queues, streams, file systems,
# backups, snapshots, logs, secrets, keys.
_AWS_DATA_BEARING: Final[frozenset[str]] = frozenset(
    {
        # aws:athena
        "aws:athena/database:Database",
        "aws:athena/workgroup:Workgroup",
        # aws:backup
        "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
        "aws:backup/plan:Plan",
        "aws:backup/vault:Vault",
        # aws:cloudwatch
        "aws:cloudwatch/eventArchive:EventArchive",
        "aws:cloudwatch/logDestination:LogDestination",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:cloudwatch/logStream:LogStream",
        # aws:dax
        "aws:dax/cluster:Cluster",
        # aws:docdb
        "aws:docdb/cluster:Cluster",
        "aws:docdb/clusterInstance:ClusterInstance",
        "aws:docdb/clusterSnapshot:ClusterSnapshot",
        "aws:docdb/elasticCluster:ElasticCluster",
        "aws:docdb/globalCluster:GlobalCluster",
        # aws:dynamodb
        "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex",
        "aws:dynamodb/globalTable:GlobalTable",
        "aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination",
        "aws:dynamodb/table:Table",
        "aws:dynamodb/tableExport:TableExport",
        "aws:dynamodb/tableItem:TableItem",
        "aws:dynamodb/tableReplica:TableReplica",
        # aws:ebs
        "aws:ebs/snapshot:Snapshot",
        "aws:ebs/snapshotCopy:SnapshotCopy",
        "aws:ebs/snapshotImport:SnapshotImport",
        "aws:ebs/volume:Volume",
        "aws:ebs/volumeCopy:VolumeCopy",
        # aws:ec2
        "aws:ec2/ami:Ami",
        "aws:ec2/amiCopy:AmiCopy",
        "aws:ec2/amiFromInstance:AmiFromInstance",
        # aws:ecr
        "aws:ecr/repository:Repository",
        # aws:efs
        "aws:efs/fileSystem:FileSystem",
        "aws:efs/replicationConfiguration:ReplicationConfiguration",
        # aws:elasticache
        "aws:elasticache/cluster:Cluster",
        "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:elasticache/serverlessCache:ServerlessCache",
        # aws:fsx
        "aws:fsx/backup:Backup",
        "aws:fsx/fileCache:FileCache",
        "aws:fsx/lustreFileSystem:LustreFileSystem",
        "aws:fsx/ontapFileSystem:OntapFileSystem",
        "aws:fsx/ontapVolume:OntapVolume",
        "aws:fsx/openZfsFileSystem:OpenZfsFileSystem",
        "aws:fsx/openZfsSnapshot:OpenZfsSnapshot",
        "aws:fsx/openZfsVolume:OpenZfsVolume",
        "aws:fsx/windowsFileSystem:WindowsFileSystem",
        # aws:glacier
        "aws:glacier/vault:Vault",
        # aws:glue
        "aws:glue/catalogDatabase:CatalogDatabase",
        "aws:glue/catalogTable:CatalogTable",
        "aws:glue/partition:Partition",
        # aws:keyspaces
        "aws:keyspaces/keyspace:Keyspace",
        "aws:keyspaces/table:Table",
        # aws:kinesis
        "aws:kinesis/analyticsApplication:AnalyticsApplication",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "aws:kinesis/stream:Stream",
        "aws:kinesis/videoStream:VideoStream",
        # aws:kms
        "aws:kms/ciphertext:Ciphertext",
        "aws:kms/externalKey:ExternalKey",
        "aws:kms/key:Key",
        "aws:kms/replicaExternalKey:ReplicaExternalKey",
        "aws:kms/replicaKey:ReplicaKey",
        # aws:memorydb
        "aws:memorydb/cluster:Cluster",
        "aws:memorydb/multiRegionCluster:MultiRegionCluster",
        "aws:memorydb/snapshot:Snapshot",
        # aws:msk
        "aws:msk/cluster:Cluster",
        "aws:msk/replicator:Replicator",
        "aws:msk/serverlessCluster:ServerlessCluster",
        "aws:msk/topic:Topic",
        # aws:neptune
        "aws:neptune/cluster:Cluster",
        "aws:neptune/clusterInstance:ClusterInstance",
        "aws:neptune/clusterSnapshot:ClusterSnapshot",
        "aws:neptune/globalCluster:GlobalCluster",
        # aws:opensearch
        "aws:opensearch/domain:Domain",
        "aws:opensearch/serverlessCollection:ServerlessCollection",
        # aws:qldb
        "aws:qldb/ledger:Ledger",
        "aws:qldb/stream:Stream",
        # aws:rds
        "aws:rds/cluster:Cluster",
        "aws:rds/clusterInstance:ClusterInstance",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
        "aws:rds/exportTask:ExportTask",
        "aws:rds/globalCluster:GlobalCluster",
        "aws:rds/instance:Instance",
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "aws:rds/integration:Integration",
        "aws:rds/shardGroup:ShardGroup",
        "aws:rds/snapshot:Snapshot",
        "aws:rds/snapshotCopy:SnapshotCopy",
        # aws:redshift
        "aws:redshift/cluster:Cluster",
        "aws:redshift/clusterSnapshot:ClusterSnapshot",
        "aws:redshift/snapshotCopy:SnapshotCopy",
        # aws:redshiftserverless
        "aws:redshiftserverless/namespace:Namespace",
        "aws:redshiftserverless/snapshot:Snapshot",
        "aws:redshiftserverless/workgroup:Workgroup",
        # aws:s3
        "aws:s3/accessPoint:AccessPoint",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketObject:BucketObject",
        "aws:s3/bucketObjectv2:BucketObjectv2",
        "aws:s3/bucketV2:BucketV2",
        "aws:s3/directoryBucket:DirectoryBucket",
        "aws:s3/filesFileSystem:FilesFileSystem",
        "aws:s3/objectCopy:ObjectCopy",
        "aws:s3/vectorsIndex:VectorsIndex",
        "aws:s3/vectorsVectorBucket:VectorsVectorBucket",
        # aws:s3control
        "aws:s3control/bucket:Bucket",
        "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
        "aws:s3control/objectLambdaAccessPoint:ObjectLambdaAccessPoint",
        # aws:s3tables
        "aws:s3tables/namespace:Namespace",
        "aws:s3tables/table:Table",
        "aws:s3tables/tableBucket:TableBucket",
        # aws:secretsmanager
        "aws:secretsmanager/secret:Secret",
        "aws:secretsmanager/secretVersion:SecretVersion",
        # aws:sns
        "aws:sns/topic:Topic",
        # aws:sqs
        "aws:sqs/queue:Queue",
        # aws:ssm
        "aws:ssm/parameter:Parameter",
        # aws:timestreamwrite
        "aws:timestreamwrite/database:Database",
        "aws:timestreamwrite/table:Table",
    }
)

# OCI types that hold data.
_OCI_DATA_BEARING: Final[frozenset[str]] = frozenset(
    {
        # oci:Artifacts
        "oci:Artifacts/containerRepository:ContainerRepository",
        "oci:Artifacts/genericArtifact:GenericArtifact",
        "oci:Artifacts/repository:Repository",
        # oci:BigDataService
        "oci:BigDataService/bdsInstance:BdsInstance",
        "oci:BigDataService/bdsInstanceNodeBackup:BdsInstanceNodeBackup",
        # oci:Core
        "oci:Core/bootVolume:BootVolume",
        "oci:Core/bootVolumeBackup:BootVolumeBackup",
        "oci:Core/image:Image",
        "oci:Core/volume:Volume",
        "oci:Core/volumeBackup:VolumeBackup",
        "oci:Core/volumeGroup:VolumeGroup",
        "oci:Core/volumeGroupBackup:VolumeGroupBackup",
        # oci:DataSafe
        "oci:DataSafe/auditArchiveRetrieval:AuditArchiveRetrieval",
        "oci:DataSafe/targetDatabase:TargetDatabase",
        # oci:Database
        "oci:Database/advancedClusterFileSystem:AdvancedClusterFileSystem",
        "oci:Database/autonomousContainerDatabase:AutonomousContainerDatabase",
        "oci:Database/autonomousContainerDatabaseAddStandby:AutonomousContainerDatabaseAddStandby",
        "oci:Database/autonomousContainerDatabaseDataguardAssociation:AutonomousContainerDatabaseDataguardAssociation",
        "oci:Database/autonomousContainerDatabaseSnapshotStandby:AutonomousContainerDatabaseSnapshotStandby",
        "oci:Database/autonomousDatabase:AutonomousDatabase",
        "oci:Database/autonomousDatabaseBackup:AutonomousDatabaseBackup",
        "oci:Database/backup:Backup",
        "oci:Database/cloudVmCluster:CloudVmCluster",
        "oci:Database/dataGuardAssociation:DataGuardAssociation",
        "oci:Database/database:Database",
        "oci:Database/databaseSnapshot:DatabaseSnapshot",
        "oci:Database/databaseSnapshotStandby:DatabaseSnapshotStandby",
        "oci:Database/dbHome:DbHome",
        "oci:Database/dbNodeSnapshot:DbNodeSnapshot",
        "oci:Database/dbSystem:DbSystem",
        "oci:Database/exadbVmCluster:ExadbVmCluster",
        "oci:Database/exascaleDbStorageVault:ExascaleDbStorageVault",
        "oci:Database/keyStore:KeyStore",
        "oci:Database/pluggableDatabase:PluggableDatabase",
        "oci:Database/pluggableDatabaseSnapshot:PluggableDatabaseSnapshot",
        "oci:Database/pluggableDatabasesLocalClone:PluggableDatabasesLocalClone",
        "oci:Database/pluggableDatabasesRemoteClone:PluggableDatabasesRemoteClone",
        "oci:Database/vmCluster:VmCluster",
        # oci:FileStorage
        "oci:FileStorage/fileSystem:FileSystem",
        "oci:FileStorage/replication:Replication",
        "oci:FileStorage/snapshot:Snapshot",
        # oci:GoldenGate
        "oci:GoldenGate/deployment:Deployment",
        "oci:GoldenGate/deploymentBackup:DeploymentBackup",
        # oci:Kms
        "oci:Kms/encryptedData:EncryptedData",
        "oci:Kms/generatedKey:GeneratedKey",
        "oci:Kms/key:Key",
        "oci:Kms/keyVersion:KeyVersion",
        "oci:Kms/vault:Vault",
        # oci:Logging
        "oci:Logging/log:Log",
        "oci:Logging/logGroup:LogGroup",
        # oci:Lustre
        "oci:Lustre/fileStorageLustreFileSystem:FileStorageLustreFileSystem",
        # oci:Mysql
        "oci:Mysql/channel:Channel",
        "oci:Mysql/heatWaveCluster:HeatWaveCluster",
        "oci:Mysql/mysqlBackup:MysqlBackup",
        "oci:Mysql/mysqlDbSystem:MysqlDbSystem",
        "oci:Mysql/replica:Replica",
        # oci:Nosql
        "oci:Nosql/index:Index",
        "oci:Nosql/table:Table",
        "oci:Nosql/tableReplica:TableReplica",
        # oci:ObjectStorage
        "oci:ObjectStorage/bucket:Bucket",
        "oci:ObjectStorage/replicationPolicy:ReplicationPolicy",
        "oci:ObjectStorage/storageObject:StorageObject",
        # oci:Ons
        "oci:Ons/notificationTopic:NotificationTopic",
        # oci:Opensearch
        "oci:Opensearch/cluster:Cluster",
        # oci:Psql
        "oci:Psql/backup:Backup",
        "oci:Psql/dbSystem:DbSystem",
        # oci:Queue
        "oci:Queue/queue:Queue",
        # oci:Redis
        "oci:Redis/ociCacheBackup:OciCacheBackup",
        "oci:Redis/ociCacheBackupExportToObjectStorage:OciCacheBackupExportToObjectStorage",
        "oci:Redis/redisCluster:RedisCluster",
        # oci:Streaming
        "oci:Streaming/connectHarness:ConnectHarness",
        "oci:Streaming/stream:Stream",
        "oci:Streaming/streamPool:StreamPool",
        # oci:Vault
        "oci:Vault/secret:Secret",
    }
)

# Types of AWS data services that configure a store but hold no data themselves
# (policies, settings, attachments).
_AWS_DATA_SERVICE_AUXILIARY: Final[frozenset[str]] = frozenset(
    {
        # aws:backup
        "aws:backup/framework:Framework",
        "aws:backup/globalSettings:GlobalSettings",
        "aws:backup/regionSettings:RegionSettings",
        "aws:backup/reportPlan:ReportPlan",
        "aws:backup/restoreTestingPlan:RestoreTestingPlan",
        "aws:backup/restoreTestingSelection:RestoreTestingSelection",
        "aws:backup/selection:Selection",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "aws:backup/vaultNotifications:VaultNotifications",
        "aws:backup/vaultPolicy:VaultPolicy",
        # aws:cloudwatch
        "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
        "aws:cloudwatch/logAnomalyDetector:LogAnomalyDetector",
        "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy",
        "aws:cloudwatch/logDelivery:LogDelivery",
        "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
        "aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy",
        "aws:cloudwatch/logDeliverySource:LogDeliverySource",
        "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy",
        "aws:cloudwatch/logIndexPolicy:LogIndexPolicy",
        "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        "aws:cloudwatch/logS3TableIntegrationSource:LogS3TableIntegrationSource",
        "aws:cloudwatch/logStorageTierPolicy:LogStorageTierPolicy",
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "aws:cloudwatch/logTransformer:LogTransformer",
        # aws:dax
        "aws:dax/parameterGroup:ParameterGroup",
        "aws:dax/subnetGroup:SubnetGroup",
        # aws:docdb
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
        "aws:docdb/eventSubscription:EventSubscription",
        "aws:docdb/subnetGroup:SubnetGroup",
        # aws:dynamodb
        "aws:dynamodb/contributorInsights:ContributorInsights",
        "aws:dynamodb/resourcePolicy:ResourcePolicy",
        "aws:dynamodb/tag:Tag",
        # aws:ebs
        "aws:ebs/defaultKmsKey:DefaultKmsKey",
        "aws:ebs/encryptionByDefault:EncryptionByDefault",
        "aws:ebs/fastSnapshotRestore:FastSnapshotRestore",
        "aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess",
        # aws:ecr
        "aws:ecr/accountSetting:AccountSetting",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
        "aws:ecr/pullTimeUpdateExclusion:PullTimeUpdateExclusion",
        "aws:ecr/registryPolicy:RegistryPolicy",
        "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
        "aws:ecr/replicationConfiguration:ReplicationConfiguration",
        "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        # aws:efs
        "aws:efs/accessPoint:AccessPoint",
        "aws:efs/backupPolicy:BackupPolicy",
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
        "aws:efs/mountTarget:MountTarget",
        # aws:elasticache
        "aws:elasticache/parameterGroup:ParameterGroup",
        "aws:elasticache/reservedCacheNode:ReservedCacheNode",
        "aws:elasticache/subnetGroup:SubnetGroup",
        "aws:elasticache/user:User",
        "aws:elasticache/userGroup:UserGroup",
        "aws:elasticache/userGroupAssociation:UserGroupAssociation",
        # aws:fsx
        "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation",
        "aws:fsx/ontapStorageVirtualMachine:OntapStorageVirtualMachine",
        "aws:fsx/s3AccessPointAttachment:S3AccessPointAttachment",
        # aws:glacier
        "aws:glacier/vaultLock:VaultLock",
        # aws:kinesis
        "aws:kinesis/accountSettings:AccountSettings",
        "aws:kinesis/resourcePolicy:ResourcePolicy",
        "aws:kinesis/streamConsumer:StreamConsumer",
        # aws:kms
        "aws:kms/alias:Alias",
        "aws:kms/customKeyStore:CustomKeyStore",
        "aws:kms/grant:Grant",
        "aws:kms/keyPolicy:KeyPolicy",
        # aws:memorydb
        "aws:memorydb/acl:Acl",
        "aws:memorydb/parameterGroup:ParameterGroup",
        "aws:memorydb/subnetGroup:SubnetGroup",
        "aws:memorydb/user:User",
        # aws:msk
        "aws:msk/channel:Channel",
        "aws:msk/clusterPolicy:ClusterPolicy",
        "aws:msk/configuration:Configuration",
        "aws:msk/scramSecretAssociation:ScramSecretAssociation",
        "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation",
        "aws:msk/vpcConnection:VpcConnection",
        # aws:neptune
        "aws:neptune/clusterEndpoint:ClusterEndpoint",
        "aws:neptune/clusterParameterGroup:ClusterParameterGroup",
        "aws:neptune/eventSubscription:EventSubscription",
        "aws:neptune/parameterGroup:ParameterGroup",
        "aws:neptune/subnetGroup:SubnetGroup",
        # aws:opensearch
        "aws:opensearch/application:Application",
        "aws:opensearch/authorizeVpcEndpointAccess:AuthorizeVpcEndpointAccess",
        "aws:opensearch/domainPolicy:DomainPolicy",
        "aws:opensearch/domainSamlOptions:DomainSamlOptions",
        "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter",
        "aws:opensearch/outboundConnection:OutboundConnection",
        "aws:opensearch/package:Package",
        "aws:opensearch/packageAssociation:PackageAssociation",
        "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy",
        "aws:opensearch/serverlessCollectionGroup:ServerlessCollectionGroup",
        "aws:opensearch/serverlessLifecyclePolicy:ServerlessLifecyclePolicy",
        "aws:opensearch/serverlessSecurityConfig:ServerlessSecurityConfig",
        "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",
        "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint",
        "aws:opensearch/vpcEndpoint:VpcEndpoint",
        # aws:rds
        "aws:rds/certificate:Certificate",
        "aws:rds/clusterActivityStream:ClusterActivityStream",
        "aws:rds/clusterEndpoint:ClusterEndpoint",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        "aws:rds/clusterRoleAssociation:ClusterRoleAssociation",
        "aws:rds/customDbEngineVersion:CustomDbEngineVersion",
        "aws:rds/eventSubscription:EventSubscription",
        "aws:rds/instanceDesiredState:InstanceDesiredState",
        "aws:rds/optionGroup:OptionGroup",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:rds/proxy:Proxy",
        "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
        "aws:rds/proxyEndpoint:ProxyEndpoint",
        "aws:rds/proxyTarget:ProxyTarget",
        "aws:rds/reservedInstance:ReservedInstance",
        "aws:rds/roleAssociation:RoleAssociation",
        "aws:rds/subnetGroup:SubnetGroup",
        # aws:redshift
        "aws:redshift/authenticationProfile:AuthenticationProfile",
        "aws:redshift/clusterIamRoles:ClusterIamRoles",
        "aws:redshift/dataShareAuthorization:DataShareAuthorization",
        "aws:redshift/dataShareConsumerAssociation:DataShareConsumerAssociation",
        "aws:redshift/endpointAccess:EndpointAccess",
        "aws:redshift/endpointAuthorization:EndpointAuthorization",
        "aws:redshift/eventSubscription:EventSubscription",
        "aws:redshift/hsmClientCertificate:HsmClientCertificate",
        "aws:redshift/hsmConfiguration:HsmConfiguration",
        "aws:redshift/idcApplication:IdcApplication",
        "aws:redshift/integration:Integration",
        "aws:redshift/logging:Logging",
        "aws:redshift/namespaceRegistration:NamespaceRegistration",
        "aws:redshift/parameterGroup:ParameterGroup",
        "aws:redshift/partner:Partner",
        "aws:redshift/resourcePolicy:ResourcePolicy",
        "aws:redshift/scheduledAction:ScheduledAction",
        "aws:redshift/snapshotCopyGrant:SnapshotCopyGrant",
        "aws:redshift/snapshotSchedule:SnapshotSchedule",
        "aws:redshift/snapshotScheduleAssociation:SnapshotScheduleAssociation",
        "aws:redshift/subnetGroup:SubnetGroup",
        "aws:redshift/usageLimit:UsageLimit",
        # aws:redshiftserverless
        "aws:redshiftserverless/customDomainAssociation:CustomDomainAssociation",
        "aws:redshiftserverless/endpointAccess:EndpointAccess",
        "aws:redshiftserverless/resourcePolicy:ResourcePolicy",
        "aws:redshiftserverless/usageLimit:UsageLimit",
        # aws:s3
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
        "aws:s3/analyticsConfiguration:AnalyticsConfiguration",
        "aws:s3/bucketAbac:BucketAbac",
        "aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration",
        "aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2",
        "aws:s3/bucketAcl:BucketAcl",
        "aws:s3/bucketAclV2:BucketAclV2",
        "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
        "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2",
        "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketLoggingV2:BucketLoggingV2",
        "aws:s3/bucketMetadataConfiguration:BucketMetadataConfiguration",
        "aws:s3/bucketMetric:BucketMetric",
        "aws:s3/bucketNotification:BucketNotification",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration",
        "aws:s3/bucketRequestPaymentConfigurationV2:BucketRequestPaymentConfigurationV2",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketVersioningV2:BucketVersioningV2",
        "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
        "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2",
        "aws:s3/filesAccessPoint:FilesAccessPoint",
        "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy",
        "aws:s3/filesMountTarget:FilesMountTarget",
        "aws:s3/filesSynchronizationConfiguration:FilesSynchronizationConfiguration",
        "aws:s3/inventory:Inventory",
        "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy",
        # aws:s3control
        "aws:s3control/accessGrant:AccessGrant",
        "aws:s3control/accessGrantsInstance:AccessGrantsInstance",
        "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy",
        "aws:s3control/accessGrantsLocation:AccessGrantsLocation",
        "aws:s3control/accessPointPolicy:AccessPointPolicy",
        "aws:s3control/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3control/bucketPolicy:BucketPolicy",
        "aws:s3control/directoryBucketAccessPointScope:DirectoryBucketAccessPointScope",
        "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy",
        "aws:s3control/multiRegionAccessPointRoutes:MultiRegionAccessPointRoutes",
        "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy",
        "aws:s3control/storageLensConfiguration:StorageLensConfiguration",
        # aws:s3tables
        "aws:s3tables/tableBucketPolicy:TableBucketPolicy",
        "aws:s3tables/tableBucketReplication:TableBucketReplication",
        "aws:s3tables/tablePolicy:TablePolicy",
        "aws:s3tables/tableReplication:TableReplication",
        # aws:secretsmanager
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws:secretsmanager/secretRotation:SecretRotation",
        "aws:secretsmanager/tag:Tag",
        # aws:sns
        "aws:sns/dataProtectionPolicy:DataProtectionPolicy",
        "aws:sns/platformApplication:PlatformApplication",
        "aws:sns/smsPreferences:SmsPreferences",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:sns/topicSubscription:TopicSubscription",
        # aws:sqs
        "aws:sqs/queuePolicy:QueuePolicy",
        "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
        "aws:sqs/redrivePolicy:RedrivePolicy",
    }
)

# Types of OCI data services that configure a store but hold no data themselves.
_OCI_DATA_SERVICE_AUXILIARY: Final[frozenset[str]] = frozenset(
    {
        # oci:Database
        "oci:Database/advancedClusterFileSystemMount:AdvancedClusterFileSystemMount",
        "oci:Database/advancedClusterFileSystemUnmount:AdvancedClusterFileSystemUnmount",
        "oci:Database/applicationVip:ApplicationVip",
        "oci:Database/autonomousContainerDatabaseDataguardAssociationOperation:AutonomousContainerDatabaseDataguardAssociationOperation",
        "oci:Database/autonomousContainerDatabaseDataguardRoleChange:AutonomousContainerDatabaseDataguardRoleChange",
        "oci:Database/autonomousDatabaseInstanceWalletManagement:AutonomousDatabaseInstanceWalletManagement",
        "oci:Database/autonomousDatabaseRegionalWalletManagement:AutonomousDatabaseRegionalWalletManagement",
        "oci:Database/autonomousDatabaseSaasAdminUser:AutonomousDatabaseSaasAdminUser",
        "oci:Database/autonomousDatabaseSoftwareImage:AutonomousDatabaseSoftwareImage",
        "oci:Database/autonomousDatabaseWallet:AutonomousDatabaseWallet",
        "oci:Database/autonomousExadataInfrastructure:AutonomousExadataInfrastructure",
        "oci:Database/autonomousVmCluster:AutonomousVmCluster",
        "oci:Database/autonomousVmClusterOrdsCertificateManagement:AutonomousVmClusterOrdsCertificateManagement",
        "oci:Database/autonomousVmClusterSslCertificateManagement:AutonomousVmClusterSslCertificateManagement",
        "oci:Database/backupCancelManagement:BackupCancelManagement",
        "oci:Database/backupDestination:BackupDestination",
        "oci:Database/cloudAutonomousVmCluster:CloudAutonomousVmCluster",
        "oci:Database/cloudDatabaseManagement:CloudDatabaseManagement",
        "oci:Database/cloudExadataInfrastructure:CloudExadataInfrastructure",
        "oci:Database/cloudExadataInfrastructureConfigureExascaleManagement:CloudExadataInfrastructureConfigureExascaleManagement",
        "oci:Database/cloudVmClusterIormConfig:CloudVmClusterIormConfig",
        "oci:Database/dataPatch:DataPatch",
        "oci:Database/databaseSoftwareImage:DatabaseSoftwareImage",
        "oci:Database/databaseSoftwareScheduleManagement:DatabaseSoftwareScheduleManagement",
        "oci:Database/databaseUpgrade:DatabaseUpgrade",
        "oci:Database/dbNode:DbNode",
        "oci:Database/dbNodeConsoleConnection:DbNodeConsoleConnection",
        "oci:Database/dbNodeConsoleHistory:DbNodeConsoleHistory",
        "oci:Database/dbNodeSnapshotManagement:DbNodeSnapshotManagement",
        "oci:Database/dbSystemsUpgrade:DbSystemsUpgrade",
        "oci:Database/exadataInfrastructure:ExadataInfrastructure",
        "oci:Database/exadataInfrastructureCompute:ExadataInfrastructureCompute",
        "oci:Database/exadataInfrastructureConfigureExascaleManagement:ExadataInfrastructureConfigureExascaleManagement",
        "oci:Database/exadataInfrastructureStorage:ExadataInfrastructureStorage",
        "oci:Database/exadataIormConfig:ExadataIormConfig",
        "oci:Database/executionAction:ExecutionAction",
        "oci:Database/executionWindow:ExecutionWindow",
        "oci:Database/externalContainerDatabase:ExternalContainerDatabase",
        "oci:Database/externalContainerDatabaseManagement:ExternalContainerDatabaseManagement",
        "oci:Database/externalContainerDatabasesStackMonitoring:ExternalContainerDatabasesStackMonitoring",
        "oci:Database/externalDatabaseConnector:ExternalDatabaseConnector",
        "oci:Database/externalNonContainerDatabase:ExternalNonContainerDatabase",
        "oci:Database/externalNonContainerDatabaseManagement:ExternalNonContainerDatabaseManagement",
        "oci:Database/externalNonContainerDatabaseOperationsInsightsManagement:ExternalNonContainerDatabaseOperationsInsightsManagement",
        "oci:Database/externalNonContainerDatabasesStackMonitoring:ExternalNonContainerDatabasesStackMonitoring",
        "oci:Database/externalPluggableDatabase:ExternalPluggableDatabase",
        "oci:Database/externalPluggableDatabaseManagement:ExternalPluggableDatabaseManagement",
        "oci:Database/externalPluggableDatabaseOperationsInsightsManagement:ExternalPluggableDatabaseOperationsInsightsManagement",
        "oci:Database/externalPluggableDatabasesStackMonitoring:ExternalPluggableDatabasesStackMonitoring",
        "oci:Database/maintenanceRun:MaintenanceRun",
        "oci:Database/oneoffPatch:OneoffPatch",
        "oci:Database/pluggableDatabaseManagementsManagement:PluggableDatabaseManagementsManagement",
        "oci:Database/scheduledAction:ScheduledAction",
        "oci:Database/schedulingPlan:SchedulingPlan",
        "oci:Database/schedulingPolicy:SchedulingPolicy",
        "oci:Database/schedulingPolicySchedulingWindow:SchedulingPolicySchedulingWindow",
        "oci:Database/vmClusterAddVirtualNetwork:VmClusterAddVirtualNetwork",
        "oci:Database/vmClusterNetwork:VmClusterNetwork",
        "oci:Database/vmClusterRemoveVirtualMachine:VmClusterRemoveVirtualMachine",
        # oci:FileStorage
        "oci:FileStorage/export:Export",
        "oci:FileStorage/exportSet:ExportSet",
        "oci:FileStorage/fileSystemQuotaRule:FileSystemQuotaRule",
        "oci:FileStorage/filesystemSnapshotPolicy:FilesystemSnapshotPolicy",
        "oci:FileStorage/mountTarget:MountTarget",
        "oci:FileStorage/outboundConnector:OutboundConnector",
        # oci:GoldenGate
        "oci:GoldenGate/connection:Connection",
        "oci:GoldenGate/connectionAssignment:ConnectionAssignment",
        "oci:GoldenGate/databaseRegistration:DatabaseRegistration",
        "oci:GoldenGate/deploymentCertificate:DeploymentCertificate",
        "oci:GoldenGate/pipeline:Pipeline",
        # oci:Kms
        "oci:Kms/ekmsPrivateEndpoint:EkmsPrivateEndpoint",
        "oci:Kms/sign:Sign",
        "oci:Kms/vaultVerification:VaultVerification",
        "oci:Kms/verify:Verify",
        # oci:Logging
        "oci:Logging/logSavedSearch:LogSavedSearch",
        "oci:Logging/unifiedAgentConfiguration:UnifiedAgentConfiguration",
        # oci:Lustre
        "oci:Lustre/fileStorageObjectStorageLink:FileStorageObjectStorageLink",
        # oci:Mysql
        "oci:Mysql/blueGreenDeployment:BlueGreenDeployment",
        "oci:Mysql/mysqlConfiguration:MysqlConfiguration",
        # oci:Nosql
        "oci:Nosql/configuration:Configuration",
        # oci:ObjectStorage
        "oci:ObjectStorage/namespaceMetadata:NamespaceMetadata",
        "oci:ObjectStorage/objectLifecyclePolicy:ObjectLifecyclePolicy",
        "oci:ObjectStorage/preauthrequest:Preauthrequest",
        "oci:ObjectStorage/privateEndpoint:PrivateEndpoint",
        # oci:Opensearch
        "oci:Opensearch/opensearchClusterPipeline:OpensearchClusterPipeline",
        # oci:Psql
        "oci:Psql/configuration:Configuration",
        # oci:Queue
        "oci:Queue/consumerGroup:ConsumerGroup",
        # oci:Redis
        "oci:Redis/ociCacheConfigSet:OciCacheConfigSet",
        "oci:Redis/ociCacheConfigSetlistAssociatedOciCacheCluster:OciCacheConfigSetlistAssociatedOciCacheCluster",
        "oci:Redis/ociCacheUser:OciCacheUser",
        "oci:Redis/ociCacheUserGetRedisCluster:OciCacheUserGetRedisCluster",
        "oci:Redis/redisClusterAttachOciCacheUser:RedisClusterAttachOciCacheUser",
        "oci:Redis/redisClusterCreateIdentityToken:RedisClusterCreateIdentityToken",
        "oci:Redis/redisClusterDetachOciCacheUser:RedisClusterDetachOciCacheUser",
        "oci:Redis/redisClusterGetOciCacheUser:RedisClusterGetOciCacheUser",
    }
)


# Data-bearing types that take no tags (no `tags` / `freeformTags` input): copies, replicas,
# items, snapshots and key material that inherit their source's classification. They cannot
# carry the tag, so classification-required skips them; the copy and data-flow rules follow
# them to their source.
_DATA_BEARING_WITHOUT_TAGS: Final[frozenset[str]] = frozenset(
    {
        "aws:athena/database:Database",
        "aws:cloudwatch/eventArchive:EventArchive",
        "aws:cloudwatch/logStream:LogStream",
        "aws:docdb/clusterSnapshot:ClusterSnapshot",
        "aws:docdb/globalCluster:GlobalCluster",
        "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex",
        "aws:dynamodb/globalTable:GlobalTable",
        "aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination",
        "aws:dynamodb/tableExport:TableExport",
        "aws:dynamodb/tableItem:TableItem",
        "aws:efs/replicationConfiguration:ReplicationConfiguration",
        "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        "aws:glue/catalogTable:CatalogTable",
        "aws:glue/partition:Partition",
        "aws:kms/ciphertext:Ciphertext",
        "aws:msk/topic:Topic",
        "aws:neptune/clusterSnapshot:ClusterSnapshot",
        "aws:neptune/globalCluster:GlobalCluster",
        "aws:rds/exportTask:ExportTask",
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "aws:redshift/snapshotCopy:SnapshotCopy",
        "aws:redshiftserverless/snapshot:Snapshot",
        "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
        "aws:s3control/objectLambdaAccessPoint:ObjectLambdaAccessPoint",
        "aws:s3tables/namespace:Namespace",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "oci:BigDataService/bdsInstanceNodeBackup:BdsInstanceNodeBackup",
        "oci:Database/autonomousContainerDatabaseAddStandby:AutonomousContainerDatabaseAddStandby",
        "oci:Database/autonomousContainerDatabaseDataguardAssociation:AutonomousContainerDatabaseDataguardAssociation",
        "oci:Database/autonomousContainerDatabaseSnapshotStandby:AutonomousContainerDatabaseSnapshotStandby",
        "oci:Database/autonomousDatabaseBackup:AutonomousDatabaseBackup",
        "oci:Database/backup:Backup",
        "oci:Database/dataGuardAssociation:DataGuardAssociation",
        "oci:Database/database:Database",
        "oci:Database/databaseSnapshotStandby:DatabaseSnapshotStandby",
        "oci:Database/dbNodeSnapshot:DbNodeSnapshot",
        "oci:Database/pluggableDatabasesLocalClone:PluggableDatabasesLocalClone",
        "oci:Database/pluggableDatabasesRemoteClone:PluggableDatabasesRemoteClone",
        "oci:Kms/encryptedData:EncryptedData",
        "oci:Kms/generatedKey:GeneratedKey",
        "oci:Kms/keyVersion:KeyVersion",
        "oci:Mysql/heatWaveCluster:HeatWaveCluster",
        "oci:Nosql/index:Index",
        "oci:Nosql/tableReplica:TableReplica",
        "oci:ObjectStorage/replicationPolicy:ReplicationPolicy",
        "oci:ObjectStorage/storageObject:StorageObject",
        "oci:Redis/ociCacheBackupExportToObjectStorage:OciCacheBackupExportToObjectStorage",
    }
)


_DATA_BEARING: Final[frozenset[str]] = _AWS_DATA_BEARING | _OCI_DATA_BEARING
_AUXILIARY: Final[frozenset[str]] = _AWS_DATA_SERVICE_AUXILIARY | _OCI_DATA_SERVICE_AUXILIARY


def cloud_of(resource_type: str) -> Cloud | None:
    """The cloud a type token belongs to; provider types (``pulumi:providers:aws``) count too."""
    if resource_type.startswith("aws:") or resource_type == "pulumi:providers:aws":
        return "aws"
    if resource_type.startswith("oci:") or resource_type == "pulumi:providers:oci":
        return "oci"
    return None


def module_of(resource_type: str) -> str:
    """The module of a token: ``s3`` for ``aws:s3/bucket:Bucket``; empty if it has none."""
    parts = resource_type.split(":")
    if len(parts) != 3:
        return ""
    return parts[1].split("/", 1)[0]


def is_provider(resource_type: str) -> bool:
    return resource_type.startswith("pulumi:providers:")


def belongs_to_data_service(resource_type: str) -> bool:
    """True if the type is of a data service (S3, RDS, Object Storage, ...), known or not."""
    cloud = cloud_of(resource_type)
    if cloud is None or is_provider(resource_type):
        return resource_type in _DATA_BEARING
    return resource_type in _DATA_BEARING or module_of(resource_type) in DATA_SERVICE_MODULES[cloud]


def is_known(resource_type: str) -> bool:
    """True if the catalog classifies the type explicitly (data-bearing or auxiliary)."""
    return resource_type in _DATA_BEARING or resource_type in _AUXILIARY


def is_unknown_data_service_type(resource_type: str) -> bool:
    """A type of a data service that the catalog does not list: treated as data-bearing."""
    return belongs_to_data_service(resource_type) and not is_known(resource_type)


def is_data_bearing(resource_type: str) -> bool:
    """True if the type holds data, including unknown types of data services (fail closed)."""
    return resource_type in _DATA_BEARING or is_unknown_data_service_type(resource_type)


def is_region_neutral(resource_type: str) -> bool:
    """True for global types that have no region (IAM, Route 53 zones, OCI identity, ...)."""
    cloud = cloud_of(resource_type)
    if cloud is None or is_provider(resource_type) or resource_type in _REGIONAL_IN_NEUTRAL_MODULES:
        return False
    return module_of(resource_type) in _REGION_NEUTRAL_MODULES[cloud]


def takes_classification_tag(resource_type: str) -> bool:
    """False for the data-bearing types that have no tags input to carry the classification."""
    return resource_type not in _DATA_BEARING_WITHOUT_TAGS


def untaggable_data_bearing_types() -> frozenset[str]:
    return _DATA_BEARING_WITHOUT_TAGS


def data_bearing_types() -> frozenset[str]:
    """Every type the catalog lists as data-bearing."""
    return _DATA_BEARING


def auxiliary_types() -> frozenset[str]:
    """Every type of a data service the catalog lists as holding no data."""
    return _AUXILIARY
