"""Which key encrypts each store of user data, and where that key lives.

Keys created in this stack have ARNs / OCIDs that are unknown in preview: the pack follows the
store's property dependencies to the key resource and takes the key's own region.
"""

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

ACCOUNT = "111111111111"
compartment = "ocid1.compartment.oc1..aaaaaaaafixturecompartment"
namespace = "fixturens"
protected = pulumi.ResourceOptions(protect=True)


def tags(classification: str) -> dict[str, str]:
    return {"data-classification": classification, "product": "billing"}


def table(name: str, kms_key_arn: pulumi.Input[str] | None, classification: str = "us-user-data"):
    encryption = {"enabled": True, "kms_key_arn": kms_key_arn} if kms_key_arn else None
    return aws.dynamodb.Table(
        name,
        hash_key="id",
        attributes=[{"name": "id", "type": "S"}],
        billing_mode="PAY_PER_REQUEST",
        deletion_protection_enabled=True,
        server_side_encryption=encryption,
        tags=tags(classification),
        opts=protected,
    )


# --- AWS, keys of this stack.
key = aws.kms.Key(
    "billing-key", enable_key_rotation=True, tags=tags("us-user-data"), opts=protected
)
alias = aws.kms.Alias("billing-key-alias", name="alias/billing", target_key_id=key.key_id)

# ok: residency-key-locality
table("invoices", key.arn)

# Through the alias resource to the key behind it.
# ok: residency-key-locality
table("payments", alias.arn)

singapore = aws.Provider("singapore", region="ap-southeast-1", allowed_account_ids=[ACCOUNT])
shared_sg_key = aws.kms.Key(
    "shared-sg-key",
    enable_key_rotation=True,
    tags=tags("non-personal"),
    opts=pulumi.ResourceOptions(provider=singapore),
)

# violation: residency-key-locality
table("refunds", shared_sg_key.arn)

# --- AWS, keys named by value.
# violation: residency-key-locality
table("payouts", f"arn:aws:kms:us-west-2:{ACCOUNT}:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")

# A bare key id is looked up in the store's own region.
# ok: residency-key-locality
table("disputes", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")

# No customer-managed key at all (DynamoDB's AWS-owned key).
# violation: residency-key-locality
table("chargebacks", None)

# Non-personal data needs no customer-managed key.
# ok: residency-key-locality
table("currencies", None, classification="non-personal")

# S3 (v7): the encryption is a separate resource that points at the bucket.
# violation: residency-key-locality
statements = aws.s3.Bucket("statements", tags=tags("us-user-data"), opts=protected)
aws.s3.BucketPublicAccessBlock(
    "statements-block",
    bucket=statements.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
aws.s3.BucketServerSideEncryptionConfiguration(
    "statements-encryption",
    bucket=statements.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": "alias/aws/s3",
            }
        }
    ],
)

# --- OCI.
vault = oci.kms.Vault(
    "billing-vault",
    compartment_id=compartment,
    display_name="billing-vault",
    vault_type="DEFAULT",
    freeform_tags=tags("us-user-data"),
    opts=protected,
)
vault_key = oci.kms.Key(
    "billing-vault-key",
    compartment_id=compartment,
    display_name="billing-vault-key",
    management_endpoint=vault.management_endpoint,
    key_shape={"algorithm": "AES", "length": 32},
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# ok: residency-key-locality
oci.objectstorage.Bucket(
    "ledgers",
    compartment_id=compartment,
    namespace=namespace,
    name="ledgers",
    access_type="NoPublicAccess",
    kms_key_id=vault_key.id,
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# A key OCID whose region segment says Frankfurt.
# violation: residency-key-locality
oci.objectstorage.Bucket(
    "ledgers-archive",
    compartment_id=compartment,
    namespace=namespace,
    name="ledgers-archive",
    access_type="NoPublicAccess",
    kms_key_id="ocid1.key.oc1.eu-frankfurt-1.aaaaaaaafixturekey",
    freeform_tags=tags("us-user-data"),
    opts=protected,
)
