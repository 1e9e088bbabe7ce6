"""Providers decide whose account, tenancy and endpoints everything created through them uses.

Trusted (Pulumi.test.yaml, the stack's own config): the AWS account 111111111111
(`aws:allowedAccountIds`) and the OCI tenancy of `oci:tenancyOcid`, in realm oc1. A provider the
program declares never adds to that: a partner account it lists is still a partner's.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

OURS = "111111111111"
PARTNER = "999999999999"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaafixturetenancy"
VENDOR_TENANCY = "ocid1.tenancy.oc1..aaaaaaaavendortenancy"
NON_PERSONAL = {"data-classification": "non-personal"}

# --- AWS: accounts.
# ok: residency-provider-trust
virginia = aws.Provider("virginia", region="us-east-1", allowed_account_ids=[OURS])

# A deploy role in our own account.
# ok: residency-provider-trust
aws.Provider(
    "deployer",
    region="us-east-1",
    allowed_account_ids=[OURS],
    assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=f"arn:aws:iam::{OURS}:role/deploy")],
)

# Our account forbidden: the provider's credentials can only be for someone else's account.
# violation: residency-provider-trust
aws.Provider("elsewhere", region="us-east-1", forbidden_account_ids=[OURS])

# A deny list alone pins no account: the provider deploys into whatever account its profile's
# credentials belong to (an explicit provider does not read the stack's aws:allowedAccountIds).
# violation: residency-provider-trust
aws.Provider(
    "not-the-partner", region="us-east-1", profile="contractor", forbidden_account_ids=[PARTNER]
)

# Static keys and no allowed_account_ids: the keys' account, whoever's it is.
# violation: residency-provider-trust
aws.Provider(
    "static-keys",
    region="us-east-1",
    access_key="AKIAFIXTUREKEY000000",
    secret_key="fixture/secret",
    skip_requesting_account_id=True,
)

# The same deny list next to an allow list of our account only: pinned.
# ok: residency-provider-trust
aws.Provider(
    "pinned-not-the-partner",
    region="us-east-1",
    allowed_account_ids=[OURS],
    forbidden_account_ids=[PARTNER],
)

# The partner's account listed next to ours: the provider may then create in it.
# violation: residency-provider-trust
partner_listed = aws.Provider(
    "partner-listed", region="us-east-1", allowed_account_ids=[OURS, PARTNER]
)

# Whatever the provider lists, the partner is not trusted: no read access for it.
# violation: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "partner-read",
    bucket="exports-bucket",
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::exports-bucket/*",
                }
            ],
        }
    ),
    opts=pulumi.ResourceOptions(provider=partner_listed),
)

# Everything created through this provider is created in the vendor's account.
# violation: residency-provider-trust
vendor = aws.Provider(
    "vendor-role",
    region="us-east-1",
    assume_roles=[{"role_arn": f"arn:aws:iam::{PARTNER}:role/OrganizationAccountAccessRole"}],
)

# The provider is the finding: a queue created through it is not reported again by this rule.
# ok: residency-provider-trust
aws.sqs.Queue("vendor-queue", tags=NON_PERSONAL, opts=pulumi.ResourceOptions(provider=vendor))

# violation: residency-provider-trust
aws.Provider(
    "web-identity",
    region="us-east-1",
    assume_role_with_web_identity=aws.ProviderAssumeRoleWithWebIdentityArgs(
        role_arn=f"arn:aws:iam::{PARTNER}:role/ci",
        web_identity_token_file="/var/run/token",
    ),
)

# --- AWS: endpoints.
# The service's own endpoint in the provider's region (FIPS, say).
# ok: residency-provider-trust
aws.Provider(
    "fips",
    region="us-east-1",
    allowed_account_ids=[OURS],
    endpoints=[aws.ProviderEndpointArgs(s3="https://s3-fips.us-east-1.amazonaws.com")],
)

# violation: residency-provider-trust
aws.Provider(
    "external-endpoint",
    region="us-east-1",
    allowed_account_ids=[OURS],
    endpoints=[aws.ProviderEndpointArgs(s3="https://s3.storage.partner.example")],
)

# The pack would place this provider's buckets in us-east-1; they would be in eu-west-1.
# violation: residency-provider-trust
aws.Provider(
    "foreign-region-endpoint",
    region="us-east-1",
    allowed_account_ids=[OURS],
    endpoints=[aws.ProviderEndpointArgs(s3="https://s3.eu-west-1.amazonaws.com")],
)

# An AWS host, but a customer's resource (an API Gateway stage), not the DynamoDB service.
# violation: residency-provider-trust
aws.Provider(
    "customer-host-endpoint",
    region="us-east-1",
    allowed_account_ids=[OURS],
    endpoints=[
        aws.ProviderEndpointArgs(dynamodb="https://abc123.execute-api.us-east-1.amazonaws.com")
    ],
)

# violation: residency-provider-trust
aws.Provider(
    "proxied",
    region="us-east-1",
    allowed_account_ids=[OURS],
    https_proxy="http://proxy.partner.example:3128",
)

# --- OCI.
# ok: residency-provider-trust
oci.Provider("phoenix", region="us-phoenix-1", tenancy_ocid=TENANCY)

# violation: residency-provider-trust
vendor_tenancy = oci.Provider("vendor-tenancy", region="us-ashburn-1", tenancy_ocid=VENDOR_TENANCY)

# A region of the US government realm oc2, outside the trusted realms (and the allowed regions).
# violation: residency-provider-trust
# violation: residency-region-allowlist
oci.Provider("gov-realm", region="us-langley-1", tenancy_ocid=TENANCY)

# ok: residency-provider-trust
oci.objectstorage.Bucket(
    "vendor-bucket",
    compartment_id=TENANCY,
    namespace="fixture",
    name="vendor-bucket",
    freeform_tags=NON_PERSONAL,
    opts=pulumi.ResourceOptions(provider=vendor_tenancy),
)

# --- OCI providers whose tenancy the credentials decide (red team 3).
# A config-file profile, an instance principal: the tenancy is whoever's credentials those are.
# violation: residency-provider-trust
oci.Provider("partner-profile", region="us-ashburn-1", config_file_profile="PARTNER")

# violation: residency-provider-trust
oci.Provider("instance-principal", region="us-ashburn-1", auth="InstancePrincipal")

# The same with the company's tenancy stated.
# ok: residency-provider-trust
oci.Provider(
    "instance-principal-ours", region="us-ashburn-1", auth="InstancePrincipal", tenancy_ocid=TENANCY
)

# The deployment's own credentials, in the stack's tenancy (`oci:tenancyOcid`).
# ok: residency-provider-trust
oci.Provider("default-credentials", region="us-ashburn-1")

# A token exchanged at a partner's identity domain.
# violation: residency-provider-trust
oci.Provider(
    "partner-token-exchange",
    region="us-ashburn-1",
    tenancy_ocid=TENANCY,
    auth="oci_token_exchange",
    token_exchange_domain_url="https://idcs-partner.identity.partner.example",
    token_exchange_client_id="fixture",
)

# ok: residency-provider-trust
oci.Provider(
    "own-token-exchange",
    region="us-ashburn-1",
    tenancy_ocid=TENANCY,
    auth="oci_token_exchange",
    token_exchange_domain_url="https://idcs-0123abcd.identity.oraclecloud.com",
    token_exchange_client_id="fixture",
)

# --- ignoreTags on the classification key: the provider stops managing the label after the
# create (it drops the key from what it reads back and from tagsAll), so a relabel in code never
# reaches the cloud and a label changed there is never shown. A prefix of the key counts.
# violation: residency-provider-trust
aws.Provider(
    "ignores-classification",
    region="us-east-1",
    allowed_account_ids=[OURS],
    ignore_tags={"key_prefixes": ["data-"]},
)

# Ignoring other keys is fine, and default tags are applied to every resource.
# ok: residency-provider-trust
aws.Provider(
    "ignores-team-tags",
    region="us-east-1",
    allowed_account_ids=[OURS],
    ignore_tags={"keys": ["team"], "key_prefixes": ["kubernetes.io/"]},
    default_tags={"tags": {"data-classification": "non-personal"}},
)
