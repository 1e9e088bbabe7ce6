"""The baseline every S3 bucket of the blueprint gets, whatever its classification: ACLs
disabled (``BucketOwnerEnforced``), all four public-access-block flags, and versioning.
AWS provider v7 declares each of these as its own resource next to the bucket."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def private_bucket_baseline(
    name: str, bucket_id: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> aws.s3.BucketVersioning:
    """Declare the baseline for ``bucket_id``; returns the versioning resource, which object
    lock and lifecycle rules must depend on."""
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket_id,
        rule={"object_ownership": "BucketOwnerEnforced"},
        opts=opts,
    )
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block",
        bucket=bucket_id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
    )
    return aws.s3.BucketVersioning(
        f"{name}-versioning",
        bucket=bucket_id,
        versioning_configuration={"status": "Enabled"},
        opts=opts,
    )
