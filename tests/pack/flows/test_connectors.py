"""residency-data-flow follows data through connectors to the place at their far end: each
attack names a far end outside the allowed regions or trusted accounts (in plain sight, as a
host, an ARN of another account, an OCID of another region, a partner URL), and each compliant
twin keeps the same flow inside them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from residency_pack.rules.data_flow import POLICY, SPEC
from residency_pack.testing import (
    UNKNOWN_STRING,
    Diagnostic,
    Resource,
    analyze_stack,
    aws_provider,
    oci_provider,
)

from .trust import FOREIGN_ACCOUNT, OWN_ACCOUNT, STACK_CONFIG

USER = {"data-classification": "us-user-data"}
NON_PERSONAL = {"data-classification": "non-personal"}
US = aws_provider("us-east-1", name="us")
IAD = oci_provider("us-ashburn-1", name="iad")
ROLE = f"arn:aws:iam::{OWN_ACCOUNT}:role/mover"


def run(resources: list[Resource], config: dict[str, Any] | None = None) -> list[Diagnostic]:
    found = analyze_stack(POLICY, resources, {SPEC.name: config} if config else None, STACK_CONFIG)
    assert all(d.enforcement == "mandatory" and d.policy == SPEC.name for d in found)
    return found


def ref(*resources: Resource) -> list[str]:
    return [r.resource_urn() for r in resources]


def aws(type_: str, resource_name: str, /, **props: Any) -> Resource:
    deps = props.pop("deps", {})
    return Resource(type_, resource_name, props, US,
                    property_dependencies={k: ref(*v) for k, v in deps.items()})  # fmt: skip


def oci(type_: str, resource_name: str, /, **props: Any) -> Resource:
    deps = props.pop("deps", {})
    return Resource(type_, resource_name, props, IAD,
                    property_dependencies={k: ref(*v) for k, v in deps.items()})  # fmt: skip


def one(resources: list[Resource], urn_of: Resource, *words: str) -> None:
    found = run(resources)
    assert [d.urn for d in found] == [urn_of.resource_urn()], [d.message for d in found]
    for word in words:
        assert word in found[0].message, found[0].message


USERS_DB = aws("aws:rds/instance:Instance", "users-db", identifier="users", tags=USER,
               address=UNKNOWN_STRING)  # fmt: skip
USERS_BUCKET = aws("aws:s3/bucketV2:BucketV2", "users", bucket="users-prod", tags=USER,
                   arn=UNKNOWN_STRING)  # fmt: skip
USERS_TABLE = aws("aws:dynamodb/table:Table", "users-table", name="users", tags=USER,
                  streamArn=UNKNOWN_STRING)  # fmt: skip
USERS_STREAM = aws("aws:kinesis/stream:Stream", "users-stream", name="users", tags=USER,
                   arn=UNKNOWN_STRING)  # fmt: skip


# --- DMS ----------------------------------------------------------------------------------------


def _dms(target: dict[str, Any], target_deps: dict[str, list[Resource]] | None = None):
    source = aws("aws:dms/endpoint:Endpoint", "src", endpointId="src", endpointType="source",
                 engineName="postgres", serverName=UNKNOWN_STRING, deps={"serverName": [USERS_DB]})
    sink = aws("aws:dms/endpoint:Endpoint", "dst", endpointId="dst", endpointType="target",
               **target, deps=target_deps or {})
    task = aws("aws:dms/replicationTask:ReplicationTask", "task", replicationTaskId="t",
               migrationType="full-load", sourceEndpointArn=UNKNOWN_STRING,
               targetEndpointArn=UNKNOWN_STRING,
               deps={"sourceEndpointArn": [source], "targetEndpointArn": [sink]})
    return source, sink, task  # fmt: skip


def test_dms_task_to_a_server_in_frankfurt_is_followed_to_the_endpoints_far_end():
    source, sink, task = _dms({"engineName": "postgres",
                               "serverName": "analytics.c1.eu-central-1.rds.amazonaws.com"})
    one([USERS_DB, source, sink, task], sink, "eu-central-1",
        "users-db -[copy via src.serverName]-> src -[copy via task")  # fmt: skip


def test_dms_task_to_a_stream_of_another_account_is_foreign_even_in_us_east_1():
    stream = f"arn:aws:kinesis:us-east-1:{FOREIGN_ACCOUNT}:stream/users"
    source, sink, task = _dms({"engineName": "kinesis", "kinesisSettings": {"streamArn": stream}})
    one([USERS_DB, source, sink, task], sink, f"AWS account {FOREIGN_ACCOUNT}")


def test_dms_task_to_a_database_of_the_stack_passes():
    replica = aws("aws:rds/instance:Instance", "reporting", identifier="reporting", tags=USER,
                  address=UNKNOWN_STRING)  # fmt: skip
    source, sink, task = _dms({"engineName": "postgres", "serverName": UNKNOWN_STRING},
                              {"serverName": [replica]})  # fmt: skip
    assert run([USERS_DB, replica, source, sink, task]) == []
    own = f"arn:aws:kinesis:us-east-1:{OWN_ACCOUNT}:stream/users"
    source, sink, task = _dms({"engineName": "kinesis", "kinesisSettings": {"streamArn": own}})
    assert run([USERS_DB, source, sink, task]) == []


def test_dms_endpoint_whose_server_is_in_a_secret_cannot_be_located():
    source, sink, task = _dms({"engineName": "postgres", "secretsManagerArn":
                               f"arn:aws:secretsmanager:us-east-1:{OWN_ACCOUNT}:secret:db"})
    one([USERS_DB, source, sink, task], sink, "hidden in `secretsManagerArn`")


def test_a_dms_source_outside_the_stack_is_held_to_user_data():
    # The source database is not in the stack: what it holds cannot be seen.
    outside = aws("aws:dms/endpoint:Endpoint", "src", endpointId="src", endpointType="source",
                  engineName="postgres", serverName="legacy.c9.us-east-1.rds.amazonaws.com")
    lake = aws("aws:s3/bucketV2:BucketV2", "lake", bucket="lake", tags=NON_PERSONAL,
               arn=UNKNOWN_STRING)
    sink = aws("aws:dms/s3Endpoint:S3Endpoint", "dst", endpointId="dst", endpointType="target",
               bucketName=UNKNOWN_STRING, serviceAccessRoleArn=ROLE, deps={"bucketName": [lake]})
    task = aws("aws:dms/replicationTask:ReplicationTask", "task", replicationTaskId="t",
               migrationType="full-load", sourceEndpointArn=UNKNOWN_STRING,
               targetEndpointArn=UNKNOWN_STRING,
               deps={"sourceEndpointArn": [outside], "targetEndpointArn": [sink]})  # fmt: skip
    one([outside, lake, sink, task], lake, "laundering",
        "'legacy.c9.us-east-1.rds.amazonaws.com' outside the stack")
    classified = aws("aws:s3/bucketV2:BucketV2", "lake", bucket="lake", tags=USER,
                     arn=UNKNOWN_STRING)
    assert run([outside, classified, sink, task]) == []


# --- DataSync -----------------------------------------------------------------------------------


def _datasync(destination: Resource) -> list[Resource]:
    source = aws("aws:datasync/s3Location:S3Location", "from-users", s3BucketArn=UNKNOWN_STRING,
                 s3Config={"bucketAccessRoleArn": ROLE}, deps={"s3BucketArn": [USERS_BUCKET]})
    task = aws("aws:datasync/task:Task", "sync", sourceLocationArn=UNKNOWN_STRING,
               destinationLocationArn=UNKNOWN_STRING,
               deps={"sourceLocationArn": [source], "destinationLocationArn": [destination]})
    return [USERS_BUCKET, source, destination, task]  # fmt: skip


def test_datasync_to_a_foreign_location_is_reported_at_the_location():
    nfs = aws("aws:datasync/nfsLocation:NfsLocation", "partner-nfs",
              serverHostname="nfs.partner.example", subdirectory="/exports")
    one(_datasync(nfs), nfs, "host `nfs.partner.example`, outside AWS and OCI")
    foreign = aws("aws:datasync/s3Location:S3Location", "partner-s3",
                  s3BucketArn="arn:aws:s3:::partner-drop", s3Config={"bucketAccessRoleArn": ROLE})
    one(_datasync(foreign), foreign, "names no region and no account")


def test_datasync_between_buckets_of_the_stack_passes():
    archive = aws("aws:s3/bucketV2:BucketV2", "archive", bucket="archive", tags=USER,
                  arn=UNKNOWN_STRING)
    location = aws("aws:datasync/s3Location:S3Location", "to-archive", s3BucketArn=UNKNOWN_STRING,
                   s3Config={"bucketAccessRoleArn": ROLE}, deps={"s3BucketArn": [archive]})
    assert run([archive, *_datasync(location)]) == []


# --- EventBridge --------------------------------------------------------------------------------


def test_a_pipe_from_a_user_data_table_to_a_foreign_bus_is_reported():
    bus = f"arn:aws:events:us-east-1:{FOREIGN_ACCOUNT}:event-bus/partner"
    pipe = aws("aws:pipes/pipe:Pipe", "changes", roleArn=ROLE, source=UNKNOWN_STRING,
               target=bus, deps={"source": [USERS_TABLE]})
    one([USERS_TABLE, pipe], pipe, f"AWS account {FOREIGN_ACCOUNT}")
    own = aws("aws:pipes/pipe:Pipe", "changes", roleArn=ROLE, source=UNKNOWN_STRING,
              target=bus.replace(FOREIGN_ACCOUNT, OWN_ACCOUNT), deps={"source": [USERS_TABLE]})
    assert run([USERS_TABLE, own]) == []


def test_a_rule_on_the_default_bus_sending_to_an_api_destination_is_held_to_user_data():
    rule = aws("aws:cloudwatch/eventRule:EventRule", "orders", name="orders",
               eventPattern=json.dumps({"source": ["app.orders"]}))
    destination = aws("aws:cloudwatch/eventApiDestination:EventApiDestination", "crm",
                      name="crm", httpMethod="POST", connectionArn=UNKNOWN_STRING,
                      invocationEndpoint="https://api.crm-partner.example/v1/events",
                      arn=UNKNOWN_STRING)  # fmt: skip
    target = aws("aws:cloudwatch/eventTarget:EventTarget", "to-crm", rule=UNKNOWN_STRING,
                 arn=UNKNOWN_STRING, roleArn=ROLE,
                 deps={"rule": [rule], "arn": [destination]})  # fmt: skip
    one([rule, destination, target], destination, "host `api.crm-partner.example`",
        "'default' outside the stack")
    allowed = {"allowedEgressHosts": ["api.crm-partner.example"]}
    assert run([rule, destination, target], allowed) == []
    foreign_bus = aws("aws:cloudwatch/eventTarget:EventTarget", "to-partner-bus",
                      rule=UNKNOWN_STRING, roleArn=ROLE, deps={"rule": [rule]},
                      arn=f"arn:aws:events:us-east-1:{FOREIGN_ACCOUNT}:event-bus/default")
    one([rule, foreign_bus], foreign_bus, f"AWS account {FOREIGN_ACCOUNT}")


# --- Firehose, Lambda, SQS ----------------------------------------------------------------------


@pytest.mark.parametrize(("config", "expected"), [
    ({"splunkConfiguration": {"hecEndpoint": "https://http-inputs-acme.splunkcloud.com"}},
     "host `http-inputs-acme.splunkcloud.com`"),
    ({"httpEndpointConfiguration": {"url": "https://ingest.partner.example/firehose?via="
                                           "firehose.us-east-1.amazonaws.com"}},
     "host `ingest.partner.example`"),
    ({"extendedS3Configuration": {"bucketArn": "arn:aws:s3:::partner-lake", "roleArn": ROLE}},
     "names no region and no account"),
])  # fmt: skip
def test_firehose_delivery_from_a_user_data_stream_to_a_partner_is_reported(config, expected):
    stream = aws("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "out",
                 name="out", destination="x", tags=USER, **config,
                 kinesisSourceConfiguration={"kinesisStreamArn": UNKNOWN_STRING, "roleArn": ROLE},
                 deps={"kinesisSourceConfiguration": [USERS_STREAM]})  # fmt: skip
    one([USERS_STREAM, stream], stream, expected)


def test_firehose_delivery_into_a_bucket_of_the_stack_passes():
    stream = aws("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "out", name="out",
                 destination="extended_s3", tags=USER,
                 extendedS3Configuration={"bucketArn": UNKNOWN_STRING, "roleArn": ROLE},
                 kinesisSourceConfiguration={"kinesisStreamArn": UNKNOWN_STRING, "roleArn": ROLE},
                 deps={"kinesisSourceConfiguration": [USERS_STREAM],
                       "extendedS3Configuration": [USERS_BUCKET]})  # fmt: skip
    assert run([USERS_STREAM, USERS_BUCKET, stream]) == []


def test_lambda_invocation_records_to_another_region_are_reported():
    config = aws("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "async",
                 functionName="process-orders", destinationConfig={
                     "onFailure": {"destination":
                                   f"arn:aws:sqs:eu-west-1:{OWN_ACCOUNT}:failed-orders"}})
    one([config], config, "`eu-west-1`", "the events the function is invoked with")
    home = aws("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "async",
               functionName="process-orders", destinationConfig={
                   "onFailure": {"destination":
                                 f"arn:aws:sqs:us-east-1:{OWN_ACCOUNT}:failed-orders"}})
    assert run([home]) == []  # fmt: skip


# --- zero-ETL, datashares, logs, OAM, Transfer Family, Organizations ----------------------------


def test_zero_etl_integration_to_a_redshift_of_another_region_or_account_is_reported():
    cluster = aws("aws:rds/cluster:Cluster", "orders", clusterIdentifier="orders", tags=USER,
                  arn=UNKNOWN_STRING)
    for namespace, expected in (
        (f"arn:aws:redshift-serverless:eu-west-1:{OWN_ACCOUNT}:namespace/n1", "`eu-west-1`"),
        (f"arn:aws:redshift:us-east-1:{FOREIGN_ACCOUNT}:namespace:n1", FOREIGN_ACCOUNT),
    ):
        integration = aws("aws:rds/integration:Integration", "zero-etl", integrationName="z",
                          sourceArn=UNKNOWN_STRING, targetArn=namespace,
                          deps={"sourceArn": [cluster]})
        one([cluster, integration], integration, expected)
    home = aws("aws:rds/integration:Integration", "zero-etl", integrationName="z",
               sourceArn=UNKNOWN_STRING, deps={"sourceArn": [cluster]},
               targetArn=f"arn:aws:redshift-serverless:us-east-1:{OWN_ACCOUNT}:namespace/n1")
    assert run([cluster, home]) == []  # fmt: skip


def test_a_datashare_authorized_to_a_foreign_account_is_reported():
    share = f"arn:aws:redshift:us-east-1:{OWN_ACCOUNT}:datashare:ns1/users"
    foreign = aws("aws:redshift/dataShareAuthorization:DataShareAuthorization", "share",
                  dataShareArn=share, consumerIdentifier=FOREIGN_ACCOUNT)
    one([foreign], foreign, f"AWS account {FOREIGN_ACCOUNT}")
    own = aws("aws:redshift/dataShareAuthorization:DataShareAuthorization", "share",
              dataShareArn=share, consumerIdentifier=OWN_ACCOUNT)
    assert run([own]) == []


def test_an_account_wide_log_subscription_to_a_foreign_destination_is_reported():
    def policy(destination: str) -> Resource:
        return aws("aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "all-logs",
                   policyName="all", policyType="SUBSCRIPTION_FILTER_POLICY",
                   policyDocument=json.dumps({"DestinationArn": destination, "RoleArn": ROLE,
                                              "FilterPattern": ""}))  # fmt: skip

    foreign = policy(f"arn:aws:logs:us-east-1:{FOREIGN_ACCOUNT}:destination:central")
    one([foreign], foreign, f"AWS account {FOREIGN_ACCOUNT}", "every log group of the account")
    assert run([policy(f"arn:aws:firehose:us-east-1:{OWN_ACCOUNT}:deliverystream/logs")]) == []
    protection = aws("aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "mask",
                     policyName="mask", policyType="DATA_PROTECTION_POLICY",
                     policyDocument=json.dumps({"Name": "mask", "Statement": []}))
    assert run([protection]) == []


def test_an_oam_link_to_a_sink_of_another_account_is_reported():
    sink = f"arn:aws:oam:us-east-1:{FOREIGN_ACCOUNT}:sink/abc"
    link = aws("aws:oam/link:Link", "share", labelTemplate="$AccountName",
               resourceTypes=["AWS::Logs::LogGroup"], sinkIdentifier=sink)
    one([link], link, f"AWS account {FOREIGN_ACCOUNT}")
    own = aws("aws:oam/link:Link", "share", labelTemplate="$AccountName",
              resourceTypes=["AWS::Logs::LogGroup"],
              sinkIdentifier=sink.replace(FOREIGN_ACCOUNT, OWN_ACCOUNT))
    assert run([own]) == []


def test_transfer_family_users_home_in_a_bucket_outside_the_stack_fails_closed():
    user = aws("aws:transfer/user:User", "partner", serverId="s-1", userName="partner",
               role=ROLE, homeDirectory="/partner-drop/incoming")
    one([user], user, "'/partner-drop/incoming' names no region and no account",
        "files the server's users upload")
    home = aws("aws:transfer/user:User", "partner", serverId="s-1", userName="partner",
               role=ROLE, homeDirectoryType="LOGICAL", homeDirectoryMappings=[
                   {"entry": "/", "target": "/users-prod/partner"}])  # fmt: skip
    assert run([USERS_BUCKET, home]) == []


def test_an_organizations_backup_policy_copying_to_ireland_is_reported():
    def policy(vault: str, kind: str = "BACKUP_POLICY") -> Resource:
        content = {"plans": {"daily": {
            "regions": {"@@assign": ["us-east-1"]},
            "rules": {"daily": {"target_backup_vault_name": {"@@assign": "Default"},
                                "copy_actions": {vault: {"target_backup_vault_arn": {
                                    "@@assign": vault}}}}}}}}  # fmt: skip
        return aws("aws:organizations/policy:Policy", "org-backups", name="backups", type=kind,
                   content=json.dumps(content))

    abroad = policy("arn:aws:backup:eu-west-1:$account:backup-vault:dr")
    one([abroad], abroad, "`eu-west-1`", "every resource of the organization")
    assert run([policy("arn:aws:backup:us-east-1:$account:backup-vault:dr")]) == []
    # The same document as another kind of policy copies nothing.
    assert run([policy("arn:aws:backup:eu-west-1:$account:backup-vault:dr", "TAG_POLICY")]) == []


# --- OCI ----------------------------------------------------------------------------------------

STREAM = oci("oci:Streaming/stream:Stream", "events", name="events", freeformTags=USER,
             id=UNKNOWN_STRING)  # fmt: skip


def test_a_service_connector_to_a_stream_in_frankfurt_is_reported():
    def connector(target: dict[str, Any]) -> Resource:
        return oci("oci:Sch/connector:Connector", "fan-out", displayName="fan-out",
                   compartmentId="ocid1.compartment.oc1..c",
                   source={"kind": "streaming", "streamId": UNKNOWN_STRING}, target=target,
                   deps={"source": [STREAM]})  # fmt: skip

    abroad = connector({"kind": "streaming", "streamId": "ocid1.stream.oc1.eu-frankfurt-1.x"})
    one([STREAM, abroad], abroad, "`eu-frankfurt-1`")
    # A bucket is in the connector's own region; whose it is, its namespace says: the one of
    # the stack's own buckets, or a namespace nobody vouched for.
    archive = oci("oci:ObjectStorage/bucket:Bucket", "archive", name="events-archive",
                  namespace="ns", freeformTags=USER)
    bucket = connector({"kind": "objectStorage", "bucket": "events-archive", "namespace": "ns"})
    assert run([STREAM, archive, bucket]) == []
    foreign = connector({"kind": "objectStorage", "bucket": "drop", "namespace": "partnerns"})
    one([STREAM, archive, foreign], foreign, "'partnerns' names no region and no account")
    ashburn = connector({"kind": "streaming", "streamId": "ocid1.stream.oc1.iad.x"})
    assert run([STREAM, ashburn]) == []


def test_a_goldengate_pipeline_replicating_to_frankfurt_is_reported():
    database = oci("oci:Database/autonomousDatabase:AutonomousDatabase", "users-adb",
                   dbName="users", freeformTags=USER, id=UNKNOWN_STRING)
    source = oci("oci:GoldenGate/connection:Connection", "from-users",
                 connectionType="ORACLE", technologyType="OCI_AUTONOMOUS_DATABASE",
                 databaseId=UNKNOWN_STRING, id=UNKNOWN_STRING, deps={"databaseId": [database]})

    def pipeline(target: Resource) -> list[Resource]:
        return [database, source, target, oci(
            "oci:GoldenGate/pipeline:Pipeline", "replicate", displayName="replicate",
            sourceConnectionDetails={"connectionId": UNKNOWN_STRING},
            targetConnectionDetails={"connectionId": UNKNOWN_STRING},
            deps={"sourceConnectionDetails": [source], "targetConnectionDetails": [target]})]

    frankfurt = oci("oci:GoldenGate/connection:Connection", "to-eu", connectionType="ORACLE",
                    technologyType="OCI_AUTONOMOUS_DATABASE", id=UNKNOWN_STRING,
                    databaseId="ocid1.autonomousdatabase.oc1.eu-frankfurt-1.x")
    one(pipeline(frankfurt), frankfurt, "`eu-frankfurt-1`")
    phoenix = oci("oci:GoldenGate/connection:Connection", "to-dr", connectionType="ORACLE",
                  technologyType="OCI_AUTONOMOUS_DATABASE", id=UNKNOWN_STRING,
                  databaseId="ocid1.autonomousdatabase.oc1.phx.x")
    assert run(pipeline(phoenix)) == []


def test_a_notification_webhook_is_judged_by_its_host_not_its_query_string():
    topic = oci("oci:Ons/notificationTopic:NotificationTopic", "alerts", name="alerts",
                freeformTags=USER, id=UNKNOWN_STRING)
    sneaky = oci("oci:Ons/subscription:Subscription", "hook", protocol="CUSTOM_HTTPS",
                 topicId=UNKNOWN_STRING, deps={"topicId": [topic]},
                 endpoint="https://collector.evil.example/in?fwd=https://"
                          "objectstorage.us-ashburn-1.oraclecloud.com/n/ns/b/x")  # fmt: skip
    one([topic, sneaky], sneaky, "host `collector.evil.example`")


# --- sources outside the stack ------------------------------------------------------------------


def test_a_read_replica_of_a_database_outside_the_stack_is_held_to_user_data():
    source = f"arn:aws:rds:us-east-1:{OWN_ACCOUNT}:db:legacy-users"
    laundered = aws("aws:rds/instance:Instance", "reporting", replicateSourceDb=source,
                    instanceClass="db.t4g.medium", tags=NON_PERSONAL)
    one([laundered], laundered, "laundering", "outside the stack")
    classified = aws("aws:rds/instance:Instance", "reporting", replicateSourceDb=source,
                     instanceClass="db.t4g.medium", tags=USER)
    assert run([classified]) == []


def test_a_copy_of_a_snapshot_outside_the_stack_is_held_to_user_data():
    copy = Resource("aws:ebs/snapshotCopy:SnapshotCopy", "copy",
                    {"sourceSnapshotId": "snap-0123456789", "sourceRegion": "us-east-1",
                     "tags": NON_PERSONAL}, aws_provider("ap-southeast-1", name="sg"))
    one([copy], copy, "ap-southeast-1", "'snap-0123456789' outside the stack")


# --- beyond the named connectors -------------------------------------------------------------


def test_a_scanned_job_reading_a_user_data_bucket_by_url_and_writing_to_a_partner_is_reported():
    def job(output: str) -> Resource:
        return aws("aws:glue/job:Job", "etl", name="etl", roleArn=ROLE,
                   command={"scriptLocation": "s3://users-prod/scripts/etl.py"},
                   defaultArguments={"--input": "s3://users-prod/raw/", "--output": output})

    partner = job("s3://partner-lake/in/")
    one([USERS_BUCKET, partner], partner, "'s3://partner-lake/in/'", "users -[delivery via etl")
    assert run([USERS_BUCKET, job("s3://users-prod/curated/")]) == []


def test_registry_replication_to_another_account_is_foreign_in_an_allowed_region():
    def replication(registry: str) -> Resource:
        return aws("aws:ecr/replicationConfiguration:ReplicationConfiguration", "ecr",
                   replicationConfiguration={"rules": [{"destinations": [
                       {"region": "us-east-1", "registryId": registry}]}]})  # fmt: skip

    foreign = replication(FOREIGN_ACCOUNT)
    one([foreign], foreign, f"AWS account {FOREIGN_ACCOUNT}")
    assert run([replication(OWN_ACCOUNT)]) == []


def test_a_function_told_where_to_send_user_data_is_followed_there():
    def function(url: str) -> Resource:
        return aws("aws:lambda/function:Function", "exporter", name="exporter", role=ROLE,
                   runtime="python3.12", handler="app.handler",
                   environment={"variables": {"TABLE": UNKNOWN_STRING, "EXPORT_URL": url}},
                   deps={"environment": [USERS_TABLE]})  # fmt: skip

    leak = function("https://ingest.partner.example/v1?mirror=sqs.us-east-1.amazonaws.com")
    one([USERS_TABLE, leak], leak, "host `ingest.partner.example`", "users-table -[delivery")
    own_queue = f"https://sqs.us-east-1.amazonaws.com/{OWN_ACCOUNT}/exports"
    assert run([USERS_TABLE, function(own_queue)]) == []


def test_a_destination_spelled_by_an_output_that_holds_no_data_cannot_be_located():
    # The far end comes out of a command run during the update: in preview nothing says where.
    command = Resource("command:local:Command", "lookup", {"create": "cat endpoint.txt"})
    stream = aws("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "out", name="out",
                 destination="http_endpoint", tags=USER,
                 httpEndpointConfiguration={"url": UNKNOWN_STRING},
                 deps={"httpEndpointConfiguration": [command]})  # fmt: skip
    one([command, stream], stream, "unknown during preview")


def test_an_object_copied_out_of_a_user_data_bucket_carries_its_data():
    def copy(into: Resource) -> Resource:
        return aws("aws:s3/objectCopy:ObjectCopy", "copy", key="export.csv", tags=USER,
                   source="users-prod/export.csv", bucket=UNKNOWN_STRING, deps={"bucket": [into]})

    lesser = aws("aws:s3/bucketV2:BucketV2", "public-site", bucket="site", tags=NON_PERSONAL,
                 arn=UNKNOWN_STRING)
    one([USERS_BUCKET, lesser, copy(lesser)], lesser, "laundering",
        "copy -[copy via copy.bucket]-> public-site")
    # The copy holds what its source holds, whatever its own label says.
    relabelled = Resource("aws:s3/objectCopy:ObjectCopy", "copy", {
        **copy(lesser).props, "tags": NON_PERSONAL}, US,
        property_dependencies=copy(lesser).property_dependencies)
    found = {d.urn: d.message for d in run([USERS_BUCKET, lesser, relabelled])}
    assert set(found) == {relabelled.resource_urn(), lesser.resource_urn()}
    assert "users -[copy via copy.source]-> copy" in found[relabelled.resource_urn()]
    archive = aws("aws:s3/bucketV2:BucketV2", "archive", bucket="archive", tags=USER)
    assert run([USERS_BUCKET, archive, copy(archive)]) == []


def test_email_received_by_ses_is_held_to_user_data_where_it_is_delivered():
    def rule(bucket: str) -> Resource:
        return aws("aws:ses/receiptRule:ReceiptRule", "inbound", name="inbound",
                   ruleSetName="main", s3Actions=[{"bucketName": bucket, "position": 1}])

    one([rule("partner-mail")], rule("partner-mail"), "'partner-mail' names no region",
        "the email the rule receives")
    assert run([USERS_BUCKET, rule("users-prod")]) == []


def test_a_mysql_channel_replicating_user_data_into_a_lesser_db_system_is_laundering():
    source = oci("oci:Mysql/mysqlDbSystem:MysqlDbSystem", "users-mysql", freeformTags=USER,
                 hostnameLabel="users", id=UNKNOWN_STRING, ipAddress=UNKNOWN_STRING)
    target = oci("oci:Mysql/mysqlDbSystem:MysqlDbSystem", "reporting", freeformTags=NON_PERSONAL,
                 id=UNKNOWN_STRING)
    channel = oci("oci:Mysql/channel:Channel", "to-reporting",
                  source={"sourceType": "MYSQL", "hostname": UNKNOWN_STRING},
                  target={"targetType": "DBSYSTEM", "dbSystemId": UNKNOWN_STRING},
                  deps={"source": [source], "target": [target]})
    one([source, target, channel], target, "laundering")


def _api(provider: Any) -> Resource:
    return Resource("aws:apigatewayv2/api:Api", "hooks", {"name": "hooks", "protocolType": "HTTP",
                    "apiEndpoint": UNKNOWN_STRING}, provider)  # fmt: skip


def _subscription(to: Resource) -> tuple[Resource, Resource]:
    topic = aws("aws:sns/topic:Topic", "signups", name="signups", tags=USER, arn=UNKNOWN_STRING)
    subscription = aws("aws:sns/topicSubscription:TopicSubscription", "to-api",
                       topic=UNKNOWN_STRING, protocol="https", endpoint=UNKNOWN_STRING,
                       deps={"topic": [topic], "endpoint": [to]})  # fmt: skip
    return topic, subscription


def test_an_output_of_a_cloud_resource_of_this_stack_is_its_own_endpoint():
    # An SNS HTTPS subscription to the stack's own API (`api.api_endpoint`, with or without a
    # path appended): the data goes to the API, judged by the API's region.
    api = _api(US)
    topic, subscription = _subscription(api)
    assert run([api, topic, subscription]) == []
    singapore = _api(aws_provider("ap-southeast-1", name="sg"))
    topic, subscription = _subscription(singapore)
    found = run([singapore, topic, subscription])
    assert found and all("ap-southeast-1" in d.message for d in found), [d.message for d in found]


def test_an_output_of_something_else_still_fails_closed():
    command = Resource("command:local:Command", "lookup", {"create": "cat endpoint.txt"})
    topic, subscription = _subscription(command)
    one([command, topic, subscription], subscription, "not an output of a cloud resource")
