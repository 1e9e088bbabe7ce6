"""Where user data flows inside the stack: replication chains between buckets.

Destinations are buckets of this stack, so in preview their ARNs and names are unknown; the pack
follows the property dependencies. A store that receives user data must be classified
`us-user-data` and sit in a region allowed for it, however the data got there.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

ACCOUNT = "111111111111"
compartment = "ocid1.compartment.oc1..aaaaaaaafixturecompartment"
namespace = "fixturens"
protected = pulumi.ResourceOptions(protect=True)


def tags(classification: str) -> dict[str, str]:
    return {"data-classification": classification, "product": "chat"}


singapore = aws.Provider("singapore", region="ap-southeast-1", allowed_account_ids=[ACCOUNT])
key = aws.kms.Key("chat-key", enable_key_rotation=True, tags=tags("us-user-data"), opts=protected)
role = aws.iam.Role(
    "chat-replication",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "s3.amazonaws.com"},
                }
            ],
        }
    ),
)


def user_data_bucket(name: str) -> aws.s3.Bucket:
    bucket = aws.s3.Bucket(name, tags=tags("us-user-data"), opts=protected)
    aws.s3.BucketPublicAccessBlock(
        f"{name}-block",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key.arn,
                }
            }
        ],
    )
    return bucket


def replicate(name: str, source: aws.s3.Bucket, destination: aws.s3.Bucket) -> None:
    aws.s3.BucketReplicationConfig(
        name,
        bucket=source.id,
        role=role.arn,
        rules=[{"id": "all", "status": "Enabled", "destination": {"bucket": destination.arn}}],
    )


# --- AWS.
# ok: residency-data-flow
attachments = user_data_bucket("attachments")

# ok: residency-data-flow
attachments_replica = user_data_bucket("attachments-replica")
replicate("attachments-to-replica", attachments, attachments_replica)

# Classification laundering: a bucket labelled non-personal, in Singapore, fed with user data.
# violation: residency-data-flow
analytics_sg = aws.s3.Bucket(
    "analytics-sg", tags=tags("non-personal"), opts=pulumi.ResourceOptions(provider=singapore)
)
replicate("attachments-to-analytics", attachments, analytics_sg)

# ...and onwards: everything downstream of the laundering bucket receives user data too.
# violation: residency-data-flow
analytics_archive = aws.s3.Bucket("analytics-archive", tags=tags("non-personal"))
replicate("analytics-to-archive", analytics_sg, analytics_archive)

# Non-personal data may go to Singapore.
# ok: residency-data-flow
stickers = aws.s3.Bucket("stickers", tags=tags("non-personal"))

# ok: residency-data-flow
stickers_sg = aws.s3.Bucket(
    "stickers-sg", tags=tags("non-personal"), opts=pulumi.ResourceOptions(provider=singapore)
)
replicate("stickers-to-singapore", stickers, stickers_sg)

# A read replica is a copy too: labelled non-personal and placed in Singapore, it still holds the
# user data of its source.
db = aws.rds.Instance(
    "chat-db",
    engine="postgres",
    instance_class="db.t4g.medium",
    allocated_storage=50,
    username="chat",
    manage_master_user_password=True,
    publicly_accessible=False,
    storage_encrypted=True,
    kms_key_id=key.arn,
    deletion_protection=True,
    tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-data-flow
aws.rds.Instance(
    "chat-db-reporting",
    replicate_source_db=db.arn,
    instance_class="db.t4g.medium",
    storage_encrypted=True,
    tags=tags("non-personal"),
    opts=pulumi.ResourceOptions(provider=singapore),
)

# --- OCI: a DR copy in Phoenix, and a lesser label in an allowed region.
ashburn_key = "ocid1.key.oc1.iad.aaaaaaaafixturekey"
phoenix_key = "ocid1.key.oc1.phx.aaaaaaaafixturekey"
phoenix = oci.Provider("phoenix", region="us-phoenix-1")


def oci_bucket(name: str, classification: str, kms_key_id: str, provider=None):
    return oci.objectstorage.Bucket(
        name,
        compartment_id=compartment,
        namespace=namespace,
        name=name,
        access_type="NoPublicAccess",
        kms_key_id=kms_key_id,
        freeform_tags=tags(classification),
        opts=pulumi.ResourceOptions(provider=provider, protect=True),
    )


# ok: residency-data-flow
messages = oci_bucket("messages", "us-user-data", ashburn_key)

# ok: residency-data-flow
messages_dr = oci_bucket("messages-dr", "us-user-data", phoenix_key, provider=phoenix)

# violation: residency-data-flow
messages_search = oci_bucket("messages-search", "non-personal", phoenix_key, provider=phoenix)

for target, destination in (("dr", messages_dr), ("search", messages_search)):
    oci.objectstorage.ReplicationPolicy(
        f"messages-to-{target}",
        namespace=namespace,
        bucket=messages.name,
        name=f"to-{target}",
        destination_bucket_name=destination.name,
        destination_region_name="us-phoenix-1",
    )

# An OCI NoSQL table in Ashburn, tagged as the docs say. Its `replicas` is an output the provider
# computes (unknown in preview), not a destination the program chose.
# ok: residency-data-flow
oci.nosql.Table(
    "chat-sessions",
    compartment_id=compartment,
    name="chat_sessions",
    ddl_statement="CREATE TABLE chat_sessions (id STRING, body JSON, PRIMARY KEY (id))",
    table_limits={"max_read_units": 50, "max_write_units": 50, "max_storage_in_gbs": 25},
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# --- Connectors: data is followed through them to the place at their far end. ---------------
# Each attack names its real destination in plain sight (a host in Frankfurt, an ARN of another
# account, an OCID in eu-frankfurt-1, a partner URL); each compliant twin keeps the same flow in
# the allowed regions and the stack's own account.
FOREIGN = "999999999999"
mover = f"arn:aws:iam::{ACCOUNT}:role/mover"

# DMS: the source endpoint reads the user-data database of this stack.
dms_source = aws.dms.Endpoint(
    "chat-db-source",
    endpoint_id="chat-db-source",
    endpoint_type="source",
    engine_name="postgres",
    server_name=db.address,
    port=5432,
    database_name="chat",
    username="replicator",
)
# violation: residency-data-flow
# violation: residency-named-places
dms_to_frankfurt = aws.dms.Endpoint(
    "analytics-frankfurt",
    endpoint_id="analytics-frankfurt",
    endpoint_type="target",
    engine_name="postgres",
    server_name="analytics.c1x2y3z4.eu-central-1.rds.amazonaws.com",
    port=5432,
    database_name="analytics",
    username="loader",
)
# ok: residency-data-flow
dms_to_own_stream = aws.dms.Endpoint(
    "changes-stream",
    endpoint_id="changes-stream",
    endpoint_type="target",
    engine_name="kinesis",
    kinesis_settings={
        "stream_arn": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/chat-changes",
        "service_access_role_arn": mover,
    },
)
for target, endpoint in (("frankfurt", dms_to_frankfurt), ("stream", dms_to_own_stream)):
    aws.dms.ReplicationTask(
        f"chat-db-to-{target}",
        replication_task_id=f"chat-db-to-{target}",
        migration_type="full-load-and-cdc",
        replication_instance_arn=f"arn:aws:dms:us-east-1:{ACCOUNT}:rep:chat",
        source_endpoint_arn=dms_source.endpoint_arn,
        target_endpoint_arn=endpoint.endpoint_arn,
        table_mappings=json.dumps({"rules": []}),
    )

# DataSync: from the user-data bucket to a partner's NFS server, and to the replica bucket.
attachments_location = aws.datasync.S3Location(
    "attachments-location",
    s3_bucket_arn=attachments.arn,
    subdirectory="/",
    s3_config={"bucket_access_role_arn": mover},
)
# violation: residency-data-flow
# violation: residency-named-places
partner_nfs = aws.datasync.NfsLocation(
    "partner-nfs",
    server_hostname="nfs.partner.example",
    subdirectory="/exports/chat",
    on_prem_config={"agent_arns": [f"arn:aws:datasync:us-east-1:{ACCOUNT}:agent/agent-1"]},
)
# ok: residency-data-flow
replica_location = aws.datasync.S3Location(
    "replica-location",
    s3_bucket_arn=attachments_replica.arn,
    subdirectory="/",
    s3_config={"bucket_access_role_arn": mover},
)
for target, location in (("partner", partner_nfs), ("replica", replica_location)):
    aws.datasync.Task(
        f"attachments-to-{target}",
        source_location_arn=attachments_location.arn,
        destination_location_arn=location.arn,
    )

# EventBridge Pipes from a queue outside the stack (held to us-user-data: its classification
# cannot be seen) to another account's bus, and to this account's bus.
outside_queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:legacy-chat-events"
# violation: residency-data-flow
# violation: residency-named-places
aws.pipes.Pipe(
    "events-to-partner",
    role_arn=mover,
    source=outside_queue,
    target=f"arn:aws:events:us-east-1:{FOREIGN}:event-bus/partner",
)

# ok: residency-data-flow
aws.pipes.Pipe(
    "events-to-own-bus",
    role_arn=mover,
    source=outside_queue,
    target=f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/chat",
)

# Firehose to a Splunk partner endpoint.
# violation: residency-data-flow
# violation: residency-named-places
aws.kinesis.FirehoseDeliveryStream(
    "chat-to-splunk",
    destination="splunk",
    kinesis_source_configuration={
        "kinesis_stream_arn": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/chat-changes",
        "role_arn": mover,
    },
    splunk_configuration={
        "hec_endpoint": "https://http-inputs-firehose-acme.splunkcloud.com:443",
        "hec_token": "00000000-0000-0000-0000-000000000000",
        "s3_configuration": {"role_arn": mover, "bucket_arn": attachments_replica.arn},
    },
    tags=tags("us-user-data"),
    opts=protected,
)

# ok: residency-data-flow
aws.kinesis.FirehoseDeliveryStream(
    "chat-to-archive",
    destination="extended_s3",
    kinesis_source_configuration={
        "kinesis_stream_arn": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/chat-changes",
        "role_arn": mover,
    },
    extended_s3_configuration={"role_arn": mover, "bucket_arn": attachments_replica.arn},
    tags=tags("us-user-data"),
    opts=protected,
)

# RDS zero-ETL integrations into Redshift in another region, and in this region and account.
# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# violation: residency-named-places
aws.rds.Integration(
    "chat-db-to-ireland",
    integration_name="chat-db-to-ireland",
    tags=tags("us-user-data"),
    opts=protected,
    source_arn=db.arn,
    target_arn=f"arn:aws:redshift-serverless:eu-west-1:{ACCOUNT}:namespace/analytics",
)

# ok: residency-data-flow
aws.rds.Integration(
    "chat-db-to-warehouse",
    integration_name="chat-db-to-warehouse",
    tags=tags("us-user-data"),
    opts=protected,
    source_arn=db.arn,
    target_arn=f"arn:aws:redshift-serverless:us-east-1:{ACCOUNT}:namespace/warehouse",
)

# A Redshift datashare authorized to another account, and to this one.
share = f"arn:aws:redshift:us-east-1:{ACCOUNT}:datashare:0123abcd/chat"
# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# violation: residency-named-places
aws.redshift.DataShareAuthorization(
    "chat-share-partner", data_share_arn=share, consumer_identifier=FOREIGN
)

# ok: residency-data-flow
# ok: residency-no-cross-region-copy
aws.redshift.DataShareAuthorization(
    "chat-share-own", data_share_arn=share, consumer_identifier=ACCOUNT
)

# Every log group of the account subscribed to another account's destination.
# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# violation: residency-named-places
aws.cloudwatch.LogAccountPolicy(
    "all-logs-to-partner",
    policy_name="all-logs-to-partner",
    policy_type="SUBSCRIPTION_FILTER_POLICY",
    policy_document=json.dumps(
        {"DestinationArn": f"arn:aws:logs:us-east-1:{FOREIGN}:destination:central"}
    ),
)

# ok: residency-data-flow
aws.cloudwatch.LogAccountPolicy(
    "all-logs-to-archive",
    policy_name="all-logs-to-archive",
    policy_type="SUBSCRIPTION_FILTER_POLICY",
    policy_document=json.dumps(
        {
            "DestinationArn": f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/logs",
            "RoleArn": mover,
        }
    ),
)

# CloudWatch observability links: the account's logs shared with another account's sink.
# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# violation: residency-named-places
aws.oam.Link(
    "share-with-partner",
    label_template="$AccountName",
    resource_types=["AWS::Logs::LogGroup"],
    sink_identifier=f"arn:aws:oam:us-east-1:{FOREIGN}:sink/partner",
)

# ok: residency-data-flow
aws.oam.Link(
    "share-with-monitoring",
    label_template="$AccountName",
    resource_types=["AWS::Logs::LogGroup"],
    sink_identifier=f"arn:aws:oam:us-east-1:{ACCOUNT}:sink/monitoring",
)

# Lambda invocation records (the events the function was invoked with) to another region.
# violation: residency-data-flow
# violation: residency-named-places
aws.lambda_.FunctionEventInvokeConfig(
    "chat-notify-failures-abroad",
    function_name="chat-notify",
    destination_config={
        "on_failure": {"destination": f"arn:aws:sqs:eu-west-1:{ACCOUNT}:chat-notify-failures"}
    },
)

# ok: residency-data-flow
aws.lambda_.FunctionEventInvokeConfig(
    "chat-notify-failures",
    function_name="chat-notify",
    qualifier="live",
    destination_config={
        "on_failure": {"destination": f"arn:aws:sqs:us-east-1:{ACCOUNT}:chat-notify-failures"}
    },
)

# Transfer Family: a user whose home is a bucket outside the stack, and one whose home is ours.
# violation: residency-data-flow
aws.transfer.User(
    "partner-upload",
    server_id="s-0123456789abcdef0",
    user_name="partner-upload",
    role=mover,
    home_directory="/partner-drop/incoming",
)

# ok: residency-data-flow
aws.transfer.User(
    "support-upload",
    server_id="s-0123456789abcdef0",
    user_name="support-upload",
    role=mover,
    home_directory=pulumi.Output.concat("/", attachments.id, "/support"),
)


def backup_policy(name: str, vault_region: str) -> aws.organizations.Policy:
    vault = f"arn:aws:backup:{vault_region}:$account:backup-vault:org-dr"
    rule = {
        "target_backup_vault_name": {"@@assign": "Default"},
        "copy_actions": {vault: {"target_backup_vault_arn": {"@@assign": vault}}},
    }
    content = {
        "plans": {"daily": {"regions": {"@@assign": ["us-east-1"]}, "rules": {"daily": rule}}}
    }
    return aws.organizations.Policy(
        name, name=name, type="BACKUP_POLICY", content=json.dumps(content)
    )


# An Organizations backup policy that copies every selected resource of every account abroad.
# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# violation: residency-named-places
backup_policy("org-backups-to-ireland", "eu-west-1")

# ok: residency-data-flow
backup_policy("org-backups-to-virginia", "us-east-1")

# --- OCI connectors.
outside_stream = "ocid1.stream.oc1.iad.aaaaaaaafixturestream"


def service_connector(name: str, target_stream: str) -> oci.sch.Connector:
    return oci.sch.Connector(
        name,
        compartment_id=compartment,
        display_name=name,
        source={"kind": "streaming", "stream_id": outside_stream},
        target={"kind": "streaming", "stream_id": target_stream},
    )


# violation: residency-data-flow
# violation: residency-named-places
service_connector("chat-stream-to-frankfurt", "ocid1.stream.oc1.eu-frankfurt-1.aaaaaaaafixture")

# ok: residency-data-flow
service_connector("chat-stream-to-phoenix", "ocid1.stream.oc1.phx.aaaaaaaafixture")

gg_source = oci.goldengate.Connection(
    "chat-adb-source",
    compartment_id=compartment,
    display_name="chat-adb-source",
    connection_type="ORACLE",
    technology_type="OCI_AUTONOMOUS_DATABASE",
    database_id="ocid1.autonomousdatabase.oc1.iad.aaaaaaaafixtureadb",
)
# violation: residency-data-flow
# violation: residency-named-places
gg_frankfurt = oci.goldengate.Connection(
    "chat-adb-frankfurt",
    compartment_id=compartment,
    display_name="chat-adb-frankfurt",
    connection_type="ORACLE",
    technology_type="OCI_AUTONOMOUS_DATABASE",
    database_id="ocid1.autonomousdatabase.oc1.eu-frankfurt-1.aaaaaaaafixtureadb",
)
# ok: residency-data-flow
gg_phoenix = oci.goldengate.Connection(
    "chat-adb-phoenix",
    compartment_id=compartment,
    display_name="chat-adb-phoenix",
    connection_type="ORACLE",
    technology_type="OCI_AUTONOMOUS_DATABASE",
    database_id="ocid1.autonomousdatabase.oc1.phx.aaaaaaaafixtureadb",
)
for target, connection in (("frankfurt", gg_frankfurt), ("phoenix", gg_phoenix)):
    oci.goldengate.Pipeline(
        f"chat-replicate-to-{target}",
        compartment_id=compartment,
        display_name=f"chat-replicate-to-{target}",
        license_model="LICENSE_INCLUDED",
        recipe_type="ZERO_ETL_MIRRORING",
        source_connection_details={"connection_id": gg_source.id},
        target_connection_details={"connection_id": connection.id},
    )

# A notification webhook: only its host counts, not a query string that names Ashburn.
alerts = oci.ons.NotificationTopic(
    "chat-alerts",
    compartment_id=compartment,
    name="chat-alerts",
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-data-flow
# violation: residency-named-places
oci.ons.Subscription(
    "chat-alerts-webhook",
    compartment_id=compartment,
    topic_id=alerts.id,
    protocol="CUSTOM_HTTPS",
    endpoint="https://collector.partner.example/in?next=objectstorage.us-ashburn-1.oraclecloud.com",
)

# --- Data keeps its classification: an object or record whose body is built from an output of a
# user-data store is a copy of that store's data, whatever its own label says.
users_table = aws.dynamodb.Table(
    "chat-users",
    hash_key="id",
    attributes=[{"name": "id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    deletion_protection_enabled=True,
    server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
    tags=tags("us-user-data"),
    opts=protected,
)
export_sg = aws.s3.Bucket(
    "chat-export-sg", tags=tags("non-personal"), opts=pulumi.ResourceOptions(provider=singapore)
)

# An object labelled non-personal in Singapore whose content is built from the user table.
# violation: residency-data-flow
aws.s3.BucketObjectv2(
    "chat-users-dump",
    bucket=export_sg.id,
    key="users.json",
    content=users_table.name.apply(lambda n: json.dumps({"table": n})),
    tags=tags("non-personal"),
    opts=pulumi.ResourceOptions(provider=singapore),
)

# The same object labelled us-user-data in a user-data bucket of us-east-1: held to its data.
users_export = user_data_bucket("chat-users-export")
# ok: residency-data-flow
aws.s3.BucketObjectv2(
    "chat-users-dump-us",
    bucket=users_export.id,
    key="users.json",
    content=users_table.name.apply(lambda n: json.dumps({"table": n})),
    tags=tags("us-user-data"),
    opts=protected,
)

# A key's ARN in a non-personal object is configuration, not data: a key holds no user data.
# ok: residency-data-flow
aws.s3.BucketObjectv2(
    "chat-key-pointer",
    bucket=export_sg.id,
    key="key.json",
    content=key.arn.apply(lambda arn: json.dumps({"key": arn})),
    tags=tags("non-personal"),
    opts=pulumi.ResourceOptions(provider=singapore),
)

# --- where code and images come from: they flow into the workload, its data never out to them ---

function_role = aws.iam.Role(
    "chat-function",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                }
            ],
        }
    ),
)
# The code package of a user-data function, in a non-personal artifact bucket of the stack: the
# code is read by the function; no user data goes into the bucket.
# ok: residency-data-flow
artifacts = aws.s3.Bucket("chat-artifacts", tags=tags("non-personal"))
# ok: residency-data-flow
aws.lambda_.Function(
    "chat-export",
    role=function_role.arn,
    runtime="python3.12",
    handler="export.handler",
    s3_bucket=artifacts.bucket,
    s3_key="export/1.0.zip",
    tags=tags("us-user-data"),
)

# The same function told to write its exports into its non-personal code bucket: laundering.
# violation: residency-data-flow
drop = aws.s3.Bucket("chat-drop", tags=tags("non-personal"))
aws.lambda_.Function(
    "chat-export-drop",
    role=function_role.arn,
    runtime="python3.12",
    handler="export.handler",
    s3_bucket=drop.bucket,
    s3_key="export/1.0.zip",
    environment={"variables": {"EXPORT_BUCKET": drop.bucket}},
    tags=tags("us-user-data"),
)

# A user-data OCI instance booted from a non-personal image of the stack (imported from a
# non-personal bucket of the stack): the image flows into the instance.
images = oci.objectstorage.Bucket(
    "chat-images",
    compartment_id=compartment,
    name="chat-images",
    namespace=namespace,
    access_type="NoPublicAccess",
    freeform_tags=tags("non-personal"),
)
# ok: residency-data-flow
worker_image = oci.core.Image(
    "chat-worker-image",
    compartment_id=compartment,
    display_name="chat-worker",
    freeform_tags=tags("non-personal"),
    image_source_details={
        "source_type": "objectStorageTuple",
        "namespace_name": namespace,
        "bucket_name": images.name,
        "object_name": "worker.qcow2",
        "source_image_type": "QCOW2",
    },
)
# ok: residency-data-flow
oci.core.Instance(
    "chat-worker",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id=compartment,
    shape="VM.Standard.E5.Flex",
    shape_config={"ocpus": 1, "memory_in_gbs": 8},
    create_vnic_details={
        "subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaafixturedatasubnet",
        "assign_public_ip": "false",
    },
    source_details={"source_type": "image", "source_id": worker_image.id},
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# A Glue catalog table takes no tags: it holds (and Athena queries read, in its region) the data
# at its S3 location. In Singapore over a user-data bucket, user data is read abroad.
# violation: residency-data-flow
aws.glue.CatalogTable(
    "attachments-sg-table",
    database_name="sg_lake",
    name="attachments",
    table_type="EXTERNAL_TABLE",
    storage_descriptor={
        "location": attachments.bucket.apply(lambda name: f"s3://{name}/exports/"),
        "columns": [{"name": "email", "type": "string"}],
    },
    opts=pulumi.ResourceOptions(provider=singapore),
)

# Over non-personal data it may live in Singapore.
# ok: residency-data-flow
aws.glue.CatalogTable(
    "stickers-sg-table",
    database_name="sg_lake",
    name="stickers",
    table_type="EXTERNAL_TABLE",
    storage_descriptor={
        "location": stickers_sg.bucket.apply(lambda name: f"s3://{name}/"),
        "columns": [{"name": "sticker", "type": "string"}],
    },
    opts=pulumi.ResourceOptions(provider=singapore),
)

# Athena partition projection: queries read the locations `storage.location.template` names,
# whatever the storage descriptor's location says.
# violation: residency-data-flow
aws.glue.CatalogTable(
    "attachments-sg-projection",
    database_name="sg_lake",
    name="attachments_projected",
    table_type="EXTERNAL_TABLE",
    parameters={
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "storage.location.template": attachments.bucket.apply(
            lambda name: f"s3://{name}/exports/${{dt}}/"
        ),
    },
    storage_descriptor={
        "location": stickers_sg.bucket.apply(lambda name: f"s3://{name}/"),
        "columns": [{"name": "email", "type": "string"}],
    },
    opts=pulumi.ResourceOptions(provider=singapore),
)
# ok: residency-data-flow
aws.glue.CatalogTable(
    "stickers-sg-projection",
    database_name="sg_lake",
    name="stickers_projected",
    table_type="EXTERNAL_TABLE",
    parameters={
        "projection.enabled": "true",
        "storage.location.template": stickers_sg.bucket.apply(lambda name: f"s3://{name}/${{dt}}/"),
    },
    storage_descriptor={
        "location": stickers_sg.bucket.apply(lambda name: f"s3://{name}/"),
        "columns": [{"name": "sticker", "type": "string"}],
    },
    opts=pulumi.ResourceOptions(provider=singapore),
)

# An API Gateway deployment labelled us-user-data routes user requests to its backends: a
# backend at a private address of our VCN stays in our network; a public one is untold.
GATEWAY = "ocid1.apigateway.oc1.iad.aaaaaaaafixturegateway"


def users_api(name: str, url: str) -> None:
    oci.apigateway.Deployment(
        name, compartment_id=compartment, gateway_id=GATEWAY, path_prefix=f"/{name}",
        freeform_tags=tags("us-user-data"),
        specification={"routes": [{"path": "/users", "methods": ["POST"],
                                   "backend": {"type": "HTTP_BACKEND", "url": url}}]},
    )  # fmt: skip


# ok: residency-data-flow
users_api("users-api-private", "http://10.10.1.5:8080/users")
# violation: residency-data-flow
# violation: residency-named-places
users_api("users-api-public", "http://203.0.113.15:8080/users")
