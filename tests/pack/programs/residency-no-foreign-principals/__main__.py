"""Who may reach the data: IAM trust and resource policies on AWS, cross-tenancy statements on
OCI. Trusted: the AWS account 111111111111 (`aws:allowedAccountIds`), the organization
o-fixtureorg01 (policy-config.json) and the OCI tenancy of `oci:tenancyOcid`.
"""

import json

import pulumi_aws as aws
import pulumi_oci as oci

OURS = "111111111111"
PARTNER = "999999999999"
ORG = "o-fixtureorg01"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaafixturetenancy"
PARTNER_TENANCY = "ocid1.tenancy.oc1..aaaaaaaapartnertenancy"


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def assume_role(principal: dict, **extra) -> dict:
    return {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal, **extra}


# --- IAM trust policies.
# ok: residency-no-foreign-principals
aws.iam.Role("ops", assume_role_policy=document(assume_role({"AWS": f"arn:aws:iam::{OURS}:root"})))

# ok: residency-no-foreign-principals
aws.iam.Role("worker", assume_role_policy=document(assume_role({"Service": "ec2.amazonaws.com"})))

# violation: residency-no-foreign-principals
aws.iam.Role(
    "partner-support",
    assume_role_policy=document(assume_role({"AWS": f"arn:aws:iam::{PARTNER}:root"})),
)

# A foreign account among our own.
# violation: residency-no-foreign-principals
aws.iam.Role(
    "audit",
    assume_role_policy=document(assume_role({"AWS": [f"arn:aws:iam::{OURS}:root", PARTNER]})),
)

# --- Resource policies.
key = aws.kms.Key(
    "exports-key",
    enable_key_rotation=True,
    tags={"data-classification": "non-personal"},
)

# Anyone in the organization, and nobody else: `*` pinned by aws:PrincipalOrgID.
# ok: residency-no-foreign-principals
aws.kms.KeyPolicy(
    "exports-key-policy",
    key_id=key.id,
    policy=document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}},
        }
    ),
)

queue = aws.sqs.Queue("exports", tags={"data-classification": "non-personal"})

# `*` with no condition: every AWS account.
# violation: residency-no-foreign-principals
aws.sqs.QueuePolicy(
    "exports-open",
    queue_url=queue.url,
    policy=document(
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
    ),
)

# A condition that pins another organization does not help.
# violation: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "exports-partner-org",
    bucket="exports-archive",
    policy=document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::exports-archive/*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-partnerorg99"}},
        }
    ),
)

# ok: residency-no-foreign-principals
aws.lambda_.Permission(
    "exports-invoke-from-s3",
    action="lambda:InvokeFunction",
    function="exports-handler",
    principal="s3.amazonaws.com",
    source_account=OURS,
)

# violation: residency-no-foreign-principals
# violation: residency-named-places
aws.lambda_.Permission(
    "exports-invoke-partner",
    action="lambda:InvokeFunction",
    function="exports-handler",
    principal=PARTNER,
)

# --- OCI IAM: cross-tenancy statements (default provider: tenancy from oci:tenancyOcid).
# ok: residency-no-foreign-principals
oci.identity.Policy(
    "operators",
    compartment_id=TENANCY,
    name="operators",
    description="operators manage the product compartment",
    statements=["Allow group Operators to manage all-resources in compartment product"],
)

# violation: residency-no-foreign-principals
# violation: residency-named-places
oci.identity.Policy(
    "partner-readers",
    compartment_id=TENANCY,
    name="partner-readers",
    description="a partner's auditors read our buckets",
    statements=[
        f"Define tenancy Partner as {PARTNER_TENANCY}",
        "Define group Auditors as ocid1.group.oc1..aaaaaaaapartnerauditors",
        "Admit group Auditors of tenancy Partner to read objects in compartment product",
    ],
)

# Matched case-insensitively.
# violation: residency-no-foreign-principals
# violation: residency-named-places
oci.identity.Policy(
    "partner-writers",
    compartment_id=TENANCY,
    name="partner-writers",
    description="our uploaders write into the partner's tenancy",
    statements=[
        f"DEFINE TENANCY Partner AS {PARTNER_TENANCY}",
        "ENDORSE group Uploaders to manage objects IN TENANCY Partner",
    ],
)

# any-user is every principal of the tenancy (and service principals): a where clause on the
# target does not say who asks.
# violation: residency-no-foreign-principals
oci.identity.Policy(
    "open-read",
    compartment_id=TENANCY,
    name="open-read",
    description="the frontend reads user content",
    statements=[
        "Allow any-user to read objects in tenancy where target.bucket.name = 'user-content'"
    ],
)

# Pinned to the service connectors of the tenancy: named principals.
# ok: residency-no-foreign-principals
oci.identity.Policy(
    "connector-writes",
    compartment_id=TENANCY,
    name="connector-writes",
    description="service connectors write archives",
    statements=[
        "Allow any-user to manage objects in compartment product where all "
        "{request.principal.type = 'serviceconnector', target.bucket.name = 'archive'}"
    ],
)

# Our own tenancy under an alias is fine.
# ok: residency-no-foreign-principals
oci.identity.Policy(
    "home-readers",
    compartment_id=TENANCY,
    name="home-readers",
    description="a second alias of our own tenancy",
    statements=[
        f"Define tenancy Home as {TENANCY}",
        "Endorse group Readers to read objects in tenancy Home",
    ],
)


# --- Service principals in resource policies need a source pin (the confused deputy:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
def allow(principal: dict, action, resource, condition: dict | None = None) -> dict:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}
    if condition is not None:
        statement["Condition"] = condition
    return statement


CLOUDFRONT = {"Service": "cloudfront.amazonaws.com"}

# CloudFront origin access control, as AWS documents it: only our own distribution.
# ok: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "site-origin-oac",
    bucket="site-origin",
    policy=document(
        allow(
            CLOUDFRONT,
            "s3:GetObject",
            "arn:aws:s3:::site-origin/*",
            {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{OURS}:distribution/E1A2B3"}},
        )
    ),
)

# Any distribution of any account may read through CloudFront.
# violation: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "site-origin-any-distribution",
    bucket="site-origin-2",
    policy=document(allow(CLOUDFRONT, "s3:GetObject", "arn:aws:s3:::site-origin-2/*")),
)

# Pinned to a distribution of another account.
# violation: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "site-origin-partner-distribution",
    bucket="site-origin-3",
    policy=document(
        allow(
            CLOUDFRONT,
            "s3:GetObject",
            "arn:aws:s3:::site-origin-3/*",
            {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudfront::{PARTNER}:distribution/*"}},
        )
    ),
)

# S3 server access logs, as the S3 User Guide documents them.
# ok: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "access-logs-from-our-buckets",
    bucket="access-logs",
    policy=document(
        allow(
            {"Service": "logging.s3.amazonaws.com"},
            "s3:PutObject",
            "arn:aws:s3:::access-logs/*",
            {"StringEquals": {"aws:SourceAccount": OURS}},
        )
    ),
)

# violation: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "access-logs-from-anyone",
    bucket="access-logs-2",
    policy=document(
        allow(
            {"Service": "logging.s3.amazonaws.com"}, "s3:PutObject", "arn:aws:s3:::access-logs-2/*"
        )
    ),
)

# The ALB access-log bucket policy, as the ELB User Guide documents it (enable-access-logging):
# the region's ELB account, or the log-delivery service, writes under AWSLogs/<our account>/.
# ok: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "alb-logs",
    bucket="alb-logs",
    policy=document(
        allow(
            {"AWS": "arn:aws:iam::127311923021:root"},
            "s3:PutObject",
            f"arn:aws:s3:::alb-logs/web/AWSLogs/{OURS}/*",
        ),
        allow(
            {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
            "s3:PutObject",
            f"arn:aws:s3:::alb-logs/web/AWSLogs/{OURS}/*",
        ),
        allow(
            {"Service": "delivery.logs.amazonaws.com"}, "s3:GetBucketAcl", "arn:aws:s3:::alb-logs"
        ),
    ),
)

# The ELB account may not read the logs back.
# violation: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "alb-logs-readable",
    bucket="alb-logs-2",
    policy=document(
        allow(
            {"AWS": "arn:aws:iam::127311923021:root"},
            ["s3:PutObject", "s3:GetObject"],
            "arn:aws:s3:::alb-logs-2/*",
        )
    ),
)

# The load balancers of another account write into our bucket.
# violation: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "alb-logs-partner",
    bucket="alb-logs-3",
    policy=document(
        allow(
            {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
            "s3:PutObject",
            f"arn:aws:s3:::alb-logs-3/AWSLogs/{PARTNER}/*",
        )
    ),
)

# "Delegate access control to access points" (S3 User Guide): only through our access points.
# ok: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "datasets-via-access-points",
    bucket="datasets",
    policy=document(
        allow(
            {"AWS": "*"},
            "*",
            ["arn:aws:s3:::datasets", "arn:aws:s3:::datasets/*"],
            {"StringEquals": {"s3:DataAccessPointAccount": OURS}},
        )
    ),
)

# violation: residency-no-foreign-principals
aws.s3.BucketPolicy(
    "datasets-via-partner-access-points",
    bucket="datasets-2",
    policy=document(
        allow(
            {"AWS": "*"},
            "*",
            ["arn:aws:s3:::datasets-2", "arn:aws:s3:::datasets-2/*"],
            {"StringEquals": {"s3:DataAccessPointAccount": PARTNER}},
        )
    ),
)

# A key policy: CloudFront's log delivery may generate data keys (AWS documents it without a
# condition) but may not decrypt unpinned.
# ok: residency-no-foreign-principals
aws.kms.Key(
    "cdn-logs-key",
    enable_key_rotation=True,
    tags={"data-classification": "non-personal"},
    policy=document(
        allow({"AWS": f"arn:aws:iam::{OURS}:root"}, "kms:*", "*"),
        allow({"Service": "delivery.logs.amazonaws.com"}, "kms:GenerateDataKey*", "*"),
    ),
)

# violation: residency-no-foreign-principals
aws.kms.Key(
    "cdn-logs-key-2",
    enable_key_rotation=True,
    tags={"data-classification": "non-personal"},
    policy=document(
        allow({"AWS": f"arn:aws:iam::{OURS}:root"}, "kms:*", "*"),
        allow(
            {"Service": "delivery.logs.amazonaws.com"}, ["kms:GenerateDataKey*", "kms:Decrypt"], "*"
        ),
    ),
)

# The CloudWatch Logs key policy of the KMS guide: pinned by the encryption context.
# ok: residency-no-foreign-principals
aws.kms.Key(
    "app-logs-key",
    enable_key_rotation=True,
    tags={"data-classification": "non-personal"},
    policy=document(
        allow({"AWS": f"arn:aws:iam::{OURS}:root"}, "kms:*", "*"),
        allow(
            {"Service": "logs.us-east-1.amazonaws.com"},
            [
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            "*",
            {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{OURS}:*"}},
        ),
    ),
)

# SNS delivering to our queue: pinned to our topic. Unpinned: any account's topic.
# ok: residency-no-foreign-principals
aws.sqs.QueuePolicy(
    "exports-from-our-topic",
    queue_url=queue.url,
    policy=document(
        allow(
            {"Service": "sns.amazonaws.com"},
            "sqs:SendMessage",
            "*",
            {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{OURS}:exports"}},
        )
    ),
)

# violation: residency-no-foreign-principals
aws.sqs.QueuePolicy(
    "exports-from-any-topic",
    queue_url=queue.url,
    policy=document(allow({"Service": "sns.amazonaws.com"}, "sqs:SendMessage", "*")),
)

# Lambda: a service principal with no source pinned; an S3 trigger pinned to one bucket.
# violation: residency-no-foreign-principals
aws.lambda_.Permission(
    "exports-invoke-from-any-bucket",
    action="lambda:InvokeFunction",
    function="exports-handler",
    principal="s3.amazonaws.com",
)

# ok: residency-no-foreign-principals
aws.lambda_.Permission(
    "exports-invoke-from-uploads",
    action="lambda:InvokeFunction",
    function="exports-handler",
    principal="s3.amazonaws.com",
    source_arn="arn:aws:s3:::exports-uploads",
)

# --- Federated trust: the repository (GitHub) or the identity pool (Cognito), literally, and
# one the platform team declared in trustedFederatedSubjects (policy-config.json).
GITHUB = "token.actions.githubusercontent.com"
GITHUB_PROVIDER = f"arn:aws:iam::{OURS}:oidc-provider/{GITHUB}"


def github_role(name: str, sub: str):
    return aws.iam.Role(
        name,
        assume_role_policy=document(
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {"Federated": GITHUB_PROVIDER},
                "Condition": {
                    "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                    "StringLike": {f"{GITHUB}:sub": sub},
                },
            }
        ),
    )


# ok: residency-no-foreign-principals
github_role("deploy-main", "repo:fixture-org/billing:ref:refs/heads/main")

# A literal repository, but of another organization: nobody declared it.
# violation: residency-no-foreign-principals
github_role("deploy-partner-repo", "repo:partner-contractor/data-sync:ref:refs/heads/main")

# The issuer the platform team declared.
# ok: residency-no-foreign-principals
aws.iam.OpenIdConnectProvider(
    "github-actions", url=f"https://{GITHUB}", client_id_lists=["sts.amazonaws.com"]
)

# A partner-hosted identity provider: whoever runs it mints identities our roles may trust.
# violation: residency-no-foreign-principals
aws.iam.OpenIdConnectProvider(
    "partner-idp", url="https://idp.partner.example.net", client_id_lists=["our-app"]
)



# Any identity provider decides who signs in, not only OIDC providers: a SAML provider's issuer
# (its metadata's entityID) must be declared too.
def saml_metadata(entity_id: str) -> str:
    return (
        f'<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">'
        "<IDPSSODescriptor/></EntityDescriptor>"
    )


# ok: residency-no-foreign-principals
aws.iam.SamlProvider(
    "corp-sso", saml_metadata_document=saml_metadata("https://sso.fixture-corp.example/saml")
)

# violation: residency-no-foreign-principals
aws.iam.SamlProvider(
    "partner-sso", saml_metadata_document=saml_metadata("https://idp.partner.example.net/saml")
)

# A Cognito user pool that lets a partner's OIDC issuer sign its users in.
# violation: residency-no-foreign-principals
aws.cognito.IdentityProvider(
    "pool-partner-oidc",
    user_pool_id="us-east-1_fixture",
    provider_name="partner",
    provider_type="OIDC",
    provider_details={"oidc_issuer": "https://idp.partner.example.net", "client_id": "app",
                      "authorize_scopes": "openid", "attributes_request_method": "GET"},
)  # fmt: skip

# Every repository on GitHub.
# violation: residency-no-foreign-principals
github_role("deploy-any-repo", "repo:*")

# Every repository of the organization, on any branch.
# violation: residency-no-foreign-principals
github_role("deploy-any-org-repo", "repo:fixture-org/*:*")

# violation: residency-no-foreign-principals
aws.iam.Role(
    "mobile-users",
    assume_role_policy=document(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Condition": {"StringLike": {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}},
        }
    ),
)

IDENTITY_POOL = "us-east-1:12345678-aaaa-bbbb-cccc-123456789012"

# ok: residency-no-foreign-principals
aws.iam.Role(
    "mobile-users-pool",
    assume_role_policy=document(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
        }
    ),
)

# The declared pool's guest role: `amr` allows `unauthenticated`, so anyone on the internet gets
# the pool's credentials for it (red team 5b f28).
# violation: residency-no-foreign-principals
aws.iam.Role(
    "mobile-guests",
    assume_role_policy=document(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL},
                "ForAnyValue:StringLike": {
                    "cognito-identity.amazonaws.com:amr": "unauthenticated"
                },
            },
        }
    ),
)

# The declared pool with no `amr` condition at all: guests included.
# violation: residency-no-foreign-principals
aws.iam.Role(
    "mobile-any-identity",
    assume_role_policy=document(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL}},
        }
    ),
)

# A literal identity pool nobody declared (another account's pool tells no account).
# violation: residency-no-foreign-principals
aws.iam.Role(
    "partner-pool-users",
    assume_role_policy=document(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Condition": {
                "StringEquals": {
                    "cognito-identity.amazonaws.com:aud": "us-east-1:0b5c7a9e-1111-2222"
                },
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
        }
    ),
)

# --- EventBridge permissions: the condition block is the bus policy's condition.
# Every account of the trusted organization may put events on the default bus.
# ok: residency-no-foreign-principals
aws.cloudwatch.EventPermission(
    "org-put-events",
    principal="*",
    statement_id="OrgPutEvents",
    event_bus_name="default",
    condition={"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": ORG},
)

# The same grant pinned to an organization the policy config does not trust.
# violation: residency-no-foreign-principals
aws.cloudwatch.EventPermission(
    "partner-org-put-events",
    principal="*",
    statement_id="PartnerOrgPutEvents",
    event_bus_name="default",
    condition={"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": "o-partnerorg99"},
)
