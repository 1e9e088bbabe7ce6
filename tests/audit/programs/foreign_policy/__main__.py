"""A user-data bucket, compliant but for one thing: a bucket policy built from the bucket's ARN
(unknown in preview), granting read access to an account that is not one of the stack's."""

import pulumi
import pulumi_aws as aws
from policy_document import partner_read_policy

provider = aws.Provider("us-east-1", region="us-east-1", allowed_account_ids=["111122223333"])
tags = {"data-classification": "us-user-data"}
key = aws.kms.Key(
    "user-exports-key",
    enable_key_rotation=True,
    tags=tags,
    opts=pulumi.ResourceOptions(provider=provider, protect=True),
)
bucket = aws.s3.Bucket(
    "user-exports",
    bucket="user-exports-111122223333",
    tags=tags,
    opts=pulumi.ResourceOptions(provider=provider, protect=True),
)
child = pulumi.ResourceOptions(provider=provider)
aws.s3.BucketServerSideEncryptionConfiguration(
    "user-exports-encryption",
    bucket=bucket.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": key.arn,
            }
        }
    ],
    opts=child,
)
aws.s3.BucketPublicAccessBlock(
    "user-exports-public-access",
    bucket=bucket.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
    opts=child,
)
aws.s3.BucketPolicy(
    "user-exports-partner",
    bucket=bucket.id,
    policy=bucket.arn.apply(partner_read_policy),
    opts=child,
)
