"""A product's stores in Virginia, Singapore and Phoenix: which data may live where.

Singapore (ap-southeast-1) may hold `non-personal` and `public` data only; `us-user-data` lives
in us-east-1 and the OCI US regions. User-data stores here are otherwise well built (protected,
encrypted with a customer-managed key), so the region is what the rule judges.
"""

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

ACCOUNTS = ["111111111111"]
compartment = "ocid1.compartment.oc1..aaaaaaaafixturecompartment"
namespace = "fixturens"


def tags(classification: str) -> dict[str, str]:
    return {"data-classification": classification, "product": "catalog"}


singapore = aws.Provider("singapore", region="ap-southeast-1", allowed_account_ids=ACCOUNTS)
on_singapore = pulumi.ResourceOptions(provider=singapore)
protected_in_singapore = pulumi.ResourceOptions(provider=singapore, protect=True)

# --- Singapore: non-personal and public data are fine.
# ok: residency-classification-in-region
aws.s3.Bucket("sg-catalog-images", tags=tags("non-personal"), opts=on_singapore)

# ok: residency-classification-in-region
aws.s3.Bucket("sg-press-kit", tags=tags("public"), opts=on_singapore)

# Not data-bearing and unclassified: nothing to judge.
# ok: residency-classification-in-region
aws.ec2.Vpc("sg-vpc", cidr_block="10.20.0.0/16", opts=on_singapore)

# --- Singapore: user data is not.
# violation: residency-classification-in-region
sg_key = aws.kms.Key(
    "sg-profiles-key",
    description="profiles in Singapore",
    enable_key_rotation=True,
    tags=tags("us-user-data"),
    opts=protected_in_singapore,
)

# violation: residency-classification-in-region
# violation: residency-key-locality
sg_profiles = aws.s3.Bucket("sg-profiles", tags=tags("us-user-data"), opts=protected_in_singapore)
aws.s3.BucketServerSideEncryptionConfiguration(
    "sg-profiles-encryption",
    bucket=sg_profiles.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": sg_key.arn,
            }
        }
    ],
    opts=on_singapore,
)
aws.s3.BucketPublicAccessBlock(
    "sg-profiles-block",
    bucket=sg_profiles.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
    opts=on_singapore,
)

# An app server is not data-bearing, but once classified it is judged like a store.
# violation: residency-classification-in-region
aws.ec2.Instance(
    "sg-profile-api",
    ami="ami-0123456789abcdef0",
    associate_public_ip_address=False,
    instance_type="t3.small",
    tags=tags("us-user-data"),
    opts=on_singapore,
)

# Unclassified data is held to us-user-data (fail closed).
# violation: residency-classification-in-region
# violation: residency-classification-required
# violation: residency-key-locality
aws.sqs.Queue("sg-signups", opts=on_singapore)

# --- A resource's own region beats its provider's: this table is in us-east-1.
# ok: residency-classification-in-region
us_key = aws.kms.Key(
    "profiles-key",
    description="profiles in Virginia",
    enable_key_rotation=True,
    tags=tags("us-user-data"),
    opts=pulumi.ResourceOptions(protect=True),
)

# ok: residency-classification-in-region
# ok: residency-key-locality
aws.dynamodb.Table(
    "profiles",
    region="us-east-1",
    hash_key="user_id",
    attributes=[{"name": "user_id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    deletion_protection_enabled=True,
    server_side_encryption={"enabled": True, "kms_key_arn": us_key.arn},
    tags=tags("us-user-data"),
    opts=protected_in_singapore,
)

# ...and the other way round: user data put in Singapore by the resource's own region (its key
# is in us-east-1, a region allowed for user data, so key locality has nothing to add).
# violation: residency-classification-in-region
# ok: residency-key-locality
aws.dynamodb.Table(
    "profiles-cache",
    region="ap-southeast-1",
    hash_key="user_id",
    attributes=[{"name": "user_id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    deletion_protection_enabled=True,
    server_side_encryption={"enabled": True, "kms_key_arn": us_key.arn},
    tags=tags("us-user-data"),
    opts=pulumi.ResourceOptions(protect=True),
)

# --- OCI Phoenix: user data is at home.
phoenix = oci.Provider("phoenix", region="us-phoenix-1")
protected_in_phoenix = pulumi.ResourceOptions(provider=phoenix, protect=True)

vault = oci.kms.Vault(
    "phx-vault",
    compartment_id=compartment,
    display_name="phx-vault",
    vault_type="DEFAULT",
    freeform_tags=tags("us-user-data"),
    opts=protected_in_phoenix,
)
phx_key = oci.kms.Key(
    "phx-key",
    compartment_id=compartment,
    display_name="phx-key",
    management_endpoint=vault.management_endpoint,
    key_shape={"algorithm": "AES", "length": 32},
    freeform_tags=tags("us-user-data"),
    opts=protected_in_phoenix,
)

# ok: residency-classification-in-region
# ok: residency-key-locality
oci.objectstorage.Bucket(
    "phx-profiles",
    compartment_id=compartment,
    namespace=namespace,
    name="phx-profiles",
    access_type="NoPublicAccess",
    kms_key_id=phx_key.id,
    freeform_tags=tags("us-user-data"),
    opts=protected_in_phoenix,
)

# --- OCI IAM is global, but an identity domain keeps its users in its home region, whatever
# region the provider calls from.
# violation: residency-classification-in-region
# violation: residency-region-allowlist
oci.identity.Domain(
    "eu-customer-identities",
    compartment_id=compartment,
    description="customer sign-in",
    display_name="customers-eu",
    home_region="eu-frankfurt-1",
    license_type="free",
    freeform_tags=tags("us-user-data"),
    opts=protected_in_phoenix,
)

# ok: residency-classification-in-region
oci.identity.Domain(
    "us-customer-identities",
    compartment_id=compartment,
    description="customer sign-in",
    display_name="customers-us",
    home_region="us-ashburn-1",
    license_type="free",
    freeform_tags=tags("us-user-data"),
    opts=protected_in_phoenix,
)

# --- Label trust: a user directory holds people's identities whatever its tag says.
# violation: residency-classification-in-region
aws.cognito.UserPool(
    "sg-members", name="sg-members", tags=tags("non-personal"), opts=on_singapore
)

# In a user-data region the same pool passes (its tag does not matter here).
# ok: residency-classification-in-region
aws.cognito.UserPool("us-members", name="us-members", tags=tags("non-personal"))

# --- A Glue catalog table takes no tags: it has the classification of the data at its location
# (residency-data-flow follows the location to its bucket). Over a non-personal bucket it may
# live in Singapore; with no location it is held to us-user-data.
sg_metrics = aws.s3.Bucket("sg-metrics", tags=tags("non-personal"), opts=on_singapore)
# ok: residency-classification-in-region
aws.glue.CatalogTable(
    "sg-build-metrics",
    database_name="sg_lake",
    name="build_metrics",
    table_type="EXTERNAL_TABLE",
    storage_descriptor={
        "location": sg_metrics.bucket.apply(lambda name: f"s3://{name}/metrics/"),
        "columns": [{"name": "duration_ms", "type": "bigint"}],
    },
    opts=on_singapore,
)

# violation: residency-classification-in-region
aws.glue.CatalogTable(
    "sg-unlocated",
    database_name="sg_lake",
    name="unlocated",
    table_type="EXTERNAL_TABLE",
    storage_descriptor={"columns": [{"name": "email", "type": "string"}]},
    opts=on_singapore,
)
