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
# violation: residency-named-places
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
# violation: residency-named-places
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

# --- Ownership: a region is not an owner.
# A key ARN in us-east-1, of an account that is not ours.
# violation: residency-key-locality
# violation: residency-named-places
table("loyalty", "arn:aws:kms:us-east-1:999999999999:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")

# The same through an alias ARN and a multi-region key id of that account.
# violation: residency-key-locality
# violation: residency-named-places
table("loyalty-archive", "arn:aws:kms:us-east-1:999999999999:alias/shared-loyalty")

# violation: residency-key-locality
# violation: residency-named-places
table(
    "loyalty-events",
    "arn:aws:kms:us-east-1:999999999999:key/mrk-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d",
)

# Our own account's key, by alias ARN.
# ok: residency-key-locality
table("loyalty-tiers", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/billing")

# --- External key stores: the key material is outside AWS KMS / OCI Vault.
# violation: residency-named-places
xks = aws.kms.CustomKeyStore(
    "partner-xks",
    custom_key_store_name="partner-xks",
    custom_key_store_type="EXTERNAL_KEY_STORE",
    xks_proxy_connectivity="PUBLIC_ENDPOINT",
    xks_proxy_uri_endpoint="https://xks.partner.example",
    xks_proxy_uri_path="/kms/xks/v1",
    xks_proxy_authentication_credential={
        "access_key_id": "ABCDEFGHIJKLMNOPQRST",
        "raw_secret_access_key": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
    },
)
xks_key = aws.kms.Key(
    "partner-xks-key",
    custom_key_store_id=xks.id,
    xks_key_id="partner-external-key-1",
    tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-key-locality
table("invoices-external", xks_key.arn)

hsm = aws.kms.CustomKeyStore(
    "billing-hsm",
    custom_key_store_name="billing-hsm",
    cloud_hsm_cluster_id="cluster-abcdefghijk",
    key_store_password="a-password-of-the-hsm",
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
)
hsm_key = aws.kms.Key(
    "billing-hsm-key", custom_key_store_id=hsm.id, tags=tags("us-user-data"), opts=protected
)

# A CloudHSM key store is AWS's own HSM in our account and region.
# ok: residency-key-locality
table("invoices-hsm", hsm_key.arn)

# violation: residency-named-places
external_vault = oci.kms.Vault(
    "partner-ekm-vault",
    compartment_id=compartment,
    display_name="partner-ekm-vault",
    vault_type="EXTERNAL",
    external_key_manager_metadata={
        "external_vault_endpoint_url": "https://ekm.partner.example/vaults/v1",
        "oauth_metadata": {
            "client_app_id": "app",
            "client_app_secret": "secret",
            "idcs_account_name_url": "https://idcs.partner.example",
        },
        "private_endpoint_id": "ocid1.ekmsprivateendpoint.oc1.iad.aaaaaaaafixture",
    },
    freeform_tags=tags("us-user-data"),
    opts=protected,
)
external_key = oci.kms.Key(
    "partner-ekm-key",
    compartment_id=compartment,
    display_name="partner-ekm-key",
    management_endpoint=external_vault.management_endpoint,
    key_shape={"algorithm": "AES", "length": 32},
    protection_mode="EXTERNAL",
    external_key_reference={"external_key_id": "partner-key-1"},
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-key-locality
oci.objectstorage.Bucket(
    "ledgers-external",
    compartment_id=compartment,
    namespace=namespace,
    name="ledgers-external",
    access_type="NoPublicAccess",
    kms_key_id=external_key.id,
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# --- Every data-bearing type that takes a key: a SageMaker notebook's volume key.
# violation: residency-key-locality
# violation: residency-named-places
aws.sagemaker.NotebookInstance(
    "fraud-notebook",
    instance_type="ml.t3.medium",
    role_arn=f"arn:aws:iam::{ACCOUNT}:role/notebooks",
    kms_key_id="arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    tags=tags("us-user-data"),
    opts=protected,
)

# ok: residency-key-locality
aws.sagemaker.NotebookInstance(
    "fraud-notebook-east",
    instance_type="ml.t3.medium",
    role_arn=f"arn:aws:iam::{ACCOUNT}:role/notebooks",
    kms_key_id=key.arn,
    tags=tags("us-user-data"),
    opts=protected,
)

# --- Multi-region keys: a replica outside the allowed regions holds the key material too.
mr_key = aws.kms.Key(
    "receipts-mr-key",
    multi_region=True,
    enable_key_rotation=True,
    tags=tags("us-user-data"),
    opts=protected,
)
# violation: residency-data-flow
aws.kms.ReplicaKey(
    "receipts-mr-key-singapore",
    primary_key_arn=mr_key.arn,
    tags=tags("non-personal"),
    opts=pulumi.ResourceOptions(provider=singapore),
)

# violation: residency-key-locality
table("receipts", mr_key.arn)


# --- Identity first: an encryption configuration names its bucket; one that names another
# bucket covers nothing here, whatever it depends on.
def block(name: str, bucket: pulumi.Input[str]) -> None:
    aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )


def encryption(name: str, bucket: pulumi.Input[str], key_arn: pulumi.Input[str]) -> None:
    aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        bucket=bucket,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key_arn,
                }
            }
        ],
    )


# violation: residency-key-locality
exports = aws.s3.Bucket(
    "exports", bucket="billing-exports", tags=tags("us-user-data"), opts=protected
)
block("exports-block", exports.bucket)
# Depends on `exports` (its URN), but names the bucket `billing-exports-decoy`.
encryption("exports-encryption", exports.urn.apply(lambda _: "billing-exports-decoy"), key.arn)

# ok: residency-key-locality
archive = aws.s3.Bucket(
    "archive", bucket="billing-archive", tags=tags("us-user-data"), opts=protected
)
block("archive-block", archive.bucket)
encryption("archive-encryption", "billing-archive", key.arn)
