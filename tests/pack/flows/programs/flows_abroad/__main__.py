"""Data flows of US user data, each resource annotated with what the flow rules must say.

`# violation: <policy>` the pack reports a mandatory violation of <policy> on this resource;
`# ok: <policy>, ...` it reports none of these on it (tests/pack/flows/test_end_to_end.py).
References between resources are outputs, unknown in preview: the rules resolve them through
the engine's property dependencies, as they must in a real `pulumi preview`.
"""

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci
from pulumi_oci.objectstorage import ReplicationPolicy

USER = {"data-classification": "us-user-data"}
NON_PERSONAL = {"data-classification": "non-personal"}
ROLE = "arn:aws:iam::111122223333:role/replication"
COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaexample"

virginia = aws.Provider("virginia", region="us-east-1")
singapore = aws.Provider("singapore", region="ap-southeast-1")
ashburn = oci.Provider("ashburn", region="us-ashburn-1")
phoenix = oci.Provider("phoenix", region="us-phoenix-1")


def on(provider: pulumi.ProviderResource) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(provider=provider)


# --- S3: a compliant replica, and laundering into Singapore ----------------------------------
users = aws.s3.Bucket(  # ok: residency-data-flow
    "users", bucket="users-prod", tags=USER, opts=on(virginia)
)
users_replica = aws.s3.Bucket(  # ok: residency-data-flow
    "users-replica", bucket="users-prod-replica", tags=USER, opts=on(virginia)
)
aws.s3.BucketReplicationConfig(  # ok: residency-no-cross-region-copy, residency-data-flow
    "users-to-replica",
    bucket=users.id,
    role=ROLE,
    rules=[{"id": "all", "status": "Enabled", "destination": {"bucket": users_replica.arn}}],
    opts=on(virginia),
)
analytics = aws.s3.Bucket(  # violation: residency-data-flow
    "analytics-sg", bucket="analytics-sg", tags=NON_PERSONAL, opts=on(singapore)
)
aws.s3.BucketReplicationConfig(  # ok: residency-data-flow
    "users-to-analytics",
    bucket=users.id,
    role=ROLE,
    rules=[{"id": "all", "status": "Enabled", "destination": {"bucket": analytics.arn}}],
    opts=on(virginia),
)

# --- DynamoDB replica abroad, and backups copied to Ireland ----------------------------------
sessions = aws.dynamodb.Table(  # violation: residency-no-cross-region-copy, residency-data-flow
    "sessions",
    name="sessions",
    hash_key="id",
    attributes=[{"name": "id", "type": "S"}],
    replicas=[{"region_name": "ap-southeast-1"}],
    tags=USER,
    opts=on(virginia),
)
vault = aws.backup.Vault(  # ok: residency-data-flow
    "user-backups", name="user-backups", tags=USER, opts=on(virginia)
)
plan = aws.backup.Plan(  # violation: residency-no-cross-region-copy, residency-data-flow
    "daily",
    name="daily",
    rules=[{
        "rule_name": "daily",
        "target_vault_name": vault.name,
        "schedule": "cron(0 5 * * ? *)",
        "copy_actions": [
            {"destination_vault_arn": "arn:aws:backup:eu-west-1:111122223333:backup-vault:dr"}
        ],
    }],
    opts=on(virginia),
)
aws.backup.Selection(  # ok: residency-data-flow
    "sessions-daily",
    name="sessions-daily",
    plan_id=plan.id,
    iam_role_arn="arn:aws:iam::111122223333:role/backup",
    resources=[sessions.arn],
    opts=on(virginia),
)

# --- OCI: a compliant DR replica, and a replication policy to Singapore ----------------------
records = oci.objectstorage.Bucket(  # ok: residency-data-flow
    "records", compartment_id=COMPARTMENT, namespace="ns", name="records",
    freeform_tags=USER, opts=on(ashburn),
)  # fmt: skip
records_dr = oci.objectstorage.Bucket(  # ok: residency-data-flow
    "records-dr", compartment_id=COMPARTMENT, namespace="ns", name="records",
    freeform_tags=USER, opts=on(phoenix),
)  # fmt: skip
ReplicationPolicy(  # ok: residency-no-cross-region-copy, residency-data-flow
    "records-to-dr", bucket=records.name, namespace="ns", name="to-dr",
    destination_bucket_name=records_dr.name, destination_region_name="us-phoenix-1",
    opts=on(ashburn),
)  # fmt: skip
ReplicationPolicy(  # violation: residency-no-cross-region-copy, residency-data-flow
    "records-to-singapore", bucket=records.name, namespace="ns", name="to-sin",
    destination_bucket_name="records", destination_region_name="ap-singapore-1",
    opts=on(ashburn),
)  # fmt: skip
