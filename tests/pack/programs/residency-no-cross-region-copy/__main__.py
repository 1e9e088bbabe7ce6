"""Replicas, backups and copies of a product's data: every copy must land in a region allowed
for the data it carries.

Copy destinations here are outside this stack (a partner bucket, another team's vault), named by
a value that carries their region; copies into resources of this stack are the data-flow rule's
(see the residency-data-flow program). The user-data stores themselves are well built.
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
    return {"data-classification": classification, "product": "photos"}


key = aws.kms.Key("photos-key", enable_key_rotation=True, tags=tags("us-user-data"), opts=protected)
encryption = {"enabled": True, "kms_key_arn": key.arn}

# --- Copies that are resources of their own: they land in their own region.
singapore = aws.Provider("singapore", region="ap-southeast-1", allowed_account_ids=[ACCOUNT])

# violation: residency-no-cross-region-copy
# violation: residency-classification-in-region
# violation: residency-data-flow
aws.kms.ReplicaKey(
    "photos-key-singapore",
    primary_key_arn=key.arn,
    tags=tags("us-user-data"),
    opts=pulumi.ResourceOptions(provider=singapore, protect=True),
)

# Its source database is not in this stack: what it holds cannot be seen, so residency-data-flow
# holds it to us-user-data.
# violation: residency-no-cross-region-copy
# violation: residency-classification-in-region
# violation: residency-key-locality
# violation: residency-data-flow
# violation: residency-named-places
aws.rds.Instance(
    "photos-db-singapore",
    replicate_source_db=f"arn:aws:rds:us-east-1:{ACCOUNT}:db:photos-db",
    publicly_accessible=False,
    instance_class="db.t4g.medium",
    storage_encrypted=True,
    kms_key_id=f"arn:aws:kms:ap-southeast-1:{ACCOUNT}:key/6a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    deletion_protection=True,
    tags=tags("us-user-data"),
    opts=pulumi.ResourceOptions(provider=singapore, protect=True),
)

# --- DynamoDB global tables: a replica region is a copy of the table.
# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# The table's key `photos-key` has a replica in Singapore: its key material is there too.
# violation: residency-key-locality
# violation: residency-named-places
aws.dynamodb.Table(
    "photo-index",
    hash_key="photo_id",
    attributes=[{"name": "photo_id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    stream_enabled=True,
    stream_view_type="NEW_AND_OLD_IMAGES",
    deletion_protection_enabled=True,
    server_side_encryption=encryption,
    replicas=[{"region_name": "eu-west-1"}],
    tags=tags("us-user-data"),
    opts=protected,
)

# Non-personal data may be copied to Singapore.
# ok: residency-no-cross-region-copy
aws.dynamodb.Table(
    "photo-catalog",
    hash_key="sku",
    attributes=[{"name": "sku", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    stream_enabled=True,
    stream_view_type="NEW_AND_OLD_IMAGES",
    replicas=[{"region_name": "ap-southeast-1"}],
    tags=tags("non-personal"),
)

# --- Secrets Manager replicas.
# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# violation: residency-key-locality
# violation: residency-named-places
aws.secretsmanager.Secret(
    "photo-signing",
    kms_key_id=key.arn,
    replicas=[{"region": "eu-central-1"}],
    tags=tags("us-user-data"),
    opts=protected,
)

# ok: residency-no-cross-region-copy
aws.secretsmanager.Secret(
    "cdn-token",
    replicas=[{"region": "ap-southeast-1"}],
    tags=tags("non-personal"),
)

# --- AWS Backup: a copy action to a vault in another region.
# violation: residency-key-locality
vault = aws.backup.Vault(
    "photos-vault", kms_key_arn=key.arn, tags=tags("us-user-data"), opts=protected
)

# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# violation: residency-named-places
aws.backup.Plan(
    "photos-dr",
    rules=[
        {
            "rule_name": "daily",
            "target_vault_name": vault.name,
            "schedule": "cron(0 5 ? * * *)",
            "copy_actions": [
                {
                    "destination_vault_arn": (
                        f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:photos-dr"
                    ),
                    "lifecycle": {"delete_after": 35},
                }
            ],
        }
    ],
    tags=tags("us-user-data"),
    opts=protected,
)

# ok: residency-no-cross-region-copy
aws.backup.Plan(
    "photos-daily",
    rules=[
        {
            "rule_name": "daily",
            "target_vault_name": "photos-vault",
            "schedule": "cron(0 5 ? * * *)",
            "copy_actions": [
                {
                    "destination_vault_arn": (
                        f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:photos-archive"
                    ),
                }
            ],
        }
    ],
    tags=tags("us-user-data"),
    opts=protected,
)

# --- S3 replication. A bucket ARN says neither region nor account, and neither does the replica
# KMS key: the platform team declares where the destination buckets are (policy-config.json).
# violation: residency-key-locality
photos = aws.s3.Bucket("photos", tags=tags("us-user-data"), opts=protected)
aws.s3.BucketPublicAccessBlock(
    "photos-block",
    bucket=photos.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
aws.s3.BucketServerSideEncryptionConfiguration(
    "photos-encryption",
    bucket=photos.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": key.arn,
            }
        }
    ],
)
versioning = aws.s3.BucketVersioning(
    "photos-versioning", bucket=photos.id, versioning_configuration={"status": "Enabled"}
)
replication_role = aws.iam.Role(
    "photos-replication",
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

# A replication configuration has no tags: its data is its source bucket's, which this one
# resource cannot see. Singapore may hold non-personal data, so whether this copy is allowed is
# decided by residency-data-flow, which follows `bucket` to the user-data bucket `photos`.
# violation: residency-data-flow
aws.s3.BucketReplicationConfig(
    "photos-to-singapore",
    bucket=photos.id,
    role=replication_role.arn,
    rules=[
        {
            "id": "everything",
            "status": "Enabled",
            "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
            "destination": {
                "bucket": "arn:aws:s3:::photos-sg-replica",
                "encryption_configuration": {
                    "replica_kms_key_id": (
                        f"arn:aws:kms:ap-southeast-1:{ACCOUNT}:key/"
                        "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
                    )
                },
            },
        }
    ],
    opts=pulumi.ResourceOptions(depends_on=[versioning]),
)

# ok: residency-no-cross-region-copy
aws.s3.BucketReplicationConfig(
    "photos-same-region",
    bucket=photos.id,
    role=replication_role.arn,
    rules=[
        {
            "id": "everything",
            "status": "Enabled",
            "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
            "destination": {
                "bucket": "arn:aws:s3:::photos-archive",
                "encryption_configuration": {
                    "replica_kms_key_id": (
                        f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
                    )
                },
            },
        }
    ],
    opts=pulumi.ResourceOptions(depends_on=[versioning]),
)

# Non-personal data may be replicated to Singapore.
catalog = aws.s3.Bucket("catalog-assets", tags=tags("non-personal"))
catalog_versioning = aws.s3.BucketVersioning(
    "catalog-assets-versioning",
    bucket=catalog.id,
    versioning_configuration={"status": "Enabled"},
)

# ok: residency-no-cross-region-copy
# ok: residency-data-flow
aws.s3.BucketReplicationConfig(
    "catalog-to-singapore",
    bucket=catalog.id,
    role=replication_role.arn,
    rules=[
        {
            "id": "everything",
            "status": "Enabled",
            "destination": {
                "bucket": "arn:aws:s3:::catalog-assets-sg",
                "encryption_configuration": {
                    "replica_kms_key_id": (
                        f"arn:aws:kms:ap-southeast-1:{ACCOUNT}:key/"
                        "2a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
                    )
                },
            },
        }
    ],
    opts=pulumi.ResourceOptions(depends_on=[catalog_versioning]),
)

# A source bucket managed outside this stack: nothing says what it holds, so residency-data-flow
# holds it to us-user-data (fail closed); nor whose it is (residency-named-places).
# violation: residency-data-flow
# violation: residency-named-places
aws.s3.BucketReplicationConfig(
    "legacy-uploads-to-singapore",
    bucket="legacy-uploads",
    role=replication_role.arn,
    rules=[
        {
            "id": "everything",
            "status": "Enabled",
            "destination": {
                "bucket": "arn:aws:s3:::legacy-uploads-sg",
                "encryption_configuration": {
                    "replica_kms_key_id": (
                        f"arn:aws:kms:ap-southeast-1:{ACCOUNT}:key/"
                        "5a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
                    )
                },
            },
        }
    ],
)

# No classification may go to Ireland, whatever the source bucket holds.
# violation: residency-no-cross-region-copy
# violation: residency-named-places
aws.s3.BucketReplicationConfig(
    "catalog-to-ireland",
    bucket=catalog.id,
    role=replication_role.arn,
    rules=[
        {
            "id": "everything",
            "status": "Enabled",
            "destination": {
                "bucket": "arn:aws:s3:::catalog-assets-eu",
                "encryption_configuration": {
                    "replica_kms_key_id": (
                        f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/3a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
                    )
                },
            },
        }
    ],
    opts=pulumi.ResourceOptions(depends_on=[catalog_versioning]),
)

# The bucket's own (inline) replication configuration is judged with the bucket's classification.
# violation: residency-no-cross-region-copy
# violation: residency-data-flow
# violation: residency-public-access-block
# Its replica key is in Singapore.
# violation: residency-key-locality
# violation: residency-named-places
aws.s3.Bucket(
    "avatars",
    replication_configuration={
        "role": replication_role.arn,
        "rules": [
            {
                "id": "everything",
                "status": "Enabled",
                "destination": {
                    "bucket": "arn:aws:s3:::avatars-sg-replica",
                    "replica_kms_key_id": (
                        f"arn:aws:kms:ap-southeast-1:{ACCOUNT}:key/"
                        "4a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
                    ),
                },
            }
        ],
    },
    versioning={"enabled": True},
    server_side_encryption_configuration={
        "rule": {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": key.arn,
            }
        }
    },
    tags=tags("us-user-data"),
    opts=protected,
)

# --- OCI Object Storage replication policies.
vault_key = "ocid1.key.oc1.iad.aaaaaaaafixturekey"

oci.objectstorage.Bucket(
    "albums",
    compartment_id=compartment,
    namespace=namespace,
    name="albums",
    access_type="NoPublicAccess",
    kms_key_id=vault_key,
    versioning="Enabled",
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-data-flow
# violation: residency-no-cross-region-copy
# violation: residency-named-places
oci.objectstorage.ReplicationPolicy(
    "albums-to-frankfurt",
    namespace=namespace,
    bucket="albums",
    name="to-frankfurt",
    destination_bucket_name="albums-eu",
    destination_region_name="eu-frankfurt-1",
)

# ok: residency-no-cross-region-copy
oci.objectstorage.ReplicationPolicy(
    "albums-to-phoenix",
    namespace=namespace,
    bucket="albums",
    name="to-phoenix",
    destination_bucket_name="albums-dr",
    destination_region_name="us-phoenix-1",
)


# A replica key in us-east-1 does not make a bucket of another account ours: the rule names the
# account the copy goes to.
# violation: residency-no-cross-region-copy
# violation: residency-data-flow
# violation: residency-no-foreign-principals
# violation: residency-named-places
aws.s3.BucketReplicationConfig(
    "photos-to-partner-account",
    bucket=photos.id,
    role=replication_role.arn,
    rules=[
        {
            "id": "everything",
            "status": "Enabled",
            "destination": {
                "bucket": "arn:aws:s3:::partner-photos",
                "account": "999999999999",
                "access_control_translation": {"owner": "Destination"},
                "encryption_configuration": {
                    "replica_kms_key_id": (
                        f"arn:aws:kms:us-east-1:{ACCOUNT}:key/6a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
                    )
                },
            },
        }
    ],
    opts=pulumi.ResourceOptions(depends_on=[versioning]),
)

# A destination nobody declared: where and whose it is cannot be told, whatever the key says.
# violation: residency-no-cross-region-copy
# violation: residency-data-flow
# violation: residency-named-places
aws.s3.BucketReplicationConfig(
    "photos-to-unknown-bucket",
    bucket=photos.id,
    role=replication_role.arn,
    rules=[
        {
            "id": "everything",
            "status": "Enabled",
            "destination": {
                "bucket": "arn:aws:s3:::photos-elsewhere",
                "encryption_configuration": {
                    "replica_kms_key_id": (
                        f"arn:aws:kms:us-east-1:{ACCOUNT}:key/7a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
                    )
                },
            },
        }
    ],
    opts=pulumi.ResourceOptions(depends_on=[versioning]),
)

# A backup copy to a vault of another account is a foreign copy even in us-east-1.
# violation: residency-no-cross-region-copy
# violation: residency-data-flow
# violation: residency-no-foreign-principals
# violation: residency-named-places
aws.backup.Plan(
    "photos-to-partner-vault",
    rules=[
        {
            "rule_name": "daily",
            "target_vault_name": vault.name,
            "schedule": "cron(0 5 ? * * *)",
            "copy_actions": [
                {"destination_vault_arn": "arn:aws:backup:us-east-1:999999999999:backup-vault:x"}
            ],
        }
    ],
    tags=tags("us-user-data"),
    opts=protected,
)
