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
