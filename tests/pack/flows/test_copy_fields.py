"""The copy-field catalog: every path exists in the provider SDKs, the issue's list is covered,
and destinations are read out of engine-shaped bags without raising."""

from __future__ import annotations

import json
import re

import pytest
from residency_pack.engine import copy_fields
from residency_pack.engine.copy_fields import (
    COPY_FIELDS,
    SCAN,
    CopyField,
    destinations,
    locate,
    split_path,
)
from residency_pack.engine.props import UNKNOWN
from residency_pack.rules.data_flow import POLICY as DATA_FLOW
from residency_pack.testing import (
    UNKNOWN_STRING,
    Diagnostic,
    Resource,
    analyze_stack,
    aws_provider,
    oci_provider,
)

from .sdk_schema import input_paths, resolve_path
from .trust import STACK_CONFIG

_MAP_KEY = re.compile(r'\["[^"\]]*"\]')


def _schema_paths(entry: CopyField) -> list[str]:
    """Every input path the entry reads, up to a JSON document it enters (``#``)."""
    base = entry.each.replace("[*]", "")
    names = [*entry.at, *entry.hints, *entry.owner, *entry.opaque]
    paths = [(f"{base}.{name}" if base else name) for name in names if name != SCAN]
    paths += [name for name in (entry.source or "").split("|") if name]
    paths += [name for name in (entry.source_tags, entry.when and entry.when[0]) if name]
    # A quoted key (``parameters["storage.location.template"]``) is a key of a map input: the
    # schema stops at the map.
    return [_MAP_KEY.sub("", p.split("#", 1)[0]).replace("[*]", "") for p in paths]


def test_every_catalog_path_exists_in_the_sdk_schemas():
    problems = [
        f"{entry.resource_type} {path}: {why}"
        for entry in COPY_FIELDS
        for path in _schema_paths(entry)
        if (why := resolve_path(entry.resource_type, tuple(path.split("."))))
    ]
    assert problems == []


def test_every_catalog_path_is_an_input_unless_marked_computed():
    """What the program declares (inputs) against what the provider computes (outputs only):
    a computed path is read only when known, so it must say so."""
    wrong = []
    for entry in COPY_FIELDS:
        inputs = set(input_paths(entry.resource_type))
        for path in _schema_paths(entry):
            if (path in inputs) == entry.computed:
                wrong.append(f"{entry.resource_type} {path} (computed={entry.computed})")
    assert wrong == []


def test_the_schema_check_rejects_a_wrong_name():
    assert "no property `destinationBucket`" in resolve_path(
        "oci:ObjectStorage/replicationPolicy:ReplicationPolicy", ("destinationBucket",)
    )
    assert "no resource" in resolve_path("aws:s3/bucketReplication:Nope", ("rules",))


# (type, field) pairs the issue names explicitly; each must be in the catalog.
ISSUE_LIST = [
    ("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "bucket"),
    ("aws:dynamodb/table:Table", "regionName"),
    ("aws:dynamodb/globalTable:GlobalTable", "regionName"),
    ("aws:rds/instance:Instance", "replicateSourceDb"),
    ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
     "sourceDbInstanceArn"),
    ("aws:backup/plan:Plan", "destinationVaultArn"),
    ("aws:kms/replicaKey:ReplicaKey", "primaryKeyArn"),
    ("aws:secretsmanager/secret:Secret", "region"),
    ("aws:ecr/replicationConfiguration:ReplicationConfiguration", "region"),
    ("aws:efs/replicationConfiguration:ReplicationConfiguration", "region"),
    ("aws:dlm/lifecyclePolicy:LifecyclePolicy", "target"),
    ("oci:ObjectStorage/replicationPolicy:ReplicationPolicy", "destinationRegionName"),
    ("oci:ObjectStorage/replicationPolicy:ReplicationPolicy", "destinationBucketName"),
    ("oci:Database/autonomousDatabase:AutonomousDatabase", "sourceId"),
    ("oci:Core/volume:Volume", "availabilityDomain"),
    ("oci:Core/bootVolume:BootVolume", "availabilityDomain"),
    ("oci:Core/volumeBackup:VolumeBackup", "volumeBackupId"),
    ("oci:Core/volumeBackupPolicy:VolumeBackupPolicy", "destinationRegion"),
    ("oci:Mysql/mysqlDbSystem:MysqlDbSystem", "copyToRegion"),
    ("oci:Psql/dbSystem:DbSystem", "regions"),
    ("oci:Nosql/table:Table", "region"),
    ("oci:Kms/vaultVerification:VaultVerification", "replicaRegion"),
    ("oci:Vault/secret:Secret", "targetRegion"),
]  # fmt: skip


@pytest.mark.parametrize(("resource_type", "field"), ISSUE_LIST)
def test_the_issue_list_is_covered(resource_type, field):
    assert any(field in entry.at for entry in copy_fields.fields_for(resource_type))


def test_split_path():
    assert split_path("rules[*].destination") == ("rules", "*", "destination")
    assert split_path("") == ()
    # a key with dots, quoted (a map input's key: Athena's `storage.location.template`)
    assert split_path('parameters["storage.location.template"]') == (
        "parameters", "storage.location.template",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("cloud", "value", "expected"),
    [
        ("aws", "us-east-1", ("aws", "us-east-1")),
        ("aws", "arn:aws:backup:eu-west-1:111122223333:backup-vault:v", ("aws", "eu-west-1")),
        ("oci", "us-phoenix-1", ("oci", "us-phoenix-1")),
        ("oci", "PHX", ("oci", "us-phoenix-1")),
        ("oci", "Uocm:SIN-AD-1", ("oci", "ap-singapore-1")),
        ("oci", "Uocm:US-ASHBURN-AD-1", ("oci", "us-ashburn-1")),
        ("oci", "Uocm:US-CHICAGO-1-AD-1", ("oci", "us-chicago-1")),
        ("oci", "kIdk:AP-SINGAPORE-1-AD-1", ("oci", "ap-singapore-1")),
        ("oci", "Uocm:NOWHERE-AD-1", None),
        ("oci", "ocid1.vault.oc1.ap-singapore-1.abc", ("oci", "ap-singapore-1")),
        ("aws", "arn:aws:s3:::replica-bucket", None),
        ("oci", "replica-bucket", None),
    ],
)
def test_locate(cloud, value, expected):
    assert locate(cloud, value) == expected


def test_destinations_pair_fields_of_one_element_and_use_hints():
    props = {
        "bucket": "src",
        "rules": [
            {"destination": {"bucket": "arn:aws:s3:::dst-a"}},
            {
                "destination": {
                    "bucket": "arn:aws:s3:::dst-b",
                    "encryptionConfiguration": {
                        "replicaKmsKeyId": "arn:aws:kms:ap-southeast-1:111122223333:key/k"
                    },
                }
            },
            {"destination": {"bucket": UNKNOWN}},
        ],
    }
    found = list(destinations("aws:s3/bucketReplicationConfig:BucketReplicationConfig", props))
    assert [d.path for d in found] == [
        "rules[0].destination", "rules[1].destination", "rules[2].destination"
    ]  # fmt: skip
    assert found[0].unlocated == (("rules[0].destination.bucket", "arn:aws:s3:::dst-a"),)
    assert found[0].regions == ()
    # The replica key is another place the copy touches; it does not locate the bucket.
    assert found[1].regions == ()
    [key] = found[1].touched
    assert key.path == "rules[1].destination.encryptionConfiguration.replicaKmsKeyId"
    assert (key.location, key.account) == (("aws", "ap-southeast-1"), "111122223333")
    assert found[2].unknown == ("rules[2].destination.bucket",) and not found[2].values


def test_destinations_read_region_lists_unknown_lists_and_skip_absent_fields():
    psql = {
        "managementPolicy": {
            "backupPolicy": {"copyPolicy": {"regions": ["us-phoenix-1", "eu-frankfurt-1"]}}
        }
    }
    [d] = destinations("oci:Psql/dbSystem:DbSystem", psql)
    assert [loc for _, loc in d.regions] == [("oci", "us-phoenix-1"), ("oci", "eu-frankfurt-1")]
    [d] = destinations("aws:dynamodb/table:Table", {"replicas": UNKNOWN})
    assert d.unknown == ("replicas",)
    assert list(destinations("aws:dynamodb/table:Table", {"name": "t", "replicas": []})) == []
    assert list(destinations("aws:s3/bucketV2:BucketV2", {"bucket": "b"})) == []
    assert list(destinations("aws:not/a:Type", {"x": 1})) == []


def test_destination_fields_are_recognised_for_effective_region_readers():
    volume = "oci:Core/volume:Volume"
    assert copy_fields.is_destination_field(
        volume, ("blockVolumeReplicas", 0, "availabilityDomain")
    )
    assert not copy_fields.is_destination_field(volume, ("availabilityDomain",))
    guard = "oci:Database/dataGuardAssociation:DataGuardAssociation"
    assert copy_fields.is_destination_field(guard, ("availabilityDomain",))
    # Inbound fields name a source, and the resource's own location stays its own.
    adb = "oci:Database/autonomousDatabase:AutonomousDatabase"
    assert not copy_fields.is_destination_field(adb, ("sourceId",))


def test_a_type_that_moves_data_is_unfollowed_only_without_catalog_fields(monkeypatch):
    from residency_pack.engine import type_catalog
    from residency_pack.engine.copy_fields import unfollowed

    assert not unfollowed("aws:amp/scraper:Scraper")  # moves data, followed by its fields
    assert not unfollowed("aws:s3/bucketV2:BucketV2")  # stores data
    token = "aws:newservice/mover:Mover"  # reviewed as moving data, no fields catalogued yet
    monkeypatch.setitem(type_catalog._ROLES, token, "moves-data")
    assert unfollowed(token)


def test_a_place_of_the_scan_as_a_far_end():
    from residency_pack.engine.copy_fields import _from_place
    from residency_pack.engine.places import AWS_OWNED, Place

    account = Place("a", "222233334444", "account", "aws", None, "222233334444", None)
    found = _from_place(account)
    assert found is not None and (found.kind, found.account) == ("name", "222233334444")
    tenancy = "ocid1.tenancy.oc1..aaaa"
    found = _from_place(Place("t", tenancy, "tenancy", "oci", None, tenancy, None, "oc1"))
    assert found is not None and (found.kind, found.account, found.realm) == (
        "ocid", tenancy, "oc1",
    )  # fmt: skip
    # The service's own endpoint is the cloud's, not a far end of the program's.
    sqs = Place("s", "https://sqs.us-east-1.amazonaws.com/", "aws-endpoint", "aws", "us-east-1",
                AWS_OWNED, "sqs.us-east-1.amazonaws.com")  # fmt: skip
    assert _from_place(sqs) is None


# --- artifact inputs: where a resource's code, image or template comes from -------------------


def test_every_artifact_path_exists_in_the_sdk_schemas_and_is_an_input():
    problems = []
    for entry in copy_fields.ARTIFACT_FIELDS:
        path = entry.path.split("#", 1)[0].replace("[*]", "")
        if path.rsplit(".", 1)[-1].startswith("--"):  # a key of a map input (Glue arguments)
            path = path.rsplit(".", 1)[0]
        paths = [path, *([entry.when[0]] if entry.when else [])]
        try:
            inputs = set(input_paths(entry.resource_type))
        except KeyError:
            problems.append(f"{entry.resource_type}: no such resource")
            continue
        for path in paths:
            if why := resolve_path(entry.resource_type, tuple(path.split("."))):
                problems.append(f"{entry.resource_type} {path}: {why}")
            elif path not in inputs:
                problems.append(f"{entry.resource_type} {path}: not an input")
    assert problems == []


LAMBDA = "aws:lambda/function:Function"
OCI_INSTANCE = "oci:Core/instance:Instance"


def test_artifact_inputs_are_no_far_ends_of_a_scanned_type():
    props = {
        "s3Bucket": "artifacts-111122223333",
        "s3Key": "fn/1.zip",
        "role": "r",
        "environment": {"variables": {"OUT": "arn:aws:sqs:eu-west-1:111122223333:q"}},
    }
    [destination] = destinations(LAMBDA, props)
    assert [path for path, _ in destination.values] == ["environment.variables.OUT"]
    assert destination.references == ()  # the bucket name is where the code comes from
    assert copy_fields.artifact_path(LAMBDA, props, "s3Bucket")
    assert not copy_fields.artifact_path(LAMBDA, props, "environment.variables.OUT")


def test_artifact_values_read_strings_unknowns_and_json_documents():
    props = {"s3Bucket": UNKNOWN, "layers": ["a", "b"]}
    assert list(copy_fields.artifact_values(LAMBDA, props)) == [
        ("s3Bucket", UNKNOWN), ("layers[0]", "a"), ("layers[1]", "b")]  # fmt: skip
    assert list(copy_fields.artifact_values(
        "aws:ec2/instance:Instance", {"launchTemplate": {"id": UNKNOWN, "version": "$Latest"}}
    )) == [("launchTemplate.id", UNKNOWN), ("launchTemplate.version", "$Latest")]  # fmt: skip
    ecs = {"containerDefinitions": '[{"name": "a", "image": "repo/app:1"}]'}
    assert list(copy_fields.artifact_values("aws:ecs/taskDefinition:TaskDefinition", ecs)) == [
        ("containerDefinitions[0].image", "repo/app:1")]  # fmt: skip


def test_an_oci_instance_image_is_an_artifact_but_its_boot_volume_is_its_own_disk():
    image = {"sourceDetails": {"sourceType": "image", "sourceId": UNKNOWN}}
    volume = {"sourceDetails": {"sourceType": "bootVolume", "sourceId": UNKNOWN}}
    assert copy_fields.artifact_path(OCI_INSTANCE, image, "sourceDetails.sourceId")
    assert not copy_fields.artifact_path(OCI_INSTANCE, volume, "sourceDetails.sourceId")
    assert list(destinations(OCI_INSTANCE, image)) == []
    [destination] = destinations(OCI_INSTANCE, volume)
    assert destination.unknown == ("sourceDetails.sourceId",)


def _api_gateway(url: str) -> dict[str, object]:
    backend = {"type": "HTTP_BACKEND", "url": url}
    return {"specification": {"routes": [{"path": "/u", "methods": ["POST"], "backend": backend}]}}


def test_a_backend_in_our_own_network_is_no_far_end_and_a_public_one_is() -> None:
    token = "oci:ApiGateway/deployment:Deployment"
    private = [
        n for d in destinations(token, _api_gateway("http://10.10.1.5:8080/u")) for n in d.named
    ]
    assert private == []
    [public] = [
        n for d in destinations(token, _api_gateway("http://203.0.113.15/u")) for n in d.named
    ]
    assert (public.kind, public.host) == ("ip", "203.0.113.15")


# --- behaviours pinned by mutation survivors (scripts/mutation.py) -------------------------------


def test_a_region_field_of_one_cloud_may_name_a_region_of_the_other():
    # A cross-cloud copy: an AWS resource's region field set to an OCI region is still a region.
    to_oci = copy_fields.describe("aws", "eu-frankfurt-1")
    assert (to_oci.kind, to_oci.cloud, to_oci.region) == ("region", "oci", "eu-frankfurt-1")
    to_aws = copy_fields.describe("oci", "eu-west-1")
    assert (to_aws.kind, to_aws.cloud, to_aws.region) == ("region", "aws", "eu-west-1")
    # Without a cloud a bare region name is not read as a region.
    assert copy_fields.describe(None, "eu-west-1").kind == "name"


def test_a_scanned_type_yields_every_place_its_inputs_name_as_a_far_end():
    resource_type = "aws:apigatewayv2/integration:Integration"
    assert resource_type in copy_fields.SCANNED
    found = list(destinations(resource_type, {"integrationUri": "https://hooks.partner.example/x"}))
    assert [[n.host for n in d.named] for d in found] == [["hooks.partner.example"]]
    assert [d.path for d in found] == [""]  # the resource as a whole, not one element of it
    assert list(destinations(resource_type, {"integrationType": "HTTP_PROXY"})) == []


def test_a_backup_selection_by_tag_selects_on_the_tag_it_names():
    entry = next(e for e in COPY_FIELDS if e.source_tags is not None
                 and e.resource_type == "aws:backup/selection:Selection")  # fmt: skip
    props = {entry.source_tags: [
        {"type": "STRINGEQUALS", "key": "data-classification", "value": "us-user-data"},
        {"type": "STRINGLIKE", "key": "team", "value": "ana*"},
    ]}  # fmt: skip
    assert copy_fields.source_tag_filter(entry, props) == [
        ("data-classification", "us-user-data"), ("team", None),
    ]  # fmt: skip


def test_destination_regions_accept_only_catalog_regions():
    jsonschema = pytest.importorskip("jsonschema")
    schema = copy_fields.destination_regions_schema()
    jsonschema.validate({"arn:aws:s3:::replica": "us-east-1"}, schema)
    jsonschema.validate({"replica-bucket": "us-ashburn-1"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"arn:aws:s3:::replica": "mars-east-1"}, schema)


def test_a_declared_destination_takes_the_cloud_of_its_region():
    declared = {"replica": "us-ashburn-1", "arn:aws:s3:::r": "us-east-1"}
    config = {copy_fields.DESTINATION_REGIONS: declared}
    oci = copy_fields.declared(config, copy_fields.Named("p", "replica", "name"))
    aws = copy_fields.declared(config, copy_fields.Named("p", "arn:aws:s3:::r", "arn", "aws"))
    assert (oci.location, oci.account) == (("oci", "us-ashburn-1"), copy_fields.OWN)
    assert aws.location == ("aws", "us-east-1")
    undeclared = copy_fields.Named("p", "other", "name")
    assert copy_fields.declared(config, undeclared) is undeclared


def test_a_foreign_account_finding_lists_every_trusted_account():
    trust = copy_fields.Trust(frozenset({"111122223333", "444455556666"}), frozenset(),
                              frozenset({"oc1"}))  # fmt: skip
    named = copy_fields.Named("rules[0].destination.account", "999999999999", "name", "aws",
                              None, "999999999999")  # fmt: skip
    allowed = {"aws": frozenset({"us-east-1"}), "oci": frozenset({"us-ashburn-1"})}
    [reason] = copy_fields.problems(named, allowed, trust, "us-user-data")
    assert "AWS account 999999999999, which is not trusted" in reason
    assert "(trusted: 111122223333, 444455556666)" in reason


# DATA_INPUTS: the body of an object or record carries the data of the store it is built from
# (residency-data-flow judges the copy by that store's classification).
_US = aws_provider("us-east-1", name="us")
_SG = aws_provider("ap-southeast-1", name="singapore")
_USER = {"data-classification": "us-user-data"}
_NON_PERSONAL = {"data-classification": "non-personal"}


def _data_flow(resources: list[Resource]) -> list[Diagnostic]:
    return analyze_stack(DATA_FLOW, resources, None, STACK_CONFIG)


@pytest.mark.parametrize(
    "object_type", ["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2"]
)
def test_an_object_built_from_a_user_table_carries_user_data(object_type: str) -> None:
    users = Resource("aws:dynamodb/table:Table", "users", {"name": "users", "tags": _USER}, _US)
    dump = Resource(object_type, "dump", {"bucket": "exports", "key": "d.json",
                    "tags": _NON_PERSONAL, "content": UNKNOWN_STRING}, _SG,
                    property_dependencies={"content": [users.resource_urn()]})  # fmt: skip
    [d] = _data_flow([users, dump])
    assert d.urn == dump.resource_urn() and "ap-southeast-1" in d.message
    literal = Resource(object_type, "dump", {"bucket": "exports", "key": "d.json",
                       "tags": _NON_PERSONAL, "content": "static"}, _SG)  # fmt: skip
    assert _data_flow([users, literal]) == []


def test_an_item_built_from_a_user_table_carries_user_data_into_its_table() -> None:
    users = Resource("aws:dynamodb/table:Table", "users", {"name": "users", "tags": _USER}, _US)
    catalog = Resource("aws:dynamodb/table:Table", "catalog",
                       {"name": "catalog", "tags": _NON_PERSONAL}, _US)  # fmt: skip
    copied = Resource("aws:dynamodb/tableItem:TableItem", "copied",
                      {"tableName": UNKNOWN_STRING, "hashKey": "id", "item": UNKNOWN_STRING}, _US,
                      property_dependencies={"tableName": [catalog.resource_urn()],
                                             "item": [users.resource_urn()]})  # fmt: skip
    [d] = _data_flow([users, catalog, copied])
    assert d.urn == catalog.resource_urn()


def test_files_a_transfer_server_receives_come_from_outside_and_are_held_to_user_data() -> None:
    sink = Resource("aws:s3/bucketV2:BucketV2", "uploads-sg",
                    {"bucket": "uploads-sg", "tags": _NON_PERSONAL}, _SG)  # fmt: skip
    user = Resource("aws:transfer/user:User", "partner",
                    {"serverId": "s-1", "userName": "partner", "homeDirectory": "/uploads-sg/in",
                     "role": "arn:aws:iam::111122223333:role/r"}, _US)  # fmt: skip
    [d] = _data_flow([sink, user])
    assert d.urn == sink.resource_urn()
    assert "Path: files the server's users upload -[" in d.message


def test_a_json_document_path_is_entered_at_its_hash():
    assert split_path("redrivePolicy#deadLetterTargetArn") == (
        "redrivePolicy", "#", "deadLetterTargetArn",
    )  # fmt: skip


def test_an_organizations_policy_copies_only_when_it_is_a_backup_policy():
    vault = "arn:aws:backup:eu-west-1:$account:backup-vault:v"
    content = json.dumps({"plans": {"p": {"rules": {"r": {"copy_actions": {vault: {}}}}}}})
    backup = {"type": "BACKUP_POLICY", "content": content}
    found = list(destinations("aws:organizations/policy:Policy", backup))
    assert [n.region for d in found for n in d.named] == ["eu-west-1"]
    scp = {"type": "SERVICE_CONTROL_POLICY", "content": content}
    assert list(destinations("aws:organizations/policy:Policy", scp)) == []


def test_logs_an_account_policy_subscribes_come_from_outside_and_are_held_to_user_data():
    stream = Resource("aws:kinesis/stream:Stream", "logs-sg",
                      {"name": "logs-sg", "tags": _NON_PERSONAL}, _SG)  # fmt: skip
    document = (
        '{"DestinationArn": "' + "arn:aws:kinesis:ap-southeast-1:111122223333:stream/logs-sg" + '"}'
    )
    account_policy = Resource("aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "all-logs",
                              {"policyName": "all", "policyType": "SUBSCRIPTION_FILTER_POLICY",
                               "policyDocument": document}, _US)  # fmt: skip
    diagnostics = _data_flow([stream, account_policy])
    assert diagnostics
    assert any("Path: every log group of the account the policy selects -[" in d.message
               for d in diagnostics)  # fmt: skip


def test_an_event_rule_that_names_no_bus_reads_the_accounts_default_bus():
    [found] = destinations(
        "aws:cloudwatch/eventRule:EventRule", {"name": "r", "eventPattern": "{}"}
    )
    assert found.values == (("eventBusName", "default"),) and found.field.inbound


def test_a_log_subscription_into_a_stream_of_the_stack_is_judged_by_that_stream():
    arn = "arn:aws:kinesis:us-east-1:111122223333:stream/logs"
    group = Resource("aws:cloudwatch/logGroup:LogGroup", "app", {"name": "app", "tags": _USER}, _US)
    stream = Resource("aws:kinesis/stream:Stream", "logs",
                      {"name": "logs", "arn": arn, "tags": _NON_PERSONAL}, _US)  # fmt: skip
    sub = Resource("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "ship",
                   {"name": "ship", "logGroup": "app", "destinationArn": arn,
                    "filterPattern": ""}, _US)  # fmt: skip
    [d] = _data_flow([group, stream, sub])
    assert d.urn == stream.resource_urn() and "classified `non-personal`" in d.message


def test_a_mysql_db_system_restored_from_a_backup_of_the_stack_carries_its_source_data():
    iad = oci_provider("us-ashburn-1", name="iad")
    common = {"compartmentId": "ocid1.compartment.oc1..aaaa", "shapeName": "MySQL.2",
              "availabilityDomain": "Uocm:US-ASHBURN-AD-1"}  # fmt: skip
    backup_id = "ocid1.mysqlbackup.oc1.iad.aaaa"
    users = Resource("oci:Mysql/mysqlDbSystem:MysqlDbSystem", "users",
                     {**common, "freeformTags": _USER}, iad)  # fmt: skip
    backup = Resource("oci:Mysql/mysqlBackup:MysqlBackup", "users-backup",
                      {"dbSystemId": UNKNOWN_STRING, "id": backup_id}, iad,
                      property_dependencies={"dbSystemId": [users.resource_urn()]})  # fmt: skip
    # After an update the backup's id is known: the restore names it by value.
    props = {**common, "freeformTags": _NON_PERSONAL,
             "source": {"sourceType": "BACKUP", "backupId": backup_id}}  # fmt: skip
    restored = Resource("oci:Mysql/mysqlDbSystem:MysqlDbSystem", "restored", props, iad)
    found = {d.urn: d.message for d in _data_flow([users, backup, restored])}
    assert (
        "Path: users -[backup via users-backup.dbSystemId]-> users-backup -[restore via "
        in (found[restored.resource_urn()])
    )


def test_a_docdb_global_cluster_of_the_stack_carries_a_members_writes_to_the_other_members():
    global_cluster = Resource("aws:docdb/globalCluster:GlobalCluster", "global",
                              {"globalClusterIdentifier": "users-global", "engine": "docdb"},
                              _US)  # fmt: skip
    member = Resource("aws:docdb/cluster:Cluster", "users", {"clusterIdentifier": "users",
                      "globalClusterIdentifier": "users-global", "tags": _USER}, _US)  # fmt: skip
    abroad = Resource("aws:docdb/cluster:Cluster", "users-sg", {"clusterIdentifier": "users-sg",
                      "globalClusterIdentifier": "users-global", "tags": _USER}, _SG)  # fmt: skip
    found = {d.urn: d.message for d in _data_flow([global_cluster, member, abroad])}
    assert (
        "Path: users -[replication via users.globalClusterIdentifier]-> global -[replication via "
        "users-sg.globalClusterIdentifier]-> users-sg." in found[abroad.resource_urn()]
    )
