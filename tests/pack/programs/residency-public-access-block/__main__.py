"""User-data buckets and what keeps them closed: S3 public access blocks (OCI
pre-authenticated requests are residency-no-public-exposure's).

The user-data buckets are otherwise well built (protected, encrypted with a key of their region).
"""

import pulumi
import pulumi_aws as aws

protected = pulumi.ResourceOptions(protect=True)


def tags(classification: str) -> dict[str, str]:
    return {"data-classification": classification, "product": "messages"}


key = aws.kms.Key(
    "messages-key", enable_key_rotation=True, tags=tags("us-user-data"), opts=protected
)


def encrypt(name: str, bucket: aws.s3.Bucket) -> None:
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key.arn,
                }
            }
        ],
    )


def block(name: str, bucket: aws.s3.Bucket, *, restrict_public_buckets: bool = True) -> None:
    aws.s3.BucketPublicAccessBlock(
        f"{name}-block",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=restrict_public_buckets,
    )


# --- S3.
# ok: residency-public-access-block
attachments = aws.s3.Bucket("attachments", tags=tags("us-user-data"), opts=protected)
encrypt("attachments", attachments)
block("attachments", attachments)

# violation: residency-public-access-block
drafts = aws.s3.Bucket("drafts", tags=tags("us-user-data"), opts=protected)
encrypt("drafts", drafts)

# A block with one setting off does not count.
# violation: residency-public-access-block
exports = aws.s3.Bucket("exports", tags=tags("us-user-data"), opts=protected)
encrypt("exports", exports)
block("exports", exports, restrict_public_buckets=False)

# Non-personal data needs no block (its ACLs are still judged by residency-no-public-exposure).
# ok: residency-public-access-block
aws.s3.Bucket("stickers", tags=tags("non-personal"))

# --- Identity first: a block names its bucket. A block that names another bucket does not cover
# this one, even when it depends on it.
def named_block(name: str, bucket_name: pulumi.Input[str]) -> None:
    aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket_name,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )


# violation: residency-public-access-block
outbox = aws.s3.Bucket(
    "outbox", bucket="messages-outbox", tags=tags("us-user-data"), opts=protected
)
encrypt("outbox", outbox)
named_block("outbox-block", outbox.urn.apply(lambda _: "messages-outbox-decoy"))

# ok: residency-public-access-block
sent = aws.s3.Bucket("sent", bucket="messages-sent", tags=tags("us-user-data"), opts=protected)
encrypt("sent", sent)
named_block("sent-block", "messages-sent")

# --- An account-level block covers the account it names, only: this one is a partner's, so the
# bucket below (of our account) still needs its own block.
# violation: residency-named-places
aws.s3.AccountPublicAccessBlock(
    "partner-account-block",
    account_id="999999999999",
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)

# violation: residency-public-access-block
archive = aws.s3.Bucket("archive", tags=tags("us-user-data"), opts=protected)
encrypt("archive", archive)
