"""What the internet or other accounts can see: public buckets, OCI pre-authenticated
requests, shared snapshots and images, function URLs without authentication.
Only data classified `public` may be public.
"""

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

OURS = "111111111111"
PARTNER = "999999999999"
compartment = "ocid1.compartment.oc1..aaaaaaaafixturecompartment"
namespace = "fixturens"
ashburn_key = "ocid1.key.oc1.iad.aaaaaaaafixturekey"
protected = pulumi.ResourceOptions(protect=True)


def tags(classification: str) -> dict[str, str]:
    return {"data-classification": classification, "product": "media"}


# --- OCI Object Storage: public access types.
# violation: residency-no-public-exposure
oci.objectstorage.Bucket(
    "user-uploads",
    compartment_id=compartment,
    namespace=namespace,
    name="user-uploads",
    access_type="ObjectRead",
    kms_key_id=ashburn_key,
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-no-public-exposure
oci.objectstorage.Bucket(
    "thumbnails",
    compartment_id=compartment,
    namespace=namespace,
    name="thumbnails",
    access_type="ObjectReadWithoutList",
    freeform_tags=tags("non-personal"),
)

# ok: residency-no-public-exposure
oci.objectstorage.Bucket(
    "press-kit",
    compartment_id=compartment,
    namespace=namespace,
    name="press-kit",
    access_type="ObjectRead",
    freeform_tags=tags("public"),
)

# ok: residency-no-public-exposure
oci.objectstorage.Bucket(
    "user-originals",
    compartment_id=compartment,
    namespace=namespace,
    name="user-originals",
    access_type="NoPublicAccess",
    kms_key_id=ashburn_key,
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# --- S3 ACLs.
site = aws.s3.Bucket("marketing-site", tags=tags("public"))

# ok: residency-no-public-exposure
aws.s3.BucketObject(
    "index-html",
    bucket=site.id,
    key="index.html",
    content="<h1>hello</h1>",
    acl="public-read",
    tags=tags("public"),
)

# An ACL resource cannot see its bucket's classification: a public grant fails closed.
# violation: residency-no-public-exposure
aws.s3.BucketAcl("marketing-site-acl", bucket=site.id, acl="public-read")

# ok: residency-no-public-exposure
aws.s3.BucketAcl("marketing-site-private-acl", bucket="marketing-drafts", acl="private")

# --- Snapshots and images shared with other accounts.
# violation: residency-no-public-exposure
aws.rds.Snapshot(
    "profiles-db-export",
    db_instance_identifier="profiles-db",
    db_snapshot_identifier="profiles-db-export",
    shared_accounts=["all"],
    tags=tags("us-user-data"),
    opts=protected,
)

# ok: residency-no-public-exposure
aws.rds.Snapshot(
    "profiles-db-migration",
    db_instance_identifier="profiles-db",
    db_snapshot_identifier="profiles-db-migration",
    shared_accounts=[OURS],
    tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-no-public-exposure
# violation: residency-named-places
aws.ec2.AmiLaunchPermission(
    "worker-image-partner", image_id="ami-0123456789abcdef0", account_id=PARTNER
)

# ok: residency-no-public-exposure
aws.ec2.AmiLaunchPermission("worker-image-ours", image_id="ami-0123456789abcdef0", account_id=OURS)

# violation: residency-no-public-exposure
# violation: residency-named-places
aws.ec2.SnapshotCreateVolumePermission(
    "media-volume-partner", snapshot_id="snap-0123456789abcdef0", account_id=PARTNER
)

# --- Lambda function URLs.
# violation: residency-no-public-exposure
aws.lambda_.FunctionUrl(
    "avatar-resizer-url", function_name="avatar-resizer", authorization_type="NONE"
)

# ok: residency-no-public-exposure
aws.lambda_.FunctionUrl("export-url", function_name="exporter", authorization_type="AWS_IAM")

# --- Log buckets: the grants AWS's log delivery needs are not public, and the owner's own grant
# is the owner's (its canonical id is listed in policy-config.json, `trustedCanonicalUserIds`).
OWN_CANONICAL_ID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
# CloudFront standard logging (legacy) writes as `awslogsdelivery` (CloudFront Developer Guide,
# "Permissions required to configure standard logging").
AWSLOGSDELIVERY = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"
LOG_DELIVERY_GROUP = "http://acs.amazonaws.com/groups/s3/LogDelivery"

# ok: residency-no-public-exposure
aws.s3.Bucket(
    "cdn-logs",
    grants=[
        {"id": OWN_CANONICAL_ID, "type": "CanonicalUser", "permissions": ["FULL_CONTROL"]},
        {"id": AWSLOGSDELIVERY, "type": "CanonicalUser", "permissions": ["FULL_CONTROL"]},
        {"uri": LOG_DELIVERY_GROUP, "type": "Group", "permissions": ["READ_ACP", "WRITE"]},
    ],
    tags=tags("non-personal"),
)

# ok: residency-no-public-exposure
aws.s3.BucketAclV2(
    "cdn-logs-2-acl",
    bucket="cdn-logs-2",
    access_control_policy={
        "owner": {"id": OWN_CANONICAL_ID},
        "grants": [
            {
                "grantee": {"id": OWN_CANONICAL_ID, "type": "CanonicalUser"},
                "permission": "FULL_CONTROL",
            },
            {
                "grantee": {"id": AWSLOGSDELIVERY, "type": "CanonicalUser"},
                "permission": "FULL_CONTROL",
            },
        ],
    },
)

# A canonical id of another account, even on a bucket of public data.
# violation: residency-no-public-exposure
aws.s3.Bucket(
    "press-archive",
    grants=[
        {
            "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "type": "CanonicalUser",
            "permissions": ["FULL_CONTROL"],
        }
    ],
    tags=tags("public"),
)

# --- An account-level public access block for our own account (111111111111, the stack's
# `aws:allowedAccountIds`) covers this account's user-data buckets (residency-public-access-block).
aws.s3.AccountPublicAccessBlock(
    "own-account-block",
    account_id=OURS,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)

photos_key = aws.kms.Key(
    "photos-key", enable_key_rotation=True, tags=tags("us-user-data"), opts=protected
)

# ok: residency-public-access-block
# ok: residency-no-public-exposure
photos = aws.s3.Bucket("photos", tags=tags("us-user-data"), opts=protected)
aws.s3.BucketServerSideEncryptionConfiguration(
    "photos-encryption",
    bucket=photos.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": photos_key.arn,
            }
        }
    ],
)


# --- OCI pre-authenticated requests: bearer URLs to a bucket's objects.
# ok: residency-no-public-exposure
inbox = oci.objectstorage.Bucket(
    "inbox",
    compartment_id=compartment,
    namespace=namespace,
    name="inbox",
    access_type="NoPublicAccess",
    kms_key_id=ashburn_key,
    freeform_tags=tags("us-user-data"),
    opts=protected,
)

# violation: residency-no-public-exposure
oci.objectstorage.Preauthrequest(
    "inbox-share",
    namespace=namespace,
    bucket=inbox.name,
    name="inbox-share",
    access_type="AnyObjectRead",
    time_expires="2027-01-01T00:00:00Z",
)

sticker_packs = oci.objectstorage.Bucket(
    "sticker-packs",
    compartment_id=compartment,
    namespace=namespace,
    name="sticker-packs",
    access_type="NoPublicAccess",
    freeform_tags=tags("non-personal"),
)

# ok: residency-no-public-exposure
oci.objectstorage.Preauthrequest(
    "sticker-packs-download",
    namespace=namespace,
    bucket=sticker_packs.name,
    name="sticker-packs-download",
    access_type="AnyObjectRead",
    time_expires="2027-01-01T00:00:00Z",
)

# A bucket outside this stack: its classification cannot be seen, so it may hold user data.
# violation: residency-no-public-exposure
oci.objectstorage.Preauthrequest(
    "legacy-share",
    namespace=namespace,
    bucket="legacy-messages",
    name="legacy-share",
    access_type="ObjectRead",
    object_name="export.zip",
    time_expires="2027-01-01T00:00:00Z",
)

# A PAR names its bucket: one that names the user-data bucket opens it, whatever it depends on.
# violation: residency-no-public-exposure
oci.objectstorage.Preauthrequest(
    "inbox-backdoor",
    namespace=namespace,
    bucket=sticker_packs.urn.apply(lambda _: "inbox"),
    name="inbox-backdoor",
    access_type="AnyObjectRead",
    time_expires="2027-01-01T00:00:00Z",
)


# --- Network exposure: an OCI File Storage export open to the whole internet. An export carries no
# classification of its own, so it is held to US user data.
def export(name: str, source: str) -> None:
    oci.filestorage.Export(
        name,
        export_set_id="ocid1.exportset.oc1.iad.aaaaaaaafixtureexportset",
        file_system_id="ocid1.filesystem.oc1.iad.aaaaaaaafixturefilesystem",
        path=f"/{name}",
        export_options=[{"source": source, "access": "READ_WRITE", "identity_squash": "ROOT"}],
    )


# violation: residency-no-public-exposure
export("media-world", "0.0.0.0/0")

# ok: residency-no-public-exposure
export("media-vcn", "10.0.0.0/16")

# --- AppSync: an API key is a bearer secret (shipped in web and mobile clients) that anyone
# holding it can use from anywhere; an API that accepts one must not serve US user data.
users_table = aws.dynamodb.Table(
    "users-table",
    hash_key="id",
    attributes=[{"name": "id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    deletion_protection_enabled=True,
    point_in_time_recovery={"enabled": True},
    server_side_encryption={"enabled": True, "kms_key_arn": photos_key.arn},
    tags=tags("us-user-data"),
    opts=protected,
)
appsync_role = aws.iam.Role(
    "appsync-users",
    assume_role_policy=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": '
        '"sts:AssumeRole", "Principal": {"Service": "appsync.amazonaws.com"}, "Condition": '
        f'{{"StringEquals": {{"aws:SourceAccount": "{OURS}"}}}}}}]}}'
    ),
)
SCHEMA = "type User { id: ID! email: String } type Query { user(id: ID!): User }"


def users_api(name: str, mode: str, extra: list[dict[str, str]] | None = None) -> None:
    api = aws.appsync.GraphQLApi(
        name, name=name, authentication_type=mode, additional_authentication_providers=extra,
        schema=SCHEMA, user_pool_config=None,
    )  # fmt: skip
    aws.appsync.DataSource(
        f"{name}-users",
        api_id=api.id,
        name="users",
        type="AMAZON_DYNAMODB",
        dynamodb_config={"table_name": users_table.name},
        service_role_arn=appsync_role.arn,
    )


# violation: residency-no-public-exposure
users_api("web-api-key", "API_KEY")

# An API key as an additional provider opens the API just the same.
# violation: residency-no-public-exposure
users_api("iam-plus-api-key", "AWS_IAM", [{"authentication_type": "API_KEY"}])

# Callers signed by the company's own IAM: fine.
# ok: residency-no-public-exposure
users_api("iam-only", "AWS_IAM")
