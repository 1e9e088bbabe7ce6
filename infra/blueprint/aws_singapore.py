"""The restricted AWS region (ap-southeast-1, Singapore), being phased out: only a bucket of
non-personal data (public build artifacts). Nothing of it is declared once the stack setting
``restrictedRegionRetired`` is true."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from blueprint.aws_s3 import private_bucket_baseline
from blueprint.classification import NON_PERSONAL, classification_tags
from blueprint.providers import child_opts


class NonPersonalArtifacts(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        region: str,
        stack: str,
        account_id: str,
        provider: aws.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:aws:NonPersonalArtifacts", name, None, opts)
        self.region = region
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=f"build-artifacts-{stack}-{account_id}-{region}",
            force_destroy=False,
            tags=classification_tags(NON_PERSONAL, stack),
            opts=child_opts(self, provider),
        )
        private_bucket_baseline(name, self.bucket.id, child_opts(self, provider))
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child_opts(self, provider),
        )
        self.register_outputs({"bucketName": self.bucket.bucket})
