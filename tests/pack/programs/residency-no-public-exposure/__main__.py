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

# An access list is judged by what it admits, not by how it is spelled: half the internet, or
# one partner's address, is public as surely as 0.0.0.0/0.
# violation: residency-no-public-exposure
export("media-half-world", "128.0.0.0/1")

# violation: residency-no-public-exposure
export("media-partner-office", "203.0.113.7/32")

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


# --- Access lists of an Autonomous Database on a public endpoint.
def user_database(name: str, acl: list[str]) -> None:
    oci.database.AutonomousDatabase(
        name,
        compartment_id=compartment,
        db_name=name.replace("-", ""),
        display_name=name,
        compute_model="ECPU",
        compute_count=2,
        data_storage_size_in_tbs=1,
        is_mtls_connection_required=True,
        whitelisted_ips=acl,
        kms_key_id=ashburn_key,
        freeform_tags=tags("us-user-data"),
        opts=protected,
    )


# violation: residency-no-public-exposure
user_database("users-world-split", ["0.0.0.0/1", "128.0.0.0/1"])

# A VCN that is not one of this stack's: another tenancy's network.
# violation: residency-no-public-exposure
user_database("users-partner-vcn", ["ocid1.vcn.oc1.iad.amaaaaaapartnervcnfixture"])

# ok: residency-no-public-exposure
user_database("users-private-acl", ["10.20.0.0/16"])

# --- Compute holding user data with a public address.
# violation: residency-no-public-exposure
aws.ec2.Instance(
    "self-run-db",
    ami="ami-0123456789abcdef0",
    instance_type="m6i.large",
    subnet_id="subnet-0123456789abcdef0",
    associate_public_ip_address=True,
    tags=tags("us-user-data"),
)

# No flag, in a subnet that maps public IPs on launch: public by the subnet's default.
public_subnet = aws.ec2.Subnet(
    "public-a",
    vpc_id="vpc-0123456789abcdef0",
    cidr_block="10.0.1.0/24",
    map_public_ip_on_launch=True,
)
# violation: residency-no-public-exposure
aws.ec2.Instance(
    "self-run-db-subnet-default",
    ami="ami-0123456789abcdef0",
    instance_type="m6i.large",
    subnet_id=public_subnet.id,
    tags=tags("us-user-data"),
)

# ok: residency-no-public-exposure
aws.ec2.Instance(
    "self-run-db-private",
    ami="ami-0123456789abcdef0",
    instance_type="m6i.large",
    subnet_id="subnet-0123456789abcdef0",
    associate_public_ip_address=False,
    tags=tags("us-user-data"),
)

# OCI assigns a public IP in a public subnet unless told not to: fail closed.
# violation: residency-no-public-exposure
oci.core.Instance(
    "oci-self-run-db",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id=compartment,
    shape="VM.Standard.E5.Flex",
    create_vnic_details={"subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaafixturesubnet"},
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaoracle"},
    freeform_tags=tags("us-user-data"),
)

# ok: residency-no-public-exposure
oci.core.Instance(
    "oci-self-run-db-private",
    availability_domain="Uocm:US-ASHBURN-AD-1",
    compartment_id=compartment,
    shape="VM.Standard.E5.Flex",
    create_vnic_details={
        "subnet_id": "ocid1.subnet.oc1.iad.aaaaaaaafixturesubnet",
        "assign_public_ip": "false",
    },
    source_details={"source_type": "image", "source_id": "ocid1.image.oc1.iad.aaaaaaaaoracle"},
    freeform_tags=tags("us-user-data"),
)


# --- RDS's own default: no DB subnet group and no `publicly_accessible` is the default VPC,
# where AWS makes the instance public.
def postgres(name: str, **placement: object) -> None:
    aws.rds.Instance(
        name,
        engine="postgres",
        instance_class="db.t4g.medium",
        allocated_storage=20,
        username="app",
        manage_master_user_password=True,
        storage_encrypted=True,
        kms_key_id=photos_key.arn,
        deletion_protection=True,
        skip_final_snapshot=False,
        final_snapshot_identifier=f"{name}-final",
        tags=tags("us-user-data"),
        opts=protected,
        **placement,
    )


# violation: residency-no-public-exposure
postgres("profiles-db-default-vpc")

# ok: residency-no-public-exposure
postgres("profiles-db", db_subnet_group_name="private-db-subnets")


# --- An Aurora/Neptune cluster instance without a label of its own is judged by the label it
# inherits from the cluster of the stack it names (decided in the stack follow-up).
def aurora(name: str, classification: str) -> aws.rds.Cluster:
    return aws.rds.Cluster(
        name,
        engine="aurora-postgresql",
        master_username="app",
        manage_master_user_password=True,
        storage_encrypted=True,
        kms_key_id=photos_key.arn,
        deletion_protection=True,
        skip_final_snapshot=False,
        final_snapshot_identifier=f"{name}-final",
        db_subnet_group_name="private-db-subnets",
        tags=tags(classification),
        opts=protected,
    )


def public_instance(name: str, owner: aws.rds.Cluster) -> None:
    aws.rds.ClusterInstance(
        name,
        cluster_identifier=owner.id,
        instance_class="db.r6g.large",
        engine="aurora-postgresql",
        publicly_accessible=True,
        opts=protected,
    )


reports_aurora = aurora("reports-aurora", "non-personal")
users_aurora = aurora("users-aurora", "us-user-data")
# ok: residency-no-public-exposure
public_instance("reports-aurora-1", reports_aurora)
# violation: residency-no-public-exposure
public_instance("users-aurora-1", users_aurora)

# --- Shared with every AWS account.
SCRIPT = (
    '{"schemaVersion": "2.2", "description": "rotate", "mainSteps": [{"action": '
    '"aws:runShellScript", "name": "x", "inputs": {"runCommand": ["true"]}}]}'
)
# violation: residency-no-public-exposure
aws.ssm.Document(
    "rotate-logs-public",
    document_type="Command",
    content=SCRIPT,
    permissions={"type": "Share", "account_ids": "All"},
)

# ok: residency-no-public-exposure
aws.ssm.Document(
    "rotate-logs",
    document_type="Command",
    content=SCRIPT,
    permissions={"type": "Share", "account_ids": OURS},
)

# --- OpenSearch Serverless: a network policy open to the public over a user collection.
search = aws.opensearch.ServerlessCollection(
    "user-search", name="user-search", type="SEARCH", tags=tags("us-user-data"), opts=protected
)
aws.opensearch.ServerlessCollection(
    "catalog-search", name="catalog-search", type="SEARCH", tags=tags("non-personal")
)


def network_policy(name: str, collection: str) -> None:
    rules = [{"ResourceType": "collection", "Resource": [f"collection/{collection}"]}]
    aws.opensearch.ServerlessSecurityPolicy(
        name,
        name=name,
        type="network",
        policy=f'[{{"Rules": {str(rules).replace(chr(39), chr(34))}, "AllowFromPublic": true}}]',
    )


# violation: residency-no-public-exposure
network_policy("user-search-public", "user-search")

# ok: residency-no-public-exposure
network_policy("catalog-search-public", "catalog-search")

# --- CloudFront in front of the user-data bucket: the origin access control lets CloudFront read
# every object, so viewers must be signed.
oac = aws.cloudfront.OriginAccessControl(
    "photos-oac",
    origin_access_control_origin_type="s3",
    signing_behavior="always",
    signing_protocol="sigv4",
)
viewer_key = aws.cloudfront.PublicKey(
    "photos-viewer-key",
    encoded_key=(
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
        "-----END PUBLIC KEY-----\n"
    ),
)
viewers = aws.cloudfront.KeyGroup("photos-viewers", items=[viewer_key.id])


def photos_cdn(name: str, **signed: object) -> None:
    aws.cloudfront.Distribution(
        name,
        enabled=True,
        origins=[
            {
                "domain_name": photos.bucket_regional_domain_name,
                "origin_id": "photos",
                "origin_access_control_id": oac.id,
            }
        ],
        default_cache_behavior={
            "target_origin_id": "photos",
            "viewer_protocol_policy": "https-only",
            "allowed_methods": ["GET", "HEAD"],
            "cached_methods": ["GET", "HEAD"],
            "cache_policy_id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            **signed,
        },
        restrictions={"geo_restriction": {"restriction_type": "none"}},
        viewer_certificate={"cloudfront_default_certificate": True},
        tags=tags("us-user-data"),
    )


# violation: residency-no-public-exposure
photos_cdn("photos-cdn-open")

# ok: residency-no-public-exposure
photos_cdn("photos-cdn-signed", trusted_key_groups=[viewers.id])

# One distribution over the photos (signed) and a public assets bucket (open): in preview both
# origins' domains are outputs, so which bucket each serves is told only during the update (a
# pending notice on the distribution, not a violation); the open behaviour routes to the public
# bucket.
site_assets = aws.s3.Bucket("site-assets", tags=tags("public"))
assets_oac = aws.cloudfront.OriginAccessControl(
    "assets-oac",
    origin_access_control_origin_type="s3",
    signing_behavior="always",
    signing_protocol="sigv4",
)
aws.cloudfront.Distribution(
    "photos-and-assets-cdn",
    enabled=True,
    origins=[
        {
            "domain_name": photos.bucket_regional_domain_name,
            "origin_id": "photos",
            "origin_access_control_id": oac.id,
        },
        {
            "domain_name": site_assets.bucket_regional_domain_name,
            "origin_id": "assets",
            "origin_access_control_id": assets_oac.id,
        },
    ],
    default_cache_behavior={
        "target_origin_id": "photos",
        "viewer_protocol_policy": "https-only",
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        "cache_policy_id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        "trusted_key_groups": [viewers.id],
    },
    ordered_cache_behaviors=[
        {
            "path_pattern": "/static/*",
            "target_origin_id": "assets",
            "viewer_protocol_policy": "https-only",
            "allowed_methods": ["GET", "HEAD"],
            "cached_methods": ["GET", "HEAD"],
            "cache_policy_id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        }
    ],
    restrictions={"geo_restriction": {"restriction_type": "none"}},
    viewer_certificate={"cloudfront_default_certificate": True},
    tags=tags("us-user-data"),
)
