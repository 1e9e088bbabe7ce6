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
