"""Backups of US user data on AWS, in the backup region (us-east-1 by default).

A single-region KMS key with rotation; an S3 bucket encrypted with it, versioned, under object
lock in compliance mode, closed to the public, with a lifecycle; an AWS Backup vault with a vault
lock and a daily plan that backs the bucket up into it (no copy action); and the role the export
job assumes, trusted only by the company's own accounts.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from blueprint import aws_policies
from blueprint.aws_s3 import private_bucket_baseline
from blueprint.classification import US_USER_DATA, classification_tags
from blueprint.providers import child_opts

VAULT_LOCK_GRACE_DAYS = 3  # after this the vault lock can no longer be changed or removed


def backup_bucket_name(stack: str, account_id: str, region: str) -> str:
    return f"us-user-data-backups-{stack}-{account_id}-{region}"


class UserDataBackups(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        region: str,
        partition: str,
        account_ids: tuple[str, ...],
        retention_days: int,
        stack: str,
        provider: aws.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:aws:UserDataBackups", name, None, opts)
        self.region = region
        tags = classification_tags(US_USER_DATA, stack)

        def protected(depends_on: list[pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
            return child_opts(self, provider, protect=True, depends_on=depends_on)

        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"Backups of US user data ({stack})",
            multi_region=False,
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=aws_policies.key_policy(partition, account_ids),
            tags=tags,
            opts=protected(),
        )
        aws.kms.Alias(
            f"{name}-key-alias",
            name=f"alias/us-user-data-backups-{stack}",
            target_key_id=self.key.key_id,
            opts=child_opts(self, provider),
        )

        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            # A fixed name (global in S3, so it carries the account and region): the bucket's ARN
            # and the policies that name it are then known in preview, for the policy pack.
            bucket=backup_bucket_name(stack, account_ids[0], region),
            object_lock_enabled=True,
            force_destroy=False,
            tags=tags,
            opts=protected(),
        )
        bucket_id = self.bucket.id
        bucket_arn = f"arn:{partition}:s3:::{backup_bucket_name(stack, account_ids[0], region)}"
        versioning = private_bucket_baseline(name, bucket_id, protected())
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": self.key.arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=protected(),
        )
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-object-lock",
            bucket=bucket_id,
            object_lock_enabled="Enabled",
            rule={"default_retention": {"mode": "COMPLIANCE", "days": retention_days}},
            opts=protected(depends_on=[versioning]),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            rules=[
                {
                    "id": "archive-then-expire-old-versions",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "transitions": [{"days": 30, "storage_class": "GLACIER_IR"}],
                    "noncurrent_version_expiration": {"noncurrent_days": retention_days + 1},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=protected(depends_on=[versioning]),
        )
        aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket_id,
            policy=aws_policies.tls_only_bucket_policy(bucket_arn),
            opts=protected(),
        )

        self.vault = aws.backup.Vault(
            f"{name}-vault",
            name=f"us-user-data-{stack}",
            kms_key_arn=self.key.arn,
            force_destroy=False,
            tags=tags,
            opts=protected(),
        )
        aws.backup.VaultLockConfiguration(
            f"{name}-vault-lock",
            backup_vault_name=self.vault.name,
            min_retention_days=retention_days,
            max_retention_days=max(retention_days, 365),
            changeable_for_days=VAULT_LOCK_GRACE_DAYS,
            opts=protected(),
        )

        # AWS Backup keeps daily recovery points of the backup bucket in the locked vault, in
        # this region only: the plan has no copy action.
        service_role = aws.iam.Role(
            f"{name}-service-role",
            name=f"us-user-data-aws-backup-{stack}",
            description="Assumed by AWS Backup to back up the US user-data backup bucket",
            assume_role_policy=aws_policies.backup_service_trust_policy(account_ids),
            tags={"stack": stack},
            opts=child_opts(self, provider),
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-service-{suffix}",
                role=service_role.name,
                policy_arn=f"arn:{partition}:iam::aws:policy/{managed}",
                opts=child_opts(self, provider),
            )
            for suffix, managed in (
                ("s3-backup", "AWSBackupServiceRolePolicyForS3Backup"),
                ("s3-restore", "AWSBackupServiceRolePolicyForS3Restore"),
            )
        ]
        self.plan = aws.backup.Plan(
            f"{name}-plan",
            name=f"us-user-data-{stack}",
            rules=[
                {
                    "rule_name": "daily",
                    "target_vault_name": self.vault.name,
                    "schedule": "cron(0 5 ? * * *)",
                    "lifecycle": {"delete_after": retention_days},
                }
            ],
            tags=tags,
            opts=protected(),
        )
        aws.backup.Selection(
            f"{name}-selection",
            name="backup-bucket",
            plan_id=self.plan.id,
            iam_role_arn=service_role.arn,
            resources=[bucket_arn],
            opts=child_opts(self, provider, depends_on=[*attachments]),
        )

        self.export_role = aws.iam.Role(
            f"{name}-export-role",
            name=f"us-user-data-backup-export-{stack}",
            description="Assumed by the job that exports OCI backups of US user data to S3",
            assume_role_policy=aws_policies.export_role_trust_policy(partition, account_ids),
            tags={"stack": stack},
            opts=child_opts(self, provider),
        )
        aws.iam.RolePolicy(
            f"{name}-export-policy",
            role=self.export_role.id,
            policy=self.key.arn.apply(
                lambda key_arn: aws_policies.export_role_policy(bucket_arn, key_arn)
            ),
            opts=child_opts(self, provider),
        )
        self.register_outputs({"bucketName": self.bucket.bucket, "vaultName": self.vault.name})
