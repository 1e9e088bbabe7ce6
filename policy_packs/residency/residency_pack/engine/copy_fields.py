"""The catalog of properties through which data leaves a resource for somewhere else.

Every entry names one resource type (pulumi-aws v7 / pulumi-oci 5 token), the property path of
one kind of *copy destination* in it (camelCase, ``[*]`` for every list element), what kind of
flow it is, and which fields of that element say where the data goes:

* ``at`` fields name the far end: a region name, an ARN or OCID (region, account, realm), an
  availability-domain name, a host or URL (a database server, a partner's HTTP endpoint), or a
  name/id of another resource (located only through the stack graph, see
  :mod:`residency_pack.engine.dataflow`). A ``#`` in a path reads the JSON document held in a
  string (``redrivePolicy#deadLetterTargetArn``); inside it ``*`` also takes every value of an
  object, and a path that ends on an object takes every place its strings name;
* ``owner`` fields name the account or tenancy the far end belongs to (an S3 replication rule's
  ``destination.account``): a foreign account is a foreign destination whatever its region;
* ``hints`` are other places the copy touches (the replica KMS key of a table replica): judged
  like a destination, but never taken to say where the destination itself is (a key in
  us-east-1 says nothing of who owns the bucket the copy lands in);
* ``opaque`` fields hide the far end (a DMS endpoint that reads its server from a secret): set,
  the far end cannot be told, and a flow of user data there fails closed;
* ``inbound`` entries name the *source* of the data: the copy is the resource itself (an RDS
  read replica, a KMS replica key, a DMS source endpoint), so it lands in the resource's own
  effective region; a source outside the stack cannot show its classification and is held to
  ``us-user-data``;
* ``duplex`` entries belong to connector endpoints that serve either way (a DataSync location,
  a GoldenGate connection): the tasks and pipelines that use them say which way data goes, and
  an endpoint no task uses is followed both ways;
* ``when`` makes an entry apply only when a field has one of some values (a DMS endpoint's
  ``endpointType``; an Organizations policy's ``type``); an unknown value applies it;
* ``same_region`` marks references the service resolves in the resource's own region and
  account (an AWS Backup plan's vault name, a bucket-logging target);
* ``source_tags`` names a tag filter that selects the stores being copied (AWS Backup
  selections, DLM policies); a ``source`` value with ``*`` selects every store of the cloud;
* ``outside`` says where the data comes from when that is outside the stack (every log group
  of the account, every resource an Organizations backup policy selects, the files a Transfer
  Family server's users upload): it cannot show its classification, so it is held to
  ``us-user-data``;
* ``source`` names, for configuration resources (an S3 replication configuration, a DMS task),
  the field (or ``|``-separated fields) that references the data being copied; a source
  outside the stack is held to ``us-user-data``.

``copy_rule`` marks the entries that ``residency-no-cross-region-copy`` checks one resource at a
time; the others (log deliveries, subscriptions, connectors, backup selections, membership in a
global database) are flows that only the stack-wide data-flow graph can judge.

The catalog is explicit on purpose: ``tests/pack/flows`` walks every entry through the SDK's own
classes (a renamed field fails a test instead of silently letting data out), checks that every
path is an input the program sets (or is marked ``computed``), and that every type the reviewed
type catalog says moves data has an entry: either precise ones here, or :data:`SCANNED`, whose
far ends are every place its inputs name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, cast

from residency_pack.engine import pack_config, places, region_catalog, type_catalog
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
    DELIVERY = "delivery"
    SHARE = "share"
    ARTIFACT = "artifact"  # code, an image, a template or configuration the resource reads


@dataclass(frozen=True)
class CopyField:
    """One property of one resource type through which data is copied somewhere."""

    resource_type: str
    each: str  # path to the destination element(s): "rules[*].destination"; "" = the resource
    flow: FlowKind
    at: tuple[str, ...]  # fields of the element naming the far end (or, inbound, the source)
    hints: tuple[str, ...] = ()  # other places the copy touches; never locate the destination
    owner: tuple[str, ...] = ()  # fields of the element naming the far end's account/tenancy
    opaque: tuple[str, ...] = ()  # fields that hide the far end (a secret holding the server)
    inbound: bool = False  # `at` names where the data comes from; the copy is this resource
    duplex: bool = False  # a connector endpoint: its users say which way data goes
    when: tuple[str, tuple[str, ...]] | None = None  # (field, values): applies only then
    source: str | None = None  # field naming the data store being copied (None: this resource)
    source_tags: str | None = None  # field selecting the copied stores by tag (map or list)
    # The data comes from outside the stack, as this says ("every log group of the account"):
    # what it holds cannot be seen, so it is held to us-user-data.
    outside: str = ""
    default: str | None = None  # the value a missing `at` field stands for ("default" bus)
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

    @property
    def scans(self) -> bool:
        """The entry of a :data:`SCANNED` type: every place its inputs name is a far end."""
        return self.at == (SCAN,)


SCAN: Final = "**"  # `at` of a scanned type: every input naming a place


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
        # Records that take no tags: what they hold is in the table or bucket they are written
        # to, judged there (an item or object of a user-data store is that store's data).
        "aws:dynamodb/tableItem:TableItem",
        "oci:ObjectStorage/storageObject:StorageObject",
    }
)

# Data-bearing inputs: the inputs that are the body of an object or record (an S3 object's
# `content`, a DynamoDB item, an OCI object's `content`), or, for a record, the store it is part
# of. Data keeps its classification: a value built from an output of a store of the stack
# (a property dependency) carries that resource's data into this one, however the program
# composed it, so the resource receives a copy of it (`residency-data-flow` judges the copy by
# the source's classification, whatever this resource's own label). Only these inputs taint: a
# name or ARN used for configuration elsewhere (a role, a key, a log group) carries no data.
DATA_INPUTS: Final[Mapping[str, tuple[str, ...]]] = {
    "aws:s3/bucketObject:BucketObject": ("content", "contentBase64", "source"),
    "aws:s3/bucketObjectv2:BucketObjectv2": ("content", "contentBase64", "source"),
    "aws:dynamodb/tableItem:TableItem": ("item", "tableName"),
    "oci:ObjectStorage/storageObject:StorageObject": ("content", "source", "bucket"),
}


def data_inputs(resource_type: str) -> tuple[str, ...]:
    """The data-bearing inputs of ``resource_type`` (see :data:`DATA_INPUTS`); empty if none."""
    return DATA_INPUTS.get(resource_type, ())


@dataclass(frozen=True)
class ArtifactField:
    """One input of one resource type that says where the resource's code, image, template or
    configuration comes from (a Lambda function's ``s3Bucket``, an instance's image, a Glue job's
    script location, an EMR bootstrap action). The artifact flows *into* the resource, never
    the resource's data into the artifact: ``residency-data-flow`` follows such an input as an
    inbound edge from the stack resource it names (a store of the stack a workload reads its code
    from is read by it), never as a far end the resource sends data to; whose and where the
    artifact is (it must be readable by the resource) is ``residency-named-places``'s to judge."""

    resource_type: str
    path: str  # input path (``[*]`` every list element, ``#`` into a JSON document)
    when: tuple[str, tuple[str, ...]] | None = None  # (field, values): applies only then
    note: str = ""


def _a(resource_type: str, *paths: str, **kwargs: Any) -> tuple[ArtifactField, ...]:
    return tuple(ArtifactField(resource_type, path, **kwargs) for path in paths)


_GLUE_ARTIFACT_ARGS: Final = ("--extra-py-files", "--extra-jars", "--extra-files",
                              "--additional-python-modules")  # fmt: skip
_SAGEMAKER_CONTAINER: Final = ("image", "modelDataUrl", "modelDataSource", "modelPackageName")

# fmt: off
ARTIFACT_FIELDS: Final[tuple[ArtifactField, ...]] = (
    # --- AWS compute: code packages, images, launch templates --------------------------------
    *_a("aws:lambda/function:Function", "s3Bucket", "s3Key", "s3ObjectVersion", "imageUri",
        "layers"),
    *_a("aws:lambda/layerVersion:LayerVersion", "s3Bucket", "s3Key", "s3ObjectVersion"),
    *_a("aws:ec2/instance:Instance", "ami", "launchTemplate"),
    *_a("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "ami", "launchTemplate"),
    *_a("aws:ec2/launchTemplate:LaunchTemplate", "imageId"),
    *_a("aws:ec2/launchConfiguration:LaunchConfiguration", "imageId"),
    *_a("aws:autoscaling/group:Group", "launchTemplate", "launchConfiguration",
        "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification"),
    *_a("aws:ec2/fleet:Fleet", "launchTemplateConfigs[*].launchTemplateSpecification"),
    *_a("aws:ec2/spotFleetRequest:SpotFleetRequest",
        "launchTemplateConfigs[*].launchTemplateSpecification", "launchSpecifications[*].ami"),
    *_a("aws:eks/nodeGroup:NodeGroup", "launchTemplate"),
    *_a("aws:batch/computeEnvironment:ComputeEnvironment", "computeResources.launchTemplate",
        "computeResources.imageId", "computeResources.ec2Configurations[*].imageIdOverride"),
    *_a("aws:batch/jobDefinition:JobDefinition", "containerProperties#image",
        "ecsProperties#taskProperties[*].containers[*].image",
        "eksProperties.podProperties.containers[*].image",
        "eksProperties.podProperties.initContainers[*].image"),
    *_a("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions#[*].image"),
    *_a("aws:apprunner/service:Service", "sourceConfiguration.imageRepository.imageIdentifier",
        "sourceConfiguration.codeRepository.repositoryUrl"),
    *_a("aws:elasticbeanstalk/applicationVersion:ApplicationVersion", "bucket", "key"),
    *_a("aws:synthetics/canary:Canary", "s3Bucket", "s3Key", "s3Version"),
    *_a("aws:cloudformation/stack:Stack", "templateUrl"),
    *_a("aws:cloudformation/stackSet:StackSet", "templateUrl"),
    *_a("aws:imagebuilder/imageRecipe:ImageRecipe", "parentImage", "components[*].componentArn"),
    *_a("aws:imagebuilder/component:Component", "uri"),
    *_a("aws:appconfig/configurationProfile:ConfigurationProfile", "locationUri"),
    # --- AWS analytics and ML: scripts, libraries, bootstrap actions, models -----------------
    *_a("aws:glue/job:Job", "command.scriptLocation",
        *(f"{args}.{name}" for args in ("defaultArguments", "nonOverridableArguments")
          for name in _GLUE_ARTIFACT_ARGS)),
    *_a("aws:glue/devEndpoint:DevEndpoint", "extraPythonLibsS3Path", "extraJarsS3Path"),
    *_a("aws:emr/cluster:Cluster", "bootstrapActions[*].path", "customAmiId",
        "steps[*].hadoopJarStep.jar"),
    *_a("aws:emrserverless/application:Application", "imageConfiguration.imageUri"),
    *_a("aws:sagemaker/model:Model", *(f"{where}.{name}" for where in
        ("primaryContainer", "containers[*]") for name in _SAGEMAKER_CONTAINER)),
    *_a("aws:sagemaker/notebookInstance:NotebookInstance", "defaultCodeRepository",
        "additionalCodeRepositories"),
    *_a("aws:codebuild/project:Project", "source.location", "secondarySources[*].location",
        "environment.image"),
    *_a("aws:kinesisanalyticsv2/application:Application",
        "applicationConfiguration.applicationCodeConfiguration.codeContent.s3ContentLocation"),
    *_a("aws:mwaa/environment:Environment", "sourceBucketArn", "dagS3Path", "pluginsS3Path",
        "requirementsS3Path", "startupScriptS3Path"),
    # --- OCI compute: images, instance configurations, functions, containers -----------------
    *_a("oci:Core/instance:Instance", "sourceDetails.sourceId",
        when=("sourceDetails.sourceType", ("image",)),
        note="booted from an image; a boot volume source is the instance's own disk"),
    *_a("oci:Core/instanceConfiguration:InstanceConfiguration",
        "instanceDetails.launchDetails.sourceDetails.imageId",
        "instanceDetails.options[*].launchDetails.sourceDetails.imageId"),
    *_a("oci:Core/instancePool:InstancePool", "instanceConfigurationId"),
    *_a("oci:ContainerEngine/nodePool:NodePool", "nodeSourceDetails.imageId", "nodeImageId",
        "nodeImageName"),
    *_a("oci:Functions/function:Function", "image", "sourceDetails.pbfListingId"),
    *_a("oci:ContainerEngine/containerInstance:ContainerInstance", "containers[*].imageUrl"),
    *_a("oci:DataFlow/application:Application", "fileUri", "archiveUri"),
    *_a("oci:DataFlow/invokeRun:InvokeRun", "archiveUri"),
)
# fmt: on


@cache
def _artifacts_by_type() -> Mapping[str, tuple[ArtifactField, ...]]:
    index: dict[str, list[ArtifactField]] = {}
    for entry in ARTIFACT_FIELDS:
        index.setdefault(entry.resource_type, []).append(entry)
    return {t: tuple(entries) for t, entries in index.items()}


def artifact_fields(resource_type: str, props: Any = None) -> tuple[ArtifactField, ...]:
    """The artifact inputs of ``resource_type`` (:data:`ARTIFACT_FIELDS`) that apply to ``props``
    (an entry's ``when``; an unknown value applies it); every entry when ``props`` is None."""
    found = _artifacts_by_type().get(resource_type, ())
    if props is None:
        return found
    return tuple(entry for entry in found if applies(entry, props))


_DISPLAY_STEP: Final = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _names(display_path: str) -> tuple[str, ...]:
    """The property names of a display path (``containers[0].image`` -> containers, image)."""
    return tuple(name for _, name in _DISPLAY_STEP.findall(display_path) if name)


def artifact_path(resource_type: str, props: Any, display_path: str) -> bool:
    """True if ``display_path`` of a bag of ``resource_type`` is (or is inside) an artifact input
    (:data:`ARTIFACT_FIELDS`): what is named there flows into the resource, it is not a place the
    resource sends data to."""
    names = _names(display_path)
    for entry in artifact_fields(resource_type, props):
        pattern = tuple(s for s in split_path(entry.path) if s not in ("*", "#"))
        if names[: len(pattern)] == pattern:
            return True
    return False


def artifact_values(resource_type: str, props: Any) -> Iterator[tuple[str, Any]]:
    """``(display path, value)`` of every string of the artifact inputs the bag sets (unknowns as
    :data:`UNKNOWN`; a launch-template specification gives each of its strings)."""
    if not isinstance(props, dict):
        props = unwrap(props)
    for entry in artifact_fields(resource_type, props):
        for path, value in walk(props, split_path(entry.path)):
            if value is UNKNOWN or isinstance(value, str):
                yield _display(path), value
            elif isinstance(value, list | Mapping):
                yield from _leaves(value, path)


def _leaves(value: Any, prefix: tuple[str | int, ...]) -> Iterator[tuple[str, Any]]:
    """``(display path, value)`` of every string (or unknown) inside a structured input."""
    if is_unknown(value):
        yield _display(prefix), UNKNOWN
    elif isinstance(value, str):
        yield _display(prefix), value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*prefix, index))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, (*prefix, str(key)))


def _f(resource_type: str, each: str, flow: FlowKind, *at: str, **kwargs: Any) -> CopyField:
    return CopyField(resource_type, each, flow, tuple(at), **kwargs)


R, S, C, B = FlowKind.REPLICATION, FlowKind.STANDBY, FlowKind.COPY, FlowKind.BACKUP
RS, EX, SUB = FlowKind.RESTORE, FlowKind.EXPORT, FlowKind.SUBSCRIPTION
DL, SH = FlowKind.DELIVERY, FlowKind.SHARE

_S3_BUCKETS: Final = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
_OCI_BUCKETS: Final = ("oci:ObjectStorage/bucket:Bucket",)
_RDS: Final = ("aws:rds/",)
_KMS_KEYS: Final = ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/externalKey:")
_DYNAMODB: Final = ("aws:dynamodb/table:Table",)
_OCI_DB: Final = ("oci:Database/",)
# Where a DMS endpoint's data is: its server, or the stream, broker, domain or bucket it names.
_DMS_AT: Final = ("serverName", "kinesisSettings.streamArn", "kafkaSettings.broker",
                  "elasticsearchSettings.endpointUri", "redshiftSettings.bucketName",
                  "redisSettings.serverName")

# fmt: off
COPY_FIELDS: Final[tuple[CopyField, ...]] = (
    # --- AWS S3 -----------------------------------------------------------------------------
    _f("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "rules[*].destination", R,
       "bucket", hints=("encryptionConfiguration.replicaKmsKeyId",), owner=("account",),
       source="bucket", targets=_S3_BUCKETS,
       note="the bucket ARN says neither region nor account; the replica key says neither"),
    _f("aws:s3/bucket:Bucket", "replicationConfiguration.rules[*].destination", R, "bucket",
       hints=("replicaKmsKeyId",), owner=("accountId",), targets=_S3_BUCKETS),
    _f("aws:s3/bucketV2:BucketV2", "replicationConfigurations[*].rules[*].destinations[*]", R,
       "bucket", hints=("replicaKmsKeyId",), owner=("accountId",), targets=_S3_BUCKETS),
    _f("aws:s3tables/tableBucketReplication:TableBucketReplication", "rule.destinations[*]", R,
       "destinationTableBucketArn", source="tableBucketArn"),
    _f("aws:s3tables/tableReplication:TableReplication", "rule.destinations[*]", R,
       "destinationTableBucketArn", source="tableArn"),
    _f("aws:s3/objectCopy:ObjectCopy", "", C, "source", inbound=True, targets=_S3_BUCKETS,
       copy_rule=False, note="`bucket/key` (or an access point ARN) the object is copied from"),
    _f("aws:s3/objectCopy:ObjectCopy", "", C, "bucket", targets=_S3_BUCKETS, copy_rule=False,
       note="the bucket the copy is written to"),
    # A Glue Data Catalog table or partition takes no tags: it describes (and Athena, Spark or
    # Redshift Spectrum read through it, in the table's region) the data at its S3 location,
    # which is where its data comes from. A location outside the stack is held to us-user-data.
    _f("aws:glue/catalogTable:CatalogTable", "storageDescriptor", C, "location", inbound=True,
       targets=_S3_BUCKETS, copy_rule=False,
       note="the S3 location of the data the table describes; queries read it in its region"),
    # Athena partition projection: the table's queries read the S3 locations the template
    # names (``s3://bucket/events/${dt}/``), whatever ``storageDescriptor.location`` says.
    _f("aws:glue/catalogTable:CatalogTable", "", C, 'parameters["storage.location.template"]',
       inbound=True, targets=_S3_BUCKETS, copy_rule=False,
       note="the S3 locations Athena partition projection reads the table's data from"),
    _f("aws:glue/partition:Partition", "storageDescriptor", C, "location", inbound=True,
       targets=_S3_BUCKETS, copy_rule=False,
       note="the S3 location of the data the partition describes; queries read it in its region"),
    _f("aws:s3/inventory:Inventory", "destination.bucket", EX, "bucketArn", owner=("accountId",),
       source="bucket",
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
    # A restore by name copies the table of that name (of the same account and region).
    _f("aws:dynamodb/table:Table", "", RS, "restoreSourceName", inbound=True,
       targets=_DYNAMODB),
    _f("aws:dynamodb/table:Table", "importTable.s3BucketSource", RS, "bucket", inbound=True,
       targets=_S3_BUCKETS, copy_rule=False),
    _f("aws:dynamodb/globalTable:GlobalTable", "replicas[*]", R, "regionName"),
    _f("aws:dynamodb/tableItem:TableItem", "", C, "tableName", targets=_DYNAMODB,
       copy_rule=False, same_region=True, note="the item is written into its table"),
    _f("aws:dynamodb/tableReplica:TableReplica", "", R, "globalTableArn", inbound=True,
       targets=_DYNAMODB),
    _f("aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination", "", EX,
       "streamArn", source="tableName"),
    _f("aws:dynamodb/tableExport:TableExport", "", EX, "s3Bucket", owner=("s3BucketOwner",),
       source="tableArn", targets=_S3_BUCKETS),
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
       "replicationConfiguration.rules[*].destinations[*]", R, "region", owner=("registryId",),
       outside="every repository of the account's registry"),
    _f("aws:ssmincidents/replicationSet:ReplicationSet", "regions[*]", R, "name",
       hints=("kmsKeyArn",)),
    # --- AWS events, logs, streams, subscriptions (data-flow graph) ---------------------------
    _f("aws:cloudwatch/eventEndpoint:EventEndpoint", "routingConfig.failoverConfig.secondary", R,
       "route", note="global endpoint fails events over to this region"),
    _f("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "", SUB, "destinationArn",
       source="logGroup", targets=("aws:kinesis/", "aws:lambda/", "aws:cloudwatch/logDest"),
       copy_rule=False),
    _f("aws:cloudwatch/logDestination:LogDestination", "", SUB, "targetArn", copy_rule=False,
       note="receives the log events of subscription filters, possibly of other accounts"),
    _f("aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "", SUB,
       "policyDocument#DestinationArn", when=("policyType", ("subscription_filter_policy",)),
       outside="every log group of the account the policy selects",
       note="an account-wide subscription filter"),
    _f("aws:cloudwatch/logDelivery:LogDelivery", "", DL, "deliveryDestinationArn",
       source="deliverySourceName", copy_rule=False),
    _f("aws:cloudwatch/logDeliverySource:LogDeliverySource", "", DL, "resourceArn",
       inbound=True, copy_rule=False, note="the resource whose vended logs are delivered"),
    _f("aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
       "deliveryDestinationConfiguration", DL, "destinationResourceArn", copy_rule=False),
    _f("aws:oam/link:Link", "", SH, "sinkIdentifier",
       outside="the logs, metrics and traces of the account the link shares",
       note="observability access manager: shares the account's telemetry with the sink"),
    _f("aws:sns/topicSubscription:TopicSubscription", "", SUB, "endpoint", source="topic",
       copy_rule=False, note="http(s)/email/sms endpoints leave the stack"),
    _f("aws:sns/topicSubscription:TopicSubscription", "", SUB,
       "redrivePolicy#deadLetterTargetArn", source="topic", copy_rule=False),
    _f("aws:sqs/queue:Queue", "", SUB, "redrivePolicy#deadLetterTargetArn", copy_rule=False),
    _f("aws:sqs/redrivePolicy:RedrivePolicy", "", SUB, "redrivePolicy#deadLetterTargetArn",
       source="queueUrl", copy_rule=False),
    _f("aws:lambda/eventSourceMapping:EventSourceMapping", "", SUB, "functionName",
       source="eventSourceArn", targets=("aws:lambda/function:Function",), copy_rule=False,
       same_region=True),
    _f("aws:lambda/eventSourceMapping:EventSourceMapping", "destinationConfig.onFailure", SUB,
       "destinationArn", source="eventSourceArn", copy_rule=False),
    _f("aws:lambda/eventSourceMapping:EventSourceMapping", "selfManagedEventSource", SUB,
       "endpoints", inbound=True, copy_rule=False,
       note="a self-managed Kafka cluster the function reads from"),
    # An invocation record carries the event the function was invoked with, from whoever
    # invoked it: data from outside the stack.
    *(_f("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
         f"destinationConfig.{outcome}", SUB, "destination", copy_rule=False,
         outside="the events the function is invoked with") for outcome in (
        "onSuccess", "onFailure")),
    _f("aws:lambda/function:Function", "deadLetterConfig", SUB, "targetArn", copy_rule=False,
       outside="the events the function is invoked with"),
    # EventBridge: a bus (the account's default bus, outside the stack, when none is named)
    # feeds its rules; a rule feeds its targets; a pipe reads its source and writes its target.
    _f("aws:cloudwatch/eventRule:EventRule", "", SUB, "eventBusName", inbound=True,
       default="default", targets=("aws:cloudwatch/eventBus:EventBus",), copy_rule=False),
    _f("aws:cloudwatch/eventTarget:EventTarget", "", SUB, "arn", "deadLetterConfig.arn",
       source="rule", copy_rule=False),
    _f("aws:cloudwatch/eventBus:EventBus", "deadLetterConfig", SUB, "arn", copy_rule=False),
    _f("aws:cloudwatch/eventApiDestination:EventApiDestination", "", DL, "invocationEndpoint",
       copy_rule=False, note="an HTTP endpoint outside the stack; its rules' targets feed it"),
    _f("aws:pipes/pipe:Pipe", "", SUB, "target", "enrichment",
       "sourceParameters.dynamodbStreamParameters.deadLetterConfig.arn",
       "sourceParameters.kinesisStreamParameters.deadLetterConfig.arn",
       source="source|sourceParameters.selfManagedKafkaParameters.additionalBootstrapServers",
       copy_rule=False),
    _f("aws:scheduler/schedule:Schedule", "target", SUB, "arn", "deadLetterConfig.arn",
       copy_rule=False),
    # Kinesis Data Firehose: every destination, and the backup bucket of each.
    *(_f("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", each, DL, *at,
         copy_rule=False) for each, at in (
        ("extendedS3Configuration", ("bucketArn", "s3BackupConfiguration.bucketArn")),
        ("httpEndpointConfiguration", ("url", "s3Configuration.bucketArn")),
        ("splunkConfiguration", ("hecEndpoint", "s3Configuration.bucketArn")),
        ("snowflakeConfiguration", ("accountUrl", "s3Configuration.bucketArn")),
        ("redshiftConfiguration", ("clusterJdbcurl", "s3Configuration.bucketArn",
                                   "s3BackupConfiguration.bucketArn")),
        ("opensearchConfiguration", ("domainArn", "clusterEndpoint", "s3Configuration.bucketArn")),
        ("elasticsearchConfiguration", ("domainArn", "clusterEndpoint",
                                        "s3Configuration.bucketArn")),
        ("opensearchserverlessConfiguration", ("collectionEndpoint",
                                               "s3Configuration.bucketArn")),
        ("icebergConfiguration", ("catalogArn", "s3Configuration.bucketArn")),
    )),
    _f("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "kinesisSourceConfiguration",
       SUB, "kinesisStreamArn", inbound=True, copy_rule=False),
    _f("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "mskSourceConfiguration",
       SUB, "mskClusterArn", inbound=True, copy_rule=False),
    # DataSync: a task copies from one location to another; a location is a far end.
    _f("aws:datasync/task:Task", "", C, "destinationLocationArn", source="sourceLocationArn",
       targets=("aws:datasync/",), copy_rule=False),
    _f("aws:datasync/task:Task", "taskReportConfig.s3Destination", EX, "s3BucketArn",
       source="sourceLocationArn", copy_rule=False),
    *(_f(t, "", C, *at, duplex=True, copy_rule=False) for t, at in (
        ("aws:datasync/s3Location:S3Location", ("s3BucketArn",)),
        ("aws:datasync/efsLocation:EfsLocation", ("efsFileSystemArn",)),
        ("aws:datasync/nfsLocation:NfsLocation", ("serverHostname",)),
        ("aws:datasync/locationSmb:LocationSmb", ("serverHostname",)),
        ("aws:datasync/locationObjectStorage:LocationObjectStorage", ("serverHostname",)),
        ("aws:datasync/locationAzureBlob:LocationAzureBlob", ("containerUrl",)),
        ("aws:datasync/locationHdfs:LocationHdfs", ("nameNodes[*].hostname",)),
        ("aws:datasync/locationFsxLustre:LocationFsxLustre", ("fsxFilesystemArn",)),
        ("aws:datasync/locationFsxWindows:LocationFsxWindows", ("fsxFilesystemArn",)),
        ("aws:datasync/fsxOpenZfsFileSystem:FsxOpenZfsFileSystem", ("fsxFilesystemArn",)),
        ("aws:datasync/locationFsxOntapFileSystem:LocationFsxOntapFileSystem",
         ("storageVirtualMachineArn",)),
    )),
    # DMS: a task (or serverless replication) copies from its source endpoint to its target
    # endpoint; an endpoint's server, stream, bucket or cluster is the far end.
    _f("aws:dms/replicationTask:ReplicationTask", "", C, "targetEndpointArn",
       source="sourceEndpointArn", targets=("aws:dms/",), copy_rule=False),
    _f("aws:dms/replicationConfig:ReplicationConfig", "", C, "targetEndpointArn",
       source="sourceEndpointArn", targets=("aws:dms/",), copy_rule=False),
    *(_f("aws:dms/endpoint:Endpoint", "", C, *_DMS_AT, opaque=("secretsManagerArn",),
         inbound=inbound, when=("endpointType", (kind,)), copy_rule=False)
      for inbound, kind in ((False, "target"), (True, "source"))),
    *(_f("aws:dms/s3Endpoint:S3Endpoint", "", C, "bucketName", owner=("expectedBucketOwner",),
         inbound=inbound, when=("endpointType", (kind,)), targets=_S3_BUCKETS, copy_rule=False)
      for inbound, kind in ((False, "target"), (True, "source"))),
    # Zero-ETL integrations and Redshift datashares.
    _f("aws:rds/integration:Integration", "", R, "targetArn", hints=("kmsKeyId",),
       source="sourceArn", note="zero-ETL: the source database replicated into Redshift"),
    _f("aws:redshift/integration:Integration", "", R, "targetArn", hints=("kmsKeyId",),
       source="sourceArn", note="zero-ETL: DynamoDB, RDS or S3 data replicated into Redshift"),
    _f("aws:redshift/dataShareAuthorization:DataShareAuthorization", "", SH,
       owner=("consumerIdentifier",), source="dataShareArn",
       note="the consumer account reads the datashare's data"),
    # Transfer Family: files the server's users and AS2 partners send land in the bucket or
    # file system their home directory names; a workflow copies them on; a connector sends
    # files to a partner's server.
    *(_f(t, "", C, "homeDirectory", "homeDirectoryMappings[*].target", copy_rule=False,
         outside="files the server's users upload") for t in (
        "aws:transfer/user:User", "aws:transfer/access:Access")),
    _f("aws:transfer/agreement:Agreement", "", C, "baseDirectory", copy_rule=False,
       outside="the files and messages the AS2 partner sends"),
    _f("aws:transfer/server:Server", "", C, "workflowDetails.onUpload.workflowId",
       "workflowDetails.onPartialUpload.workflowId", targets=("aws:transfer/workflow:",),
       copy_rule=False, outside="files the server's users upload"),
    _f("aws:transfer/workflow:Workflow", "steps[*]", C,
       "copyStepDetails.destinationFileLocation.s3FileLocation.bucket",
       "copyStepDetails.destinationFileLocation.efsFileLocation.fileSystemId",
       "decryptStepDetails.destinationFileLocation.s3FileLocation.bucket",
       "decryptStepDetails.destinationFileLocation.efsFileLocation.fileSystemId",
       "customStepDetails.target", copy_rule=False),
    _f("aws:transfer/connector:Connector", "", C, "url", copy_rule=False,
       outside="the files of the account's buckets the connector is asked to send"),
    # SES receipt rules deliver the email the account receives; AppFlow copies records from
    # an application to a destination.
    _f("aws:ses/receiptRule:ReceiptRule", "", DL, "s3Actions[*].bucketName",
       "s3Actions[*].topicArn", "snsActions[*].topicArn", "lambdaActions[*].functionArn",
       "workmailActions[*].organizationArn", copy_rule=False,
       outside="the email the rule receives"),
    _f("aws:appflow/flow:Flow", "destinationFlowConfigs[*]", C, "connectorProfileName",
       "destinationConnectorProperties.s3.bucketName",
       "destinationConnectorProperties.upsolver.bucketName",
       "destinationConnectorProperties.redshift.intermediateBucketName",
       "destinationConnectorProperties.snowflake.intermediateBucketName",
       source="sourceFlowConfig.sourceConnectorProperties.s3.bucketName"
              "|sourceFlowConfig.connectorProfileName",
       copy_rule=False),
    # AWS Organizations: a backup policy's copy actions copy every selected resource of every
    # member account to the vaults they name.
    _f("aws:organizations/policy:Policy", "", B, "content#plans.*.rules.*.copy_actions",
       when=("type", ("backup_policy",)),
       outside="every resource of the organization's accounts its plans select"),
    _f("aws:cloudtrail/trail:Trail", "", EX, "s3BucketName", targets=_S3_BUCKETS,
       copy_rule=False),
    _f("aws:ssm/resourceDataSync:ResourceDataSync", "s3Destination", EX, "region", "bucketName",
       targets=_S3_BUCKETS, copy_rule=False),
    # --- OCI Object Storage -------------------------------------------------------------------
    _f("oci:ObjectStorage/replicationPolicy:ReplicationPolicy", "", R, "destinationRegionName",
       "destinationBucketName", source="bucket", targets=_OCI_BUCKETS),
    _f("oci:ObjectStorage/storageObject:StorageObject", "sourceUriDetails", C, "bucket",
       inbound=True, targets=_OCI_BUCKETS, copy_rule=False),
    _f("oci:ObjectStorage/storageObject:StorageObject", "", C, "bucket", targets=_OCI_BUCKETS,
       copy_rule=False, same_region=True, note="the object is written into its bucket"),
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
    _f("oci:Mysql/channel:Channel", "target", R, "dbSystemId", source="source.hostname",
       targets=("oci:Mysql/",), copy_rule=False,
       note="replicates the source MySQL server into the target DB system"),
    _f("oci:Psql/dbSystem:DbSystem", "managementPolicy.backupPolicy.copyPolicy", B, "regions"),
    _f("oci:Psql/dbSystem:DbSystem", "source", RS, "backupId", "dbSystemId",
       "primaryDbSystemId", inbound=True, targets=("oci:Psql/",)),
    _f("oci:Psql/backup:Backup", "", B, "dbSystemId", inbound=True, targets=("oci:Psql/",)),
    _f("oci:Psql/backup:Backup", "sourceBackupDetails", C, "sourceBackupId", inbound=True,
       targets=("oci:Psql/",)),
    # --- stores the type catalog review found with a copy to another region ----------------
    _f("aws:securitylake/dataLake:DataLake", "configuration.replicationConfiguration", R,
       "regions", note="security data replicated to the rollup regions named"),
    _f("aws:odb/autonomousDatabase:AutonomousDatabase", "sourceConfiguration.crossRegionDataGuard",
       S, "sourceAutonomousDatabaseArn", inbound=True, note="cross-region Data Guard standby"),
    _f("aws:odb/autonomousDatabase:AutonomousDatabase",
       "sourceConfiguration.crossRegionDisasterRecovery", S, "sourceAutonomousDatabaseArn",
       inbound=True, note="cross-region disaster-recovery peer"),
    _f("aws:cognito/userPool:UserPool", "smsConfiguration", EX, "snsRegion",
       note="users' phone numbers and codes are sent through SNS in this region"),
    _f("oci:DataScience/model:Model", "backupSetting", B, "backupRegion"),
    _f("oci:Oce/instance:Instance", "", R, "drRegion", note="disaster-recovery paired region"),
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
    # GoldenGate: a pipeline replicates from its source connection to its target connection; a
    # deployment replicates between the connections assigned to it (either way); a connection's
    # database, stream, bucket or host is the far end.
    _f("oci:GoldenGate/connection:Connection", "", R, "region", "host", "connectionString",
       "connectionUrl", "url", "endpoint", "bootstrapServers[*].host", "clusterEndpoint",
       "restEndpoint", "databaseId", "dbSystemId", "streamPoolId", "redisClusterId",
       "clusterId", "workspaceUrl", "jndiProviderUrl", duplex=True, copy_rule=False,
       note="the database, stream, bucket or server GoldenGate replicates from or to"),
    _f("oci:GoldenGate/connection:Connection", "storage", R, "region", "bucket", "endpoint",
       duplex=True, copy_rule=False,
       note="the object storage an Iceberg connection writes replicated data to"),
    _f("oci:GoldenGate/pipeline:Pipeline", "", R, "targetConnectionDetails.connectionId",
       source="sourceConnectionDetails.connectionId", targets=("oci:GoldenGate/",),
       copy_rule=False),
    _f("oci:GoldenGate/databaseRegistration:DatabaseRegistration", "", R, "fqdn", "ipAddress",
       "connectionString", "databaseId", duplex=True, copy_rule=False),
    # Service Connector Hub: a connector moves a stream's messages or a log group's logs,
    # through its tasks, to its target.
    _f("oci:Sch/connector:Connector", "target", EX, "bucket", "streamId", "functionId",
       "logGroupId", "topicId", owner=("namespace",),
       source="source.streamId|source.logSources[*].logGroupId|source.logSources[*].logId",
       copy_rule=False, same_region=True),
    _f("oci:Sch/connector:Connector", "tasks[*]", EX, "functionId",
       source="source.streamId|source.logSources[*].logGroupId|source.logSources[*].logId",
       copy_rule=False),
    _f("oci:Ons/subscription:Subscription", "", SUB, "endpoint", source="topicId",
       copy_rule=False),
    _f("oci:Events/rule:Rule", "actions.actions[*]", SUB, "streamId", "topicId", "functionId",
       copy_rule=False, outside="the events of the compartment the rule matches"),
)
# fmt: on



def _scanned_types() -> tuple[str, ...]:
    text = (Path(__file__).resolve().parent / "copy_fields_scanned.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip()[:1] not in ("", "#"))


# Types the reviewed type catalog says move data, whose far ends are every place their inputs
# name (outside their own role, keys, network placement and logs): see `_scan`. Read once.
SCANNED: Final[tuple[str, ...]] = _scanned_types()


@cache
def _by_type() -> Mapping[str, tuple[CopyField, ...]]:
    index: dict[str, list[CopyField]] = {}
    for entry in (*COPY_FIELDS, *(_scanned(t) for t in SCANNED)):
        index.setdefault(entry.resource_type, []).append(entry)
    return {t: tuple(entries) for t, entries in index.items()}


def _scanned(resource_type: str) -> CopyField:
    return CopyField(resource_type, "", FlowKind.DELIVERY, (SCAN,), copy_rule=False,
                     note="far ends: every place its inputs name")  # fmt: skip


def fields_for(resource_type: str) -> tuple[CopyField, ...]:
    """The catalog entries of ``resource_type`` (empty if it copies data nowhere). A type of a
    cloud that the type catalog has not reviewed may move data anywhere: it is scanned."""
    found = _by_type().get(resource_type)
    if found is not None:
        return found
    return _unreviewed(resource_type)


@cache
def _unreviewed(resource_type: str) -> tuple[CopyField, ...]:
    if type_catalog.cloud_of(resource_type) is None or type_catalog.is_provider(resource_type):
        return ()
    return () if type_catalog.role_of(resource_type) is not None else (_scanned(resource_type),)


def unfollowed(resource_type: str) -> bool:
    """True for a type the type catalog says moves data but that has no entry here: where its
    data goes cannot be followed (fail closed: ``residency-data-flow`` reports it)."""
    return type_catalog.role_of(resource_type) == "moves-data" and not fields_for(resource_type)


def covered_types() -> frozenset[str]:
    return frozenset(_by_type())


# --- reading the catalog's paths out of a property bag ----------------------------------------


_PATH_PART: Final = re.compile(r'(\["[^"\]]*"\])')


def split_path(path: str) -> tuple[str, ...]:
    """``"rules[*].destination"`` -> ``("rules", "*", "destination")``; a JSON document in a
    string is entered with ``#`` (``"policy#Statement"`` -> ``("policy", "#", "Statement")``)."""
    steps: list[str] = []
    outer, hash_, inner = path.partition("#")
    for part in _PATH_PART.split(outer) if outer else []:
        if part.startswith('["'):
            steps.append(part[2:-2])  # a key with dots (``parameters["a.b"]``), as it is
            continue
        for piece in part.split("."):
            name, _, rest = piece.partition("[")
            if name:
                steps.append(name)
            steps.extend("*" for _ in range(rest.count("*]")))
    if hash_:
        steps.append("#")
        steps.extend(split_path(inner))
    return tuple(steps)


def _display(steps: tuple[str | int, ...]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _document(value: Any) -> Any:
    """The JSON document a string holds (an object or list given as such is taken as is);
    a string that is not JSON is returned as it is, and read as one value."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def walk(
    value: Any, steps: tuple[str, ...], prefix: tuple[str | int, ...] = (), *, doc: bool = False
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every ``(concrete path, value)`` that ``steps`` reaches in ``value``; ``*`` expands a
    list (a single object counts as a one-element list; inside a JSON document, ``*`` also
    takes every value of an object); ``#`` enters the JSON document of a string. Missing values
    yield nothing; an unknown one yields :data:`UNKNOWN` at the path where it was met."""
    if is_unknown(value):
        yield prefix, UNKNOWN
        return
    if value is None:
        return
    if not steps:
        yield prefix, value
        return
    step, rest = steps[0], steps[1:]
    if step == "#":
        document = _document(value)
        if isinstance(document, str):  # not JSON: the string itself is the value read
            yield prefix, document
            return
        yield from walk(document, rest, prefix, doc=True)
        return
    if step == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, rest, (*prefix, index), doc=doc)
        elif isinstance(value, Mapping):
            if doc:
                for key, item in value.items():
                    yield from walk(item, rest, (*prefix, str(key)), doc=doc)
            else:
                yield from walk(value, rest, prefix, doc=doc)
        return
    if isinstance(value, list):  # an object the SDK encodes as a one-element list
        for index, item in enumerate(value):
            yield from walk(item, steps, (*prefix, index), doc=doc)
        return
    if isinstance(value, Mapping):
        yield from walk(value.get(step), rest, (*prefix, step), doc=doc)


def strings_at(element: Any, field: str) -> Iterator[tuple[str, Any]]:
    """``(path, value)`` for the value(s) of ``field`` in ``element``: a string, or each string
    of a list of strings; unknowns as :data:`UNKNOWN`. Non-string leaves are skipped. Inside a
    JSON document, a path that ends on an object or list yields every string in it (keys too)
    that names a place: ``copy_actions`` of an AWS Organizations backup plan."""
    in_document = "#" in field
    for path, value in walk(element, split_path(field)):
        if value is UNKNOWN or isinstance(value, str):
            yield _display(path), value
        elif isinstance(value, list) and not in_document:
            for index, item in enumerate(value):
                if item is UNKNOWN or isinstance(item, str):
                    yield _display((*path, index)), item
        elif isinstance(value, Mapping) and not in_document:  # a map input: its values
            for key, item in value.items():
                if item is UNKNOWN or isinstance(item, str):
                    yield _display((*path, str(key))), item
        elif in_document and isinstance(value, list | Mapping):
            for inner, text in _document_strings(value, path):
                if describe(None, text).kind != "name":
                    yield _display(inner), text


def _document_strings(
    value: Any, prefix: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield prefix, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _document_strings(item, (*prefix, index))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield (*prefix, str(key)), str(key)
            yield from _document_strings(item, (*prefix, str(key)))


# --- what a value names ------------------------------------------------------------------------

PlaceKind = Literal[
    "region", "availability-domain", "arn", "ocid", "aws-endpoint", "oci-endpoint",
    "external-host", "ip", "name", "declared",
]  # fmt: skip
# The account a value names is the resource's own (a region field: the service copies within
# the account), or cannot be told (a bucket ARN, a host name, a plain name).
OWN: Final = "(own)"

_AD_NAME: Final = re.compile(r"^(?:[A-Za-z0-9_-]+:)?([A-Za-z][A-Za-z0-9-]*?)-AD-\d+$")
_ACCOUNT_ID: Final = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Named:
    """A place one value names: where it is, whose it is, as far as the value itself tells."""

    path: str
    value: str
    kind: PlaceKind
    cloud: Cloud | None = None
    region: str | None = None
    account: str | None = None  # AWS account id / OCI tenancy OCID; OWN; None: cannot be told
    realm: str | None = None  # OCI realm (oc1, ...) of an OCID
    host: str | None = None

    @property
    def location(self) -> Location | None:
        return (self.cloud, self.region) if self.cloud and self.region else None

    @property
    def owner_told(self) -> bool:
        """True if the value says whose the place is (or, an OCID, the realm it is in: OCIDs
        never carry the tenancy, and are unguessable)."""
        return self.account is not None or self.kind == "ocid"


def _region_of(cloud: Cloud, text: str) -> str | None:
    found = region_catalog.lookup(cloud, text)
    if found is None and cloud == "oci":
        found = region_catalog.oci_region_by_key(text)
    return found.name if found else None


def _availability_domain(text: str) -> str | None:
    """The OCI region of an availability-domain name, whichever form it takes: the region key
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
    return found.name if found else None


def host_of(text: str) -> str | None:
    """The host a URL, JDBC URL, ``host:port`` or bare host name names (the host only: a query
    string or path that mentions another host is not where data goes)."""
    value = text.strip()
    endpoint = places.endpoint_of(value[5:] if value[:5].lower() == "jdbc:" else value)
    return endpoint.host if endpoint is not None else None


def _owner_of(account: str | None) -> str | None:
    """A cloud-owned endpoint or ARN says whose service it is, not whose data it holds."""
    return None if account in (places.AWS_OWNED, places.OCI_OWNED) else account


def describe(cloud: Cloud | None, value: str, path: str = "") -> Named:
    """What ``value`` names, read with the place scan's parsers (:mod:`.places`: an ARN, an
    OCID, a URL's host only, AWS and OCI endpoints from the SDKs' own endpoint data). A bare
    region name counts when the resource is of a cloud (``cloud``)."""
    text = value.strip()
    for region_cloud in (cloud, "oci" if cloud == "aws" else "aws") if cloud else ():
        if region := _region_of(region_cloud, text):
            return Named(path, value, "region", region_cloud, region, OWN)
    head = text[:6].lower()
    if head.startswith("arn:") and (arn := places.parse_arn(text)) is not None:
        region = _region_of("aws", arn.region) if arn.region else None
        # `$account` (an Organizations policy's member account) is each account's own.
        owner = OWN if arn.account.startswith("$") else _owner_of(
            places.arn_place(path, value, arn).account
        )
        return Named(path, value, "arn", "aws", region, owner)
    if head == "ocid1." and (ocid := places.parse_ocid(text)) is not None:
        region = _region_of("oci", ocid.region_segment) if ocid.region_segment else None
        return Named(path, value, "ocid", "oci", region, ocid.tenancy, realm=ocid.realm)
    if region := _availability_domain(text):
        return Named(path, value, "availability-domain", "oci", region, OWN)
    endpoint = places.endpoint_of(text[5:] if head.startswith("jdbc:") else text)
    if endpoint is None:
        return Named(path, value, "name")
    cloud_of, region = endpoint.cloud, endpoint.region
    known = _region_of(cloud_of, region) if cloud_of and region else None
    kind = cast(PlaceKind, endpoint.kind)  # aws-endpoint, oci-endpoint, external-host or ip
    return Named(path, value, kind, cloud_of, known, _owner_of(endpoint.account),
                 host=endpoint.host)  # fmt: skip


def locate(cloud: Cloud | None, value: str) -> Location | None:
    """The region a destination value names: a region name (or OCI region key) of ``cloud``,
    or the region inside an ARN, OCID, availability-domain name or endpoint host."""
    return describe(cloud, value).location


def _values(text: str) -> list[str]:
    """One value, or the comma-separated hosts of a Kafka bootstrap list."""
    parts = [p.strip() for p in text.split(",")] if "," in text and "{" not in text else [text]
    return [p for p in parts if p]


# --- destinations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    """Where one element of one catalog entry sends data, as far as the bag itself tells."""

    field: CopyField
    path: str  # display path of the element ("rules[0].destination")
    values: tuple[tuple[str, str], ...]  # (field path, value) of every known `at` value
    named: tuple[Named, ...]  # what each known `at` value names
    unknown: tuple[str, ...]  # field paths whose value is unknown (preview)
    touched: tuple[Named, ...] = ()  # hints and owner accounts: judged, never locate
    opaque: tuple[tuple[str, str], ...] = ()  # set fields that hide the far end
    # A scanned type's plain strings in reference fields (a bucket or queue name): matched to
    # the stack's resources, never far ends of their own.
    references: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.values or self.unknown or self.opaque or self.touched)

    @property
    def regions(self) -> tuple[tuple[str, Location], ...]:
        return tuple((n.path, loc) for n in self.named if (loc := n.location) is not None)

    @property
    def unlocated(self) -> tuple[tuple[str, str], ...]:
        return tuple((n.path, n.value) for n in self.named if n.location is None)


def applies(entry: CopyField | ArtifactField, props: Any) -> bool:
    """False when the entry's ``when`` field has a known value outside its values."""
    if entry.when is None:
        return True
    name, allowed = entry.when
    found = [value for _, value in strings_at(props, name)]
    if not found:
        return "" in allowed
    return any(v is UNKNOWN or v.strip().lower() in allowed for v in found)


def destinations(resource_type: str, props: Any, *, copy_rule_only: bool = False) -> Iterator[
    Destination
]:  # fmt: skip
    """Every copy destination (or, for inbound entries, copy source) the bag names.

    ``props`` is a bag as :func:`~residency_pack.engine.props.unwrap` returns it; a proxied
    bag is unwrapped first."""
    if not isinstance(props, dict):
        props = unwrap(props)
    cloud = region_catalog_cloud(resource_type)
    for entry in fields_for(resource_type):
        if (copy_rule_only and not entry.copy_rule) or not applies(entry, props):
            continue
        if entry.scans:
            destination = _scan(entry, props)
            if not destination.empty:
                yield destination
            continue
        for element_path, element in walk(props, split_path(entry.each)):
            destination = _destination(entry, cloud, _display(element_path), element)
            if not destination.empty:
                yield destination


def _destination(entry: CopyField, cloud: Cloud | None, prefix: str, element: Any) -> Destination:
    def full(path: str) -> str:
        return f"{prefix}.{path}" if prefix and path else (prefix or path)

    values: list[tuple[str, str]] = []
    named: list[Named] = []
    unknown: list[str] = []
    touched: list[Named] = []
    opaque: list[tuple[str, str]] = []
    if element is UNKNOWN:
        if not entry.computed:
            unknown.append(prefix or entry.each or ",".join(entry.at))
        return Destination(entry, prefix, (), (), tuple(unknown))
    for name in entry.at:
        found = list(strings_at(element, name))
        if not found and entry.default is not None:
            found = [(name, entry.default)]
        for path, value in found:
            if value is UNKNOWN:
                if not entry.computed:
                    unknown.append(full(path))
                continue
            if not value.strip():
                continue
            values.append((full(path), value))
            named += [describe(cloud, part, full(path)) for part in _values(value)]
    if not values:  # a secret holding the server hides the far end only if nothing names it
        for name in entry.opaque:
            for path, value in strings_at(element, name):
                if value is UNKNOWN or value.strip():
                    opaque.append((full(path), "unknown" if value is UNKNOWN else value))
    if any(n.kind in ("region", "availability-domain") for n in named):
        # A name next to a region field (an OCI replication policy's bucket name and region)
        # is located by it: the service copies within the account, to that region.
        named = [n for n in named if n.kind != "name"]
    for name in entry.owner:
        for path, value in strings_at(element, name):
            if value is UNKNOWN:
                unknown.append(full(path))
            elif isinstance(value, str) and value.strip():
                touched.append(_owner(cloud, value.strip(), full(path)))
    if values or unknown or opaque or touched:
        for name in entry.hints:
            for path, value in strings_at(element, name):
                hint = describe(None, value, full(path)) if isinstance(value, str) else None
                if hint and (hint.location is not None or hint.account not in (None, OWN)):
                    touched.append(hint)
    return Destination(
        entry, prefix, tuple(values), tuple(named), tuple(unknown), tuple(touched), tuple(opaque)
    )


def _owner(cloud: Cloud | None, value: str, path: str) -> Named:
    """An account or tenancy field (``destination.account``, ``consumerIdentifier``)."""
    if _ACCOUNT.match(value):
        return Named(path, value, "name", "aws", None, value)
    found = describe(cloud, value, path)
    if found.kind == "ocid" or found.account is not None:
        return found
    return Named(path, value, "name", cloud, None, None)


# CDN and proxy types: the inputs naming the origins they fetch from. Data flows from an origin
# into the distribution and on to viewers; a distribution never carries one origin's data into
# another origin, so a resource of the stack named there is a source, not a far end (a place
# outside the stack, or an unresolvable one, stays a far end: viewers' requests go there).
ORIGIN_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    t: frozenset({"origins", "originGroups", "origin"})
    for t in (
        "aws:cloudfront/distribution:Distribution",
        "aws:cloudfront/multitenantDistribution:MultitenantDistribution",
        "aws:lightsail/distribution:Distribution",
    )
}


def origin_fields(resource_type: str) -> frozenset[str]:
    """The top-level inputs of a CDN/proxy type that name the origins it fetches from."""
    return ORIGIN_FIELDS.get(resource_type, frozenset())


# Inputs of a scanned type whose places are not where its data goes: its own role, keys,
# certificates and secrets, its network placement, its own logs, its tags.
_NOT_A_FAR_END: Final = re.compile(
    r"role|kms|keyid$|keyarn$|^key$|certificate|secret|password|credential|subnet|securitygroup"
    r"|^vpc|vpcid|^tags$|tagsall|freeformtags|definedtags|^log|logging|loggroup|layer|^image"
    r"|imageuri|ami$|^region$|^name$|^id$|^arn$|description|compartmentid",
    re.IGNORECASE,
)


_KEY: Final = re.compile(r"[A-Za-z_@$][A-Za-z0-9_@$-]*")
_ACCOUNT: Final = re.compile(r"^\d{12}$")


def _from_place(place: places.Place) -> Named | None:
    """A place of the scan as a far end; None for what data is only read from (a layer, an
    image) or what the cloud itself owns (a service integration ARN)."""
    if place.read_only or places.in_own_network(place):
        return None  # read from only, or a host of the resource's own private network
    if place.kind == "region":
        cloud = place.cloud
        return Named(place.path, place.value, "region", cloud, place.region, OWN) if cloud else None
    account = _owner_of(place.account)
    if place.account is not None and account is None:
        return None
    if place.kind in ("account", "tenancy"):
        kind: PlaceKind = "ocid" if place.kind == "tenancy" else "name"
        return Named(place.path, place.value, kind, place.cloud, None, account,
                     realm=place.partition if kind == "ocid" else None)  # fmt: skip
    region = _region_of(place.cloud, place.region) if place.cloud and place.region else None
    realm = place.partition if place.kind == "ocid" else None
    return Named(place.path, place.value, cast(PlaceKind, place.kind), place.cloud, region,
                 account, realm, place.host)  # fmt: skip


def _far_end_path(path: str) -> bool:
    return not any(_NOT_A_FAR_END.search(key) for key in _KEY.findall(path))


def _scan(entry: CopyField, props: Any) -> Destination:
    """The far ends of a scanned type: every place its inputs name (the place scan of
    :mod:`.places`: ARNs, OCIDs, URL hosts, hosts in address fields, regions in region fields,
    accounts in account fields, JSON documents), outside the fields that are not far ends, and
    every unknown input (resolved through property dependencies to the stack's resources)."""
    found = places.scan(entry.resource_type, props)

    def far_end(path: str) -> bool:
        return _far_end_path(path) and not artifact_path(entry.resource_type, props, path)

    named = [n for p in found.places if far_end(p.path) and (n := _from_place(p))]
    unknown = tuple(path for path in found.unknown if far_end(path))
    values = tuple(dict.fromkeys((n.path, n.value) for n in named))
    references = tuple(
        (_display(path), text) for path, text in _reference_leaves(props, ())
        if far_end(_display(path))
    )  # fmt: skip
    return Destination(entry, "", values, tuple(named), unknown, references=references)


# Keys whose plain value names another resource (a bucket, queue or table name).
_REFERENCE_KEY: Final = re.compile(
    r"bucket|queue|topic|stream|table|function|cluster|database|domain|repository|registry"
    r"|vault|filesystem|collection|namespace|target|destination|source|workgroup|catalog",
    re.IGNORECASE,
)


def _reference_leaves(
    value: Any, prefix: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Plain strings in reference fields: the name a scanned type gives another resource."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _reference_leaves(item, (*prefix, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _reference_leaves(item, (*prefix, index))
    elif isinstance(value, str) and value.strip():
        key = next((k for k in reversed(prefix) if isinstance(k, str)), "")
        if _REFERENCE_KEY.search(key):
            yield prefix, value


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
    for source in entry.source.split("|"):
        yield from strings_at(props, source)


def matches_target(entry: CopyField, resource_type: str) -> bool:
    """True if ``resource_type`` is one the entry's references may name."""
    return not entry.targets or any(resource_type.startswith(t) for t in entry.targets)


def _matches(pattern: tuple[str, ...], path: tuple[str | int, ...]) -> bool:
    """True if ``path`` (concrete: list indexes as ints) starts with ``pattern`` (``*`` for
    any index; a list index in ``path`` may also stand where the pattern has none, for the
    one-element lists the SDK uses for objects)."""
    steps = [s for s in path if not isinstance(s, int)]
    names = [s for s in pattern if s not in ("*", "#")]
    return steps[: len(names)] == names


def is_destination_field(resource_type: str, path: tuple[str | int, ...]) -> bool:
    """True if ``path`` in a bag of ``resource_type`` is (or is inside) a copy destination of
    the catalog: a location there says where a *copy* goes (a volume replica's availability
    domain), not where the resource itself is, so effective-region readers should skip it."""
    for entry in fields_for(resource_type):
        if entry.inbound or entry.scans:
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


# --- judging a place ---------------------------------------------------------------------------

DESTINATION_REGIONS: Final = "destinationRegions"


def destination_regions_schema() -> dict[str, Any]:
    names = sorted({*region_catalog.regions("aws"), *region_catalog.regions("oci")})
    return {
        "type": "object",
        "description": "Copy destinations that do not say where or whose they are (an S3 "
        "bucket ARN or name, an OCI bucket name, a database host), keyed by the exact value "
        "the resource sets, with the region they are in. Declaring one vouches that it belongs "
        "to a trusted account.",
        "additionalProperties": {"type": "string", "enum": names},
        "default": {},
    }


def declared(config: Mapping[str, Any], named: Named) -> Named:
    """``named`` as the platform team declared it in ``destinationRegions``, if it did."""
    region = dict(config.get(DESTINATION_REGIONS) or {}).get(named.value)
    if not isinstance(region, str):
        return named
    cloud: Cloud = "aws" if region_catalog.lookup("aws", region) else "oci"
    return replace(named, kind="declared", cloud=cloud, region=region, account=OWN)


@dataclass(frozen=True)
class Trust:
    """Whose places data may go to: from the policy config, else the stack's own config."""

    accounts: frozenset[str]
    tenancies: frozenset[str]
    realms: frozenset[str]
    egress: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Trust:
        return cls(
            pack_config.trusted_account_ids(config),
            pack_config.trusted_tenancy_ocids(config),
            pack_config.trusted_realms(config),
            pack_config.allowed_egress_hosts(config),
        )


def _egress_allowed(host: str, trust: Trust) -> bool:
    return any(fnmatchcase(host, glob.lower()) for glob in trust.egress)


def problems(
    named: Named, allowed: Mapping[Cloud, frozenset[str]], trust: Trust, classification: str
) -> list[str]:
    """Why data of ``classification`` (allowed in ``allowed``) may not go to ``named``."""
    reasons: list[str] = []
    if named.kind == "external-host":
        if named.host and _egress_allowed(named.host, trust):
            return []
        return [
            f"`{named.path}` = {named.value!r} is host `{named.host}`, outside AWS and OCI, and "
            "not in the policy config's `allowedEgressHosts`"
        ]
    if named.location is not None:
        cloud, region = named.location
        if region not in allowed[cloud]:
            reasons.append(
                f"`{named.path}` = {named.value!r} is in {cloud} region `{region}`, which is not "
                f"allowed for {classification} (allowed: "
                f"{', '.join(sorted(allowed[cloud])) or 'none'})"
            )
    account = named.account
    if account not in (None, OWN):
        trusted = trust.tenancies if account.startswith("ocid1.") else trust.accounts
        if account not in trusted:
            whose = "tenancy" if account.startswith("ocid1.") else "AWS account"
            reasons.append(
                f"`{named.path}` = {named.value!r} belongs to {whose} {account}, which is not "
                f"trusted (trusted: {', '.join(sorted(trusted)) or 'none configured'})"
            )
    if named.realm is not None and named.realm not in trust.realms:
        reasons.append(
            f"`{named.path}` = {named.value!r} is in OCI realm {named.realm}, which is not "
            f"trusted (trusted: {', '.join(sorted(trust.realms))})"
        )
    if reasons or named.kind == "declared":
        return reasons
    if named.location is None and named.account in (None, OWN) and named.kind != "ocid":
        return [f"`{named.path}` = {named.value!r} names no region and no account that the "
                "pack can check"]  # fmt: skip
    if named.location is not None and not named.owner_told:
        return [f"`{named.path}` = {named.value!r} is in {named.location[0]} region "
                f"`{named.location[1]}`, but it does not say whose it is (a region is not an "
                "owner)"]  # fmt: skip
    return []
