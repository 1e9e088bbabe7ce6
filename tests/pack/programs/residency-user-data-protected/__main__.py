"""Stores of user data and what stops them being deleted: `protect` on the resource, and the
service's own deletion protection where there is one.
"""

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

compartment = "ocid1.compartment.oc1..aaaaaaaafixturecompartment"
namespace = "fixturens"
ashburn_key = "ocid1.key.oc1.iad.aaaaaaaafixturekey"
protected = pulumi.ResourceOptions(protect=True)


def tags(classification: str) -> dict[str, str]:
    return {"data-classification": classification, "product": "accounts"}


key = aws.kms.Key(
    "accounts-key", enable_key_rotation=True, tags=tags("us-user-data"), opts=protected
)

# violation: residency-user-data-protected
aws.kms.Key("sessions-key", enable_key_rotation=True, tags=tags("us-user-data"))

# ok: residency-user-data-protected
aws.dynamodb.Table(
    "accounts",
    hash_key="account_id",
    attributes=[{"name": "account_id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    deletion_protection_enabled=True,
    server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
    tags=tags("us-user-data"),
    opts=protected,
)

# `protect` without the table's own deletion protection.
# violation: residency-user-data-protected
aws.dynamodb.Table(
    "sessions",
    hash_key="session_id",
    attributes=[{"name": "session_id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
    tags=tags("us-user-data"),
    opts=protected,
)

# Deletion protection without `protect`.
# violation: residency-user-data-protected
aws.rds.Instance(
    "accounts-db",
    engine="postgres",
    instance_class="db.t4g.medium",
    allocated_storage=50,
    username="accounts",
    manage_master_user_password=True,
    publicly_accessible=False,
    storage_encrypted=True,
    kms_key_id=key.arn,
    deletion_protection=True,
    skip_final_snapshot=False,
    final_snapshot_identifier="accounts-db-final",
    tags=tags("us-user-data"),
)

# A bucket that `pulumi destroy` would empty first.
# violation: residency-user-data-protected
# violation: residency-public-access-block
avatars = aws.s3.Bucket("avatars", force_destroy=True, tags=tags("us-user-data"), opts=protected)
aws.s3.BucketServerSideEncryptionConfiguration(
    "avatars-encryption",
    bucket=avatars.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": key.arn,
            }
        }
    ],
)

# Non-personal data may be destroyed with the stack.
# ok: residency-user-data-protected
aws.dynamodb.Table(
    "feature-flags",
    hash_key="flag",
    attributes=[{"name": "flag", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    tags=tags("non-personal"),
)

# --- OCI.
# ok: residency-user-data-protected
oci.objectstorage.Bucket(
    "profile-photos",
    compartment_id=compartment,
    namespace=namespace,
    name="profile-photos",
    access_type="NoPublicAccess",
    kms_key_id=ashburn_key,
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-user-data-protected
oci.objectstorage.Bucket(
    "profile-photos-staging",
    compartment_id=compartment,
    namespace=namespace,
    name="profile-photos-staging",
    access_type="NoPublicAccess",
    kms_key_id=ashburn_key,
    freeform_tags=tags("us-user-data"),
)

# violation: residency-user-data-protected
oci.mysql.MysqlDbSystem(
    "accounts-mysql",
    compartment_id=compartment,
    availability_domain="Uocm:US-ASHBURN-AD-1",
    shape_name="MySQL.2",
    subnet_id="ocid1.subnet.oc1.iad.aaaaaaaafixturesubnet",
    admin_username="admin",
    encrypt_data={"key_generation_type": "BYOK", "key_id": ashburn_key},
    deletion_policies=[{"is_delete_protected": False, "final_backup": "RETAIN_FINAL_BACKUP"}],
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# --- Deletion guards as the provider reads them: the engine passes what the program gave, and
# the provider converts the strings "true"/"1" to true and "0" to the number 0.
# violation: residency-user-data-protected
aws.secretsmanager.Secret(
    "api-tokens",
    kms_key_id=key.arn,
    recovery_window_in_days="0",
    tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-user-data-protected
aws.qldb.Ledger(
    "consents",
    permissions_mode="STANDARD",
    deletion_protection="false",
    kms_key=key.arn,
    tags=tags("us-user-data"),
    opts=protected,
)

# ok: residency-user-data-protected
aws.dynamodb.Table(
    "preferences",
    hash_key="account_id",
    attributes=[{"name": "account_id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    deletion_protection_enabled="true",
    server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
    tags=tags("us-user-data"),
    opts=protected,
)
